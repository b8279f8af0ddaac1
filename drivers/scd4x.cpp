#include "drivers/scd4x.h"

#include <cstdio>
#include <string>

#include "drivers/sensirion_crc.h"

namespace sckd {
namespace {

constexpr std::uint16_t kStartPeriodic = 0x21B1;
constexpr std::uint16_t kReadMeasurement = 0xEC05;
// Read commands (read measurement, data ready 0xE4B8) need 1 ms before the read header.
constexpr Millis kExecution(1);

std::string hex16(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

bool nacked(const Error& e) {
  return e.message.find("Remote I/O error") != std::string::npos;
}

Result<std::uint16_t> word(std::span<const std::uint8_t> frame, std::size_t index) {
  const std::uint8_t* w = frame.data() + 3 * index;
  if (sensirion::crc8(w[0], w[1]) != w[2]) {
    return makeError("CRC mismatch in word " + std::to_string(index));
  }
  auto raw = static_cast<std::uint16_t>(w[0] << 8 | w[1]);
  if (raw == 0xFFFF) return makeError("raw 0xffff in word " + std::to_string(index) + " (no data)");
  return raw;
}

class Scd4xDriver final : public Driver {
 public:
  Scd4xDriver(I2cBus& bus, std::uint8_t address) : bus_(bus), address_(address) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    justStarted_ = false;
    if (!initialised_) {
      // An SCD4x already measuring (sckd restarted) NACKs the start command, as it does
      // every command not allowed during a periodic measurement; the read command below
      // then tells a running chip (ACK) from an absent one (NACK).
      std::vector<std::uint8_t> cmd = sensirion::command(kStartPeriodic);
      Status s = bus_.write(address_, cmd);
      if (s.ok()) {
        initialised_ = true;
        justStarted_ = true;
        started_ = true;
        return Millis(0);
      }
      startError_ = withContext("start periodic measurement " + hex16(kStartPeriodic), s.error());
    }
    std::vector<std::uint8_t> cmd = sensirion::command(kReadMeasurement);
    if (Status s = bus_.write(address_, cmd); !s.ok()) {
      Error e =
          initialised_ ? withContext("command " + hex16(kReadMeasurement), s.error()) : startError_;
      initialised_ = false;
      return e;
    }
    initialised_ = true;
    started_ = true;
    return kExecution;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError("collect() without a started measurement");
    started_ = false;
    if (justStarted_) {
      return makeError(
          "periodic measurement started just now; the first value comes 5 s "
          "later");
    }
    std::uint8_t frame[9] = {};
    if (Status s = bus_.read(address_, frame); !s.ok()) {
      // The chip ACKed the command a moment ago: a NACKed read header is its datasheet
      // way of saying the buffer is empty (read out already, next value not due yet).
      if (nacked(s.error())) {
        return makeError(
            "no new measurement yet (the SCD4x updates every 5 s; reading "
            "more often than that leaves readings without a value)");
      }
      initialised_ = false;
      return withContext("read measurement " + hex16(kReadMeasurement), s.error());
    }
    Scd4xValues v = decodeScd4x(frame);
    Measurement m;
    auto take = [&](std::size_t q, const Result<double>& r, const char* name) {
      if (r.ok()) {
        m.samples.push_back(Sample{q, *r});
      } else {
        m.failures.push_back(withContext(name, r.error()));
        if (r.error().message.starts_with("CRC")) initialised_ = false;
      }
    };
    take(0, v.co2, "co2");
    take(1, v.temperature, "temperature");
    take(2, v.humidity, "humidity");
    return m;
  }

 private:
  I2cBus& bus_;
  std::uint8_t address_;
  bool initialised_ = false;
  bool started_ = false;
  bool justStarted_ = false;
  Error startError_;
};

DriverInfo scd4xInfo(std::string_view name, std::string_view summary) {
  DriverInfo info;
  info.name = name;
  info.summary = summary;
  info.onI2cBus = true;
  info.addresses = {0x62};
  info.quantities = {Quantity{"co2", "ppm", 158, true, 0},
                     Quantity{"temperature", "degC", 55, true, 2},
                     Quantity{"humidity", "%RH", 56, true, 2}};
  info.options = {};
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    if (!sensor.bus || !sensor.address) return makeError("needs bus: and address:");
    return std::unique_ptr<Driver>(std::make_unique<Scd4xDriver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address)));
  };
  return info;
}

}  // namespace

Scd4xValues decodeScd4x(std::span<const std::uint8_t, 9> frame) {
  // SCD4x datasheet §3.5.2: CO2 = word 0 in ppm; T = -45 + 175 * S/65535;
  // RH = 100 * S/65535. Specified ranges (Table 1-3): CO2 0..40000 ppm, T -10..60 degC.
  // A CO2 of 0 is the datasheet's "no CO2 value" (RH/T-only measurements report it).
  auto co2 = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 0);
    if (!raw.ok()) return raw.error();
    if (*raw == 0) return makeError("0 ppm (no CO2 value)");
    if (*raw > 40000) return makeError(std::to_string(*raw) + " ppm is outside the SCD4x range");
    return static_cast<double>(*raw);
  };
  auto temperature = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 1);
    if (!raw.ok()) return raw.error();
    double t = -45.0 + 175.0 * *raw / 65535.0;
    if (t < -10.0 || t > 60.0) {
      return makeError(std::to_string(t) + " degC is outside the SCD4x range -10..60");
    }
    return t;
  };
  auto humidity = [&]() -> Result<double> {
    Result<std::uint16_t> raw = word(frame, 2);
    if (!raw.ok()) return raw.error();
    return 100.0 * *raw / 65535.0;
  };
  return Scd4xValues{co2(), temperature(), humidity()};
}

DriverInfo scd40DriverInfo() {
  return scd4xInfo("scd40", "Sensirion SCD40 CO2/temperature/humidity (generic ids)");
}
DriverInfo scd41DriverInfo() {
  return scd4xInfo("scd41", "Sensirion SCD41 CO2/temperature/humidity (generic ids)");
}

}  // namespace sckd
