#pragma once
// `gpio`: a GPIO line's level (a door or float switch, a PIR motion sensor) as 0 or 1 each
// interval and, with `on_change: true`, also at once when it changes (docs/sensors.md).

#include "drivers/driver.h"

namespace sckd {

DriverInfo gpioLevelDriverInfo();

}  // namespace sckd
