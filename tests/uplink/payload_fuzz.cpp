// libFuzzer target for the payload encoder: rows built from the input bytes, every message
// checked against what the platform needs (valid JSON, size bound, an exact row prefix).
// Built as a plain test under gcc (payload_fuzz_test.cpp feeds it seeded inputs).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/uplink/payload.h"

namespace {

#define FUZZ_CHECK(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "payload_fuzz: check failed: %s (line %d)\n", #cond, __LINE__); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  template <typename T>
  T take() {
    T v{};
    std::uint8_t buf[sizeof(T)] = {};
    for (std::size_t i = 0; i < sizeof(T) && pos_ < size_; ++i) buf[i] = data_[pos_++];
    std::memcpy(&v, buf, sizeof(T));
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void checkMessage(const std::vector<sckd::StoredReading>& rows, std::size_t maxEntries,
                  std::size_t maxBytes) {
  auto msg = sckd::buildMessage(rows, maxEntries, maxBytes);
  if (rows.empty()) {
    FUZZ_CHECK(!msg.has_value());
    return;
  }
  FUZZ_CHECK(msg.has_value());
  FUZZ_CHECK(msg->readings >= 1 && msg->readings <= rows.size());
  FUZZ_CHECK(msg->firstRowId == rows.front().rowId);
  FUZZ_CHECK(msg->lastRowId == rows[msg->readings - 1].rowId);
  FUZZ_CHECK(msg->readings == 1 || msg->payload.size() <= maxBytes);
  FUZZ_CHECK(msg->entries >= 1 && msg->entries <= std::max<std::size_t>(maxEntries, 1));
  for (unsigned char c : msg->payload) FUZZ_CHECK(c >= 0x20 && c < 0x7f);

  auto parsed = nlohmann::json::parse(msg->payload, nullptr, false);
  FUZZ_CHECK(!parsed.is_discarded());
  const auto& data = parsed["data"];
  FUZZ_CHECK(data.is_array() && data.size() == msg->entries);

  // Expected grouping: first-appearance order of recorded_at over the prefix.
  std::vector<std::int64_t> order;
  std::map<std::int64_t, std::vector<const sckd::StoredReading*>> groups;
  for (std::size_t i = 0; i < msg->readings; ++i) {
    auto& g = groups[rows[i].recordedAt];
    if (g.empty()) order.push_back(rows[i].recordedAt);
    g.push_back(&rows[i]);
  }
  FUZZ_CHECK(order.size() == data.size());
  for (std::size_t e = 0; e < order.size(); ++e) {
    FUZZ_CHECK(data[e]["recorded_at"] == sckd::formatRecordedAt(order[e]));
    const auto& sensors = data[e]["sensors"];
    const auto& expected = groups[order[e]];
    FUZZ_CHECK(sensors.size() == expected.size());
    for (std::size_t s = 0; s < expected.size(); ++s) {
      FUZZ_CHECK(sensors[s]["id"] == expected[s]->sensorId);
      FUZZ_CHECK(sensors[s]["value"].is_number());
      FUZZ_CHECK(sensors[s]["value"].get<double>() == std::stod(expected[s]->value));
    }
  }

  // Greedy: one more row would have broken a limit.
  if (msg->readings < rows.size()) {
    std::vector<sckd::StoredReading> more(rows.begin(), rows.begin() + msg->readings + 1);
    auto bigger = sckd::buildMessage(more, SIZE_MAX, SIZE_MAX);
    FUZZ_CHECK(bigger.has_value());
    FUZZ_CHECK(bigger->payload.size() > maxBytes ||
               bigger->entries > std::max<std::size_t>(maxEntries, 1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::size_t maxEntries = in.take<std::uint8_t>() % 20;
  const std::size_t maxBytes = in.take<std::uint16_t>() % 4096;
  std::vector<sckd::StoredReading> rows;
  std::int64_t rowId = in.take<std::uint8_t>();
  const std::int64_t base = in.take<std::int32_t>();
  while (!in.empty() && rows.size() < 4000) {
    const std::uint8_t at = in.take<std::uint8_t>();
    const std::int16_t sensor = in.take<std::int16_t>();
    const std::uint8_t kind = in.take<std::uint8_t>();
    double value = 0;
    if (kind & 1) {
      value = in.take<double>();  // any bit pattern, NaN and infinities included
    } else {
      value = static_cast<double>(in.take<std::int32_t>()) / 1000.0;
    }
    const int decimals = static_cast<int>(kind >> 4) - 2;
    auto text = sckd::formatValue(value, decimals);
    if (!text.ok()) {
      FUZZ_CHECK(!std::isfinite(value) || std::fabs(value) >= 1e15);
      continue;
    }
    FUZZ_CHECK(std::isfinite(value) && std::fabs(value) < 1e15);
    FUZZ_CHECK(text->find_first_of("eE") == std::string::npos);
    FUZZ_CHECK(*text != "-0");
    rowId += 1 + (at >> 6);  // ids increase, with gaps as after deletes
    rows.push_back(sckd::StoredReading{rowId, base + (at & 0x0f) * 60, sensor, *text});
  }
  checkMessage(rows, maxEntries, maxBytes);
  return 0;
}
