#pragma once
// ROHM BH1750FVI ambient light sensor: plain one-byte commands (no registers), one-time
// high-resolution mode, result read as two bytes after a STOP. The measurement time
// register (MTreg) trades range for sensitivity.

#include <cstdint>
#include <span>

#include "daemon/base/result.h"
#include "drivers/driver.h"

namespace sckd {

DriverInfo bh1750DriverInfo();  // `driver: bh1750`

inline constexpr int kBh1750DefaultMt = 69;

// Datasheet: lux = raw / 1.2 at MTreg 69, scaled by 69/MT otherwise. 0xFFFF is saturation
// (the light is brighter than the range): an error, never a clipped value.
Result<double> decodeBh1750(std::span<const std::uint8_t, 2> frame, int mt = kBh1750DefaultMt);

// The datasheet's maximum H-resolution measurement time (180 ms) scaled by MT/69.
Millis bh1750MeasurementTime(int mt);

}  // namespace sckd
