#include "daemon/uplink/payload.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <vector>

namespace sckd {

namespace {

constexpr std::int64_t kFirstRecordable = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t kLastRecordable = 253402300799;   // 9999-12-31T23:59:59Z

// The fixed text around each part of the payload; their sizes drive the accounting.
constexpr std::string_view kHead = R"({"data":[)";
constexpr std::string_view kTail = "]}";
constexpr std::string_view kEntryHead = R"({"recorded_at":")";
constexpr std::string_view kEntryMid = R"(","sensors":[)";
constexpr std::string_view kEntryTail = "]}";
constexpr std::string_view kSensorHead = R"({"id":)";
constexpr std::string_view kSensorMid = R"(,"value":)";
constexpr std::string_view kSensorTail = "}";

std::string idText(int id) {
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, id);
  (void)ec;  // an int always fits in 16 characters
  return std::string(buf, end);
}

std::size_t sensorBytes(std::size_t idLen, std::size_t valueLen) {
  return kSensorHead.size() + idLen + kSensorMid.size() + valueLen + kSensorTail.size();
}

struct Entry {
  std::int64_t recordedAt;
  std::vector<std::size_t> rows;  // indexes into the row span
};

}  // namespace

std::string formatRecordedAt(std::int64_t unixSeconds) {
  using namespace std::chrono;
  // Keeps the calendar arithmetic in range and the text fixed-width: years 0000..9999.
  unixSeconds = std::clamp<std::int64_t>(unixSeconds, kFirstRecordable, kLastRecordable);
  const sys_seconds t{seconds(unixSeconds)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<BuiltMessage> buildMessage(std::span<const StoredReading> rows,
                                         std::size_t maxEntries, std::size_t maxBytes) {
  if (rows.empty()) return std::nullopt;
  maxEntries = std::max<std::size_t>(maxEntries, 1);

  std::vector<Entry> entries;
  std::unordered_map<std::int64_t, std::size_t> entryOf;  // recorded_at -> entries index
  std::vector<std::string> ids;
  std::vector<std::string> stamps;  // per entry
  std::size_t size = kHead.size() + kTail.size();
  std::size_t taken = 0;

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StoredReading& row = rows[i];
    std::string id = idText(row.sensorId);
    std::size_t added = sensorBytes(id.size(), row.value.size());
    auto found = entryOf.find(row.recordedAt);
    std::string stamp;
    if (found == entryOf.end()) {
      if (entries.size() == maxEntries) break;
      stamp = formatRecordedAt(row.recordedAt);
      added += kEntryHead.size() + stamp.size() + kEntryMid.size() + kEntryTail.size();
      if (!entries.empty()) ++added;  // the comma before this entry
    } else {
      ++added;  // the comma before this sensor: its entry already holds one
    }
    // The first row always goes, however big: a message must make progress.
    if (taken > 0 && size + added > maxBytes) break;
    size += added;
    if (found == entryOf.end()) {
      entryOf.emplace(row.recordedAt, entries.size());
      entries.push_back(Entry{row.recordedAt, {i}});
      stamps.push_back(std::move(stamp));
    } else {
      entries[found->second].rows.push_back(i);
    }
    ids.push_back(std::move(id));
    ++taken;
  }

  BuiltMessage msg;
  msg.payload.reserve(size);
  msg.payload += kHead;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (e > 0) msg.payload += ',';
    msg.payload += kEntryHead;
    msg.payload += stamps[e];
    msg.payload += kEntryMid;
    bool first = true;
    for (std::size_t i : entries[e].rows) {
      if (!first) msg.payload += ',';
      first = false;
      msg.payload += kSensorHead;
      msg.payload += ids[i];
      msg.payload += kSensorMid;
      msg.payload += rows[i].value;
      msg.payload += kSensorTail;
    }
    msg.payload += kEntryTail;
  }
  msg.payload += kTail;
  assert(msg.payload.size() == size);

  msg.firstRowId = rows.front().rowId;
  msg.lastRowId = rows[taken - 1].rowId;
  msg.readings = taken;
  msg.entries = entries.size();
  return msg;
}

}  // namespace sckd
