#pragma once
// Builds the readings payload exactly as the platform wants it (docs/protocol.md, Payload):
// {"data":[{"recorded_at":"2026-11-24T10:30:00Z","sensors":[{"id":55,"value":21.4}]}]}
// one entry per distinct recorded_at, plain ASCII, every value a finite plain decimal.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "daemon/base/result.h"
#include "daemon/outbox/outbox.h"
#include "daemon/outbox/value_text.h"

namespace sckd {

inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

// "2026-11-24T10:30:00Z"
std::string formatRecordedAt(std::int64_t unixSeconds);

struct BuiltMessage {
  std::string payload;
  std::int64_t firstRowId = 0;  // the rows it carries: exactly the consumed prefix
  std::int64_t lastRowId = 0;
  std::size_t readings = 0;
  std::size_t entries = 0;
};

// Builds one message from the longest prefix of `rows` (in rowId order) that fits in at
// most `maxEntries` distinct recorded_at entries and `maxBytes` of payload. Rows with the
// same recorded_at share an entry wherever they stand in the prefix. Returns nothing when
// `rows` is empty.
std::optional<BuiltMessage> buildMessage(std::span<const StoredReading> rows,
                                         std::size_t maxEntries,
                                         std::size_t maxBytes = kMaxPayloadBytes);

}  // namespace sckd
