#pragma once
// A driver table for config tests, independent of drivers/registry.cpp: `sim` as the
// registry describes it, plus invented bus and multi-quantity drivers to test those rules.

#include <vector>

#include "drivers/driver.h"

namespace sckd::testing {

const std::vector<DriverInfo>& testDrivers();

}  // namespace sckd::testing
