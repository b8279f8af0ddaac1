#include "drivers/sensirion/sen5x.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "daemon/base/log.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

namespace {

// Commands and execution times, SEN5x datasheet (v2, 2022) §6.1.
constexpr std::uint16_t kStartMeasurement = 0x0021;
constexpr std::uint16_t kDataReady = 0x0202;
constexpr std::uint16_t kReadValues = 0x03C4;
// Read Measured PM Values: not in the datasheet's command table but in Sensirion's
// application note "SEN5x - Read Mass and Number Concentrations" and its own driver
// (https://github.com/Sensirion/embedded-i2c-sen5x, sen5x_read_measured_pm_values: 0x0413,
// 20 ms, 10 words, numbers and size scaled x10 and x1000).
constexpr std::uint16_t kReadPmValues = 0x0413;
constexpr std::uint16_t kProductName = 0xD014;
constexpr std::uint16_t kReset = 0xD304;
constexpr std::uint16_t kStopMeasurement = 0x0104;
constexpr Millis kAfterReset{210};  // 200 ms
constexpr Millis kReadDelay{25};    // 20 ms between a read command and its data

constexpr const char* kNames[kSen5xValues] = {"pm1",      "pm2_5",       "pm4",       "pm10",
                                              "humidity", "temperature", "voc_index", "nox_index"};
constexpr const char* kNumberNames[kSen5xNumbers] = {"pn0_5", "pn1",  "pn2_5",
                                                     "pn4",   "pn10", "particle_size"};

class Sen5xDriver final : public Driver {
 public:
  Sen5xDriver(I2cBus& bus, std::uint8_t address, std::string_view product, std::size_t count)
      : chip_(bus, address, sensirion::HexCase::Upper), product_(product), count_(count) {}

  // Stops the fan and laser when the sensor is closed (daemon stop, reload, `sckd check`);
  // best effort: the chip may be gone, and the next owner resets it anyway.
  ~Sen5xDriver() override {
    if (phase_ == Phase::Measuring) (void)chip_.command(kStopMeasurement);
  }

  // Every command that returns data needs 20 ms before its read, so each step of the
  // start-up sequence takes one start()/collect() pair; readings begin on the third. A
  // reading asks for the data-ready flag first, then (continueAfter) for the values, then
  // for the particle numbers and size.
  Result<Millis> start(const SampleContext&) override {
    started_ = true;
    switch (phase_) {
      case Phase::NeedInit:
        if (Status s = chip_.command(kReset); !s.ok()) return fail(s.error());
        phase_ = Phase::Reset;
        return kAfterReset;
      case Phase::NameRequested: {
        if (Status s = checkProduct(); !s.ok()) return fail(s.error());
        if (Status s = chip_.command(kStartMeasurement); !s.ok()) return fail(s.error());
        phase_ = Phase::Starting;
        return Millis(0);
      }
      case Phase::Measuring:
        if (Status s = chip_.command(kDataReady); !s.ok()) return fail(s.error());
        step_ = Step::DataReady;
        return kReadDelay;
      case Phase::Reset:
      case Phase::Starting:
        phase_ = Phase::NeedInit;  // collect() did not run: start over
        return makeError(ErrorCode::NotReady, "initialisation interrupted; starting again");
    }
    return Millis(0);
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without start()");
    started_ = false;
    switch (phase_) {
      case Phase::Reset:
        if (Status s = chip_.command(kProductName); !s.ok()) return fail(s.error());
        phase_ = Phase::NameRequested;
        return Measurement{};  // starting up: nothing measured, nothing failed
      case Phase::Starting:
        phase_ = Phase::Measuring;
        log::info(log::Category::Driver, std::string(product_) + " on " + chip_.bus().name() +
                                             ": measuring; values from the next reading");
        return Measurement{};
      case Phase::Measuring:
        break;
      default:
        return makeError(ErrorCode::NotReady, "not measuring");
    }
    if (step_ == Step::DataReady) return checkDataReady();
    if (step_ == Step::Numbers) return readNumbers();
    std::array<std::uint8_t, kSen5xFrameSize> frame{};
    if (Status s = chip_.read(frame, "read " + chip_.hex(kReadValues)); !s.ok()) {
      return fail(s.error());
    }
    Measurement m;
    std::vector<Sen5xValue> values = decodeSen5x(frame);
    for (std::size_t i = 0; i < count_; ++i) sensirion::addValue(m, i, values[i], kNames[i]);
    if (Status s = chip_.command(kReadPmValues); !s.ok()) return fail(s.error());
    step_ = Step::Numbers;
    started_ = true;  // collect() again for the numbers
    m.continueAfter = kReadDelay;
    return m;
  }

