#pragma once
// `pulse`: counts a GPIO line's edges (a rain gauge's tips, an anemometer's turns, a water
// or gas meter's pulses) from the kernel's edge events, and reports per interval the rate,
// the amount, or both (docs/sensors.md).

#include "drivers/driver.h"

namespace sckd {

DriverInfo pulseDriverInfo();

}  // namespace sckd
