#include "drivers/sensirion/sps30.h"

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "daemon/base/log.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

namespace {

// Command words, SPS30 datasheet v1.0 (March 2020) §6.3.
constexpr std::uint16_t kStartMeasurement = 0x0010;
constexpr std::uint16_t kFloatFormat = 0x0300;  // argument of start: big-endian IEEE754
constexpr std::uint16_t kDataReady = 0x0202;
constexpr std::uint16_t kReadValues = 0x0300;
constexpr std::uint16_t kAutoCleaningInterval = 0x8004;
constexpr std::uint16_t kProductType = 0xD002;
constexpr std::uint16_t kReset = 0xD304;
constexpr std::uint16_t kStopMeasurement = 0x0104;
constexpr char kProduct[] = "00080000";
// Execution times (§6.3): reset 100 ms; start 20 ms, and the first values a second later.
constexpr Millis kAfterReset{110};
constexpr Millis kFirstValues{1100};
// Fan cleaning (datasheet §4, "Fan Auto Cleaning"): the fan runs at full speed for 10 s
// and no new values come meanwhile (data-ready flag 0). With the second before it and the
// one after it, that is the longest a measuring SPS30 goes without new data; a few seconds
// of slack on top. Not ready for longer than this, counted from the first not-ready answer,
// means the chip lost its state (a brown-out puts it back to idle): initialise it again.
// Time, not a count of readings: at a short interval a count runs out mid-cleaning.
constexpr std::chrono::seconds kFanCleaning{10};
constexpr std::chrono::seconds kNoDataLimit = kFanCleaning + std::chrono::seconds(5);

// The quantity names, in frame order.
constexpr const char* kNames[kSps30Values] = {"pm1", "pm2_5", "pm4", "pm10", "pn0_5",
                                              "pn1", "pn2_5", "pn4", "pn10", "particle_size"};

class Sps30Driver final : public Driver {
 public:
  Sps30Driver(I2cBus& bus, std::uint8_t address, const Clock& clock, std::uint32_t cleaningSeconds)
      : chip_(bus, address, sensirion::HexCase::Upper),
        clock_(clock),
        cleaningSeconds_(cleaningSeconds) {}

  // Stops the fan and laser when the sensor is closed (daemon stop, reload, `sckd check`);
  // best effort: the chip may be gone, and the next owner resets it anyway.
  ~Sps30Driver() override {
    if (phase_ == Phase::Measuring) (void)chip_.command(kStopMeasurement);
  }

  Result<Millis> start(const SampleContext&) override {
    started_ = true;
    switch (phase_) {
      case Phase::NeedInit:
        // Reset first: after a failure the chip may still be measuring, and start
        // measurement is only accepted in idle mode.
        if (Status s = chip_.command(kReset); !s.ok()) return fail(s.error());
        phase_ = Phase::Reset;
        return kAfterReset;
      case Phase::Reset:  // collect() did not run; start over
        phase_ = Phase::NeedInit;
        return makeError(ErrorCode::NotReady, "initialisation interrupted; starting again");
      case Phase::Configured: {
        const std::uint16_t arg[1] = {kFloatFormat};
        if (Status s = chip_.command(kStartMeasurement, arg); !s.ok()) return fail(s.error());
        phase_ = Phase::Measuring;
        notReadySince_.reset();
        return kFirstValues;
      }
      case Phase::Measuring:
        return Millis(0);
    }
    return Millis(0);
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without start()");
    started_ = false;
    if (phase_ == Phase::Reset) {
      if (Status s = configure(); !s.ok()) return fail(s.error());
      phase_ = Phase::Configured;
      log::info(log::Category::Driver, "sps30 on " + chip_.bus().name() +
                                           ": reset and configured; measuring from the next "
                                           "reading");
      return Measurement{};  // nothing measured yet: no values, no failure
    }
    if (phase_ != Phase::Measuring) return makeError(ErrorCode::NotReady, "not measuring");

    std::array<std::uint8_t, 3> ready{};
    if (Status s = query(kDataReady, ready); !s.ok()) return fail(s.error());
    Result<std::vector<std::uint16_t>> flag = sensirion::checkedWords(ready);
    if (!flag.ok()) return withContext("read data-ready flag", flag.error());
    if ((*flag)[0] == 0) return notReady();
    notReadySince_.reset();

    std::array<std::uint8_t, kSps30FrameSize> frame{};
    if (Status s = query(kReadValues, frame); !s.ok()) return fail(s.error());
    Measurement m;
    std::vector<Sps30Value> values = decodeSps30(frame);
    for (std::size_t i = 0; i < values.size(); ++i) {
      // 0.1 L is 100 cm3: the platform wants numbers per 0.1 L.
      sensirion::addValue(m, i, values[i], kNames[i], (i >= 4 && i <= 8) ? 100.0 : 1.0);
    }
    return m;
  }

 private:
  enum class Phase { NeedInit, Reset, Configured, Measuring };

  Error fail(Error e) {
    phase_ = Phase::NeedInit;
    return e;
  }

