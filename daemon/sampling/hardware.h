#pragma once
// The hardware `sckd run` and `sckd check` talk to. The sckd binary uses the Linux device
// files; a test binary hands in chip simulators instead, so the whole daemon can be proven
// end to end on a machine with no I2C bus (tests/integration/sim_bus_sckd.cpp).

#include <functional>
#include <memory>

#include "drivers/bus/gpio_chip.h"
#include "drivers/bus/i2c_bus.h"

namespace sckd {

struct Hardware {
  // Called once per daemon (or check) run; the buses live as long as that run.
  std::function<std::unique_ptr<I2cBuses>()> makeI2cBuses;
  std::function<std::unique_ptr<GpioChips>()> makeGpioChips;
};

// /dev/i2c-N through i2c-dev, /dev/gpiochipN through libgpiod.
Hardware linuxHardware();

}  // namespace sckd
