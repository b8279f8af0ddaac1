#pragma once
// Timers on a FakeClock: runUntil() moves the clock from deadline to deadline and fires each
// timer in order, exactly as the event loop would, but instantly.

#include <functional>
#include <map>
#include <utility>

#include "daemon/base/timers.h"
#include "tests/fakes/fake_clock.h"

namespace sckd::testing {

class FakeTimers final : public Timers {
 public:
  explicit FakeTimers(FakeClock& clock) : clock_(clock) {}

  Id addTimer(MonoTime deadline, std::function<void()> callback) override;
  void cancelTimer(Id id) override;

  // Fires every timer due up to `end` (including ones armed while firing), advancing the
  // clock to each deadline, then leaves the clock at `end`.
  void runUntil(MonoTime end);
  void runFor(std::chrono::nanoseconds d) { runUntil(clock_.monotonic() + d); }
  std::size_t pending() const { return timers_.size(); }

 private:
  FakeClock& clock_;
  Id nextId_ = 1;
  // Ordered by (deadline, id): equal deadlines fire in the order they were armed.
  std::map<std::pair<MonoTime, Id>, std::function<void()>> timers_;
};

}  // namespace sckd::testing
