#include "tests/fakes/sim_bh1750.h"

#include <algorithm>
#include <cmath>

namespace sckd::testing {

void SimBh1750::finish() {
  if (!measuring_ || clock_.monotonic() < doneAt_) return;
  measuring_ = false;
  powered_ = false;  // one-time mode: power down after the result
  ++conversions_;
  const double counts = std::round(lux_ * 1.2 * mt_ / 69.0);
  data_ = static_cast<std::uint16_t>(raw_ >= 0 ? raw_ : std::clamp(counts, 0.0, 65535.0));
}

Status SimBh1750::onWrite(std::span<const std::uint8_t> bytes) {
  finish();
  if (bytes.size() != 1) return nack();  // every command is one opcode
  const std::uint8_t op = bytes[0];
  opcodes_.push_back(op);
  if (op == 0x00) {
    powered_ = false;
  } else if (op == 0x01) {
    powered_ = true;
  } else if (op == 0x07) {
    if (powered_) data_ = 0;  // reset clears the result, only when powered on
  } else if ((op & 0xF8) == 0x40) {
    pendingMt_ = (pendingMt_ & 0x1F) | ((op & 0x07) << 5);
    mt_ = pendingMt_;
  } else if ((op & 0xE0) == 0x60) {
    pendingMt_ = (pendingMt_ & 0xE0) | (op & 0x1F);
    mt_ = pendingMt_;
  } else if (op == 0x20) {
    if (powered_ && !measuring_) {
      measuring_ = true;
      // Typical 120 ms at MT 69 (the datasheet's maximum is 180 ms).
      doneAt_ = clock_.monotonic() + std::chrono::microseconds(120'000 * mt_ / 69);
    }
  } else {
    return nack();
  }
  return {};
}

Status SimBh1750::onRead(std::span<std::uint8_t> bytes) {
  finish();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = i == 0   ? static_cast<std::uint8_t>(data_ >> 8)
               : i == 1 ? static_cast<std::uint8_t>(data_ & 0xFF)
                        : 0xFF;
  }
  return {};
}

}  // namespace sckd::testing
