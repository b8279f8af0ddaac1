#pragma once
// The systemd service-manager protocol (sd_notify): readiness, a one-line status for
// `systemctl status`, watchdog keep-alives, and stopping. Every call is a no-op when the
// daemon was not started by systemd (NOTIFY_SOCKET unset), so foreground runs are unaffected.

#include <optional>
#include <string_view>

#include "daemon/base/clock.h"

namespace sckd::notify {

void ready();
void status(std::string_view text);
void stopping();
void reloading();
void watchdog();

// How often to send watchdog(): half of WatchdogSec, or nothing when the watchdog is off.
std::optional<Millis> watchdogInterval();

}  // namespace sckd::notify
