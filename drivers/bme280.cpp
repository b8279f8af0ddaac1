#include "drivers/bme280.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "drivers/checked_int.h"

namespace sckd {
namespace {

std::string hex(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02X", v);
  return b;
}

using Int = CheckedInt;  // every intermediate checked: any calibration bytes are safe

Error overflowError(std::string_view quantity) {
  return makeError(ErrorCode::Invalid,
                   std::string(quantity) + ": compensation overflows (bad calibration?)");
}

// The datasheet's temperature compensation: t_fine and 0.01 degC.
struct TemperatureFine {
  std::int64_t tFine;
  std::int64_t centi;
};
Result<TemperatureFine> compensateT(const Bme280Calibration& c, std::int32_t adcT) {
  const Int x = adcT;
  const Int var1 = (((x >> 3) - (Int(c.t1) << 1)) * Int(c.t2)) >> 11;
  const Int d = (x >> 4) - Int(c.t1);
  const Int var2 = (((d * d) >> 12) * Int(c.t3)) >> 14;
  const Int tFine = var1 + var2;
  const Int centi = (tFine * 5 + 128) >> 8;
  if (centi.overflowed()) return overflowError("temperature");
  return TemperatureFine{tFine.value(), centi.value()};
}

// The datasheet's 64-bit pressure compensation; Pa in Q24.8, or an error.
Result<std::int64_t> compensateP(const Bme280Calibration& c, std::int64_t tFine,
                                 std::int32_t adcP) {
  Int var1 = Int(tFine) - 128000;
  Int var2 = var1 * var1 * Int(c.p6);
  var2 = var2 + ((var1 * Int(c.p5)) << 17);
  var2 = var2 + (Int(c.p4) << 35);
  var1 = ((var1 * var1 * Int(c.p3)) >> 8) + ((var1 * Int(c.p2)) << 12);
  var1 = ((Int(1) << 47) + var1) * Int(c.p1) >> 33;
  if (var1.overflowed()) return overflowError("pressure");
  if (var1.value() == 0)
    return makeError(ErrorCode::Invalid, "pressure: calibration dig_P1 gives a division by zero");
  Int p = Int(1048576) - Int(adcP);
  p = (((p << 31) - var2) * 3125) / var1;
  var1 = (Int(c.p9) * (p >> 13) * (p >> 13)) >> 25;
  var2 = (Int(c.p8) * p) >> 19;
  const Int result = ((p + var1 + var2) >> 8) + (Int(c.p7) << 4);
  if (result.overflowed()) return overflowError("pressure");
  return result.value();
}

// The datasheet's 32-bit humidity compensation (computed in 64 bits); %RH in Q22.10.
Result<std::int64_t> compensateH(const Bme280Calibration& c, std::int64_t tFine,
                                 std::int32_t adcH) {
  Int v = Int(tFine) - 76800;
  const Int a = ((Int(adcH) << 14) - (Int(c.h4) << 20) - (Int(c.h5) * v) + 16384) >> 15;
  const Int b = (((((v * Int(c.h6)) >> 10) * (((v * Int(c.h3)) >> 11) + 32768)) >> 10) + 2097152) *
                    Int(c.h2) +
                8192;
  v = a * (b >> 14);
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * Int(c.h1)) >> 4);
  if (v.overflowed()) return overflowError("humidity");
  return std::clamp<std::int64_t>(v.value(), 0, 419430400) >> 12;
}

}  // namespace

Bme280Calibration parseBme280Calibration(std::span<const std::uint8_t, 26> tp,
                                         std::span<const std::uint8_t> h) {
  auto u16 = [&](int i) { return static_cast<std::uint16_t>(tp[i] | (tp[i + 1] << 8)); };
  auto s16 = [&](int i) { return static_cast<std::int16_t>(u16(i)); };
  Bme280Calibration c;
  c.t1 = u16(0);
  c.t2 = s16(2);
  c.t3 = s16(4);
  c.p1 = u16(6);
  c.p2 = s16(8);
  c.p3 = s16(10);
  c.p4 = s16(12);
  c.p5 = s16(14);
  c.p6 = s16(16);
  c.p7 = s16(18);
  c.p8 = s16(20);
  c.p9 = s16(22);
  c.h1 = tp[25];  // 0xA1; 0xA0 is unused
  if (h.size() >= 7) {
    c.h2 = static_cast<std::int16_t>(h[0] | (h[1] << 8));
    c.h3 = h[2];
    // dig_H4 = 0xE4[7:0] << 4 | 0xE5[3:0]; dig_H5 = 0xE6[7:0] << 4 | 0xE5[7:4]; the MSB
    // bytes are signed, so the 12-bit values are too.
    c.h4 = static_cast<std::int16_t>(static_cast<std::int8_t>(h[3]) * 16 | (h[4] & 0x0F));
    c.h5 = static_cast<std::int16_t>(static_cast<std::int8_t>(h[5]) * 16 | (h[4] >> 4));
    c.h6 = static_cast<std::int8_t>(h[6]);
  }
  return c;
}

