#pragma once
// A schema table for config tests, independent of drivers/registry.cpp: `sim` as the
// registry describes it, plus invented bus and multi-quantity drivers to test those rules.

#include <vector>

#include "config/schema.h"

namespace sckd::testing {

const SensorSchemas& testDrivers();

}  // namespace sckd::testing
