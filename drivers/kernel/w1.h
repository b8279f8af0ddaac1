#pragma once
// 1-wire thermometers as the kernel's w1_therm driver shows them: a directory per probe
// under /sys/bus/w1/devices named family-serial ("28-0316a2794cff" for a DS18B20), with
// `temperature` (millidegrees, newer kernels) and `w1_slave` (the scratchpad and its CRC
// verdict, every kernel).

#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/result.h"
#include "drivers/bus/host_paths.h"

namespace sckd {

// The DS18B20's family code, the first two hex digits of its directory's name.
inline constexpr std::string_view kDs18b20Family = "28";

// The directory of the 1-wire devices.
std::string w1DevicesDir(const HostPaths& host);

// True for a device name as the kernel writes it: two hex digits, '-', twelve hex digits.
bool isW1DeviceName(std::string_view name);

// The names of the devices of `family` present now, sorted; none if there is no 1-wire bus.
std::vector<std::string> w1Devices(const HostPaths& host, std::string_view family);

// The temperature in degC from w1_slave's two lines:
//   72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
//   72 01 4b 46 7f ff 0e 10 57 t=23125
// A "NO" verdict is a Crc error; an all-zero scratchpad (a probe that did not answer, its
// data line held low) and text of another shape are Invalid. `where` names the file.
Result<double> parseW1Slave(std::string_view text, std::string_view where);

// One reading of the probe in `deviceDir`: its `temperature` file where the kernel has one,
// else w1_slave. Blocks while the probe converts (750 ms at 12 bits): call it off the loop.
// 85.000 degC, the value a DS18B20 holds from power-on until its first conversion, is
// refused as Invalid: it means the probe reset (a power dip) rather than a temperature.
Result<double> readW1Temperature(const std::string& deviceDir);

}  // namespace sckd
