#pragma once
// What every sensor driver is: it knows its chip and nothing of MQTT, SQLite or the loop.
// A measurement is two-phase so the loop never blocks on a conversion: start() begins it
// and says how long the chip needs, collect() is called once that time has passed.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/fd_watcher.h"
#include "daemon/base/result.h"
#include "drivers/bus/gpio_chip.h"
#include "drivers/bus/host_paths.h"
#include "drivers/bus/i2c_bus.h"
#include "drivers/bus/offload.h"

namespace sckd {

// One physical quantity a driver reports, in the unit the platform expects.
struct Quantity {
  std::string_view name;   // the key under `ids:` in the config, e.g. "temperature"
  std::string_view unit;   // e.g. "degC", "kPa", "#/0.1L"
  int defaultId = 0;       // platform sensor id; 0 = none, the config must give one
  bool genericId = false;  // true: defaultId is the closest generic id, not the chip's own
  int decimals = 2;        // precision published (trailing zeros are trimmed)
  bool optional = false;   // measured only when the config gives it an id (QuantitySchema)
};

struct Sample {
  std::size_t quantity = 0;  // index into the driver's DriverInfo::quantities
  double value = 0;
  // The value is the Unix seconds of the reading's own recorded_at (the sim counter), so a
  // reading stamped after the clock syncs gets its final recorded_at as its value.
  bool isRecordedAt = false;
};

// A measurement can succeed for some quantities and fail for others: the failures are
// logged and left out of the entry, the samples are published.
struct Measurement {
  std::vector<Sample> samples;
  std::vector<Error> failures;
  // Set by a driver whose measurement takes several steps (an ADC converting its inputs one
  // after another): collect() is called again after this delay, and the samples and
  // failures of all the steps are published together, under the tick's one recorded_at.
  std::optional<Millis> continueAfter = std::nullopt;

  // Adds one step's samples and failures (the sampler and `sckd check` gather steps so).
  void append(const Measurement& step) {
    samples.insert(samples.end(), step.samples.begin(), step.samples.end());
    failures.insert(failures.end(), step.failures.begin(), step.failures.end());
  }
};

// What a driver may know about the moment it measures (the sim driver derives its counter
// from it; chips ignore it).
struct SampleContext {
  WallTime recordedAt;
};

class Driver {
 public:
  virtual ~Driver() = default;
  // Begins a measurement; returns the delay before collect() may be called (0: at once).
  virtual Result<Millis> start(const SampleContext& context) = 0;
  // Reads the result of the measurement begun by the last successful start().
  virtual Result<Measurement> collect() = 0;
  // For a driver that sees changes between readings (a GPIO level with on_change): the
  // sampler hands it this callback, and each call takes one extra reading of this sensor
  // soon after, outside the schedule. Others ignore it.
  virtual void setWakeUp(std::function<void()> /*wakeUp*/) {}
};

struct DriverContext {
  const SensorConfig& sensor;
  const Clock& clock;
  I2cBuses& buses;  // bus drivers take buses.bus(*sensor.bus); others ignore it
  // For a driver driven by its device's fd (edge events, serial frames): asks the loop to
  // call it when the fd is readable, instead of polling.
  FdWatcher& fds = noFdWatcher();
  // The GPIO chips, for drivers on a GPIO line (DriverInfo::onGpioLine); others ignore it.
  GpioChips* gpio = nullptr;
  // Where sysfs and procfs are, for drivers of sensors the kernel drives (1-wire, IIO, the
  // gateway's own health); a test's temporary tree in unit tests.
  const HostPaths& host = realHostPaths();
  // Where a read that blocks (a 1-wire conversion, a kernel driver's timeout) runs.
  Offload& offload = threadOffload();
};

using DriverFactory = std::function<Result<std::unique_ptr<Driver>>(const DriverContext&)>;

struct DriverInfo {
  std::string_view name;       // `driver:` in the config
  std::string_view summary;    // one line for `sckd check` and docs
  bool onI2cBus = false;       // needs `bus:` and `address:`
  std::vector<int> addresses;  // the addresses the chip can have; the first is the default
  bool onGpioLine = false;     // reads the GPIO line of its `chip:` and `line:` options
  std::vector<Quantity> quantities;
  std::vector<OptionSpec> options;
  DriverFactory create;
  // For chips whose platform ids depend on the address (ADS1x15: one id group per ADC):
  // the default id of quantity `quantity` at `address`, 0 for none. Empty: use
  // Quantity::defaultId.
  std::function<int(int address, std::size_t quantity)> defaultIdForAddress;
  // Why a sensor of this driver, with these options, cannot take `samples:` above 1 or
  // `calibrate:` (the config loader says it); empty function: it can (SensorSchema).
  RefusalFor whyNoSamples;
  RefusalFor whyNoCalibration;
};

// The one table of drivers, in drivers/registry.cpp.
const std::vector<DriverInfo>& driverRegistry();
const DriverInfo* findDriver(std::string_view name);
// The registry as the config loader's schema table (config/schema.h), built once.
const SensorSchemas& driverSchemas();

}  // namespace sckd