 private:
  enum class Phase { NeedInit, Reset, NameRequested, Starting, Measuring };
  // The steps of one reading while measuring.
  enum class Step { DataReady, Values, Numbers };

  Error fail(Error e) {
    phase_ = Phase::NeedInit;
    return e;
  }

  // The data-ready flag (0x0202, requested by start()). Without new data the chip would
  // answer Read Measured Values with the previous values (or the "unknown" markers right
  // after start), so a reading without it fails instead of publishing them again: during
  // the first second, during a fan cleaning (10 s), and when read twice within a second.
  Result<Measurement> checkDataReady() {
    std::array<std::uint8_t, 3> raw{};
    const std::string what = "read " + chip_.hex(kDataReady);
    if (Status s = chip_.read(raw, what); !s.ok()) return fail(s.error());
    Result<std::vector<std::uint16_t>> flag = sensirion::checkedWords(raw).context(what);
    if (!flag.ok()) return flag.error();
    // Byte 0 is unused (0x00); byte 1 is the flag.
    if (((*flag)[0] & 0xFF) == 0) {
      return makeError(ErrorCode::NotReady,
                       "no new data (data-ready flag 0): the " + std::string(product_) +
                           " makes one measurement per second, and none during its 10 s fan "
                           "cleaning");
    }
    if (Status s = chip_.command(kReadValues); !s.ok()) return fail(s.error());
    step_ = Step::Values;
    started_ = true;  // collect() again for the values
    Measurement m;
    m.continueAfter = kReadDelay;
    return m;
  }

  // The particle numbers and size of 0x0413 (requested by the previous step), after the
  // model's own quantities; numbers per 0.1 L (100 cm3), as the platform wants them.
  Result<Measurement> readNumbers() {
    std::array<std::uint8_t, kSen5xPmFrameSize> frame{};
    if (Status s = chip_.read(frame, "read " + chip_.hex(kReadPmValues)); !s.ok()) {
      return fail(s.error());
    }
    Measurement m;
    std::vector<Sen5xValue> values = decodeSen5xNumbers(frame);
    for (std::size_t i = 0; i < kSen5xNumbers; ++i) {
      sensirion::addValue(m, count_ + i, values[i], kNumberNames[i], i < 5 ? 100.0 : 1.0);
    }
    return m;
  }

  // The product name (0xD014, requested by the previous collect()): 32 ASCII characters.
  Status checkProduct() {
    std::array<std::uint8_t, 48> raw{};
    if (Status s = chip_.read(raw, "read product name"); !s.ok()) return s;
    Result<std::vector<std::uint16_t>> words =
        sensirion::checkedWords(raw).context("read product name");
    if (!words.ok()) return words.error();
    const std::string name = sensirion::asciiText(*words);
    std::string want(product_);
    for (char& c : want) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name != want) {
      return makeError(
          ErrorCode::Invalid,
          "product name '" + name + "' is not " + want +
              (name.rfind("SEN5", 0) == 0 ? ": use driver: " + toLower(name)
                                          : std::string(": is this an SPS30? use driver: sps30")));
    }
    return {};
  }

  static std::string toLower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  sensirion::Device chip_;
  std::string_view product_;
  std::size_t count_;
  Phase phase_ = Phase::NeedInit;
  Step step_ = Step::DataReady;
  bool started_ = false;
};

DriverInfo sen5xInfo(std::string_view name, std::size_t count, std::string_view summary) {
  DriverInfo info;
  info.name = name;
  info.summary = summary;
  info.onI2cBus = true;
  info.addresses = {0x69};
  const Quantity all[kSen5xValues] = {
      {kNames[0], "ug/m3", 193, false, 1}, {kNames[1], "ug/m3", 194, false, 1},
      {kNames[2], "ug/m3", 195, false, 1}, {kNames[3], "ug/m3", 196, false, 1},
      {kNames[4], "%RH", 203, false, 2},   {kNames[5], "degC", 204, false, 2},
      {kNames[6], "", 205, false, 0},      {kNames[7], "", 206, false, 0},
  };
  info.quantities.assign(all, all + count);
  // Every model counts particles: numbers in #/0.1 L (0 decimals: the chip's #/cm3 has one),
  // then the typical size in um (the chip's resolution is 0.001 um).
  for (std::size_t i = 0; i < kSen5xNumbers; ++i) {
    info.quantities.push_back(Quantity{kNumberNames[i], i < 5 ? "#/0.1L" : "um",
                                       197 + static_cast<int>(i), false, i < 5 ? 0 : 3});
  }
  info.create = [name, count](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    I2cBus& bus = context.buses.bus(*context.sensor.bus);
    return std::unique_ptr<Driver>(std::make_unique<Sen5xDriver>(
        bus, static_cast<std::uint8_t>(*context.sensor.address), name, count));
  };
  return info;
}

}  // namespace

