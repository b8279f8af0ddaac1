#pragma once
// ST LPS33HW (and LPS33W) barometer: register map, one-shot mode. Pressure has its own
// platform id (227); the die temperature is only published when `temperature: true`.

#include <cstdint>
#include <span>

#include "daemon/base/result.h"
#include "drivers/driver.h"

namespace sckd {

DriverInfo lps33DriverInfo();  // `driver: lps33hw`

struct Lps33Values {
  Result<double> pressure = Error{};     // kPa
  Result<double> temperature = Error{};  // degC
};

// `frame`: registers 0x27..0x2C (STATUS, PRESS_OUT_XL/L/H, TEMP_OUT_L/H). A quantity whose
// data-available bit (P_DA, T_DA) is clear, or outside the chip's range (260..1260 hPa,
// -40..85 degC), is an error.
Lps33Values decodeLps33(std::span<const std::uint8_t, 6> frame);

}  // namespace sckd
