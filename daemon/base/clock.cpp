#include "daemon/base/clock.h"

#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "daemon/base/file.h"

namespace sckd {

MonoTime SystemClock::monotonic() const {
  return MonoClock::now();
}

WallTime SystemClock::wall() const {
  return std::chrono::system_clock::now();
}

bool SystemClock::synchronized() const {
  struct timex tx = {};
  // modes = 0: read-only query. TIME_ERROR or STA_UNSYNC both mean "not disciplined".
  int state = adjtimex(&tx);
  if (state == -1 || state == TIME_ERROR) return false;
  return (tx.status & STA_UNSYNC) == 0;
}

Nanos SystemClock::sinceBoot() const {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return std::chrono::seconds(ts.tv_sec) + Nanos(ts.tv_nsec);
}

const std::string& SystemClock::bootId() const {
  if (bootId_.empty()) {
    Result<std::string> text = readFileBounded("/proc/sys/kernel/random/boot_id", 64);
    bootId_ = text.ok() ? *text : std::string();
    while (!bootId_.empty() && (bootId_.back() == '\n' || bootId_.back() == ' '))
      bootId_.pop_back();
    // Unknown: never share it with another process, whose boot may differ (its readings
    // would get this boot's stamps); unstamped readings of this process die with it.
    if (bootId_.empty()) bootId_ = "unread-" + std::to_string(::getpid());
  }
  return bootId_;
}

std::int64_t toUnixSeconds(WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace sckd
