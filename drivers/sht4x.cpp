#include "drivers/sht4x.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "drivers/sensirion_crc.h"

namespace sckd {
namespace {

constexpr std::uint8_t kSoftReset = 0x94;

std::string hex8(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", value);
  return text;
}

Result<std::uint16_t> word(std::span<const std::uint8_t> frame, std::size_t index) {
  const std::uint8_t* w = frame.data() + 3 * index;
  if (sensirion::crc8(w[0], w[1]) != w[2]) {
    return makeError("CRC mismatch in word " + std::to_string(index));
  }
  auto raw = static_cast<std::uint16_t>(w[0] << 8 | w[1]);
  // All ones is what a read of a chip with nothing to say (or a floating bus) gives.
  if (raw == 0xFFFF) return makeError("raw 0xffff in word " + std::to_string(index) + " (no data)");
  return raw;
}

struct Precision {
  std::uint8_t command;
  Millis conversion;  // the datasheet's maximum, rounded up
};

Precision precisionFor(const std::string& name) {
  // SHT4x datasheet Table 4 (max): high 8.3 ms, medium 4.5 ms, low 1.6 ms.
  if (name == "medium") return {0xF6, Millis(5)};
  if (name == "low") return {0xE0, Millis(2)};
  return {0xFD, Millis(9)};
}

class Sht4xDriver final : public Driver {
 public:
  Sht4xDriver(I2cBus& bus, std::uint8_t address, Precision precision)
      : bus_(bus), address_(address), precision_(precision) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    const std::uint8_t cmd[1] = {precision_.command};
    if (Status s = bus_.write(address_, cmd); !s.ok()) {
      return withContext("command " + hex8(precision_.command), s.error());
    }
    started_ = true;
    return precision_.conversion;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError("collect() without a started measurement");
    started_ = false;
    std::uint8_t frame[6] = {};
    if (Status s = bus_.read(address_, frame); !s.ok()) {
      recover();
      return withContext("result of " + hex8(precision_.command), s.error());
    }
    Sht4xValues v = decodeSht4x(frame);
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
  // The SHT4x needs no configuration; its re-init is the soft reset (1 ms), sent at once
  // while the chip answers so the next start(), an interval later, needs no wait. Reading
  // the serial number as an id check would need a 1 ms wait between write and read, which
  // start() cannot spend; a wrong chip shows up as NACKs or CRC errors instead.
  void recover() {
    const std::uint8_t cmd[1] = {kSoftReset};
    (void)bus_.write(address_, cmd);
  }

  I2cBus& bus_;
  std::uint8_t address_;
  Precision precision_;
  bool started_ = false;
};

}  // namespace

Sht4xValues decodeSht4x(std::span<const std::uint8_t, 6> frame) {
  // SHT4x datasheet §4.6: T = -45 + 175 * S/65535; RH = -6 + 125 * S/65535, cropped to
  // 0..100 because the formula reaches past the physical range. T range -40..125 degC.
  auto temperature = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 0);
    if (!raw.ok()) return raw.error();
    double t = -45.0 + 175.0 * *raw / 65535.0;
    if (t < -40.0 || t > 125.0) {
      return makeError(std::to_string(t) + " degC is outside the SHT4x range -40..125");
    }
    return t;
  };
  auto humidity = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 1);
    if (!raw.ok()) return raw.error();
    return std::clamp(-6.0 + 125.0 * *raw / 65535.0, 0.0, 100.0);
  };
  return Sht4xValues{temperature(), humidity()};
}

DriverInfo sht4xDriverInfo() {
  DriverInfo info;
  info.name = "sht4x";
  info.summary = "Sensirion SHT40/41/45 temperature/humidity (generic ids)";
  info.onI2cBus = true;
  info.addresses = {0x44, 0x45, 0x46};
  info.quantities = {Quantity{"temperature", "degC", 55, true, 2},
                     Quantity{"humidity", "%RH", 56, true, 2}};
  info.options = {OptionSpec{"precision",
                             OptionType::String,
                             false,
                             0,
                             -1,
                             {"high", "medium", "low"},
                             "high",
                             "single-shot precision: high (8.3 ms), medium, low"}};
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    if (!sensor.bus || !sensor.address) return makeError("needs bus: and address:");
    return std::unique_ptr<Driver>(std::make_unique<Sht4xDriver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address),
        precisionFor(optionString(sensor, "precision"))));
  };
  return info;
}

}  // namespace sckd
