#pragma once
// Sensirion SEN50 / SEN54 / SEN55 environmental sensor nodes over I2C (address 0x69):
// PM (all), RH and temperature and VOC index (SEN54, SEN55), NOx index (SEN55).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "drivers/driver.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

DriverInfo sen50DriverInfo();
DriverInfo sen54DriverInfo();
DriverInfo sen55DriverInfo();

// Read Measured Values (0x03C4): 8 CRC-protected words (24 bytes).
inline constexpr std::size_t kSen5xFrameSize = 24;
inline constexpr std::size_t kSen5xValues = 8;

// One value in platform units, in frame order: PM1.0, PM2.5, PM4.0, PM10 (ug/m3), RH (%RH),
// temperature (degC), VOC index, NOx index. A bad CRC, the chip's "not available" marker or
// a value outside the measuring range fails only that value.
using Sen5xValue = sensirion::Value;
std::vector<Sen5xValue> decodeSen5x(std::span<const std::uint8_t, kSen5xFrameSize> frame);

}  // namespace sckd
