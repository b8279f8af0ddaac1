#include "daemon/runtime_state.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "daemon/sampling/sampler.h"

namespace sckd {
namespace {

using nlohmann::json;

// STATUS= is one line in `systemctl status`: a long driver message is cut to fit.
constexpr std::size_t kStatusErrorChars = 60;

std::string shortened(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  return text.substr(0, limit - 3) + "...";
}

json optionalTime(const std::optional<std::int64_t>& t) {
  return t ? json(*t) : json(nullptr);
}

}  // namespace

std::string ageText(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string(seconds / 60) + " min";
  if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " days";
}

void QuantityState::add(double value, std::int64_t atUnix) {
  const std::int64_t minute = atUnix / 60;
  Bin& bin = bins[static_cast<std::size_t>(minute % kHistoryMinutes)];
  if (bin.minute != minute) bin = Bin{minute, 0, 0};
  bin.sum += value;
  ++bin.count;
}

std::vector<std::optional<double>> QuantityState::history(std::int64_t nowUnix) const {
  const std::int64_t last = nowUnix / 60;
  std::vector<std::optional<double>> out;
  out.reserve(kHistoryMinutes);
  for (std::int64_t minute = last - static_cast<std::int64_t>(kHistoryMinutes) + 1; minute <= last;
       ++minute) {
    const Bin& bin = bins[static_cast<std::size_t>(minute % kHistoryMinutes)];
    if (bin.minute == minute && bin.count > 0) {
      out.emplace_back(bin.sum / bin.count);
    } else {
      out.emplace_back();
    }
  }
  return out;
}

RuntimeState::RuntimeState(std::string outboxPath, std::int64_t pid, std::int64_t startedAt) {
  snapshot_.outboxPath = std::move(outboxPath);
  snapshot_.pid = pid;
  snapshot_.startedAt = startedAt;
}

SensorState* RuntimeState::find(std::string_view name) {
  for (SensorState& s : snapshot_.sensors) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void RuntimeState::setSensors(const std::vector<SensorConfig>& sensors) {
  std::vector<SensorState> next;
  next.reserve(sensors.size());
  for (const SensorConfig& config : sensors) {
    SensorState state;
    if (SensorState* kept = find(config.name); kept && kept->driver == config.driver) {
      state = std::move(*kept);
    }
    state.name = config.name;
    state.driver = config.driver;
    state.where = Sampler::describe(config);
    state.intervalSeconds = config.interval.count();
    next.push_back(std::move(state));
  }
  snapshot_.sensors = std::move(next);
}

void RuntimeState::record(const SensorReport& report) {
  SensorState* state = find(report.sensor.name);
  if (!state) return;  // not in the config this state was told of (cannot happen)
  const std::int64_t at = toUnixSeconds(report.takenAt);
  ++state->readings;
  state->failing = report.failure.has_value();
  if (report.failure) {
    ++state->failures;
    state->lastError = report.failure->message;
    state->lastErrorAt = at;
  }
  for (const SensorReport::Value& value : report.values) {
    auto q = std::find_if(state->quantities.begin(), state->quantities.end(),
                          [&](const QuantityState& s) { return s.name == value.quantity; });
    if (q == state->quantities.end()) {
      QuantityState fresh;
      fresh.name = std::string(value.quantity);
      fresh.unit = std::string(value.unit);
      q = state->quantities.insert(state->quantities.end(), std::move(fresh));
    }
    q->id = value.id;
    q->text = value.text;
    q->at = at;
    q->add(value.value, at);
  }
}

void RuntimeState::notStarted(const SensorConfig& sensor, const Error& why, std::int64_t nowUnix) {
  SensorState* state = find(sensor.name);
  if (!state) return;
  state->failing = true;
  ++state->failures;
  state->lastError = why.message;
  state->lastErrorAt = nowUnix;
}

void RuntimeState::setQueue(std::uint64_t queued, std::optional<std::int64_t> lastDeliveryAt) {
  snapshot_.queued = queued;
  if (lastDeliveryAt) snapshot_.lastDeliveryAt = lastDeliveryAt;
}

std::string RuntimeState::statusLine(std::int64_t nowUnix) const {
  std::size_t ok = 0;
  std::vector<const SensorState*> failing;
  for (const SensorState& s : snapshot_.sensors) {
    if (s.failing) {
      failing.push_back(&s);
    } else {
      ++ok;
    }
  }
  std::string text = std::to_string(ok) + (ok == 1 ? " sensor ok" : " sensors ok");
  if (!failing.empty()) {
    text += ", " + std::to_string(failing.size()) + " failing (" + failing.front()->name + ": " +
            shortened(failing.front()->lastError, kStatusErrorChars);
    if (failing.size() > 1) text += "; +" + std::to_string(failing.size() - 1) + " more";
    text += ")";
  }
  text += "; " + std::to_string(snapshot_.queued) + " queued";
  if (snapshot_.lastDeliveryAt) {
    text += "; delivered " + ageText(nowUnix - *snapshot_.lastDeliveryAt) + " ago";
  } else {
    text += "; nothing delivered yet";
  }
  const BrokerState& broker = snapshot_.broker;
  if (broker.connected) {
    text += "; broker connected";
  } else {
    text += "; broker not connected";
    if (broker.since) text += " for " + ageText(nowUnix - *broker.since);
    if (!broker.lastError.empty())
      text += " (" + shortened(broker.lastError, kStatusErrorChars) + ")";
  }
  return text;
}

std::string RuntimeState::toJson(std::int64_t nowUnix) const {
  json sensors = json::array();
  for (const SensorState& s : snapshot_.sensors) {
    json quantities = json::array();
    for (const QuantityState& q : s.quantities) {
      json hour = json::array();
      for (const auto& mean : q.history(nowUnix)) hour.push_back(mean ? json(*mean) : json());
      quantities.push_back({{"name", q.name},
                            {"unit", q.unit},
                            {"id", q.id},
                            {"value", q.text},
                            {"at", q.at},
                            {"hour", std::move(hour)}});
    }
    sensors.push_back({{"name", s.name},
                       {"driver", s.driver},
                       {"where", s.where},
                       {"interval_s", s.intervalSeconds},
                       {"readings", s.readings},
                       {"failures", s.failures},
                       {"failing", s.failing},
                       {"last_error", s.lastError},
                       {"last_error_at", s.lastErrorAt},
                       {"quantities", std::move(quantities)}});
  }
  const BrokerState& b = snapshot_.broker;
  json out = {{"version", snapshot_.version},
              {"pid", snapshot_.pid},
              {"started_at", snapshot_.startedAt},
              {"written_at", nowUnix},
              {"outbox", snapshot_.outboxPath},
              {"queued", snapshot_.queued},
              {"last_delivery", optionalTime(snapshot_.lastDeliveryAt)},
              {"broker",
               {{"endpoint", b.endpoint},
                {"connected", b.connected},
                {"since", optionalTime(b.since)},
                {"last_error", b.lastError}}},
              {"sensors", std::move(sensors)}};
  // Sensor names and driver messages are the user's and the hardware's: replace, never
  // throw, on a byte that is not UTF-8.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<RuntimeSnapshot> runtimeSnapshotFromJson(std::string_view text) {
  const json in = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (in.is_discarded() || !in.is_object()) return makeError(ErrorCode::Corrupt, "not JSON");
  const auto version = in.find("version");
  if (version == in.end() || !version->is_number_integer() ||
      version->get<int>() != kRuntimeStateVersion) {
    return makeError(ErrorCode::Invalid,
                     "written by another version of sckd (format " +
                         (version == in.end() ? std::string("unknown") : version->dump()) + ")");
  }
  try {
    RuntimeSnapshot s;
    s.pid = in.at("pid").get<std::int64_t>();
    s.startedAt = in.at("started_at").get<std::int64_t>();
    s.writtenAt = in.at("written_at").get<std::int64_t>();
    s.outboxPath = in.at("outbox").get<std::string>();
    s.queued = in.at("queued").get<std::uint64_t>();
    if (!in.at("last_delivery").is_null())
      s.lastDeliveryAt = in.at("last_delivery").get<std::int64_t>();
    const json& b = in.at("broker");
    s.broker.endpoint = b.at("endpoint").get<std::string>();
    s.broker.connected = b.at("connected").get<bool>();
    if (!b.at("since").is_null()) s.broker.since = b.at("since").get<std::int64_t>();
    s.broker.lastError = b.at("last_error").get<std::string>();
    for (const json& j : in.at("sensors")) {
      SensorState sensor;
      sensor.name = j.at("name").get<std::string>();
      sensor.driver = j.at("driver").get<std::string>();
      sensor.where = j.at("where").get<std::string>();
      sensor.intervalSeconds = j.at("interval_s").get<std::int64_t>();
      sensor.readings = j.at("readings").get<std::uint64_t>();
      sensor.failures = j.at("failures").get<std::uint64_t>();
      sensor.failing = j.at("failing").get<bool>();
      sensor.lastError = j.at("last_error").get<std::string>();
      sensor.lastErrorAt = j.at("last_error_at").get<std::int64_t>();
      for (const json& jq : j.at("quantities")) {
        QuantityState q;
        q.name = jq.at("name").get<std::string>();
        q.unit = jq.at("unit").get<std::string>();
        q.id = jq.at("id").get<int>();
        q.text = jq.at("value").get<std::string>();
        q.at = jq.at("at").get<std::int64_t>();
        // Back into bins, so history() answers the reader as it answered the writer.
        const json& hour = jq.at("hour");
        std::int64_t minute = s.writtenAt / 60 - static_cast<std::int64_t>(hour.size()) + 1;
        for (const json& mean : hour) {
          if (mean.is_number() && minute >= 0) q.add(mean.get<double>(), minute * 60);
          ++minute;
        }
        sensor.quantities.push_back(std::move(q));
      }
      s.sensors.push_back(std::move(sensor));
    }
    return s;
  } catch (const json::exception& e) {
    return makeError(ErrorCode::Corrupt, std::string("unexpected content: ") + e.what());
  }
}

}  // namespace sckd
