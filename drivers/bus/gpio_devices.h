#pragma once
// What the libgpiod v1 and v2 backends share: finding the chips' device files and saying
// why one could not be used.

#include <string>
#include <vector>

#include "daemon/base/result.h"

namespace sckd::gpio_detail {

// The names of the GPIO character devices in `deviceDir` ("gpiochip0", ...), in number
// order (gpiochip2 before gpiochip10). A directory that cannot be read has none.
std::vector<std::string> chipDeviceNames(const std::string& deviceDir);

// Whether edges wait on a line request's event `fd`, without blocking (libgpiod's reads
// block when none does). Absent when the line is gone: its chip was removed.
Result<bool> edgesWaiting(int fd);

// An errno from opening a chip or requesting a line, as an Error with the hint a Raspberry
// Pi user needs: "request GPIO17 (gpiochip0 line 17): Device or resource busy (...)".
Error gpioError(const std::string& what, int err);

}  // namespace sckd::gpio_detail
