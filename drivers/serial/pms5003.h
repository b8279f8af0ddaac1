#pragma once
// Plantower PMS5003 and PMS7003 particulate matter sensors on a UART (9600 8N1), read in
// passive mode and asleep between readings (drivers/serial/serial_pm_driver.h). Both send
// the same 32-byte data frame (drivers/serial/pms_frame.h).

#include "drivers/driver.h"

namespace sckd {

DriverInfo pms5003DriverInfo();
DriverInfo pms7003DriverInfo();

// The order of the drivers' quantities: PM1, PM2.5, PM10 (atmospheric environment), then
// the particle counts beyond 0.3, 0.5, 1, 2.5, 5 and 10 um.
inline constexpr std::size_t kPmsQuantities = 9;

}  // namespace sckd
