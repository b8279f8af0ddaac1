#include "drivers/sps30.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "daemon/log.h"
#include "drivers/sensirion_crc.h"

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
// Data not ready this many readings in a row: the chip lost its state (a brown-out puts it
// back to idle), so initialise it again.
constexpr int kMaxNotReady = 3;

// The quantity names, in frame order.
constexpr const char* kNames[kSps30Values] = {"pm1", "pm2_5", "pm4", "pm10", "pn0_5",
                                              "pn1", "pn2_5", "pn4", "pn10", "particle_size"};

std::string hex16(std::uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%04X", v);
  return b;
}

class Sps30Driver final : public Driver {
 public:
  Sps30Driver(I2cBus& bus, std::uint8_t address, std::uint32_t cleaningSeconds)
      : bus_(bus), address_(address), cleaningSeconds_(cleaningSeconds) {}

  // Stops the fan and laser when the sensor is closed (daemon stop, reload, `sckd check`);
  // best effort: the chip may be gone, and the next owner resets it anyway.
  ~Sps30Driver() override {
    if (phase_ == Phase::Measuring) (void)send(kStopMeasurement);
  }

  Result<Millis> start(const SampleContext&) override {
    started_ = true;
    switch (phase_) {
      case Phase::NeedInit:
        // Reset first: after a failure the chip may still be measuring, and start
        // measurement is only accepted in idle mode.
        if (Status s = send(kReset); !s.ok()) return fail(s.error());
        phase_ = Phase::Reset;
        return kAfterReset;
      case Phase::Reset:  // collect() did not run; start over
        phase_ = Phase::NeedInit;
        return makeError("initialisation interrupted; starting again");
      case Phase::Configured: {
        const std::uint16_t arg[1] = {kFloatFormat};
        if (Status s = send(kStartMeasurement, arg); !s.ok()) return fail(s.error());
        phase_ = Phase::Measuring;
        notReady_ = 0;
        return kFirstValues;
      }
      case Phase::Measuring:
        return Millis(0);
    }
    return Millis(0);
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError("collect() without start()");
    started_ = false;
    if (phase_ == Phase::Reset) {
      if (Status s = configure(); !s.ok()) return fail(s.error());
      phase_ = Phase::Configured;
      log::info(log::Category::Driver, "sps30 on " + bus_.name() +
                                           ": reset and configured; measuring from the next "
                                           "reading");
      return Measurement{};  // nothing measured yet: no values, no failure
    }
    if (phase_ != Phase::Measuring) return makeError("not measuring");

    std::array<std::uint8_t, 3> ready{};
    if (Status s = query(kDataReady, ready); !s.ok()) return fail(s.error());
    auto flag = sensirion::decodeWords(ready);
    if (!flag) return makeError("read data-ready flag: CRC mismatch in word 0");
    if ((*flag)[0] == 0) {
      if (++notReady_ >= kMaxNotReady) phase_ = Phase::NeedInit;
      return makeError(
          "no new data (data-ready flag 0): the SPS30 makes one measurement "
          "per second");
    }
    notReady_ = 0;

    std::array<std::uint8_t, kSps30FrameSize> frame{};
    if (Status s = query(kReadValues, frame); !s.ok()) return fail(s.error());
    Measurement m;
    std::vector<Sps30Value> values = decodeSps30(frame);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!values[i].ok()) {
        m.failures.push_back(makeError(std::string(kNames[i]) + ": " + values[i].error));
        continue;
      }
      // 0.1 L is 100 cm3: the platform wants numbers per 0.1 L.
      const double scale = (i >= 4 && i <= 8) ? 100.0 : 1.0;
      m.samples.push_back(Sample{i, values[i].value * scale});
    }
    return m;
  }

 private:
  enum class Phase { NeedInit, Reset, Configured, Measuring };

  Error fail(Error e) {
    phase_ = Phase::NeedInit;
    return e;
  }

  Status send(std::uint16_t code, std::span<const std::uint16_t> args = {}) {
    std::vector<std::uint8_t> bytes = sensirion::command(code, args);
    return bus_.write(address_, bytes).context("command " + hex16(code));
  }

  // "Set pointer & read data": the command, a STOP, then a separate read (§6.2).
  Status query(std::uint16_t code, std::span<std::uint8_t> out) {
    if (Status s = send(code); !s.ok()) return s;
    return bus_.read(address_, out).context("read " + hex16(code));
  }

  Status configure() {
    std::array<std::uint8_t, 12> product{};
    if (Status s = query(kProductType, product); !s.ok()) return s;
    auto words = sensirion::decodeWords(product);
    if (!words) return makeError("read product type: CRC mismatch");
    std::string type;
    for (std::uint16_t w : *words) {
      type += static_cast<char>(w >> 8);
      type += static_cast<char>(w & 0xFF);
    }
    type.resize(type.find('\0') == std::string::npos ? type.size() : type.find('\0'));
    if (type != kProduct) {
      std::string shown;
      for (char c : type) shown += (c >= 0x20 && c < 0x7F) ? c : '?';
      return makeError("product type '" + shown + "' is not an SPS30 ('" + kProduct +
                       "'): is this a SEN5x? use driver: sen50, sen54 or sen55");
    }
    const std::uint16_t interval[2] = {static_cast<std::uint16_t>(cleaningSeconds_ >> 16),
                                       static_cast<std::uint16_t>(cleaningSeconds_ & 0xFFFF)};
    return send(kAutoCleaningInterval, interval);
  }

  I2cBus& bus_;
  std::uint8_t address_;
  std::uint32_t cleaningSeconds_;
  Phase phase_ = Phase::NeedInit;
  int notReady_ = 0;
  bool started_ = false;
};