Bme280Raw splitBme280Frame(std::span<const std::uint8_t> frame) {
  Bme280Raw raw;
  if (frame.size() < 6) return raw;
  raw.pressure = (frame[0] << 12) | (frame[1] << 4) | (frame[2] >> 4);
  raw.temperature = (frame[3] << 12) | (frame[4] << 4) | (frame[5] >> 4);
  if (frame.size() >= 8) raw.humidity = (frame[6] << 8) | frame[7];
  return raw;
}

Bme280Values compensateBme280(const Bme280Calibration& cal, const Bme280Raw& raw) {
  Bme280Values out;
  // 0x80000 / 0x8000 are the registers' reset values: a skipped or never-run conversion.
  if (raw.temperature == 0x80000) {
    Error e = makeError(ErrorCode::Invalid,
                        "temperature: no data (raw 0x80000: measurement skipped or not run)");
    out.temperature = e;
    out.pressure = withContext(
        "pressure", makeError(ErrorCode::Invalid, "needs the temperature, which has no data"));
    out.humidity = withContext(
        "humidity", makeError(ErrorCode::Invalid, "needs the temperature, which has no data"));
    return out;
  }
  Result<TemperatureFine> fine = compensateT(cal, raw.temperature);
  if (!fine.ok()) {
    out.temperature = fine.error();
    out.pressure = withContext(
        "pressure", makeError(ErrorCode::Invalid, "needs the temperature, which failed"));
    out.humidity = withContext(
        "humidity", makeError(ErrorCode::Invalid, "needs the temperature, which failed"));
    return out;
  }
  const TemperatureFine& t = *fine;
  double celsius = static_cast<double>(t.centi) / 100.0;
  if (celsius < -40.0 || celsius > 85.0) {
    out.temperature =
        makeError(ErrorCode::Invalid, "temperature: " + std::to_string(celsius) +
                                          " degC is outside the chip's range -40..85");
  } else {
    out.temperature = celsius;
  }

  if (raw.pressure == 0x80000) {
    out.pressure = makeError(ErrorCode::Invalid,
                             "pressure: no data (raw 0x80000: measurement skipped or not run)");
  } else if (Result<std::int64_t> q = compensateP(cal, t.tFine, raw.pressure); !q.ok()) {
    out.pressure = q.error();
  } else {
    double kPa = static_cast<double>(*q) / 256.0 / 1000.0;
    if (kPa < 30.0 || kPa > 110.0) {
      out.pressure = makeError(ErrorCode::Invalid, "pressure: " + std::to_string(kPa) +
                                                       " kPa is outside the chip's range 30..110");
    } else {
      out.pressure = kPa;
    }
  }

  if (raw.humidity < 0) {
    out.humidity = makeError(ErrorCode::Invalid, "humidity: not measured by this chip");
  } else if (raw.humidity == 0x8000) {
    out.humidity = makeError(ErrorCode::Invalid,
                             "humidity: no data (raw 0x8000: measurement skipped or not run)");
  } else if (Result<std::int64_t> h = compensateH(cal, t.tFine, raw.humidity); !h.ok()) {
    out.humidity = h.error();
  } else {
    out.humidity = static_cast<double>(*h) / 1024.0;
  }
  return out;
}

Millis bme280MaxMeasurementTime(int osrsT, int osrsP, int osrsH) {
  // t_max = 1.25 + 2.3*T + (2.3*P + 0.575) + (2.3*H + 0.575) ms, a term dropped when skipped.
  double ms = 1.25 + 2.3 * osrsT;
  if (osrsP > 0) ms += 2.3 * osrsP + 0.575;
  if (osrsH > 0) ms += 2.3 * osrsH + 0.575;
  return Millis(static_cast<int>(std::ceil(ms - 1e-9)));
}

