#pragma once
// Sensirion SCD30 CO2/temperature/humidity module in continuous measurement: configured
// once, then each reading checks data-ready and reads three big-endian IEEE floats. The
// SCD30 does not support a repeated START: every command is write(), STOP, then read().

#include <cstdint>
#include <span>

#include "drivers/driver.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

using Scd30Values = sensirion::Co2Values;

// The 18-byte result of "read measurement" 0x0300: six [msb, lsb, crc] words, each pair a
// big-endian float (SCD30 interface description §1.4.5 and §1.5).
Scd30Values decodeScd30(std::span<const std::uint8_t, 18> frame);

DriverInfo scd30DriverInfo();

}  // namespace sckd
