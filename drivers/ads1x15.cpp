#include "drivers/ads1x15.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <string>

namespace sckd {

namespace {

constexpr std::uint8_t kConversionRegister = 0x00;
constexpr std::uint8_t kConfigRegister = 0x01;
constexpr std::uint16_t kOsBit = 0x8000;

// PGA field values 0..5 in order (SBAS444 table 8).
constexpr std::array<std::string_view, 6> kGains = {"6.144", "4.096", "2.048",
                                                    "1.024", "0.512", "0.256"};
constexpr std::array<double, 6> kFullScale = {6.144, 4.096, 2.048, 1.024, 0.512, 0.256};
// DR field values 0..7 in order (ADS1115: SBAS444 table 8; ADS1015: SBAS473 table 6, whose
// 0b111 repeats 3300).
constexpr std::array<int, 8> kRates1115 = {8, 16, 32, 64, 128, 250, 475, 860};
constexpr std::array<int, 7> kRates1015 = {128, 250, 490, 920, 1600, 2400, 3300};

std::string hex16(std::uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%04x", v);
  return b;
}

Error saturated(double fullScale) {
  char b[96];
  std::snprintf(b, sizeof b,
                "input beyond the ±%.3f V full-scale range (code saturated): choose a larger "
                "gain",
                fullScale);
  return makeError(ErrorCode::Invalid, b);
}

std::string inputName(const Ads1x15Input& in) {
  std::string s = "AIN" + std::to_string(in.positive);
  if (in.negative >= 0) s += "-AIN" + std::to_string(in.negative);
  return s;
}

struct AdsSettings {
  Ads1x15Chip chip = Ads1x15Chip::Ads1115;
  std::vector<Ads1x15Input> inputs;
  int pgaBits = 1;
  int rateBits = 4;
  int rate = 128;
};

class Ads1x15Driver final : public Driver {
 public:
  Ads1x15Driver(I2cBus& bus, std::uint8_t address, AdsSettings settings)
      : bus_(bus), address_(address), settings_(std::move(settings)) {}

  Result<Millis> start(const SampleContext&) override {
    // Every configured input is converted in one measurement, one after another (the chip
    // has a single converter): collect() reads one and asks to be called again for the next.
    current_ = 0;
    return startConversion();
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without start()");
    started_ = false;
    const Ads1x15Input& input = settings_.inputs[current_];
    const std::string quantity = "a" + std::to_string(input.positive);

    std::array<std::uint8_t, 2> config{};
    const std::uint8_t configPointer[1] = {kConfigRegister};
    if (Status s = bus_.writeRead(address_, configPointer, config); !s.ok()) {
      return withContext("read config", s.error());
    }
    const auto readBack = static_cast<std::uint16_t>(config[0] << 8 | config[1]);
    // Bits 14..0 keep what was written; a chip that does not is no ADS1x15 (or was reset).
    if ((readBack & ~kOsBit) != (written_ & ~kOsBit)) {
      return makeError(ErrorCode::Invalid, "config register reads " + hex16(readBack) +
                                               " after writing " + hex16(written_) +
                                               ": is this an ADS1x15 at this address?");
    }
    Measurement m;
    if ((readBack & kOsBit) == 0) {
      m.failures.push_back(makeError(
          ErrorCode::Invalid,
          quantity + " (" + inputName(input) + "): conversion not finished (OS bit still 0)"));
      return m;
    }
    std::array<std::uint8_t, 2> raw{};
    const std::uint8_t conversionPointer[1] = {kConversionRegister};
    if (Status s = bus_.writeRead(address_, conversionPointer, raw); !s.ok()) {
      return withContext("read conversion", s.error());
    }
    Result<double> volts =
        decodeAds1x15(settings_.chip, raw, kFullScale[static_cast<std::size_t>(settings_.pgaBits)]);
    if (!volts.ok()) {
      m.failures.push_back(withContext(quantity + " (" + inputName(input) + ")", volts.error()));
    } else {
      m.samples.push_back(Sample{static_cast<std::size_t>(input.positive), *volts});
    }
    if (current_ + 1 < settings_.inputs.size()) {
      ++current_;
      Result<Millis> next = startConversion();
      if (!next.ok()) return next.error();
      m.continueAfter = *next;
    }
    return m;
  }

