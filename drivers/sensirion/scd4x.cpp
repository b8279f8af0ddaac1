#include "drivers/sensirion/scd4x.h"

#include <string>

#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {
namespace {

using sensirion::Device;

constexpr std::uint16_t kStartPeriodic = 0x21B1;
constexpr std::uint16_t kReadMeasurement = 0xEC05;
// Read commands (read measurement, data ready 0xE4B8) need 1 ms before the read header.
constexpr Millis kExecution(1);

bool nacked(const Error& e) {
  return e.code == ErrorCode::Absent;  // i2c-dev: EREMOTEIO or ENXIO, no ACK
}

class Scd4xDriver final : public Driver {
 public:
  Scd4xDriver(I2cBus& bus, std::uint8_t address) : chip_(bus, address) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    justStarted_ = false;
    if (!initialised_) {
      // An SCD4x already measuring (sckd restarted) NACKs the start command, as it does
      // every command not allowed during a periodic measurement; the read command below
      // then tells a running chip (ACK) from an absent one (NACK).
      Status s = chip_.command(kStartPeriodic, {}, "start periodic measurement");
      if (s.ok()) {
        initialised_ = true;
        justStarted_ = true;
        started_ = true;
        return Millis(0);
      }
      startError_ = s.error();
    }
    if (Status s = chip_.command(kReadMeasurement); !s.ok()) {
      Error e = initialised_ ? s.error() : startError_;
      initialised_ = false;
      return e;
    }
    initialised_ = true;
    started_ = true;
    return kExecution;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without a started measurement");
    started_ = false;
    if (justStarted_) {
      return makeError(ErrorCode::NotReady,
                       "periodic measurement started just now; the first value comes 5 s "
                       "later");
    }
    std::uint8_t frame[9] = {};
    if (Status s = chip_.read(frame, "read measurement " + chip_.hex(kReadMeasurement)); !s.ok()) {
      // The chip ACKed the command a moment ago: a NACKed read header is its datasheet
      // way of saying the buffer is empty (read out already, next value not due yet).
      if (nacked(s.error())) {
        return makeError(ErrorCode::NotReady,
                         "no new measurement yet (the SCD4x updates every 5 s; reading "
                         "more often than that leaves readings without a value)");
      }
      initialised_ = false;
      return s.error();
    }
    Measurement m = sensirion::co2Measurement(decodeScd4x(frame));
    if (sensirion::crcFailed(m)) initialised_ = false;
    return m;
  }

 private:
  Device chip_;
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
    Result<sensirion::BusAddress> at = sensirion::busAddress(context);
    if (!at.ok()) return at.error();
    return std::unique_ptr<Driver>(std::make_unique<Scd4xDriver>(at->bus, at->address));
  };
  return info;
}

}  // namespace

Scd4xValues decodeScd4x(std::span<const std::uint8_t, 9> frame) {
  // SCD4x datasheet §3.5.2: CO2 = word 0 in ppm; T = -45 + 175 * S/65535;
  // RH = 100 * S/65535. Output range CO2 0..40000 ppm (datasheet v1.3 features list). T and
  // RH are specified for -10..60 degC and 0..100 %RH (datasheet §1.2/§1.3, humidity and
  // temperature sensing performance; the pages were not in reach, the figures are as quoted
  // with the datasheet's accuracy table at https://docs.evolion.io/hw/sensor-modules/co2-rht).
  // A CO2 of 0 is the datasheet's "no CO2 value" (RH/T-only measurements report it); it
  // gives 0xFFFF no meaning: 100 %RH is a reading, and 65535 ppm or 130 degC fail the ranges.
  auto co2 = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 0);
    if (!raw.ok()) return raw.error();
    if (*raw == 0) return makeError(ErrorCode::Invalid, "0 ppm (no CO2 value)");
    if (*raw > 40000)
      return makeError(ErrorCode::Invalid,
                       std::to_string(*raw) + " ppm is outside the SCD4x range");
    return static_cast<double>(*raw);
  };
  auto temperature = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 1);
    if (!raw.ok()) return raw.error();
    return sensirion::inRange(sensirion::temperatureFromTicks(*raw), -10, 60, "degC", "SCD4x");
  };
  auto humidity = [&]() -> Result<double> {
    Result<std::uint16_t> raw = sensirion::checkedWord(frame, 2);
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
