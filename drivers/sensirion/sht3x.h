#pragma once
// Sensirion SHT30/SHT31/SHT35 temperature and humidity, single-shot without clock stretching
// (the Pi's controller mishandles stretching): command 0x24xx, wait, then a separate read.

#include <cstdint>
#include <span>

#include "drivers/driver.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

// Each quantity on its own: a bad word loses only its own quantity.
using Sht3xValues = sensirion::RhtValues;

// The 6-byte result frame: T msb, lsb, crc, RH msb, lsb, crc (SHT3x-DIS datasheet §4.13).
Sht3xValues decodeSht3x(std::span<const std::uint8_t, 6> frame);

// Registry rows: one family, three names (their default platform ids differ).
DriverInfo sht30DriverInfo();
DriverInfo sht31DriverInfo();
DriverInfo sht35DriverInfo();

}  // namespace sckd
