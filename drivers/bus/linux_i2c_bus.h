#pragma once
// The real bus: /dev/i2c-N through the kernel's i2c-dev interface.

#include <memory>

#include "drivers/bus/i2c_bus.h"

namespace sckd {

// Buses under /dev (or `deviceDir`, for tests), opened lazily and shared.
std::unique_ptr<I2cBuses> makeLinuxI2cBuses(std::string deviceDir = "/dev");

}  // namespace sckd
