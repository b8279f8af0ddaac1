#pragma once
// What the config loader must know of a driver to validate a sensor entry: its bus and
// addresses, its quantities with their default platform ids, and its options. The caller
// hands the table in (drivers/registry.cpp builds it from the driver registry; tests build
// their own), so config depends on no driver.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sckd {

// Duration: whole seconds ("90s", "5m"); Milliseconds: with their unit ("20ms", "1s").
enum class OptionType { Integer, Number, String, Boolean, Duration, Milliseconds };

// A driver-specific config key, validated by the config loader.
struct OptionSpec {
  std::string_view key;
  OptionType type = OptionType::Integer;
  bool required = false;
  double min = 0;  // for Integer, Number, Duration (s), Milliseconds (ms); unused if min > max
  double max = -1;
  std::vector<std::string_view> choices;  // for String: the allowed values, if any
  std::string_view defaultValue;          // as it would be written in YAML; empty: none
  std::string_view help;
};

// A driver-specific option after validation against the driver's OptionSpec.
using OptionValue = std::variant<std::int64_t, double, std::string, bool>;
using DriverOptions = std::map<std::string, OptionValue, std::less<>>;

// Why a sensor with these options cannot take a per-sensor key (`samples:` above 1,
// `calibrate:`), said in the config error; empty: it can.
using RefusalFor = std::function<std::string(const DriverOptions& options)>;

// A quantity as the config sees it: the key under `ids:` and its default platform id.
struct QuantitySchema {
  std::string_view name;
  int defaultId = 0;  // 0: none, the config must give one (unless optional)
  // Measured only when given an id (a pulse counter's rate, amount or both); a sensor
  // must give at least one of its optional quantities an id.
  bool optional = false;
};

struct SensorSchema {
  std::string_view driver;     // `driver:` in the config
  bool onI2cBus = false;       // needs `bus:` and `address:`
  std::vector<int> addresses;  // the addresses the chip can have; the first is the default
  // Reads one GPIO line, named by its `chip:` and `line:` options; no two sensors may.
  bool onGpioLine = false;
  std::vector<QuantitySchema> quantities;
  std::vector<OptionSpec> options;
  // For chips whose default ids depend on the address; empty: QuantitySchema::defaultId.
  std::function<int(int address, std::size_t quantity)> defaultIdForAddress;
  RefusalFor whyNoSamples;      // empty function: `samples:` is fine for every option
  RefusalFor whyNoCalibration;  // empty function: `calibrate:` is fine for every option
};

using SensorSchemas = std::vector<SensorSchema>;

}  // namespace sckd
