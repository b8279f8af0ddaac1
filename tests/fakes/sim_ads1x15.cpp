#include "tests/fakes/sim_ads1x15.h"

#include <algorithm>
#include <cmath>

namespace sckd::testing {
namespace {

constexpr double kFullScale[8] = {6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256};
constexpr int kRates1115[8] = {8, 16, 32, 64, 128, 250, 475, 860};
constexpr int kRates1015[8] = {128, 250, 490, 920, 1600, 2400, 3300, 3300};

}  // namespace

bool SimAds1x15::converting() const {
  return stuckConverting_ || (pendingValid_ && clock_.monotonic() < doneAt_);
}

std::uint16_t SimAds1x15::convert() const {
  const int mux = config_ >> 12 & 7;
  const double fs = kFullScale[config_ >> 9 & 7];
  double v = 0;
  switch (mux) {
    case 0:
      v = volts_[0] - volts_[1];
      break;
    case 1:
      v = volts_[0] - volts_[3];
      break;
    case 2:
      v = volts_[1] - volts_[3];
      break;
    case 3:
      v = volts_[2] - volts_[3];
      break;
    default:
      v = volts_[static_cast<std::size_t>(mux - 4)];
      break;
  }
  // The inverse of the datasheet's transfer function, clipped to the extreme codes.
  if (twelveBit_) {
    const long code = std::clamp(std::lround(v / fs * 2048.0), -2048L, 2047L);
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(code * 16));
  }
  const long code = std::clamp(std::lround(v / fs * 32768.0), -32768L, 32767L);
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(code));
}

Status SimAds1x15::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.empty() || bytes[0] > 3) return nack();
  // A finished conversion lands in the conversion register.
  if (pendingValid_ && !converting()) {
    conversion_ = pending_;
    pendingValid_ = false;
  }
  pointer_ = bytes[0];
  if (bytes.size() == 1) return {};
  if (bytes.size() != 3) return nack();
  const auto value = static_cast<std::uint16_t>(bytes[1] << 8 | bytes[2]);
  if (pointer_ != 1 || ignoresConfig_) return {};  // thresholds: kept by no test
  config_ = static_cast<std::uint16_t>(value & 0x7FFF);
  if ((value & 0x8000) != 0 && (value & 0x0100) != 0) {
    const int rate = (twelveBit_ ? kRates1015 : kRates1115)[value >> 5 & 7];
    doneAt_ = clock_.monotonic() + std::chrono::nanoseconds(1'000'000'000LL / rate);
    pending_ = convert();
    pendingValid_ = true;
    ++conversions_;
  }
  return {};
}

Status SimAds1x15::onRead(std::span<std::uint8_t> bytes) {
  if (pendingValid_ && !converting()) {
    conversion_ = pending_;
    pendingValid_ = false;
  }
  std::uint16_t value = 0;
  if (pointer_ == 0) {
    value = conversion_;
  } else if (pointer_ == 1) {
    value = static_cast<std::uint16_t>(config_ | (converting() ? 0 : 0x8000));
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = i == 0   ? static_cast<std::uint8_t>(value >> 8)
               : i == 1 ? static_cast<std::uint8_t>(value & 0xFF)
                        : 0xFF;
  }
  return {};
}

}  // namespace sckd::testing
