#pragma once
// `system`: the gateway's own health, each value published only under an id the config
// gives it: CPU temperature (a thermal zone), Wi-Fi RSSI (/proc/net/wireless; the
// platform's id is 220), load, free memory, free disk and uptime (docs/sensors.md).

#include <string>
#include <string_view>

#include "daemon/base/result.h"
#include "drivers/driver.h"

namespace sckd {

DriverInfo systemHealthDriverInfo();

// The signal level in dBm of `interface` (empty: the first listed) from the text of
// /proc/net/wireless. An interface not associated, or none listed, is Absent.
Result<double> parseWirelessRssi(std::string_view text, std::string_view interface);

// The percentage of memory available to new programs, from the text of /proc/meminfo
// (MemAvailable of MemTotal).
Result<double> parseMemoryFree(std::string_view text);

}  // namespace sckd