namespace {

constexpr std::uint8_t kRegChipId = 0xD0;
constexpr std::uint8_t kRegReset = 0xE0;
constexpr std::uint8_t kResetWord = 0xB6;
constexpr std::uint8_t kRegCalibTp = 0x88;
constexpr std::uint8_t kRegCalibH = 0xE1;
constexpr std::uint8_t kRegCtrlHum = 0xF2;
constexpr std::uint8_t kRegStatus = 0xF3;
constexpr std::uint8_t kRegCtrlMeas = 0xF4;
constexpr std::uint8_t kRegConfig = 0xF5;
constexpr std::uint8_t kRegData = 0xF7;
constexpr std::uint8_t kStatusMeasuring = 0x08;
constexpr std::uint8_t kStatusImUpdate = 0x01;
// Status reads while the NVM copy after a soft reset runs (~2 ms, datasheet t_startup):
// each read is a bus transaction of ~0.3 ms at 100 kHz, so this bounds the wait without a
// sleep, and only on (re-)initialisation.
constexpr int kResetPolls = 20;

enum class Variant { Bme280, Bmp280 };

struct Bme280Settings {
  Variant variant = Variant::Bme280;
  int osrsT = 1;
  int osrsP = 1;
  int osrsH = 1;  // BME280 only
};

// Oversampling factor -> the 3-bit register code (1 -> 001 ... 16 -> 101).
std::uint8_t osrsCode(int factor) {
  switch (factor) {
    case 1:
      return 1;
    case 2:
      return 2;
    case 4:
      return 3;
    case 8:
      return 4;
    case 16:
      return 5;
    default:
      return 0;
  }
}

bool isBmp280Id(std::uint8_t id) {
  return id == 0x56 || id == 0x57 || id == 0x58;
}

Status checkChipId(Variant variant, std::uint8_t id) {
  if (variant == Variant::Bme280) {
    if (id == 0x60) return {};
    std::string what = "chip id " + hex(id) + " at 0xD0 is not a BME280 (0x60)";
    if (isBmp280Id(id)) what += ": is this a BMP280? use driver: bmp280";
    if (id == 0x61) what += ": is this a BME680? it has another register map";
    return makeError(ErrorCode::Invalid, what);
  }
  if (isBmp280Id(id)) return {};
  std::string what = "chip id " + hex(id) + " at 0xD0 is not a BMP280 (0x56/0x57/0x58)";
  if (id == 0x60) what += ": is this a BME280? use driver: bme280 (it also measures humidity)";
  return makeError(ErrorCode::Invalid, what);
}

class Bme280Driver final : public Driver {
 public:
  Bme280Driver(I2cBus& bus, std::uint8_t address, Bme280Settings settings)
      : bus_(bus), address_(address), settings_(settings) {}

  Result<Millis> start(const SampleContext&) override {
    measuring_ = false;
    if (!ready_) {
      if (Status s = init(); !s.ok()) return s.error();
      ready_ = true;
    }
    // ctrl_hum takes effect only on the next write of ctrl_meas: it must come first.
    if (humidity()) {
      if (Status s = write(kRegCtrlHum, osrsCode(settings_.osrsH), "write ctrl_hum"); !s.ok()) {
        return s.error();
      }
    }
    const std::uint8_t ctrlMeas = static_cast<std::uint8_t>(
        osrsCode(settings_.osrsT) << 5 | osrsCode(settings_.osrsP) << 2 | 0x01 /* forced */);
    if (Status s = write(kRegCtrlMeas, ctrlMeas, "start measurement"); !s.ok()) return s.error();
    measuring_ = true;
    return bme280MaxMeasurementTime(settings_.osrsT, settings_.osrsP,
                                    humidity() ? settings_.osrsH : 0);
  }

  Result<Measurement> collect() override {
    if (!measuring_)
      return makeError(ErrorCode::Internal, "collect() without a started measurement");
    measuring_ = false;
    Result<std::uint8_t> status = bus_.readByteData(address_, kRegStatus);
    if (!status.ok()) return fail(withContext("read status", status.error()));
    // Collecting before the conversion ends would return the previous values.
    if (*status & kStatusMeasuring) {
      return makeError(ErrorCode::NotReady,
                       "conversion still running (status " + hex(*status) + ")");
    }
    std::uint8_t frame[8] = {};
    std::span<std::uint8_t> data(frame, humidity() ? 8 : 6);
    if (Status s = bus_.readBlockData(address_, kRegData, data); !s.ok()) {
      return fail(withContext("read data", s.error()));
    }
    Bme280Values v = compensateBme280(calibration_, splitBme280Frame(data));
    Measurement m;
    add(m, 0, v.temperature);
    add(m, 1, v.pressure);
    if (humidity()) add(m, 2, v.humidity);
    return m;
  }

 private:
  bool humidity() const { return settings_.variant == Variant::Bme280; }

  static void add(Measurement& m, std::size_t quantity, const Result<double>& r) {
    if (r.ok() && std::isfinite(*r)) {
      m.samples.push_back(Sample{quantity, *r});
    } else {
      m.failures.push_back(r.ok() ? makeError(ErrorCode::Invalid, "non-finite value") : r.error());
    }
  }

  // Any bus error: the chip may have been power-cycled, so the next start() re-initialises.
  Error fail(Error e) {
    ready_ = false;
    return e;
  }

  Status write(std::uint8_t reg, std::uint8_t value, std::string_view what) {
    Status s = bus_.writeByteData(address_, reg, value);
    if (!s.ok()) return fail(withContext(what, s.error()));
    return {};
  }

