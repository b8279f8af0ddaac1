#pragma once
// The real bus: /dev/i2c-N through the kernel's i2c-dev interface. SMBus transfers go through
// libi2c; without it (meson -Di2c=disabled) every transfer fails saying I2C is not compiled in.

#include <memory>
#include <string>
#include <string_view>

#include "drivers/bus/i2c_bus.h"

namespace sckd {

// True when this build has I2C support (libi2c found at configure time).
bool i2cCompiledIn();

// Ok with I2C support; otherwise "driver X needs I2C support, which is not compiled in (...)".
Status requireI2cSupport(std::string_view driverName);

// Buses under /dev (or `deviceDir`, for tests), opened lazily and shared.
std::unique_ptr<I2cBuses> makeLinuxI2cBuses(std::string deviceDir = "/dev");

}  // namespace sckd
