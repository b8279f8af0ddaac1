#pragma once
// Arming deadlines, separated from the event loop so logic built on timers (the sampler)
// runs in unit tests on a fake clock: tests/fakes/fake_timers.h fires them without sleeping.

#include <cstdint>
#include <functional>

#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"

namespace sckd {

class Timers {
 public:
  using Id = std::uint64_t;  // 0 is never a valid id
  virtual ~Timers() = default;
  virtual Id addTimer(MonoTime deadline, std::function<void()> callback) = 0;
  virtual void cancelTimer(Id id) = 0;  // no-op for 0 or a timer that already ran
};

// The real thing: timers of the daemon's EventLoop.
class LoopTimers final : public Timers {
 public:
  explicit LoopTimers(EventLoop& loop) : loop_(loop) {}
  Id addTimer(MonoTime deadline, std::function<void()> callback) override {
    return loop_.addTimer(deadline, std::move(callback));
  }
  void cancelTimer(Id id) override { loop_.cancelTimer(id); }

 private:
  EventLoop& loop_;
};

}  // namespace sckd
