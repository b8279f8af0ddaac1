#include "daemon/sampling/hardware.h"

#include "drivers/bus/linux_gpio.h"
#include "drivers/bus/linux_i2c_bus.h"

namespace sckd {

Hardware linuxHardware() {
  return Hardware{[] { return makeLinuxI2cBuses(); }, [] { return makeLinuxGpioChips(); }};
}

}  // namespace sckd
