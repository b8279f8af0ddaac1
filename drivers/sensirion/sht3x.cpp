#include "drivers/sensirion/sht3x.h"

#include <string>
#include <vector>

#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {
namespace {

using sensirion::Device;

constexpr std::uint16_t kSoftReset = 0x30A2;
constexpr std::uint16_t kReadStatus = 0xF32D;

using Repeatability = sensirion::SingleShot;

Repeatability repeatabilityFor(const std::string& level) {
  // SHT3x-DIS datasheet Table 4 (max): high 15.5 ms, medium 6.5 ms, low 4.5 ms.
  return sensirion::singleShotFor(level, {0x2400, Millis(16)}, {0x240B, Millis(7)},
                                  {0x2416, Millis(5)});
}

class Sht3xDriver final : public Driver {
 public:
  Sht3xDriver(I2cBus& bus, std::uint8_t address, Repeatability repeatability)
      : chip_(bus, address), repeatability_(repeatability) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    if (!initialised_) {
      if (Status s = checkStatusRegister(); !s.ok()) return s.error();
      initialised_ = true;
    }
    if (Status s = chip_.command(repeatability_.command); !s.ok()) {
      initialised_ = false;
      return s.error();
    }
    started_ = true;
    return repeatability_.conversion;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without a started measurement");
    started_ = false;
    std::uint8_t frame[6] = {};
    if (Status s = chip_.read(frame, "result of " + chip_.hex(repeatability_.command)); !s.ok()) {
      recover();
      return s.error();
    }
    Measurement m = sensirion::rhtMeasurement(decodeSht3x(frame));
    if (!m.failures.empty()) recover();
    return m;
  }

 private:
  // Identity check: the status register answers with a valid CRC only from a Sensirion
  // SHT3x (an SHT4x at the same address NACKs the two-byte command).
  Status checkStatusRegister() {
    Result<std::vector<std::uint16_t>> status = chip_.fetch(kReadStatus, 1);
    if (!status.ok()) return withContext("status register (is this an SHT3x?)", status.error());
    return {};
  }

  // The soft reset goes out right away, while the chip is known to answer: the next start()
  // comes an interval later, well past the 1.5 ms the reset needs, so no wait is needed.
  // A chip that NACKs cannot take it; one that comes back after unplugging has been reset
  // by its power-up. The next start() checks the status register again either way.
  void recover() {
    initialised_ = false;
    (void)chip_.command(kSoftReset);
  }

  Device chip_;
  Repeatability repeatability_;
  bool initialised_ = false;
  bool started_ = false;
};

DriverInfo sht3xInfo(std::string_view name, std::string_view summary, int tId, int rhId,
                     bool generic) {
  return sensirion::rhtDriverInfo({name,
                                   summary,
                                   {0x44, 0x45},
                                   tId,
                                   rhId,
                                   generic,
                                   "repeatability",
                                   "single-shot repeatability: high (15.5 ms), medium, low"},
                                  [](I2cBus& bus, std::uint8_t address, const std::string& level) {
                                    return std::make_unique<Sht3xDriver>(bus, address,
                                                                         repeatabilityFor(level));
                                  });
}

}  // namespace

Sht3xValues decodeSht3x(std::span<const std::uint8_t, 6> frame) {
  // SHT3x-DIS datasheet §4.13: T = -45 + 175 * S / (2^16 - 1), RH = 100 * S / (2^16 - 1).
  // Valid ranges (§1.1): -40..125 degC, 0..100 %RH. Raw 0xFFFF is 100 %RH (saturated air,
  // fog) and 130 degC, which the range rejects; the datasheet gives it no other meaning.
  auto temperature = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 0);
    if (!raw.ok()) return raw.error();
    return sensirion::inRange(sensirion::temperatureFromTicks(*raw), -40, 125, "degC", "SHT3x");
  };
  auto humidity = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 1);
    if (!raw.ok()) return raw.error();
    return 100.0 * *raw / 65535.0;
  };
  return Sht3xValues{temperature(), humidity()};
}

DriverInfo sht30DriverInfo() {
  return sht3xInfo("sht30", "Sensirion SHT30 temperature/humidity (generic ids)", 55, 56, true);
}
DriverInfo sht31DriverInfo() {
  return sht3xInfo("sht31", "Sensirion SHT31 temperature/humidity (urban board ids)", 55, 56,
                   false);
}
DriverInfo sht35DriverInfo() {
  return sht3xInfo("sht35", "Sensirion SHT35 temperature/humidity", 224, 225, false);
}

}  // namespace sckd