 private:
  Result<Millis> startConversion() {
    written_ = ads1x15ConfigWord(settings_.inputs[current_], settings_.pgaBits, settings_.rateBits);
    const std::uint8_t frame[3] = {kConfigRegister, static_cast<std::uint8_t>(written_ >> 8),
                                   static_cast<std::uint8_t>(written_ & 0xFF)};
    if (Status s = bus_.write(address_, frame); !s.ok()) {
      return withContext("write config " + hex16(written_), s.error());
    }
    started_ = true;
    return ads1x15ConversionTime(settings_.rate);
  }

  I2cBus& bus_;
  std::uint8_t address_;
  AdsSettings settings_;
  std::size_t current_ = 0;
  std::uint16_t written_ = 0;
  bool started_ = false;
};

Result<std::unique_ptr<Driver>> createAds(Ads1x15Chip chip, const DriverContext& context) {
  const SensorConfig& sensor = context.sensor;
  AdsSettings s;
  s.chip = chip;
  auto inputs = parseAds1x15Inputs(optionString(sensor, "inputs"));
  if (!inputs.ok()) return withContext("inputs", inputs.error());
  s.inputs = std::move(*inputs);

  const std::string& gain = optionString(sensor, "gain");
  bool gainFound = false;
  for (std::size_t i = 0; i < kGains.size(); ++i) {
    if (kGains[i] == gain) {
      s.pgaBits = static_cast<int>(i);
      gainFound = true;
    }
  }
  if (!gainFound)
    return makeError(ErrorCode::Config, "gain: unknown full-scale range '" + gain + "'");

  const auto rate = optionInt(sensor, "data_rate");
  std::span<const int> rates = chip == Ads1x15Chip::Ads1115 ? std::span<const int>(kRates1115)
                                                            : std::span<const int>(kRates1015);
  std::string allowed;
  bool rateFound = false;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    allowed += (allowed.empty() ? "" : ", ") + std::to_string(rates[i]);
    if (rates[i] == rate) {
      s.rateBits = static_cast<int>(i);
      s.rate = rates[i];
      rateFound = true;
    }
  }
  if (!rateFound) {
    return makeError(ErrorCode::Config, "data_rate: " + std::to_string(rate) +
                                            " is not a rate of the " +
                                            (chip == Ads1x15Chip::Ads1115 ? "ADS1115" : "ADS1015") +
                                            "; one of: " + allowed);
  }
  I2cBus& bus = context.buses.bus(*sensor.bus);
  return std::unique_ptr<Driver>(std::make_unique<Ads1x15Driver>(
      bus, static_cast<std::uint8_t>(*sensor.address), std::move(s)));
}

DriverInfo adsInfo(Ads1x15Chip chip) {
  const bool is1115 = chip == Ads1x15Chip::Ads1115;
  DriverInfo info;
  info.name = is1115 ? "ads1115" : "ads1015";
  info.summary = is1115 ? "TI ADS1115 16-bit 4-input ADC (volts; one input per reading, in turn)"
                        : "TI ADS1015 12-bit 4-input ADC (volts; one input per reading, in turn)";
  info.onI2cBus = true;
  info.addresses = {0x48, 0x49, 0x4A, 0x4B};
  // Defaults are the 0x48 group; defaultIdForAddress gives the group of the address.
  info.quantities = {Quantity{"a0", "V", 133, false, 4}, Quantity{"a1", "V", 134, false, 4},
                     Quantity{"a2", "V", 135, false, 4}, Quantity{"a3", "V", 136, false, 4}};
  info.options = {
      // Required: a floating input reads noise, which must not be published as a value.
      OptionSpec{"inputs",
                 OptionType::String,
                 true,
                 0,
                 -1,
                 {},
                 "",
                 "the wired inputs, e.g. \"0,1\": 0..3 against GND, or pairs 0-1, 0-3, 1-3, 2-3"},
      OptionSpec{"gain",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {kGains.begin(), kGains.end()},
                 "4.096",
                 "full-scale range in volts (±)"},
      is1115 ? OptionSpec{"data_rate",
                          OptionType::Integer,
                          false,
                          8,
                          860,
                          {},
                          "128",
                          "samples/s: 8, 16, 32, 64, 128, 250, 475 or 860"}
             : OptionSpec{"data_rate",
                          OptionType::Integer,
                          false,
                          128,
                          3300,
                          {},
                          "1600",
                          "samples/s: 128, 250, 490, 920, 1600, 2400 or 3300"},
  };
  info.create = [chip](const DriverContext& c) { return createAds(chip, c); };
  // Platform ids: 133-136 at 0x48, 138-141 at 0x49, 143-146 at 0x4A, 148-151 at 0x4B.
  info.defaultIdForAddress = [](int address, std::size_t quantity) {
    if (address < 0x48 || address > 0x4B || quantity > 3) return 0;
    return 133 + 5 * (address - 0x48) + static_cast<int>(quantity);
  };
  return info;
}

}  // namespace

