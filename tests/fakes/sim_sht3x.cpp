#include "tests/fakes/sim_sht3x.h"

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

Status SimSht3x::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 2) return nack();
  const auto cmd = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  commands_.push_back(cmd);
  // SHT3x-DIS datasheet Table 4, maximum conversion times.
  using std::chrono::microseconds;
  switch (cmd) {
    case 0x2400:
    case 0x240B:
    case 0x2416: {
      microseconds t = cmd == 0x2400   ? microseconds(15500)
                       : cmd == 0x240B ? microseconds(6500)
                                       : microseconds(4500);
      pending_ = Pending::Measurement;
      readyAt_ = clock_.monotonic() + t;
      return {};
    }
    case 0x30A2:
      ++softResets_;
      pending_ = Pending::None;
      return {};
    case 0xF32D:
      if (notSht3x_) return nack();
      pending_ = Pending::Status;
      return {};
    default:
      return nack();  // clock-stretching and periodic commands are not simulated
  }
}

Status SimSht3x::onRead(std::span<std::uint8_t> bytes) {
  if (pending_ == Pending::Status) {
    if (bytes.size() != 3) return makeError("status is one word");
    pending_ = Pending::None;
    putWord(bytes, 0, 0x8010, false);  // alert pending + reset detected, as after power-up
    return {};
  }
  // No measurement, or one still converting: the chip NACKs the read header.
  if (pending_ != Pending::Measurement || clock_.monotonic() < readyAt_) return nack();
  if (bytes.size() != 6) return makeError("a result is 6 bytes");
  pending_ = Pending::None;
  // Inverse of the datasheet formulas.
  std::uint16_t t = toRaw((temperature_ + 45.0) * 65535.0 / 175.0);
  std::uint16_t rh = toRaw(humidity_ * 65535.0 / 100.0);
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
