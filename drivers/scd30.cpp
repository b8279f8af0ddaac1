#include "drivers/scd30.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <string>

#include "drivers/sensirion_crc.h"

namespace sckd {
namespace {

constexpr std::uint16_t kStartContinuous = 0x0010;
constexpr std::uint16_t kSetInterval = 0x4600;
constexpr std::uint16_t kDataReady = 0x0202;
constexpr std::uint16_t kReadMeasurement = 0x0300;
constexpr std::uint16_t kFirmwareVersion = 0xD100;

std::string hex16(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

bool timedOut(const Error& e) {
  return e.message.find("timed out") != std::string::npos;
}

// Float `index` (0..2) of the frame, from words 2*index and 2*index+1.
Result<float> floatAt(std::span<const std::uint8_t> frame, std::size_t index) {
  std::uint32_t bits = 0;
  for (std::size_t w = 2 * index; w < 2 * index + 2; ++w) {
    const std::uint8_t* p = frame.data() + 3 * w;
    if (sensirion::crc8(p[0], p[1]) != p[2]) {
      return makeError("CRC mismatch in word " + std::to_string(w));
    }
    bits = bits << 16 | static_cast<std::uint32_t>(p[0] << 8 | p[1]);
  }
  float value = std::bit_cast<float>(bits);
  // All ones (a stuck bus) and the other NaN/Inf patterns are no reading.
  if (!std::isfinite(value)) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(bits));
    return makeError(std::string("not a finite number (raw ") + text + ")");
  }
  return value;
}

Result<double> ranged(Result<float> v, double lo, double hi, const char* unit) {
  if (!v.ok()) return v.error();
  double d = *v + 0.0;  // -0.0 would be published as "-0"
  if (d < lo || d > hi) {
    return makeError(std::to_string(d) + " " + unit + " is outside the SCD30 range " +
                     std::to_string(static_cast<int>(lo)) + ".." +
                     std::to_string(static_cast<int>(hi)));
  }
  return d;
}

class Scd30Driver final : public Driver {
 public:
  Scd30Driver(I2cBus& bus, std::uint8_t address, std::uint16_t interval, std::uint16_t pressure)
      : bus_(bus), address_(address), interval_(interval), pressure_(pressure) {}

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
    if (!started_) return makeError("collect() without a started measurement");
    started_ = false;
    Result<std::vector<std::uint16_t>> ready = fetch(kDataReady, 3);
    if (!ready.ok()) return ready.error();
    if ((*ready)[0] != 1) {
      return makeError("no new measurement yet (data ready " + hex16(kDataReady) +
                       " = 0; the SCD30 measures every " + std::to_string(interval_) + " s)");
    }
    if (Status s = command(kReadMeasurement); !s.ok()) return s.error();
    std::uint8_t frame[18] = {};
    if (Status s = bus_.read(address_, frame); !s.ok()) {
      return failed(withContext("read measurement " + hex16(kReadMeasurement), s.error()));
    }
    Scd30Values v = decodeScd30(frame);
    Measurement m;
    bool crc = false;
    auto take = [&](std::size_t q, const Result<double>& r, const char* name) {
      if (r.ok()) {
        m.samples.push_back(Sample{q, *r});
      } else {
        m.failures.push_back(withContext(name, r.error()));
        crc = crc || r.error().message.starts_with("CRC");
      }
    };
    take(0, v.co2, "co2");
    take(1, v.temperature, "temperature");
    take(2, v.humidity, "humidity");
    if (crc) initialised_ = false;
    return m;
  }

 private:
  // Identity check, then the configuration. Both are re-sent after a failure: harmless on a
  // running SCD30, and needed by one that lost power.
  Status init() {
    Result<std::vector<std::uint16_t>> firmware = fetch(kFirmwareVersion, 3);
    if (!firmware.ok()) {
      return withContext("firmware version (is this an SCD30?)", firmware.error());
    }
    const std::uint16_t interval[1] = {interval_};
    if (Status s = command(kSetInterval, interval); !s.ok()) return s;
    const std::uint16_t pressure[1] = {pressure_};
    return command(kStartContinuous, pressure);
  }

  Status command(std::uint16_t code, std::span<const std::uint16_t> args = {}) {
    std::vector<std::uint8_t> bytes = sensirion::command(code, args);
    if (Status s = bus_.write(address_, bytes); !s.ok()) {
      return failed(withContext("command " + hex16(code), s.error()));
    }
    return {};
  }

  // Command, STOP, then a separate read: the SCD30 stretches the clock instead of needing a
  // wait, and refuses a repeated START.
  Result<std::vector<std::uint16_t>> fetch(std::uint16_t code, std::size_t bytes) {
    if (Status s = command(code); !s.ok()) return s.error();
    std::vector<std::uint8_t> frame(bytes);
    if (Status s = bus_.read(address_, frame); !s.ok()) {
      return failed(withContext("read " + hex16(code), s.error()));
    }
    std::size_t bad = 0;
    auto words = sensirion::decodeWords(frame, &bad);
    if (!words) {
      return failed(
          makeError("read " + hex16(code) + ": CRC mismatch in word " + std::to_string(bad)));
    }
    return *words;
  }

  // A timed-out clock stretch (the SCD30 stretches up to 150 ms about once a day) fails the
  // reading only; a NACK, EIO or bad CRC also makes the next start() configure it again.
  Error failed(Error e) {
    if (!timedOut(e)) initialised_ = false;
    return e;
  }

  I2cBus& bus_;
  std::uint8_t address_;
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
    if (!sensor.bus || !sensor.address) return makeError("needs bus: and address:");
    std::int64_t pressure = optionInt(sensor, "pressure_compensation");
    // One range cannot say "0, or 700..1400", so the gap is checked here.
    if (pressure != 0 && (pressure < 700 || pressure > 1400)) {
      return makeError("pressure_compensation: " + std::to_string(pressure) +
                       " mbar is out of range: 0 (off) or from 700 to 1400");
    }
    return std::unique_ptr<Driver>(std::make_unique<Scd30Driver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address),
        static_cast<std::uint16_t>(optionInt(sensor, "measurement_interval")),
        static_cast<std::uint16_t>(pressure)));
  };
  return info;
}

}  // namespace sckd
