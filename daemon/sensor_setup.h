#pragma once
// Turns validated sensor configs into running drivers, through the driver registry.

#include <vector>

#include "config/config.h"
#include "daemon/clock.h"
#include "daemon/result.h"
#include "daemon/sampler.h"

namespace sckd {

Result<Sampler::Sensor> createSensor(const SensorConfig& config, const Clock& clock,
                                     I2cBuses& buses);

}  // namespace sckd
