#include "tests/fakes/sim_bme280.h"

#include <algorithm>
#include <cmath>

namespace sckd::testing {
namespace {

int factor(std::uint8_t code) {
  static constexpr int kFactors[8] = {0, 1, 2, 4, 8, 16, 16, 16};
  return kFactors[code & 7];
}

// Smallest/largest integer in [lo, hi] where `f` (monotonic) is closest to `target`.
template <typename F>
std::int32_t invert(F f, double target, std::int32_t lo, std::int32_t hi, bool increasing) {
  while (lo < hi) {
    std::int32_t mid = lo + (hi - lo) / 2;
    bool below = increasing ? f(mid) < target : f(mid) > target;
    if (below)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo > 0 && std::abs(f(lo - 1) - target) < std::abs(f(lo) - target)) return lo - 1;
  return lo;
}

}  // namespace

SimBme280::SimBme280(const Clock& clock, Model model) : clock_(clock), model_(model) {
  setCalibration(defaultCalibration());
  reset();
}

Bme280Calibration SimBme280::defaultCalibration() {
  Bme280Calibration c;
  c.t1 = 27504;
  c.t2 = 26435;
  c.t3 = -1000;
  c.p1 = 36477;
  c.p2 = -10685;
  c.p3 = 3024;
  c.p4 = 2855;
  c.p5 = 140;
  c.p6 = -7;
  c.p7 = 15500;
  c.p8 = -14600;
  c.p9 = 6000;
  // Humidity trimming typical of real parts (negative dig_H5 nibble packing exercised
  // separately in the tests).
  c.h1 = 75;
  c.h2 = 362;
  c.h3 = 0;
  c.h4 = 313;
  c.h5 = 50;
  c.h6 = 30;
  return c;
}

SimBme280::CalibrationNvm SimBme280::calibrationNvm(const Bme280Calibration& c) {
  CalibrationNvm nvm;
  auto put16 = [&](std::size_t i, std::uint16_t v) {
    nvm.tp[i] = static_cast<std::uint8_t>(v & 0xFF);
    nvm.tp[i + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  const std::uint16_t words[12] = {c.t1,
                                   static_cast<std::uint16_t>(c.t2),
                                   static_cast<std::uint16_t>(c.t3),
                                   c.p1,
                                   static_cast<std::uint16_t>(c.p2),
                                   static_cast<std::uint16_t>(c.p3),
                                   static_cast<std::uint16_t>(c.p4),
                                   static_cast<std::uint16_t>(c.p5),
                                   static_cast<std::uint16_t>(c.p6),
                                   static_cast<std::uint16_t>(c.p7),
                                   static_cast<std::uint16_t>(c.p8),
                                   static_cast<std::uint16_t>(c.p9)};
  for (std::size_t w = 0; w < 12; ++w) put16(2 * w, words[w]);
  nvm.tp[25] = c.h1;
  nvm.h[0] = static_cast<std::uint8_t>(c.h2 & 0xFF);
  nvm.h[1] = static_cast<std::uint8_t>((c.h2 >> 8) & 0xFF);
  nvm.h[2] = c.h3;
  nvm.h[3] = static_cast<std::uint8_t>((c.h4 >> 4) & 0xFF);
  nvm.h[4] = static_cast<std::uint8_t>((c.h4 & 0x0F) | ((c.h5 & 0x0F) << 4));
  nvm.h[5] = static_cast<std::uint8_t>((c.h5 >> 4) & 0xFF);
  nvm.h[6] = static_cast<std::uint8_t>(c.h6);
  return nvm;
}

void SimBme280::setCalibration(const Bme280Calibration& c) {
  cal_ = c;
  const CalibrationNvm nvm = calibrationNvm(c);
  std::copy(nvm.tp.begin(), nvm.tp.begin() + 24, regs_.begin() + 0x88);  // dig_T1..dig_P9
  if (model_ == Model::Bme280) {
    regs_[0xA1] = nvm.tp[25];
    std::copy(nvm.h.begin(), nvm.h.end(), regs_.begin() + 0xE1);
  }
}

void SimBme280::reset() {
  regs_[0xD0] = regs_[0xD0] != 0 ? regs_[0xD0] : (model_ == Model::Bme280 ? 0x60 : 0x58);
  regs_[0xF2] = regs_[0xF3] = regs_[0xF4] = regs_[0xF5] = 0;
  const std::uint8_t data[8] = {0x80, 0, 0, 0x80, 0, 0, 0x80, 0};
  for (int i = 0; i < (model_ == Model::Bme280 ? 8 : 6); ++i) regs_[0xF7 + i] = data[i];
  latchedHum_ = 0;
  measuring_ = false;
  busyReads_ = busyReadsAfterReset_;
}

// The datasheet's double-precision compensation (§8.1), used only to encode.
double SimBme280::tFine(std::int32_t adcT) const {
  double v1 = (adcT / 16384.0 - cal_.t1 / 1024.0) * cal_.t2;
  double d = adcT / 131072.0 - cal_.t1 / 8192.0;
  return v1 + d * d * cal_.t3;
}

std::int32_t SimBme280::encodeTemperature() const {
  return invert([&](std::int32_t a) { return tFine(a) / 5120.0; }, temperature_, 0, 0xFFFFF, true);
}

std::int32_t SimBme280::encodePressure() const {
  const double tf = tFine(encodeTemperature());
  auto kPa = [&](std::int32_t adcP) {
    double v1 = tf / 2.0 - 64000.0;
    double v2 = v1 * v1 * cal_.p6 / 32768.0;
    v2 = v2 + v1 * cal_.p5 * 2.0;
    v2 = v2 / 4.0 + cal_.p4 * 65536.0;
    v1 = (cal_.p3 * v1 * v1 / 524288.0 + cal_.p2 * v1) / 524288.0;
    v1 = (1.0 + v1 / 32768.0) * cal_.p1;
    double p = 1048576.0 - adcP;
    p = (p - v2 / 4096.0) * 6250.0 / v1;
    v1 = cal_.p9 * p * p / 2147483648.0;
    v2 = p * cal_.p8 / 32768.0;
    return (p + (v1 + v2 + cal_.p7) / 16.0) / 1000.0;
  };
  return invert(kPa, pressure_, 0, 0xFFFFF, false);
}

std::int32_t SimBme280::encodeHumidity() const {
  const double tf = tFine(encodeTemperature());
  auto rh = [&](std::int32_t adcH) {
    double h = tf - 76800.0;
    h = (adcH - (cal_.h4 * 64.0 + cal_.h5 / 16384.0 * h)) *
        (cal_.h2 / 65536.0 * (1.0 + cal_.h6 / 67108864.0 * h * (1.0 + cal_.h3 / 67108864.0 * h)));
    return h * (1.0 - cal_.h1 * h / 524288.0);
  };
  return invert(rh, humidity_, 0, 0xFFFF, true);
}

void SimBme280::finishConversion() {
  if (!measuring_ || clock_.monotonic() < doneAt_) return;
  measuring_ = false;
  regs_[0xF4] &= 0xFC;  // forced mode: back to sleep
  ++conversions_;
  if (stuck_) return;
  const std::uint8_t meas = regs_[0xF4];
  auto put20 = [&](int r, std::int32_t v) {
    regs_[r] = static_cast<std::uint8_t>(v >> 12);
    regs_[r + 1] = static_cast<std::uint8_t>(v >> 4);
    regs_[r + 2] = static_cast<std::uint8_t>((v & 0x0F) << 4);
  };
  const bool t = (meas >> 5) != 0, p = ((meas >> 2) & 7) != 0;
  put20(0xFA, t ? rawT_.value_or(encodeTemperature()) : 0x80000);
  put20(0xF7, t && p ? rawP_.value_or(encodePressure()) : 0x80000);
  if (model_ == Model::Bme280) {
    std::int32_t h = t && (latchedHum_ & 7) != 0 ? rawH_.value_or(encodeHumidity()) : 0x8000;
    regs_[0xFD] = static_cast<std::uint8_t>(h >> 8);
    regs_[0xFE] = static_cast<std::uint8_t>(h & 0xFF);
  }
}

Status SimBme280::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return {};
  finishConversion();
  pointer_ = bytes[0];
  // Writes are register/value pairs (no auto-increment on write).
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const std::uint8_t r = bytes[i], v = bytes[i + 1];
    if (r == 0xE0) {
      if (v == 0xB6) {
        ++resets_;
        reset();
      }
    } else if (r == 0xF2) {
      regs_[r] = v & 7;  // takes effect at the next ctrl_meas write
    } else if (r == 0xF4) {
      regs_[r] = v;
      latchedHum_ = regs_[0xF2];
      const std::uint8_t mode = v & 3;
      if ((mode == 1 || mode == 2) && !measuring_) {
        double ms = 1.25 + 2.3 * factor(v >> 5);
        if (int p = factor((v >> 2) & 7); p > 0) ms += 2.3 * p + 0.575;
        if (int h = factor(latchedHum_); model_ == Model::Bme280 && h > 0) ms += 2.3 * h + 0.575;
        measuring_ = true;
        doneAt_ = clock_.monotonic() + std::chrono::microseconds(static_cast<int>(ms * 1000));
      }
    } else if (r == 0xF5) {
      if ((regs_[0xF4] & 3) == 0) regs_[r] = v;  // writable in sleep mode only
    }
  }
  return {};
}

Status SimBme280::onRead(std::span<std::uint8_t> bytes) {
  finishConversion();
  for (auto& b : bytes) {
    if (pointer_ == 0xF3) {
      b = static_cast<std::uint8_t>((measuring_ ? 0x08 : 0) | (busyReads_ > 0 ? 0x01 : 0));
      if (busyReads_ > 0) --busyReads_;
    } else {
      b = regs_[pointer_];
    }
    ++pointer_;
  }
  return {};
}

}  // namespace sckd::testing
