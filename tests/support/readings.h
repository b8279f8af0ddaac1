#pragma once
// Decodes readings messages as the platform would and checks every rule of
// docs/protocol.md on each one, so every integration test checks the wire format.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_subscriber.h"

namespace sckd::testing {

struct WireReading {
  std::int64_t recordedAt = 0;  // Unix seconds
  std::int64_t id = 0;
  double value = 0;
  bool operator==(const WireReading&) const = default;
};

struct DecodedMessage {
  std::vector<WireReading> readings;
  std::size_t entries = 0;          // entries in its `data` array
  std::vector<std::string> errors;  // every platform rule it breaks
};

// Checks one message as received on `device/sck/<token>/readings`.
DecodedMessage decodeReadingsMessage(const ReceivedMessage& message, const std::string& token);

struct DecodedStream {
  std::vector<WireReading> readings;  // in arrival order, duplicates kept
  std::size_t maxEntriesPerMessage = 0;
  std::vector<std::string> errors;  // "message 3: ..." for every rule broken
};
DecodedStream decodeAll(const std::vector<ReceivedMessage>& messages, const std::string& token);

// Seconds that have a reading for `id` whose value equals its recorded_at (waveform counter).
std::set<std::int64_t> counterSeconds(const std::vector<WireReading>& readings, std::int64_t id);
// Readings for `id` whose value is NOT its recorded_at second, described, for failure output.
std::vector<std::string> counterMismatches(const std::vector<WireReading>& readings,
                                           std::int64_t id);
// The seconds of [from, to] missing from `have`, as compact ranges ("a-b, c").
std::string missingSeconds(const std::set<std::int64_t>& have, std::int64_t from, std::int64_t to);
std::size_t countMissing(const std::set<std::int64_t>& have, std::int64_t from, std::int64_t to);

// Unix seconds now, from the wall clock.
std::int64_t unixNow();

}  // namespace sckd::testing
