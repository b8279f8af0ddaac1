#pragma once
// Nova Fitness SDS011 particulate matter sensor on a UART (9600 8N1; usually through its
// CH340 USB adapter, /dev/ttyUSB0), read in query mode and asleep between readings
// (drivers/serial/serial_pm_driver.h; frames in drivers/serial/sds_frame.h).

#include "drivers/driver.h"

namespace sckd {

DriverInfo sds011DriverInfo();

}  // namespace sckd
