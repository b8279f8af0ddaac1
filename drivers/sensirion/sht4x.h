#pragma once
// Sensirion SHT4x (SHT40/41/45) temperature and humidity: one-byte single-shot commands,
// wait the conversion time, then a separate 6-byte read.

#include <cstdint>
#include <span>

#include "drivers/driver.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

// The humidity is clamped to 0..100 as the datasheet says.
using Sht4xValues = sensirion::RhtValues;

// The 6-byte result frame: T msb, lsb, crc, RH msb, lsb, crc (SHT4x datasheet §4.6).
Sht4xValues decodeSht4x(std::span<const std::uint8_t, 6> frame);

// The registry row for `driver: sht4x` (generic ids 55/56: the platform has none for it).
DriverInfo sht4xDriverInfo();

}  // namespace sckd