std::vector<Sen5xValue> decodeSen5x(std::span<const std::uint8_t, kSen5xFrameSize> frame) {
  std::vector<Sen5xValue> values;
  values.reserve(kSen5xValues);
  for (std::size_t i = 0; i < kSen5xValues; ++i) {
    Result<std::uint16_t> checked = sensirion::checkedWord(frame, i);
    if (!checked.ok()) {
      values.push_back({0, checked.error()});
      continue;
    }
    const std::uint16_t word = *checked;
    // Scale factors and "no data" markers from the datasheet's Read Measured Values table:
    // PM uint16 / 10 (0xFFFF unknown), RH int16 / 100, T int16 / 200, indices int16 / 10
    // (0x7FFF unknown). Ranges: PM 0..1000 ug/m3, RH 0..100 %, VOC and NOx indices 1..500
    // (SEN5x datasheet §2; the index range also in https://docs.rs/crate/sen5x/latest/source/
    // src/types.rs). Temperature: the module's -10..60 degC operating range, not its inner
    // SHT4x's -40..125 (TEMPERATURE_MIN/MAX of LibDriver's SEN5x driver,
    // https://github.com/libdriver/sen5x src/driver_sen5x.c; the datasheet page itself was
    // not in reach to confirm).
    double v = 0;
    double lo = 0;
    double hi = 0;
    if (i < 4) {
      if (word == 0xFFFF) {
        values.push_back({0, makeError(ErrorCode::Invalid, "not available (0xFFFF)")});
        continue;
      }
      v = word / 10.0;
      hi = 1000;
    } else {
      if (word == 0x7FFF) {
        values.push_back({0, makeError(ErrorCode::Invalid, "not available (0x7FFF)")});
        continue;
      }
      const auto s = static_cast<std::int16_t>(word);
      static constexpr double kScale[4] = {100.0, 200.0, 10.0, 10.0};
      static constexpr double kLo[4] = {0, -10, 1, 1};
      static constexpr double kHi[4] = {100, 60, 500, 500};
      v = s / kScale[i - 4];
      lo = kLo[i - 4];
      hi = kHi[i - 4];
    }
    if (v < lo || v > hi) {
      char b[96];
      std::snprintf(b, sizeof b, "%g is outside the measuring range %g..%g (raw 0x%04X)", v, lo, hi,
                    word);
      values.push_back({0, makeError(ErrorCode::Invalid, b)});
      continue;
    }
    values.push_back({v, std::nullopt});
  }
  return values;
}

std::vector<Sen5xValue> decodeSen5xNumbers(std::span<const std::uint8_t, kSen5xPmFrameSize> frame) {
  std::vector<Sen5xValue> values;
  values.reserve(kSen5xNumbers);
  for (std::size_t i = 0; i < kSen5xNumbers; ++i) {
    Result<std::uint16_t> checked = sensirion::checkedWord(frame, 4 + i);
    if (!checked.ok()) {
      values.push_back({0, checked.error()});
      continue;
    }
    const std::uint16_t word = *checked;
    // uint16, 0xFFFF unknown (as for the PM mass); numbers / 10 in #/cm3, size / 1000 in
    // um. Ranges: the SPS30's (its datasheet §1.1; Sensirion's PM sensing, which the SEN5x
    // builds on; the SEN5x pages with a number range were not in reach): number 0..3000
    // #/cm3, and the typical size within the 0.3..10 um size range (0: no particles).
    if (word == 0xFFFF) {
      values.push_back({0, makeError(ErrorCode::Invalid, "not available (0xFFFF)")});
      continue;
    }
    const bool size = i == 5;
    const double v = size ? word / 1000.0 : word / 10.0;
    const double hi = size ? 10.0 : 3000.0;
    if (v > hi) {
      char b[96];
      std::snprintf(b, sizeof b, "%g is outside the measuring range 0..%g (raw 0x%04X)", v, hi,
                    word);
      values.push_back({0, makeError(ErrorCode::Invalid, b)});
      continue;
    }
    values.push_back({v, std::nullopt});
  }
  return values;
}

DriverInfo sen50DriverInfo() {
  return sen5xInfo("sen50", 4,
                   "Sensirion SEN50 particulate matter (PM1/2.5/4/10, numbers, typical size)");
}
DriverInfo sen54DriverInfo() {
  return sen5xInfo("sen54", 7,
                   "Sensirion SEN54 PM mass and number, humidity, temperature, VOC index");
}
DriverInfo sen55DriverInfo() {
  return sen5xInfo("sen55", 8,
                   "Sensirion SEN55 PM mass and number, humidity, temperature, VOC, NOx");
}

}  // namespace sckd
