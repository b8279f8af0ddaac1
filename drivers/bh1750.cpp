#include "drivers/bh1750.h"

#include <cmath>
#include <string>

namespace sckd {
namespace {

constexpr std::uint8_t kPowerOn = 0x01;
constexpr std::uint8_t kOneTimeHighRes = 0x20;
constexpr std::uint8_t kMtHigh = 0x40;  // | MT[7:5]
constexpr std::uint8_t kMtLow = 0x60;   // | MT[4:0]

class Bh1750Driver final : public Driver {
 public:
  Bh1750Driver(I2cBus& bus, std::uint8_t address, int mt) : bus_(bus), address_(address), mt_(mt) {}

  Result<Millis> start(const SampleContext&) override {
    measuring_ = false;
    // One-time mode powers the chip down after each result, so every reading powers it on
    // again; MTreg is sent every time (also 69): only a power cycle resets it, and a previous
    // user of the bus may have changed it.
    if (Status s = command(kPowerOn, "power on"); !s.ok()) return s.error();
    if (Status s = command(static_cast<std::uint8_t>(kMtHigh | (mt_ >> 5)), "set MTreg"); !s.ok()) {
      return s.error();
    }
    if (Status s = command(static_cast<std::uint8_t>(kMtLow | (mt_ & 0x1F)), "set MTreg");
        !s.ok()) {
      return s.error();
    }
    if (Status s = command(kOneTimeHighRes, "start measurement"); !s.ok()) return s.error();
    measuring_ = true;
    return bh1750MeasurementTime(mt_);
  }

  Result<Measurement> collect() override {
    if (!measuring_)
      return makeError(ErrorCode::Internal, "collect() without a started measurement");
    measuring_ = false;
    std::uint8_t frame[2] = {};
    if (Status s = bus_.read(address_, frame); !s.ok())
      return withContext("read result", s.error());
    Measurement m;
    Result<double> lux = decodeBh1750(std::span<const std::uint8_t, 2>(frame), mt_);
    if (lux.ok()) {
      m.samples.push_back(Sample{0, *lux});
    } else {
      m.failures.push_back(lux.error());
    }
    return m;
  }

 private:
  Status command(std::uint8_t code, std::string_view what) {
    const std::uint8_t bytes[1] = {code};
    return bus_.write(address_, bytes).context(what);
  }

  I2cBus& bus_;
  std::uint8_t address_;
  int mt_;
  bool measuring_ = false;
};

}  // namespace

Result<double> decodeBh1750(std::span<const std::uint8_t, 2> frame, int mt) {
  if (mt < 31 || mt > 254)
    return makeError(ErrorCode::Config, "MTreg " + std::to_string(mt) + " outside 31..254");
  const unsigned raw = static_cast<unsigned>(frame[0]) << 8 | frame[1];
  if (raw == 0xFFFF)
    return makeError(ErrorCode::Invalid, "light: saturated (raw 0xFFFF): brighter than the range");
  return raw / 1.2 * kBh1750DefaultMt / mt;
}

Millis bh1750MeasurementTime(int mt) {
  return Millis(static_cast<int>(std::ceil(180.0 * mt / kBh1750DefaultMt - 1e-9)));
}

DriverInfo bh1750DriverInfo() {
  DriverInfo info;
  info.name = "bh1750";
  info.summary = "ROHM BH1750 ambient light (one-time high-resolution mode)";
  info.onI2cBus = true;
  info.addresses = {0x23, 0x5C};
  // No public id for the BH1750: 14 is the urban board's light sensor, the generic light id.
  info.quantities = {Quantity{"light", "lux", 14, true, 1}};
  info.options = {
      OptionSpec{"measurement_time",
                 OptionType::Integer,
                 false,
                 31,
                 254,
                 {},
                 "69",
                 "MTreg: higher is more sensitive in the dark, lower reaches brighter light"},
  };
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    if (!sensor.bus || !sensor.address)
      return makeError(ErrorCode::Config, "needs bus and address");
    int mt = hasOption(sensor, "measurement_time")
                 ? static_cast<int>(optionInt(sensor, "measurement_time"))
                 : kBh1750DefaultMt;
    return std::unique_ptr<Driver>(std::make_unique<Bh1750Driver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address), mt));
  };
  return info;
}

}  // namespace sckd
