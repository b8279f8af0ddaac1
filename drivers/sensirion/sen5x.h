#pragma once
// Sensirion SEN50 / SEN54 / SEN55 environmental sensor nodes over I2C (address 0x69):
// PM mass and number and typical particle size (all), RH and temperature and VOC index
// (SEN54, SEN55), NOx index (SEN55). Particle numbers come as #/cm3 and are published as
// #/0.1 L.

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

// Read Measured PM Values (0x0413): 10 CRC-protected words (30 bytes): the PM1..PM10 mass
// of 0x03C4 again, then the number concentrations and the typical particle size.
inline constexpr std::size_t kSen5xPmFrameSize = 30;
inline constexpr std::size_t kSen5xNumbers = 6;

// Words 4..9 of that frame in the chip's units, in order: number PM0.5, PM1.0, PM2.5, PM4.0,
// PM10 (#/cm3), typical particle size (um). 0xFFFF ("unknown"), a bad CRC or a value outside
// the measuring range fails only that value.
std::vector<Sen5xValue> decodeSen5xNumbers(std::span<const std::uint8_t, kSen5xPmFrameSize> frame);

}  // namespace sckd
