#include "daemon/sensor_setup.h"

namespace sckd {

Result<Sampler::Sensor> createSensor(const SensorConfig& config, const Clock& clock,
                                     I2cBuses& buses) {
  const std::string who = "sensor " + Sampler::describe(config);
  const DriverInfo* info = findDriver(config.driver);
  if (info == nullptr) return makeError(who + ": driver '" + config.driver + "' is not compiled in");
  Result<std::unique_ptr<Driver>> driver = info->create(DriverContext{config, clock, buses});
  if (!driver.ok()) return withContext(who, driver.error());
  Sampler::Sensor sensor;
  sensor.config = config;
  sensor.info = info;
  sensor.driver = std::move(*driver);
  return sensor;
}

}  // namespace sckd
