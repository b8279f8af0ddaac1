#pragma once
// A simulated sensor for demos and tests: a counter, a sine or a constant, with optional
// fault injection. Needs no hardware, so the whole daemon can run anywhere.

#include "drivers/driver.h"

namespace sckd {

// The registry row for `driver: sim`.
DriverInfo simDriverInfo();

}  // namespace sckd
