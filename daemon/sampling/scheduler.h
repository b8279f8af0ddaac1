#pragma once
// Decides when each sensor is sampled. Pure logic on a Clock: no fds, no sleeps, so unit
// tests drive it with a fake clock. Sampling instants are aligned to whole multiples of
// each sensor's interval on the wall clock (a 60 s sensor samples at :00 of every minute),
// so sensors with the same interval share one tick, one recorded_at and one outbox
// transaction. The wall clock is only read for the alignment; waiting uses monotonic time.

#include <cstddef>
#include <vector>

#include "daemon/base/clock.h"

namespace sckd {

class Scheduler {
 public:
  explicit Scheduler(const Clock& clock) : clock_(clock) {}

  // Registers a sensor (by index) with its interval; returns nothing, index is the caller's.
  void add(std::size_t sensor, Seconds interval);

  // The earliest monotonic time at which some sensor is due; MonoTime::max() when empty.
  MonoTime nextDeadline() const;

  // The sensors due at clock.monotonic(), in index order. Each is moved to its next
  // aligned instant; instants missed while the loop was busy are skipped, not replayed.
  std::vector<std::size_t> takeDue();

 private:
  struct Entry {
    std::size_t sensor;
    Seconds interval;
    MonoTime next;
  };
  MonoTime nextAligned(Seconds interval);

  const Clock& clock_;
  std::vector<Entry> entries_;
  // One wall<->monotonic correspondence, read when the first sensor is added: converting
  // every sensor through the same pair makes sensors with coinciding aligned instants get
  // exactly equal deadlines (two separate clock reads would differ by nanoseconds).
  MonoTime anchorMono_{};
  WallTime anchorWall_{};
};

}  // namespace sckd