Result<std::unique_ptr<Driver>> createSps30(const DriverContext& context) {
  const SensorConfig& sensor = context.sensor;
  const auto cleaning = optionInt(sensor, "fan_cleaning_interval");
  I2cBus& bus = context.buses.bus(*sensor.bus);
  return std::unique_ptr<Driver>(std::make_unique<Sps30Driver>(
      bus, static_cast<std::uint8_t>(*sensor.address), static_cast<std::uint32_t>(cleaning)));
}

}  // namespace

std::vector<Sps30Value> decodeSps30(std::span<const std::uint8_t, kSps30FrameSize> frame) {
  std::vector<Sps30Value> values;
  values.reserve(kSps30Values);
  for (std::size_t i = 0; i < kSps30Values; ++i) {
    std::uint16_t words[2] = {0, 0};
    bool crcOk = true;
    for (std::size_t w = 0; w < 2 && crcOk; ++w) {
      const std::uint8_t* p = frame.data() + (i * 2 + w) * 3;
      if (sensirion::crc8(p[0], p[1]) != p[2]) {
        values.push_back({0, "CRC mismatch in word " + std::to_string(i * 2 + w)});
        crcOk = false;
      }
      words[w] = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
    }
    if (!crcOk) continue;
    const std::uint32_t bits = static_cast<std::uint32_t>(words[0]) << 16 | words[1];
    double v = static_cast<double>(std::bit_cast<float>(bits));
    if (v == 0) v = 0;  // -0.0 would be published as "-0"
    // Measuring ranges, datasheet §1.1: mass 0..1000 ug/m3, number 0..3000 #/cm3; the
    // typical size lies within the 0.3..10 um size range (0 when no particles).
    const double max = i < 4 ? 1000.0 : i < 9 ? 3000.0 : 10.0;
    if (!std::isfinite(v)) {
      values.push_back(
          {0, "not a number (raw " + hex16(words[0]) + hex16(words[1]).substr(2) + ")"});
    } else if (v < 0 || v > max) {
      values.push_back({0, std::to_string(v) + " is outside the measuring range 0.." +
                               std::to_string(static_cast<int>(max))});
    } else {
      values.push_back({v, {}});
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
