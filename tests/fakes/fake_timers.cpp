#include "tests/fakes/fake_timers.h"

namespace sckd::testing {

Timers::Id FakeTimers::addTimer(MonoTime deadline, std::function<void()> callback) {
  Id id = nextId_++;
  timers_.emplace(std::make_pair(deadline, id), std::move(callback));
  return id;
}

void FakeTimers::cancelTimer(Id id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      return;
    }
  }
}

void FakeTimers::runUntil(MonoTime end) {
  while (!timers_.empty() && timers_.begin()->first.first <= end) {
    auto first = timers_.begin();
    MonoTime deadline = first->first.first;
    std::function<void()> callback = std::move(first->second);
    timers_.erase(first);
    if (deadline > clock_.monotonic()) clock_.advance(deadline - clock_.monotonic());
    callback();
  }
  if (end > clock_.monotonic()) clock_.advance(end - clock_.monotonic());
}

}  // namespace sckd::testing
