#pragma once
// Turns validated sensor configs into running drivers, through the driver registry.

#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "daemon/sampling/sampler.h"

namespace sckd {

Result<Sampler::Sensor> createSensor(const SensorConfig& config, const Clock& clock,
                                     I2cBuses& buses);

}  // namespace sckd