Result<std::vector<Ads1x15Input>> parseAds1x15Inputs(std::string_view text) {
  std::vector<Ads1x15Input> inputs;
  bool used[4] = {false, false, false, false};
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    const std::string shown = "'" + std::string(item) + "'";
    Ads1x15Input in;
    if (item.size() == 1 && item[0] >= '0' && item[0] <= '3') {
      in.positive = item[0] - '0';
    } else if (item.size() == 3 && item[1] == '-' && item[0] >= '0' && item[0] <= '3' &&
               item[2] >= '0' && item[2] <= '3') {
      in.positive = item[0] - '0';
      in.negative = item[2] - '0';
      const bool pairOk = (in.positive == 0 && (in.negative == 1 || in.negative == 3)) ||
                          (in.positive == 1 && in.negative == 3) ||
                          (in.positive == 2 && in.negative == 3);
      if (!pairOk) {
        return makeError(ErrorCode::Config, shown +
                                                " is not a differential pair the chip can measure; "
                                                "pairs: 0-1, 0-3, 1-3, 2-3");
      }
    } else {
      return makeError(ErrorCode::Config,
                       shown +
                           " is not an input; expected 0, 1, 2 or 3 (against GND) or a "
                           "pair 0-1, 0-3, 1-3, 2-3, comma-separated, e.g. \"0,1\" or \"0-1,2-3\"");
    }
    if (used[in.positive]) {
      return makeError(ErrorCode::Config, shown + ": a" + std::to_string(in.positive) +
                                              " is already published by another input in the list");
    }
    used[in.positive] = true;
    inputs.push_back(in);
    pos = comma + 1;
  }
  return inputs;
}

std::uint16_t ads1x15ConfigWord(const Ads1x15Input& input, int pgaBits, int rateBits) {
  int mux = 4 + input.positive;  // 100..111: AINx against GND
  if (input.negative >= 0) {
    if (input.positive == 0 && input.negative == 1) mux = 0;
    if (input.positive == 0 && input.negative == 3) mux = 1;
    if (input.positive == 1) mux = 2;
    if (input.positive == 2) mux = 3;
  }
  // OS=1 starts the conversion; MODE=1 single shot; COMP_QUE=11 disables the comparator.
  return static_cast<std::uint16_t>(kOsBit | mux << 12 | (pgaBits & 7) << 9 | 1 << 8 |
                                    (rateBits & 7) << 5 | 0x0003);
}

Result<double> decodeAds1x15(Ads1x15Chip chip, std::span<const std::uint8_t, 2> frame,
                             double fullScale) {
  const auto code = static_cast<std::int16_t>(static_cast<std::uint16_t>(frame[0] << 8 | frame[1]));
  // The chips clip to the extreme codes when the input is beyond full scale (SBAS444 §9.5.4):
  // such a value is a bound, not a measurement.
  if (chip == Ads1x15Chip::Ads1115) {
    if (code == 32767 || code == -32768) {
      return saturated(fullScale);
    }
    return static_cast<double>(code) * fullScale / 32768.0;
  }
  const int code12 = code >> 4;  // 12-bit result, left-aligned (SBAS473 §8.5.4)
  if (code12 == 2047 || code12 == -2048) {
    return saturated(fullScale);
  }
  return static_cast<double>(code12) * fullScale / 2048.0;
}

Millis ads1x15ConversionTime(int rate) {
  const double ms = 1000.0 / static_cast<double>(rate) * 1.1;
  return Millis(static_cast<Millis::rep>(std::ceil(ms)) + 1);
}

DriverInfo ads1115DriverInfo() {
  return adsInfo(Ads1x15Chip::Ads1115);
}
DriverInfo ads1015DriverInfo() {
  return adsInfo(Ads1x15Chip::Ads1015);
}

}  // namespace sckd
