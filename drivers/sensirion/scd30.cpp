#include "drivers/sensirion/scd30.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <string>

#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {
namespace {

constexpr std::uint16_t kStartContinuous = 0x0010;
constexpr std::uint16_t kSetInterval = 0x4600;
constexpr std::uint16_t kDataReady = 0x0202;
constexpr std::uint16_t kReadMeasurement = 0x0300;
constexpr std::uint16_t kFirmwareVersion = 0xD100;

bool timedOut(const Error& e) {
  return e.code == ErrorCode::Timeout;
}

// Float `index` (0..2) of the frame, from words 2*index and 2*index+1.
Result<float> floatAt(std::span<const std::uint8_t> frame, std::size_t index) {
  Result<std::uint32_t> bits = sensirion::checkedWord32(frame, index);
  if (!bits.ok()) return bits.error();
  float value = std::bit_cast<float>(*bits);
  // All ones (a stuck bus) and the other NaN/Inf patterns are no reading.
  if (!std::isfinite(value)) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(*bits));
    return makeError(ErrorCode::Invalid, std::string("not a finite number (raw ") + text + ")");
  }
  return value;
}

Result<double> ranged(Result<float> v, double lo, double hi, const char* unit) {
  if (!v.ok()) return v.error();
  return sensirion::inRange(*v + 0.0, lo, hi, unit, "SCD30");  // + 0.0: never publish "-0"
}

class Scd30Driver final : public Driver {
 public:
  Scd30Driver(I2cBus& bus, std::uint8_t address, std::uint16_t interval, std::uint16_t pressure)
      : chip_(bus, address), interval_(interval), pressure_(pressure) {}

  Result<Millis> start(const SampleContext&) override {
    started_ = false;
    Millis delay(0);
    if (!initialised_) {
      if (Status s = init(); !s.ok()) return s.error();
      initialised_ = true;
      // The first value comes one interval after the start command: wait for it when that
      // is short, so `sckd check` and the first reading get a value.
      if (interval_ <= 10) delay = Millis(interval_ * 1000 + 100);
    }
    started_ = true;
    return delay;
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without a started measurement");
    started_ = false;
    Result<std::vector<std::uint16_t>> ready = fetch(kDataReady, 1);
    if (!ready.ok()) return ready.error();
    if ((*ready)[0] != 1) {
      return makeError(ErrorCode::NotReady,
                       "no new measurement yet (data ready " + chip_.hex(kDataReady) +
                           " = 0; the SCD30 measures every " + std::to_string(interval_) + " s)");
    }
    if (Status s = command(kReadMeasurement); !s.ok()) return s.error();
    std::uint8_t frame[18] = {};
    if (Status s = chip_.read(frame, "read measurement " + chip_.hex(kReadMeasurement)); !s.ok()) {
      return failed(s.error());
    }
    Measurement m = sensirion::co2Measurement(decodeScd30(frame));
    if (sensirion::crcFailed(m)) initialised_ = false;
    return m;
  }

 private:
  // Identity check, then the configuration. Both are re-sent after a failure: harmless on a
  // running SCD30, and needed by one that lost power.
  Status init() {
    Result<std::vector<std::uint16_t>> firmware = fetch(kFirmwareVersion, 1);
    if (!firmware.ok()) {
      return withContext("firmware version (is this an SCD30?)", firmware.error());
    }
    const std::uint16_t interval[1] = {interval_};
    if (Status s = command(kSetInterval, interval); !s.ok()) return s;
    const std::uint16_t pressure[1] = {pressure_};
    return command(kStartContinuous, pressure);
  }

  Status command(std::uint16_t code, std::span<const std::uint16_t> args = {}) {
    if (Status s = chip_.command(code, args); !s.ok()) return failed(s.error());
    return {};
  }

  // Command, STOP, then a separate read: the SCD30 stretches the clock instead of needing a
  // wait, and refuses a repeated START.
  Result<std::vector<std::uint16_t>> fetch(std::uint16_t code, std::size_t words) {
    Result<std::vector<std::uint16_t>> r = chip_.fetch(code, words);
    if (!r.ok()) return failed(r.error());
    return r;
  }

  // A timed-out clock stretch (the SCD30 stretches up to 150 ms about once a day) fails the
  // reading only; a NACK, EIO or bad CRC also makes the next start() configure it again.
  Error failed(Error e) {
    if (!timedOut(e)) initialised_ = false;
    return e;
  }

  sensirion::Device chip_;
  std::uint16_t interval_;
  std::uint16_t pressure_;
  bool initialised_ = false;
  bool started_ = false;
};

}  // namespace

Scd30Values decodeScd30(std::span<const std::uint8_t, 18> frame) {
  // Ranges from the SCD30 datasheet: CO2 0..40000 ppm, T -40..70 degC, RH 0..100 %.
  return Scd30Values{ranged(floatAt(frame, 0), 0, 40000, "ppm"),
                     ranged(floatAt(frame, 1), -40, 70, "degC"),
                     ranged(floatAt(frame, 2), 0, 100, "%RH")};
}

DriverInfo scd30DriverInfo() {
  DriverInfo info;
  info.name = "scd30";
  info.summary = "Sensirion SCD30 CO2/temperature/humidity (NDIR, continuous)";
  info.onI2cBus = true;
  info.addresses = {0x61};
  info.quantities = {Quantity{"co2", "ppm", 158, false, 0},
                     Quantity{"temperature", "degC", 160, false, 2},
                     Quantity{"humidity", "%RH", 161, false, 2}};
  info.options = {
      OptionSpec{"measurement_interval",
                 OptionType::Duration,
                 false,
                 2,
                 1800,
                 {},
                 "2s",
                 "how often the SCD30 measures (2s..30m)"},
      OptionSpec{"pressure_compensation",
                 OptionType::Integer,
                 false,
                 0,
                 1400,
                 {},
                 "0",
                 "ambient pressure in mbar (700..1400) for CO2 compensation; 0: off"},
  };
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    Result<sensirion::BusAddress> at = sensirion::busAddress(context);
    if (!at.ok()) return at.error();
    std::int64_t pressure = optionInt(sensor, "pressure_compensation");
    // One range cannot say "0, or 700..1400", so the gap is checked here.
    if (pressure != 0 && (pressure < 700 || pressure > 1400)) {
      return makeError(ErrorCode::Config, "pressure_compensation: " + std::to_string(pressure) +
                                              " mbar is out of range: 0 (off) or from 700 to 1400");
    }
    return std::unique_ptr<Driver>(std::make_unique<Scd30Driver>(
        at->bus, at->address, static_cast<std::uint16_t>(optionInt(sensor, "measurement_interval")),
        static_cast<std::uint16_t>(pressure)));
  };
  return info;
}

}  // namespace sckd
