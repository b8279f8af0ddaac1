#include "daemon/base/notify.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace sckd::notify {

void ready() {
  sd_notify(0, "READY=1");
}

void status(std::string_view text) {
  std::string message = "STATUS=";
  message += text;
  sd_notify(0, message.c_str());
}

void stopping() {
  sd_notify(0, "STOPPING=1");
}

void reloading() {
  sd_notify(0, "RELOADING=1");
}

void watchdog() {
  sd_notify(0, "WATCHDOG=1");
}

std::optional<Millis> watchdogInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  // Half the timeout, as sd_watchdog_enabled(3) recommends, so one late tick is not fatal.
  return std::chrono::duration_cast<Millis>(std::chrono::microseconds(usec / 2));
}

}  // namespace sckd::notify
