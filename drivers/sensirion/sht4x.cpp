#include "drivers/sensirion/sht4x.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {
namespace {

constexpr std::uint8_t kSoftReset = 0x94;

std::string hex8(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", value);
  return text;
}

// The command is one byte here.
using Precision = sensirion::SingleShot;

Precision precisionFor(const std::string& level) {
  // SHT4x datasheet Table 4 (max): high 8.3 ms, medium 4.5 ms, low 1.6 ms.
  return sensirion::singleShotFor(level, {0xFD, Millis(9)}, {0xF6, Millis(5)}, {0xE0, Millis(2)});
}

// The SHT4x speaks the Sensirion flow with one-byte commands; the read and the frame's
// words are the family's (sensirion_i2c.h).
class Sht4xDriver final : public Driver {
 public:
  Sht4xDriver(I2cBus& bus, std::uint8_t address, Precision precision)
      : bus_(bus), address_(address), precision_(precision) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    if (Status s = command(static_cast<std::uint8_t>(precision_.command)); !s.ok()) {
      return s.error();
    }
    started_ = true;
    return precision_.conversion;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without a started measurement");
    started_ = false;
    std::uint8_t frame[6] = {};
    if (Status s = bus_.read(address_, frame); !s.ok()) {
      recover();
      return withContext("result of " + hex8(precision_.command), s.error());
    }
    Measurement m = sensirion::rhtMeasurement(decodeSht4x(frame));
    if (!m.failures.empty()) recover();
    return m;
  }

 private:
  Status command(std::uint8_t code) {
    const std::uint8_t bytes[1] = {code};
    return bus_.write(address_, bytes).context("command " + hex8(code));
  }

  // The SHT4x needs no configuration; its re-init is the soft reset (1 ms), sent at once
  // while the chip answers so the next start(), an interval later, needs no wait. Reading
  // the serial number as an id check would need a 1 ms wait between write and read, which
  // start() cannot spend; a wrong chip shows up as NACKs or CRC errors instead.
  void recover() { (void)command(kSoftReset); }

  I2cBus& bus_;
  std::uint8_t address_;
  Precision precision_;
  bool started_ = false;
};

}  // namespace

Sht4xValues decodeSht4x(std::span<const std::uint8_t, 6> frame) {
  // SHT4x datasheet §4.6: T = -45 + 175 * S/65535; RH = -6 + 125 * S/65535, cropped to
  // 0..100 because the formula reaches past the physical range (raw 0xFFFF is 119 %RH: 100
  // once cropped, a real reading). T range -40..125 degC.
  auto temperature = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 0);
    if (!raw.ok()) return raw.error();
    return sensirion::inRange(sensirion::temperatureFromTicks(*raw), -40, 125, "degC", "SHT4x");
  };
  auto humidity = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 1);
    if (!raw.ok()) return raw.error();
    return std::clamp(-6.0 + 125.0 * *raw / 65535.0, 0.0, 100.0);
  };
  return Sht4xValues{temperature(), humidity()};
}

DriverInfo sht4xDriverInfo() {
  return sensirion::rhtDriverInfo({"sht4x",
                                   "Sensirion SHT40/41/45 temperature/humidity (generic ids)",
                                   {0x44, 0x45, 0x46},
                                   55,
                                   56,
                                   true,
                                   "precision",
                                   "single-shot precision: high (8.3 ms), medium, low"},
                                  [](I2cBus& bus, std::uint8_t address, const std::string& level) {
                                    return std::make_unique<Sht4xDriver>(bus, address,
                                                                         precisionFor(level));
                                  });
}

}  // namespace sckd
