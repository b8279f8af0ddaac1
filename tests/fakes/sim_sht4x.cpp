#include "tests/fakes/sim_sht4x.h"

#include <algorithm>
#include <cmath>

#include "drivers/sensirion_crc.h"

namespace sckd::testing {
namespace {

std::uint16_t toRaw(double value) {
  return static_cast<std::uint16_t>(std::clamp(std::lround(value), 0L, 65535L));
}

void putWord(std::span<std::uint8_t> out, std::size_t index, std::uint16_t word, bool corrupt) {
  const auto msb = static_cast<std::uint8_t>(word >> 8);
  const auto lsb = static_cast<std::uint8_t>(word & 0xFF);
  out[3 * index] = msb;
  out[3 * index + 1] = lsb;
  out[3 * index + 2] = static_cast<std::uint8_t>(sensirion::crc8(msb, lsb) ^ (corrupt ? 0x5A : 0));
}

}  // namespace

Status SimSht4x::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 1) return nack();
  using std::chrono::microseconds;
  switch (bytes[0]) {
    // SHT4x datasheet Table 4, maximum durations.
    case 0xFD:
    case 0xF6:
    case 0xE0:
      pending_ = true;
      readyAt_ = clock_.monotonic() + (bytes[0] == 0xFD   ? microseconds(8300)
                                       : bytes[0] == 0xF6 ? microseconds(4500)
                                                          : microseconds(1600));
      return {};
    case 0x94:
      ++softResets_;
      pending_ = false;
      return {};
    default:
      return nack();
  }
}

Status SimSht4x::onRead(std::span<std::uint8_t> bytes) {
  if (!pending_ || clock_.monotonic() < readyAt_) return nack();
  if (bytes.size() != 6) return makeError("a result is 6 bytes");
  pending_ = false;
  std::uint16_t t = toRaw((temperature_ + 45.0) * 65535.0 / 175.0);
  std::uint16_t rh = toRaw((humidity_ + 6.0) * 65535.0 / 125.0);
  if (override_) {
    t = rawT_;
    rh = rawRh_;
  }
  if (stuck_) t = rh = 0xFFFF;
  putWord(bytes, 0, t, corruptWord_ == 0);
  putWord(bytes, 1, rh, corruptWord_ == 1);
  corruptWord_ = -1;
  return {};
}

}  // namespace sckd::testing