  // No new data: normal within a second of the last reading and during a fan cleaning;
  // beyond kNoDataLimit the chip is initialised again.
  Error notReady() {
    const MonoTime now = clock_.monotonic();
    if (!notReadySince_) notReadySince_ = now;
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - *notReadySince_);
    if (waited > kNoDataLimit) {
      phase_ = Phase::NeedInit;
      return makeError(ErrorCode::NotReady, "no new data for " + std::to_string(waited.count()) +
                                                " s, longer than a fan cleaning (" +
                                                std::to_string(kFanCleaning.count()) +
                                                " s): resetting the SPS30 at the next reading");
    }
    return makeError(ErrorCode::NotReady,
                     "no new data (data-ready flag 0): the SPS30 makes one measurement per "
                     "second, and none during its " +
                         std::to_string(kFanCleaning.count()) + " s fan cleaning");
  }

  // "Set pointer & read data": the command, a STOP, then a separate read (§6.2). The read
  // commands used here (data-ready flag, measured values, product type) have no execution
  // time: the read follows at once. Sensirion's own driver waits only after start/stop and
  // writing the cleaning interval (20 ms), reset (100 ms) and the 5 ms commands
  // (https://github.com/Sensirion/python-i2c-sps30 sensirion_i2c_sps30/commands.py,
  // device_busy_delay; SPS30 datasheet v1.0 §6.3, "Execution Time" column).
  Status query(std::uint16_t code, std::span<std::uint8_t> out) {
    if (Status s = chip_.command(code); !s.ok()) return s;
    return chip_.read(out, "read " + chip_.hex(code));
  }

  Status configure() {
    std::array<std::uint8_t, 12> product{};
    if (Status s = query(kProductType, product); !s.ok()) return s;
    Result<std::vector<std::uint16_t>> words = sensirion::checkedWords(product);
    if (!words.ok()) return withContext("read product type", words.error());
    const std::string type = sensirion::asciiText(*words);
    if (type != kProduct) {
      return makeError(ErrorCode::Invalid,
                       "product type '" + type + "' is not an SPS30 ('" + kProduct +
                           "'): is this a SEN5x? use driver: sen50, sen54 or sen55");
    }
    const std::uint16_t interval[2] = {static_cast<std::uint16_t>(cleaningSeconds_ >> 16),
                                       static_cast<std::uint16_t>(cleaningSeconds_ & 0xFFFF)};
    return chip_.command(kAutoCleaningInterval, interval);
  }

  sensirion::Device chip_;
  const Clock& clock_;
  std::uint32_t cleaningSeconds_;
  Phase phase_ = Phase::NeedInit;
  std::optional<MonoTime> notReadySince_;  // the first of the current not-ready answers
  bool started_ = false;
};

Result<std::unique_ptr<Driver>> createSps30(const DriverContext& context) {
  const SensorConfig& sensor = context.sensor;
  const auto cleaning = optionInt(sensor, "fan_cleaning_interval");
  I2cBus& bus = context.buses.bus(*sensor.bus);
  return std::unique_ptr<Driver>(
      std::make_unique<Sps30Driver>(bus, static_cast<std::uint8_t>(*sensor.address), context.clock,
                                    static_cast<std::uint32_t>(cleaning)));
}

}  // namespace

std::vector<Sps30Value> decodeSps30(std::span<const std::uint8_t, kSps30FrameSize> frame) {
  std::vector<Sps30Value> values;
  values.reserve(kSps30Values);
  for (std::size_t i = 0; i < kSps30Values; ++i) {
    Result<std::uint32_t> bits = sensirion::checkedWord32(frame, i);
    if (!bits.ok()) {
      values.push_back({0, bits.error()});
      continue;
    }
    double v = static_cast<double>(std::bit_cast<float>(*bits));
    if (v == 0) v = 0;  // -0.0 would be published as "-0"
    // Measuring ranges, datasheet §1.1: mass 0..1000 ug/m3, number 0..3000 #/cm3; the
    // typical size lies within the 0.3..10 um size range (0 when no particles).
    const double max = i < 4 ? 1000.0 : i < 9 ? 3000.0 : 10.0;
    if (!std::isfinite(v)) {
      char raw[16];
      std::snprintf(raw, sizeof raw, "0x%08X", static_cast<unsigned>(*bits));
      values.push_back(
          {0, makeError(ErrorCode::Invalid, std::string("not a number (raw ") + raw + ")")});
    } else if (v < 0 || v > max) {
      values.push_back({0, makeError(ErrorCode::Invalid,
                                     std::to_string(v) + " is outside the measuring range 0.." +
                                         std::to_string(static_cast<int>(max)))});
    } else {
      values.push_back({v, std::nullopt});
    }
  }
  return values;
}

DriverInfo sps30DriverInfo() {
  DriverInfo info;
  info.name = "sps30";
  info.summary = "Sensirion SPS30 particulate matter (mass ug/m3, number #/0.1L, typical size)";
  info.onI2cBus = true;
  info.addresses = {0x69};
  for (std::size_t i = 0; i < kSps30Values; ++i) {
    const char* unit = i < 4 ? "ug/m3" : i < 9 ? "#/0.1L" : "um";
    const int decimals = i < 4 ? 2 : i < 9 ? 0 : 3;
    info.quantities.push_back(
        Quantity{kNames[i], unit, 182 + static_cast<int>(i), false, decimals});
  }
  info.options = {
      OptionSpec{"fan_cleaning_interval",
                 OptionType::Duration,
                 false,
                 0,
                 365 * 86400,
                 {},
                 "7d",
                 "how often the fan blows itself clean (0: never); written at start"},
  };
  info.create = createSps30;
  return info;
}

}  // namespace sckd
