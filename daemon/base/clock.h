#pragma once
// Time is injected: the daemon asks a Clock, tests hand it a FakeClock and never sleep.

#include <chrono>
#include <cstdint>
#include <string>

namespace sckd {

using MonoClock = std::chrono::steady_clock;
using MonoTime = MonoClock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;
using Nanos = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // For scheduling and timeouts: never jumps.
  virtual MonoTime monotonic() const = 0;
  // For recorded_at stamps only.
  virtual WallTime wall() const = 0;
  // True when the kernel says the wall clock is disciplined (adjtimex without STA_UNSYNC).
  virtual bool synchronized() const = 0;
  // Time since this boot (CLOCK_BOOTTIME, suspend included) and the boot's identity: how a
  // reading taken before the wall clock is synchronised is stamped until it is.
  virtual Nanos sinceBoot() const = 0;
  virtual const std::string& bootId() const = 0;
};

class SystemClock final : public Clock {
 public:
  MonoTime monotonic() const override;
  WallTime wall() const override;
  bool synchronized() const override;
  Nanos sinceBoot() const override;
  // The kernel's /proc/sys/kernel/random/boot_id, read once.
  const std::string& bootId() const override;

 private:
  mutable std::string bootId_;
};

// Whole seconds since the Unix epoch, rounded down: the resolution of recorded_at.
std::int64_t toUnixSeconds(WallTime t);

}  // namespace sckd
