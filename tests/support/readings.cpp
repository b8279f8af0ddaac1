#include "tests/support/readings.h"

#include <cmath>
#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace sckd::testing {
namespace {

// recorded_at -> Unix seconds; -1 when it is not exactly YYYY-MM-DDTHH:MM:SSZ.
std::int64_t parseRecordedAt(const std::string& text) {
  static const std::regex format(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)");
  if (!std::regex_match(text, format)) return -1;
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) return -1;
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace

DecodedMessage decodeReadingsMessage(const ReceivedMessage& message, const std::string& token) {
  DecodedMessage out;
  auto fail = [&](const std::string& what) { out.errors.push_back(what); };
  const std::string& p = message.payload;
  if (message.topic != "device/sck/" + token + "/readings") fail("topic " + message.topic);
  if (message.qos != 1) fail("qos " + std::to_string(message.qos) + " (want 1)");
  if (message.retain) fail("retain flag set");
  if (p.size() >= 64 * 1024) fail("payload of " + std::to_string(p.size()) + " bytes");
  for (unsigned char ch : p) {
    if (ch >= 0x80 || (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')) {
      fail("payload not plain ASCII");
      break;
    }
  }
  // Outside strings a digit or '.' before e/E can only be an exponent; recorded_at strings
  // hold only digits, '-', ':', 'T' and 'Z', so scanning the whole text is exact here.
  static const std::regex exponent(R"([0-9.][eE])");
  if (std::regex_search(p, exponent)) fail("a number written with an exponent: " + p);

  const auto json = nlohmann::json::parse(p, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    fail("not JSON: " + p);
    return out;
  }
  if (!json.is_object() || !json.contains("data") || !json["data"].is_array()) {
    fail("no data array: " + p);
    return out;
  }
  if (json.size() != 1) fail("keys besides data: " + p);
  std::set<std::int64_t> seen;
  for (const auto& entry : json["data"]) {
    ++out.entries;
    if (!entry.is_object() || !entry.contains("recorded_at") || !entry["recorded_at"].is_string()) {
      fail("entry without a string recorded_at: " + entry.dump());
      continue;
    }
    const std::int64_t t = parseRecordedAt(entry["recorded_at"].get<std::string>());
    if (t < 0) fail("bad recorded_at " + entry["recorded_at"].dump());
    if (!seen.insert(t).second) fail("two entries for recorded_at " + entry["recorded_at"].dump());
    if (!entry.contains("sensors") || !entry["sensors"].is_array() || entry["sensors"].empty()) {
      fail("entry without sensors: " + entry.dump());
      continue;
    }
    for (const auto& s : entry["sensors"]) {
      if (!s.is_object() || !s.contains("id") || !s.contains("value")) {
        fail("sensor without id/value: " + s.dump());
        continue;
      }
      if (!s["id"].is_number_integer()) fail("id not an integer: " + s.dump());
      if (!s["value"].is_number() || !std::isfinite(s["value"].get<double>())) {
        fail("value not a finite number: " + s.dump());
        continue;
      }
      if (s["id"].is_number_integer()) {
        out.readings.push_back({t, s["id"].get<std::int64_t>(), s["value"].get<double>()});
      }
    }
  }
  if (out.entries == 0) fail("empty data array");
  return out;
}

DecodedStream decodeAll(const std::vector<ReceivedMessage>& messages, const std::string& token) {
  DecodedStream out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    DecodedMessage m = decodeReadingsMessage(messages[i], token);
    out.readings.insert(out.readings.end(), m.readings.begin(), m.readings.end());
    out.maxEntriesPerMessage = std::max(out.maxEntriesPerMessage, m.entries);
    for (auto& e : m.errors) out.errors.push_back("message " + std::to_string(i) + ": " + e);
  }
  return out;
}

std::set<std::int64_t> counterSeconds(const std::vector<WireReading>& readings, std::int64_t id) {
  std::set<std::int64_t> out;
  for (const auto& r : readings) {
    if (r.id == id && r.value == static_cast<double>(r.recordedAt)) out.insert(r.recordedAt);
  }
  return out;
}

std::vector<std::string> counterMismatches(const std::vector<WireReading>& readings,
                                           std::int64_t id) {
  std::vector<std::string> out;
  for (const auto& r : readings) {
    if (r.id == id && r.value != static_cast<double>(r.recordedAt)) {
      std::ostringstream s;
      s.precision(17);
      s << "id " << id << " at " << r.recordedAt << " has value " << r.value;
      out.push_back(s.str());
    }
  }
  return out;
}

std::string missingSeconds(const std::set<std::int64_t>& have, std::int64_t from, std::int64_t to) {
  std::ostringstream s;
  std::int64_t runStart = -1;
  auto flush = [&](std::int64_t end) {
    if (runStart < 0) return;
    if (s.tellp() > 0) s << ", ";
    s << runStart;
    if (end != runStart) s << "-" << end;
    runStart = -1;
  };
  for (std::int64_t t = from; t <= to; ++t) {
    if (have.count(t) == 0) {
      if (runStart < 0) runStart = t;
    } else {
      flush(t - 1);
    }
  }
  flush(to);
  return s.str();
}

std::size_t countMissing(const std::set<std::int64_t>& have, std::int64_t from, std::int64_t to) {
  std::size_t n = 0;
  for (std::int64_t t = from; t <= to; ++t) n += have.count(t) == 0 ? 1 : 0;
  return n;
}

std::int64_t unixNow() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

}  // namespace sckd::testing
