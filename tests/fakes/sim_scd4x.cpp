#include "tests/fakes/sim_scd4x.h"

#include <algorithm>
#include <cmath>

#include "drivers/sensirion_crc.h"

namespace sckd::testing {
namespace {

constexpr std::chrono::seconds kPeriod(5);

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

void SimScd4x::startMeasuring() {
  periodic_ = true;
  nextDataAt_ = clock_.monotonic() + kPeriod;
}

Status SimScd4x::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 2) return nack();
  const auto cmd = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  pending_ = 0;
  switch (cmd) {
    case 0x21B1:  // start periodic measurement: idle only
      if (periodic_) return nack();
      startMeasuring();
      return {};
    case 0x3F86:  // stop periodic measurement
      periodic_ = false;
      return {};
    case 0xEC05:
    case 0xE4B8:  // allowed in both modes; 1 ms execution time
      pending_ = cmd;
      answerAt_ = clock_.monotonic() + std::chrono::milliseconds(1);
      return {};
    default:
      return nack();
  }
}

Status SimScd4x::onRead(std::span<std::uint8_t> bytes) {
  const std::uint16_t cmd = pending_;
  pending_ = 0;
  if (cmd == 0 || clock_.monotonic() < answerAt_) return nack();
  if (cmd == 0xE4B8) {
    if (bytes.size() != 3) return makeError("data ready is one word");
    putWord(bytes, 0, dataReady() ? 0x8006 : 0x8000, false);  // ready: low 11 bits non-zero
    return {};
  }
  if (bytes.size() != 9) return makeError("a measurement is 9 bytes");
  if (!dataReady()) return nack();  // datasheet: an empty buffer NACKs the read
  while (nextDataAt_ <= clock_.monotonic()) nextDataAt_ += kPeriod;
  Raw r{co2_, toRaw((temperature_ + 45.0) * 65535.0 / 175.0), toRaw(humidity_ * 65535.0 / 100.0)};
  if (raw_) r = *raw_;
  if (stuck_) r = Raw{0xFFFF, 0xFFFF, 0xFFFF};
  putWord(bytes, 0, r.co2, corruptWord_ == 0);
  putWord(bytes, 1, r.t, corruptWord_ == 1);
  putWord(bytes, 2, r.rh, corruptWord_ == 2);
  corruptWord_ = -1;
  return {};
}

}  // namespace sckd::testing
