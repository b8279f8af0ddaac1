#include "daemon/cli/status_report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "daemon/uplink/payload.h"

namespace sckd {
namespace {

using nlohmann::json;

constexpr std::size_t kMinutesPerMark = 2;  // 60 minutes in 30 characters
// A value older than this many intervals is marked stale: the sensor stopped answering
// or the daemon stopped reading it.
constexpr std::int64_t kStaleIntervals = 3;

// Characters as a terminal shows them: UTF-8 continuation bytes take no column.
std::size_t columns(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string padded(const std::string& text, std::size_t width) {
  const std::size_t used = columns(text);
  return used >= width ? text + " " : text + std::string(width - used, ' ');
}

std::string label(const char* name) {
  return padded(name, 12);
}

std::string humanSize(std::uint64_t bytes) {
  char text[32];
  if (bytes < 10'000)
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  else if (bytes < 10'000'000)
    std::snprintf(text, sizeof text, "%.1f kB", static_cast<double>(bytes) / 1e3);
  else
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

std::string ago(std::int64_t t, std::int64_t now) {
  if (t > now + 1) return "in the future";
  return ageText(now - t) + " ago";
}

std::string when(std::optional<std::int64_t> t, std::int64_t now) {
  if (!t) return "never";
  return formatRecordedAt(*t) + " (" + ago(*t, now) + ")";
}

json timeOrNull(std::optional<std::int64_t> t) {
  return t ? json(formatRecordedAt(*t)) : json(nullptr);
}

std::string count(std::uint64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// Failing sensors first, each group in the config's order.
std::vector<const SensorState*> failingFirst(const RuntimeSnapshot& state) {
  std::vector<const SensorState*> out;
  for (const SensorState& s : state.sensors)
    if (s.failing) out.push_back(&s);
  for (const SensorState& s : state.sensors)
    if (!s.failing) out.push_back(&s);
  return out;
}

void appendSensor(std::string& out, const SensorState& s, std::int64_t now, bool ascii) {
  out += "  " + std::string(s.failing ? (ascii ? "! " : "✗ ") : "  ") + s.where;
  if (s.intervalSeconds > 0) out += ", every " + ageText(s.intervalSeconds);
  out += "\n";
  if (s.failing || s.failures > 0) {
    out += "      ";
    out += s.failing ? "FAILING: " : "recovered: ";
    out += std::to_string(s.failures) + " of " + count(s.readings, "reading") + " failed";
    if (!s.lastError.empty()) {
      out += ", last " + ago(s.lastErrorAt, now) + ": " + s.lastError;
    }
    out += "\n";
  }
  if (s.quantities.empty() && !s.failing) out += "      no reading yet\n";
  for (const QuantityState& q : s.quantities) {
    std::string line =
        "      " + padded(q.name, 14) + padded(q.text + " " + displayUnit(q.unit, ascii), 14);
    std::string age = ago(q.at, now);
    if (s.intervalSeconds > 0 && now - q.at > kStaleIntervals * s.intervalSeconds)
      age += " (stale)";
    line += padded(age, 12) + sparkline(q.history(now), ascii);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
}

}  // namespace

std::string displayUnit(const std::string& unit, bool ascii) {
  if (ascii) return unit;
  if (unit == "degC") return "°C";
  if (unit == "ug/m3") return "µg/m³";
  return unit;
}

std::string sparkline(const std::vector<std::optional<double>>& history, bool ascii) {
  static const char* const kUtf8[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAscii[] = "_.-:=+*#";
  constexpr int kLevels = 8;
  std::vector<std::optional<double>> marks;
  for (std::size_t i = 0; i < history.size(); i += kMinutesPerMark) {
    double sum = 0;
    int n = 0;
    for (std::size_t j = i; j < std::min(history.size(), i + kMinutesPerMark); ++j) {
      if (history[j]) {
        sum += *history[j];
        ++n;
      }
    }
    marks.push_back(n > 0 ? std::optional<double>(sum / n) : std::nullopt);
  }
  double lo = 0;
  double hi = 0;
  bool any = false;
  for (const auto& m : marks) {
    if (!m) continue;
    lo = any ? std::min(lo, *m) : *m;
    hi = any ? std::max(hi, *m) : *m;
    any = true;
  }
  std::string out;
  for (const auto& m : marks) {
    if (!m) {
      out += ' ';
      continue;
    }
    // A flat line sits in the middle, so it reads as "steady", not "at the bottom".
    int level =
        hi > lo ? static_cast<int>((*m - lo) / (hi - lo) * (kLevels - 1) + 0.5) : kLevels / 2 - 1;
    level = std::clamp(level, 0, kLevels - 1);
    if (ascii) {
      out += kAscii[level];
    } else {
      out += kUtf8[level];
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string statusText(const StatusFacts& facts, bool ascii) {
  const std::int64_t now = facts.now;
  std::string out;
  const RuntimeSnapshot* state = facts.state ? &*facts.state : nullptr;
  if (facts.daemonRunning) {
    out += label("daemon") + "running";
    std::string pid = state ? std::to_string(state->pid) : facts.daemonPid;
    std::string detail = pid.empty() ? "" : "pid " + pid;
    if (state)
      detail += (detail.empty() ? "" : ", ") + std::string("started ") + ago(state->startedAt, now);
    if (!detail.empty()) out += " (" + detail + ")";
    out += "\n";
  } else {
    out += label("daemon") + "NOT RUNNING: no sckd holds this outbox (sudo systemctl start sckd; " +
           "journalctl -u sckd says why it stopped)\n";
  }
  if (state) {
    const BrokerState& b = state->broker;
    out += label("broker");
    out += b.connected ? "connected to " + b.endpoint : "NOT CONNECTED to " + b.endpoint;
    if (b.since) out += " for " + ageText(now - *b.since);
    if (!b.connected && !b.lastError.empty()) out += " (" + b.lastError + ")";
    out += "\n";
    std::size_t failing = 0;
    for (const SensorState& s : state->sensors) failing += s.failing ? 1 : 0;
    out += label("sensors") + std::to_string(state->sensors.size() - failing) + " ok";
    if (failing > 0) out += ", " + std::to_string(failing) + " failing";
    out += "\n";
    for (const SensorState* s : failingFirst(*state)) appendSensor(out, *s, now, ascii);
  } else {
    out += label("sensors") + count(facts.configuredSensors.size(), "sensor") + " configured";
    if (facts.daemonRunning) {
      out += "; their live state cannot be read";
      if (!facts.stateProblem.empty()) out += ": " + facts.stateProblem;
    } else {
      out += "; live values show while the daemon runs";
    }
    out += "\n";
  }

  if (!facts.outbox) {
    out += label("outbox") + facts.outboxPath + ": " + facts.outboxProblem + "\n";
    return out;
  }
  const OutboxStats& o = *facts.outbox;
  // While the daemon runs its own count is exact; the file's lags by the readings
  // acknowledged since its last commit.
  const std::uint64_t queued = state ? state->queued : o.queued;
  std::optional<std::int64_t> lastDelivery = o.lastDeliveryAt;
  if (state && state->lastDeliveryAt && (!lastDelivery || *state->lastDeliveryAt > *lastDelivery))
    lastDelivery = state->lastDeliveryAt;
  out += label("queued") + count(queued, "reading") + "\n";
  if (queued > 0) {
    out += "  oldest    " + when(o.oldestRecordedAt, now) + "\n";
    out += "  newest    " + when(o.newestRecordedAt, now) + "\n";
  }
  out += label("delivered") + count(o.delivered, "reading") + "\n";
  out += "  last      " + when(lastDelivery, now) + "\n";
  if (o.unstamped > 0) {
    out += label("waiting") + count(o.unstamped, "reading") +
           " for the clock to sync, then they are queued\n";
  }
  if (o.dropped > 0) {
    out += label("dropped") + count(o.dropped, "reading") +
           " (outbox.max_size reached, or the clock never synced)\n";
  }
  out += label("outbox") + facts.outboxPath + " (" + humanSize(o.sizeBytes) + ")\n";
  return out;
}

std::string statusJson(const StatusFacts& facts) {
  json out = {{"outbox", facts.outboxPath}};
  const RuntimeSnapshot* state = facts.state ? &*facts.state : nullptr;
  json daemon = {{"running", facts.daemonRunning}};
  if (state) {
    daemon["pid"] = state->pid;
    daemon["started_at"] = formatRecordedAt(state->startedAt);
  } else {
    daemon["pid"] = facts.daemonPid.empty() ? json(nullptr) : json(std::stoll(facts.daemonPid));
    daemon["started_at"] = nullptr;
    if (facts.daemonRunning) daemon["state_problem"] = facts.stateProblem;
  }
  out["daemon"] = daemon;
  if (state) {
    const BrokerState& b = state->broker;
    out["broker"] = {{"endpoint", b.endpoint},
                     {"connected", b.connected},
                     {"since", timeOrNull(b.since)},
                     {"last_error", b.lastError.empty() ? json(nullptr) : json(b.lastError)}};
    json sensors = json::array();
    for (const SensorState* s : failingFirst(*state)) {
      json quantities = json::array();
      for (const QuantityState& q : s->quantities) {
        json hour = json::array();
        for (const auto& mean : q.history(facts.now)) hour.push_back(mean ? json(*mean) : json());
        quantities.push_back(
            {{"name", q.name},
             {"unit", q.unit},
             {"id", q.id},
             {"value", q.text.empty() ? json(nullptr) : json::parse(q.text, nullptr, false)},
             {"recorded_at", formatRecordedAt(q.at)},
             {"age_s", facts.now - q.at},
             {"hour", std::move(hour)}});
      }
      sensors.push_back(
          {{"name", s->name},
           {"driver", s->driver},
           {"where", s->where},
           {"interval_s", s->intervalSeconds},
           {"failing", s->failing},
           {"readings", s->readings},
           {"failures", s->failures},
           {"last_error", s->lastError.empty() ? json(nullptr) : json(s->lastError)},
           {"last_error_at", s->lastError.empty() ? json(nullptr) : timeOrNull(s->lastErrorAt)},
           {"quantities", std::move(quantities)}});
    }
    out["sensors"] = std::move(sensors);
  } else {
    out["broker"] = nullptr;
    json sensors = json::array();
    for (const std::string& name : facts.configuredSensors) sensors.push_back({{"name", name}});
    out["sensors"] = std::move(sensors);
  }
  if (facts.outbox) {
    const OutboxStats& o = *facts.outbox;
    std::optional<std::int64_t> lastDelivery = o.lastDeliveryAt;
    if (state && state->lastDeliveryAt && (!lastDelivery || *state->lastDeliveryAt > *lastDelivery))
      lastDelivery = state->lastDeliveryAt;
    out["size_bytes"] = o.sizeBytes;
    out["queued"] = state ? state->queued : o.queued;
    out["oldest_queued"] = timeOrNull(o.oldestRecordedAt);
    out["newest_queued"] = timeOrNull(o.newestRecordedAt);
    out["delivered"] = o.delivered;
    out["last_delivery"] = timeOrNull(lastDelivery);
    out["dropped"] = o.dropped;
    out["waiting_for_clock"] = o.unstamped;
  } else {
    out["error"] = facts.outboxProblem;
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace sckd
