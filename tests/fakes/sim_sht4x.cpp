#include "tests/fakes/sim_sht4x.h"

namespace sckd::testing {

Status SimSht4x::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 1) return nack();
  using std::chrono::microseconds;
  switch (bytes[0]) {
    // SHT4x datasheet Table 4, maximum durations.
    case 0xFD:
      startConversion(microseconds(8300));
      return {};
    case 0xF6:
      startConversion(microseconds(4500));
      return {};
    case 0xE0:
      startConversion(microseconds(1600));
      return {};
    case 0x94:
      countSoftReset();
      cancelConversion();
      return {};
    default:
      return nack();
  }
}

Status SimSht4x::onRead(std::span<std::uint8_t> bytes) {
  return replyResult(bytes, -6.0, 125.0);  // RH = -6 + 125 * S/65535
}

}  // namespace sckd::testing
