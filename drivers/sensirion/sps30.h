#pragma once
// Sensirion SPS30 particulate matter sensor over I2C (address 0x69), measuring continuously
// in big-endian float mode. Particle numbers come as #/cm3 and are published as #/0.1 L.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "drivers/driver.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

DriverInfo sps30DriverInfo();

// Read Measured Values (0x0300): 10 floats, each as two CRC-protected words (60 bytes).
inline constexpr std::size_t kSps30FrameSize = 60;
// Index in the frame (and in the driver's quantities): mass PM1.0/2.5/4.0/10 (ug/m3),
// number PM0.5/1.0/2.5/4.0/10 (#/cm3), typical particle size (um).
inline constexpr std::size_t kSps30Values = 10;

// Decodes the frame into the datasheet's units; one result per value, so a bad CRC, a
// non-finite float or a value outside the measuring range fails only that value.
using Sps30Value = sensirion::Value;
std::vector<Sps30Value> decodeSps30(std::span<const std::uint8_t, kSps30FrameSize> frame);

}  // namespace sckd
