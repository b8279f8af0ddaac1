#pragma once
// `ds18b20`: the waterproof 1-wire temperature probe, read through the kernel's w1_therm
// driver (dtoverlay=w1-gpio), by its serial or, with none configured, the one probe there is
// (docs/sensors.md).

#include "drivers/driver.h"

namespace sckd {

DriverInfo ds18b20DriverInfo();

}  // namespace sckd
