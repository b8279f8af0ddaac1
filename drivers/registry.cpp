// The one table of drivers: adding a chip is one row here plus its own file pair.
#include <algorithm>

#include "drivers/ads1x15.h"
#include "drivers/bh1750.h"
#include "drivers/bme280.h"
#include "drivers/driver.h"
#include "drivers/gpio/level.h"
#include "drivers/gpio/pulse.h"
#include "drivers/kernel/ds18b20.h"
#include "drivers/kernel/iio_sensor.h"
#include "drivers/kernel/system_health.h"
#include "drivers/lps33.h"
#include "drivers/sensirion/scd30.h"
#include "drivers/sensirion/scd4x.h"
#include "drivers/sensirion/sen5x.h"
#include "drivers/sensirion/sht3x.h"
#include "drivers/sensirion/sht4x.h"
#include "drivers/sensirion/sps30.h"
#include "drivers/serial/pms5003.h"
#include "drivers/serial/sds011.h"
#include "drivers/sim.h"

namespace sckd {

const std::vector<DriverInfo>& driverRegistry() {
  // Built on first use, so no static initialisation order depends on other files.
  static const std::vector<DriverInfo> drivers = {
      // One row per driver, so adding one is a one-line change.
      // clang-format off
      ads1015DriverInfo(),
      ads1115DriverInfo(),
      bh1750DriverInfo(),
      bme280DriverInfo(),
      bmp280DriverInfo(),
      lps33DriverInfo(),
      scd30DriverInfo(),
      scd40DriverInfo(),
      scd41DriverInfo(),
      sen50DriverInfo(),
      sen54DriverInfo(),
      sen55DriverInfo(),
      sht30DriverInfo(),
      sht31DriverInfo(),
      sht35DriverInfo(),
      sht4xDriverInfo(),
      simDriverInfo(),
      sps30DriverInfo(),
      pulseDriverInfo(),
      gpioLevelDriverInfo(),
      ds18b20DriverInfo(),
      iioDriverInfo(),
      systemHealthDriverInfo(),
      pms5003DriverInfo(),
      pms7003DriverInfo(),
      sds011DriverInfo(),
      // clang-format on
  };
  return drivers;
}

const DriverInfo* findDriver(std::string_view name) {
  const auto& drivers = driverRegistry();
  auto it = std::find_if(drivers.begin(), drivers.end(),
                         [name](const DriverInfo& d) { return d.name == name; });
  return it == drivers.end() ? nullptr : &*it;
}

const SensorSchemas& driverSchemas() {
  static const SensorSchemas schemas = [] {
    SensorSchemas table;
    for (const DriverInfo& info : driverRegistry()) {
      SensorSchema schema;
      schema.driver = info.name;
      schema.onI2cBus = info.onI2cBus;
      schema.addresses = info.addresses;
      schema.onGpioLine = info.onGpioLine;
      for (const Quantity& q : info.quantities) {
        schema.quantities.push_back({q.name, q.defaultId, q.optional});
      }
      schema.options = info.options;
      schema.defaultIdForAddress = info.defaultIdForAddress;
      schema.whyNoSamples = info.whyNoSamples;
      schema.whyNoCalibration = info.whyNoCalibration;
      table.push_back(std::move(schema));
    }
    return table;
  }();
  return schemas;
}

}  // namespace sckd
