#include "drivers/sht3x.h"

#include <cstdio>
#include <string>

#include "drivers/sensirion_crc.h"

namespace sckd {
namespace {

constexpr std::uint16_t kSoftReset = 0x30A2;
constexpr std::uint16_t kReadStatus = 0xF32D;

std::string hex16(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

// One word of a result frame: CRC, then the "no data" pattern.
Result<std::uint16_t> word(std::span<const std::uint8_t> frame, std::size_t index) {
  const std::uint8_t* w = frame.data() + 3 * index;
  if (sensirion::crc8(w[0], w[1]) != w[2]) {
    return makeError("CRC mismatch in word " + std::to_string(index));
  }
  auto raw = static_cast<std::uint16_t>(w[0] << 8 | w[1]);
  // The chip answers all ones when it has no data (e.g. a read racing a reset).
  if (raw == 0xFFFF) return makeError("raw 0xffff in word " + std::to_string(index) + " (no data)");
  return raw;
}

struct Repeatability {
  std::uint16_t command;
  Millis conversion;  // the datasheet's maximum, rounded up
};

Repeatability repeatabilityFor(const std::string& name) {
  // SHT3x-DIS datasheet Table 4 (max): high 15.5 ms, medium 6.5 ms, low 4.5 ms.
  if (name == "medium") return {0x240B, Millis(7)};
  if (name == "low") return {0x2416, Millis(5)};
  return {0x2400, Millis(16)};
}

class Sht3xDriver final : public Driver {
 public:
  Sht3xDriver(I2cBus& bus, std::uint8_t address, Repeatability repeatability)
      : bus_(bus), address_(address), repeatability_(repeatability) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    if (!initialised_) {
      if (Status s = checkStatusRegister(); !s.ok()) return s.error();
      initialised_ = true;
    }
    auto cmd = sensirion::command(repeatability_.command);
    if (Status s = bus_.write(address_, cmd); !s.ok()) {
      initialised_ = false;
      return withContext("command " + hex16(repeatability_.command), s.error());
    }
    started_ = true;
    return repeatability_.conversion;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError("collect() without a started measurement");
    started_ = false;
    std::uint8_t frame[6] = {};
    if (Status s = bus_.read(address_, frame); !s.ok()) {
      recover();
      return withContext("result of " + hex16(repeatability_.command), s.error());
    }
    Sht3xValues v = decodeSht3x(frame);
    Measurement m;
    bool failed = false;
    auto take = [&](std::size_t q, const Result<double>& r, const char* name) {
      if (r.ok()) {
        m.samples.push_back(Sample{q, *r});
      } else {
        m.failures.push_back(withContext(name, r.error()));
        failed = true;
      }
    };
    take(0, v.temperature, "temperature");
    take(1, v.humidity, "humidity");
    if (failed) recover();
    return m;
  }

 private:
  // Identity check: the status register answers with a valid CRC only from a Sensirion
  // SHT3x (an SHT4x at the same address NACKs the two-byte command).
  Status checkStatusRegister() {
    auto cmd = sensirion::command(kReadStatus);
    if (Status s = bus_.write(address_, cmd); !s.ok()) {
      return withContext("read status " + hex16(kReadStatus) + " (is this an SHT3x?)", s.error());
    }
    std::uint8_t status[3] = {};
    if (Status s = bus_.read(address_, status); !s.ok()) {
      return withContext("read status " + hex16(kReadStatus), s.error());
    }
    if (sensirion::crc8(status[0], status[1]) != status[2]) {
      return makeError("status register " + hex16(kReadStatus) +
                       ": CRC mismatch (not an SHT3x, or a noisy bus)");
    }
    return {};
  }

  // The soft reset goes out right away, while the chip is known to answer: the next start()
  // comes an interval later, well past the 1.5 ms the reset needs, so no wait is needed.
  // A chip that NACKs cannot take it; one that comes back after unplugging has been reset
  // by its power-up. The next start() checks the status register again either way.
  void recover() {
    initialised_ = false;
    auto cmd = sensirion::command(kSoftReset);
    (void)bus_.write(address_, cmd);
  }

  I2cBus& bus_;
  std::uint8_t address_;
  Repeatability repeatability_;
  bool initialised_ = false;
  bool started_ = false;
};

DriverInfo sht3xInfo(std::string_view name, std::string_view summary, int tId, int rhId,
                     bool generic) {
  DriverInfo info;
  info.name = name;
  info.summary = summary;
  info.onI2cBus = true;
  info.addresses = {0x44, 0x45};
  info.quantities = {Quantity{"temperature", "degC", tId, generic, 2},
                     Quantity{"humidity", "%RH", rhId, generic, 2}};
  info.options = {OptionSpec{"repeatability",
                             OptionType::String,
                             false,
                             0,
                             -1,
                             {"high", "medium", "low"},
                             "high",
                             "single-shot repeatability: high (15.5 ms), medium, low"}};
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    if (!sensor.bus || !sensor.address) return makeError("needs bus: and address:");
    return std::unique_ptr<Driver>(std::make_unique<Sht3xDriver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address),
        repeatabilityFor(optionString(sensor, "repeatability"))));
  };
  return info;
}

}  // namespace

Sht3xValues decodeSht3x(std::span<const std::uint8_t, 6> frame) {
  // SHT3x-DIS datasheet §4.13: T = -45 + 175 * S / (2^16 - 1), RH = 100 * S / (2^16 - 1).
  // Valid ranges (§1.1): -40..125 degC, 0..100 %RH.
  auto temperature = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 0);
    if (!raw.ok()) return raw.error();
    double t = -45.0 + 175.0 * *raw / 65535.0;
    if (t < -40.0 || t > 125.0) {
      return makeError(std::to_string(t) + " degC is outside the SHT3x range -40..125");
    }
    return t;
  };
  auto humidity = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 1);
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
