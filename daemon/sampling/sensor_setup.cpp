#include "daemon/sampling/sensor_setup.h"

#include "drivers/bus/linux_gpio.h"
#include "drivers/bus/linux_i2c_bus.h"

namespace sckd {

Result<Sampler::Sensor> createSensor(const SensorConfig& config, const Clock& clock,
                                     I2cBuses& buses, GpioChips& gpio, FdWatcher& fds) {
  const std::string who = "sensor " + Sampler::describe(config);
  const DriverInfo* info = findDriver(config.driver);
  if (info == nullptr)
    return makeError(ErrorCode::Unsupported,
                     who + ": driver '" + config.driver + "' is not compiled in");
  // A build without libi2c refuses I2C sensors here, once, rather than failing every reading.
  if (info->onI2cBus) {
    if (Status i2c = requireI2cSupport(info->name); !i2c.ok()) return withContext(who, i2c.error());
  }
  if (info->onGpioLine) {
    if (Status g = requireGpioSupport(info->name); !g.ok()) return withContext(who, g.error());
  }
  Result<std::unique_ptr<Driver>> driver =
      info->create(DriverContext{config, clock, buses, fds, &gpio});
  if (!driver.ok()) return withContext(who, driver.error());
  Sampler::Sensor sensor;
  sensor.config = config;
  sensor.info = info;
  sensor.driver = std::move(*driver);
  return sensor;
}

}  // namespace sckd
