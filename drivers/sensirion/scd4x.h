#pragma once
// Sensirion SCD40/SCD41 CO2/temperature/humidity in periodic measurement (a new value every
// 5 s). Every read command needs 1 ms of execution time before its read header, so start()
// sends "read measurement" and collect() reads it.

#include <cstdint>
#include <span>

#include "drivers/driver.h"
#include "drivers/sensirion/sensirion_i2c.h"

namespace sckd {

using Scd4xValues = sensirion::Co2Values;

// The 9-byte result of "read measurement" 0xEC05: CO2 ppm, T and RH raw words, each with
// its CRC (SCD4x datasheet §3.5.2).
Scd4xValues decodeScd4x(std::span<const std::uint8_t, 9> frame);

// `scd40` and `scd41` (same commands here; generic ids: the platform has none for SCD4x).
DriverInfo scd40DriverInfo();
DriverInfo scd41DriverInfo();

}  // namespace sckd
