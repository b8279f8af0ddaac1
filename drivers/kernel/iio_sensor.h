#pragma once
// `iio`: any sensor the kernel drives through IIO, found by its device's name, each of its
// channels published under the id the config gives it (docs/sensors.md).

#include "drivers/driver.h"

namespace sckd {

DriverInfo iioDriverInfo();

}  // namespace sckd
