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

void Scheduler::add(std::size_t sensor, Seconds interval, int samples) {
  // The config rejects intervals below 1 s; a zero here would make takeDue() spin.
  if (interval < Seconds(1)) interval = Seconds(1);
  samples = std::max(samples, 1);
  entries_.push_back(Entry{sensor, interval, samples, nextAligned(interval), samples});
}

MonoTime Scheduler::Entry::next() const {
  // Integer nanoseconds of k * interval / samples, so the last one is exactly windowEnd.
  const Nanos fromStart = std::chrono::duration_cast<Nanos>(interval) * k / samples;
  return windowEnd - interval + fromStart;
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
  for (const Entry& e : entries_) earliest = std::min(earliest, e.next());
  return earliest;
}

std::vector<Scheduler::Due> Scheduler::takeDue() {
  const MonoTime now = clock_.monotonic();
  std::vector<Due> due;
  for (Entry& e : entries_) {
    if (e.next() > now) continue;
    due.push_back(Due{e.sensor, e.windowEnd, e.k == e.samples});
    // Jump to the first instant after now: a loop that was blocked for several intervals
    // samples once, not once per missed instant. A window whose last instant was missed is
    // never stored; the sampler drops its samples when the next window's first arrives.
    if (e.windowEnd <= now) {
      const auto missed = (now - e.windowEnd) / e.interval;
      e.windowEnd += e.interval * (missed + 1);
      e.k = 1;
    }
    while (e.next() <= now) ++e.k;  // ends by k == samples: that instant is windowEnd > now
  }
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) { return a.sensor < b.sensor; });
  return due;
}

}  // namespace sckd
