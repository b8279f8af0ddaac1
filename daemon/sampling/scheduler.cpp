#include "daemon/sampling/scheduler.h"

#include <algorithm>
#include <chrono>

namespace sckd {

namespace {

using Nanos = std::chrono::nanoseconds;

// Rounds t up to a whole multiple of step (step > 0), correct for negative t too.
Nanos ceilToMultiple(Nanos t, Nanos step) {
  Nanos::rep q = t.count() / step.count();
  if (t.count() % step.count() > 0) ++q;
  return Nanos(q * step.count());
}

}  // namespace

void Scheduler::add(std::size_t sensor, Seconds interval) {
  // The config rejects intervals below 1 s; a zero here would make takeDue() spin.
  if (interval < Seconds(1)) interval = Seconds(1);
  entries_.push_back(Entry{sensor, interval, nextAligned(interval)});
}

MonoTime Scheduler::nextAligned(Seconds interval) {
  const MonoTime mono = clock_.monotonic();
  if (entries_.empty()) {
    anchorMono_ = mono;
    anchorWall_ = clock_.wall();
  }
  // The wall time "now" as seen through the anchor, aligned on the wall clock, then mapped
  // back to monotonic time once; from here on the cadence is monotonic only.
  const Nanos wallNow =
      std::chrono::duration_cast<Nanos>(anchorWall_.time_since_epoch()) + (mono - anchorMono_);
  const Nanos aligned = ceilToMultiple(wallNow, interval);
  return mono + (aligned - wallNow);
}

MonoTime Scheduler::nextDeadline() const {
  MonoTime earliest = MonoTime::max();
  for (const Entry& e : entries_) earliest = std::min(earliest, e.next);
  return earliest;
}

std::vector<std::size_t> Scheduler::takeDue() {
  const MonoTime now = clock_.monotonic();
  std::vector<std::size_t> due;
  for (Entry& e : entries_) {
    if (e.next > now) continue;
    due.push_back(e.sensor);
    // Jump to the first aligned instant after now: a loop that was blocked for several
    // intervals samples once, not once per missed instant.
    const auto missed = (now - e.next) / e.interval;
    e.next += e.interval * (missed + 1);
  }
  std::sort(due.begin(), due.end());
  return due;
}

}  // namespace sckd
