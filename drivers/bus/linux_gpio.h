#pragma once
// The real GPIO: /dev/gpiochipN through libgpiod, v1 (1.6) or v2 (2.x) as found at configure
// time. Without libgpiod (meson -Dgpio=disabled) listing finds no chip and every request
// fails saying GPIO is not compiled in.

#include <memory>
#include <string>
#include <string_view>

#include "drivers/bus/gpio_chip.h"

namespace sckd {

// True when this build has GPIO support (libgpiod found at configure time).
bool gpioCompiledIn();

// Ok with GPIO support; otherwise "driver X needs GPIO support, which is not compiled in".
Status requireGpioSupport(std::string_view driverName);

// The chips under /dev (or `deviceDir`, for tests), each opened only while it is used.
std::unique_ptr<GpioChips> makeLinuxGpioChips(std::string deviceDir = "/dev");

}  // namespace sckd
