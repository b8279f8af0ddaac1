#pragma once
// Turns validated sensor configs into running drivers, through the driver registry.

#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/fd_watcher.h"
#include "daemon/base/result.h"
#include "daemon/sampling/sampler.h"

namespace sckd {

// `fds`: the loop's seam for drivers driven by an fd; `sckd check`, which runs no loop,
// leaves it out.
Result<Sampler::Sensor> createSensor(const SensorConfig& config, const Clock& clock,
                                     I2cBuses& buses, GpioChips& gpio,
                                     FdWatcher& fds = noFdWatcher());

}  // namespace sckd