  Status init() {
    Result<std::uint8_t> id = bus_.readByteData(address_, kRegChipId);
    if (!id.ok()) return withContext("read chip id", id.error());
    if (Status s = checkChipId(settings_.variant, *id); !s.ok()) return s;
    if (Status s = write(kRegReset, kResetWord, "soft reset"); !s.ok()) return s;
    bool copied = false;
    for (int i = 0; i < kResetPolls && !copied; ++i) {
      // The chip may not answer at all during its start-up: keep polling.
      Result<std::uint8_t> status = bus_.readByteData(address_, kRegStatus);
      copied = status.ok() && (*status & kStatusImUpdate) == 0;
    }
    if (!copied)
      return makeError(ErrorCode::NotReady,
                       "chip not ready after soft reset (calibration copy running)");

    std::uint8_t tp[26] = {};
    if (Status s = bus_.readBlockData(address_, kRegCalibTp, tp); !s.ok()) {
      return withContext("read calibration 0x88", s.error());
    }
    std::uint8_t h[7] = {};
    std::span<const std::uint8_t> hSpan;
    if (humidity()) {
      if (Status s = bus_.readBlockData(address_, kRegCalibH, h); !s.ok()) {
        return withContext("read calibration 0xE1", s.error());
      }
      hSpan = h;
    }
    // All-zero or all-ones trimming is a bus reading garbage, not a chip: dig_T1 and dig_P1
    // are never 0 or 0xFFFF on a real part.
    calibration_ = parseBme280Calibration(tp, hSpan);
    for (std::uint16_t v : {calibration_.t1, calibration_.p1}) {
      if (v == 0 || v == 0xFFFF)
        return makeError(ErrorCode::Invalid, "calibration data is blank (read as " + hex(v) + ")");
    }
    // Filter off, standby irrelevant in forced mode; writable only in sleep mode (after reset).
    return write(kRegConfig, 0x00, "write config");
  }

  I2cBus& bus_;
  std::uint8_t address_;
  Bme280Settings settings_;
  Bme280Calibration calibration_;
  bool ready_ = false;
  bool measuring_ = false;
};

int factorOption(const SensorConfig& sensor, std::string_view key) {
  if (!hasOption(sensor, key)) return 1;
  return std::stoi(optionString(sensor, key));
}

DriverFactory factory(Variant variant) {
  return [variant](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    if (!sensor.bus || !sensor.address)
      return makeError(ErrorCode::Config, "needs bus and address");
    Bme280Settings s;
    s.variant = variant;
    s.osrsT = factorOption(sensor, "oversampling_temperature");
    s.osrsP = factorOption(sensor, "oversampling_pressure");
    if (variant == Variant::Bme280) s.osrsH = factorOption(sensor, "oversampling_humidity");
    for (int f : {s.osrsT, s.osrsP, s.osrsH}) {
      if (osrsCode(f) == 0)
        return makeError(ErrorCode::Config, "oversampling must be 1, 2, 4, 8 or 16");
    }
    return std::unique_ptr<Driver>(std::make_unique<Bme280Driver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address), s));
  };
}

OptionSpec oversampling(std::string_view key, std::string_view help) {
  return OptionSpec{key, OptionType::String, false, 0, -1, {"1", "2", "4", "8", "16"}, "1", help};
}

}  // namespace

namespace {

// The two chips share everything but humidity. No public ids exist for either: the generic
// ones (docs/protocol.md, Sensor ids), overridable with `ids:`.
DriverInfo boschInfo(Variant variant) {
  const bool humidity = variant == Variant::Bme280;
  DriverInfo info;
  info.name = humidity ? "bme280" : "bmp280";
  info.summary = humidity ? "Bosch BME280 temperature, humidity and pressure (forced mode)"
                          : "Bosch BMP280 temperature and pressure (forced mode)";
  info.onI2cBus = true;
  info.addresses = {0x76, 0x77};
  info.quantities = {Quantity{"temperature", "degC", 55, true, 2},
                     Quantity{"pressure", "kPa", 58, true, 3}};
  constexpr std::string_view help = "1, 2, 4, 8 or 16: more is less noise, slower";
  info.options = {oversampling("oversampling_temperature", help),
                  oversampling("oversampling_pressure", help)};
  if (humidity) {
    info.quantities.push_back(Quantity{"humidity", "%RH", 56, true, 2});
    info.options.push_back(oversampling("oversampling_humidity", help));
  }
  info.create = factory(variant);
  return info;
}

}  // namespace

DriverInfo bme280DriverInfo() {
  return boschInfo(Variant::Bme280);
}

DriverInfo bmp280DriverInfo() {
  return boschInfo(Variant::Bmp280);
}

}  // namespace sckd
