#pragma once
// A Clock for tests that run the real event loop (the whole daemon): monotonic time is the
// kernel's, because the loop's timerfd runs on it, while the wall clock and its sync state
// are the test's to set (a Pi booted in 1970, an NTP step, a date years ahead).

#include <atomic>
#include <chrono>

#include "daemon/base/clock.h"

namespace sckd::testing {

class FakeWallClock final : public Clock {
 public:
  // The wall clock starts at `wall` now and runs at the real rate from there.
  explicit FakeWallClock(WallTime wall)
      : offset_((wall - std::chrono::system_clock::now()).count()) {}

  MonoTime monotonic() const override { return MonoClock::now(); }
  WallTime wall() const override {
    return std::chrono::system_clock::now() + WallTime::duration(offset_.load());
  }
  bool synchronized() const override { return synchronized_.load(); }
  Nanos sinceBoot() const override { return real_.sinceBoot(); }
  const std::string& bootId() const override { return real_.bootId(); }

  void stepWall(std::chrono::nanoseconds d) {
    offset_ += std::chrono::duration_cast<WallTime::duration>(d).count();
  }
  void setSynchronized(bool s) { synchronized_ = s; }

 private:
  std::atomic<WallTime::duration::rep> offset_;
  std::atomic<bool> synchronized_{true};
  SystemClock real_;
};

}  // namespace sckd::testing
