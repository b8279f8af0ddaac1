#pragma once
// What became of one sensor's reading, told to whoever follows the sensors beside the
// outbox (the runtime state that `sckd status` reads, the live local copy): the values as
// they were stored, or why there are none. One report per reading of a sensor, after
// calibration and averaging, so what is reported is what is stored and sent.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "drivers/driver.h"

namespace sckd {

struct SensorReport {
  struct Value {
    std::string_view quantity;  // "temperature"; the driver's Quantity::name
    std::string_view unit;      // "degC"
    int id = 0;                 // the platform sensor id it is stored under
    double value = 0;           // as stored: rounded to the quantity's decimals
    std::string text;           // the same, as the outbox holds it ("21.4")
  };

  const SensorConfig& sensor;
  const DriverInfo& info;
  WallTime takenAt;
  std::vector<Value> values;     // empty when the whole reading failed
  std::optional<Error> failure;  // set when the reading or some of its quantities failed
};

}  // namespace sckd
