#include "daemon/base/clock.h"

#include <sys/timex.h>

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

std::int64_t toUnixSeconds(WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace sckd
