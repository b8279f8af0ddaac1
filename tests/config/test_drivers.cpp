#include "tests/config/test_drivers.h"

namespace sckd::testing {
namespace {

OptionSpec option(std::string_view key, OptionType type, std::string_view defaultValue,
                  double min = 0, double max = -1, std::vector<std::string_view> choices = {},
                  bool required = false) {
  OptionSpec spec;
  spec.key = key;
  spec.type = type;
  spec.required = required;
  spec.min = min;
  spec.max = max;
  spec.choices = std::move(choices);
  spec.defaultValue = defaultValue;
  return spec;
}

SensorSchema driver(std::string_view name, bool onBus, std::vector<int> addresses,
                    std::vector<QuantitySchema> quantities, std::vector<OptionSpec> options) {
  SensorSchema info;
  info.driver = name;
  info.onI2cBus = onBus;
  info.addresses = std::move(addresses);
  info.quantities = std::move(quantities);
  info.options = std::move(options);
  return info;
}

SensorSchema gpioDriver(std::string_view name, std::vector<QuantitySchema> quantities,
                        std::vector<OptionSpec> options) {
  SensorSchema info = driver(name, false, {}, std::move(quantities), std::move(options));
  info.onGpioLine = true;
  return info;
}

}  // namespace

const SensorSchemas& testDrivers() {
  using T = OptionType;
  // Refusals shaped like the real drivers': the sim counter is not calibrated, a pulse
  // counter not sampled.
  auto simSchema = [] {
    SensorSchema sim =
        driver("sim", false, {}, {{"value", 0}},
               {option("waveform", T::String, "counter", 0, -1, {"counter", "sine", "constant"}),
                option("fail_every", T::Integer, "0", 0, 1000000000), option("min", T::Number, "0"),
                option("max", T::Number, "100"), option("period", T::Duration, "60s", 1, 86400),
                option("value", T::Number, "0")});
    sim.whyNoCalibration = [](const DriverOptions& options) -> std::string {
      return std::get<std::string>(options.at("waveform")) == "counter" ? "counts" : "";
    };
    return sim;
  };
  auto counterSchema = [] {
    SensorSchema counter = gpioDriver(
        "counter", {{"rate", 0, true}, {"amount", 0, true}},
        {option("chip", T::String, "gpiochip0"), option("line", T::String, "", 0, -1, {}, true),
         option("debounce", T::Milliseconds, "0ms", 0, 1000)});
    counter.whyNoSamples = [](const DriverOptions&) -> std::string { return "it counts"; };
    return counter;
  };
  static const SensorSchemas drivers{
      simSchema(),
      // Two quantities with default ids, two possible addresses: an SHT31 look-alike.
      driver("thchip", true, {0x44, 0x45}, {{"temperature", 55}, {"humidity", 56}},
             {option("heater", T::Boolean, "false"), option("gain", T::Number, "1", 0.5, 2),
              option("settle", T::Duration, "")}),
      // A quantity without a default id, and a required option.
      driver("needy", false, {}, {{"co2", 0}, {"temperature", 55}},
             {option("pin", T::Integer, "", 0, 40, {}, true)}),
      // A GPIO pulse counter look-alike: two optional quantities, a line, a debounce.
      counterSchema(),
  };
  return drivers;
}

}  // namespace sckd::testing
