#include "tests/fakes/sim_lps33.h"

#include <cmath>

namespace sckd::testing {

SimLps33::SimLps33(const Clock& clock) : clock_(clock) {
  regs_[0x0F] = 0xB1;
  reset();
}

void SimLps33::reset() {
  for (int r = 0x10; r <= 0x2C; ++r) regs_[r] = 0;
  regs_[0x11] = 0x10;  // IF_ADD_INC is set by default
  measuring_ = false;
}

void SimLps33::finish() {
  if (!measuring_ || stuck_ || clock_.monotonic() < doneAt_) return;
  measuring_ = false;
  ++conversions_;
  const std::int32_t p =
      rawP_.value_or(static_cast<std::int32_t>(std::lround(pressure_ * 10 * 4096)));
  const std::int16_t t = rawT_.value_or(static_cast<std::int16_t>(std::lround(temperature_ * 100)));
  const auto up = static_cast<std::uint32_t>(p);
  regs_[0x28] = static_cast<std::uint8_t>(up & 0xFF);
  regs_[0x29] = static_cast<std::uint8_t>((up >> 8) & 0xFF);
  regs_[0x2A] = static_cast<std::uint8_t>((up >> 16) & 0xFF);
  const auto ut = static_cast<std::uint16_t>(t);
  regs_[0x2B] = static_cast<std::uint8_t>(ut & 0xFF);
  regs_[0x2C] = static_cast<std::uint8_t>(ut >> 8);
  regs_[0x27] |= 0x03;   // P_DA, T_DA
  regs_[0x11] &= ~0x01;  // ONE_SHOT clears itself when done
}

void SimLps33::writeReg(std::uint8_t reg, std::uint8_t value) {
  if (reg == 0x11) {
    if (value & 0x04) {  // SWRESET: registers back to defaults, bit clears itself
      ++resets_;
      reset();
      return;
    }
    regs_[reg] = value;
    if ((value & 0x01) && (regs_[0x10] & 0x70) == 0 && !measuring_) {
      measuring_ = true;
      doneAt_ = clock_.monotonic() + std::chrono::microseconds(13'300);
    }
    return;
  }
  if (reg == 0x10 || (reg >= 0x0B && reg <= 0x1E)) regs_[reg] = value;  // writable control regs
}

Status SimLps33::onWrite(std::span<const std::uint8_t> bytes) {
  finish();
  if (bytes.empty()) return {};
  pointer_ = bytes[0];
  std::uint8_t reg = pointer_;
  for (std::size_t i = 1; i < bytes.size(); ++i) {
    writeReg(reg, bytes[i]);
    if (regs_[0x11] & 0x10) ++reg;
  }
  return {};
}

Status SimLps33::onRead(std::span<std::uint8_t> bytes) {
  finish();
  for (auto& b : bytes) {
    b = regs_[pointer_];
    if (pointer_ == 0x2A) regs_[0x27] &= ~0x01;  // reading PRESS_OUT_H clears P_DA
    if (pointer_ == 0x2C) regs_[0x27] &= ~0x02;  // reading TEMP_OUT_H clears T_DA
    if (regs_[0x11] & 0x10) ++pointer_;
  }
  return {};
}

}  // namespace sckd::testing
