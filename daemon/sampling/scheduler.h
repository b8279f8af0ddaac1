#pragma once
// Decides when each sensor is sampled. Pure logic on a Clock: no fds, no sleeps, so unit
// tests drive it with a fake clock. Sampling instants are aligned to whole multiples of
// each sensor's interval on the wall clock (a 60 s sensor samples at :00 of every minute),
// so sensors with the same interval share one tick, one recorded_at and one outbox
// transaction. The wall clock is only read for the alignment; waiting uses monotonic time.
// A sensor that takes N samples per interval (`samples:`) is also due at the N-1 instants
// spread evenly before each aligned one: the samples of the window ending at instant T are
// at T - interval + k * interval / N, k = 1..N, the last one at T itself.

#include <cstddef>
#include <vector>

#include "daemon/base/clock.h"

namespace sckd {

class Scheduler {
 public:
  explicit Scheduler(const Clock& clock) : clock_(clock) {}

  // One sample due now.
  struct Due {
    std::size_t sensor = 0;
    MonoTime windowEnd{};  // the aligned instant whose reading this sample goes into
    bool last = true;      // the window's last sample: its reading is stored now
    bool operator==(const Due&) const = default;
  };

  // Registers a sensor (by index) with its interval and samples per interval (1..); index
  // is the caller's. Its first due instant is the next aligned one, a window's last: the
  // first reading after a start has that one sample only.
  void add(std::size_t sensor, Seconds interval, int samples = 1);

  // The earliest monotonic time at which some sensor is due; MonoTime::max() when empty.
  MonoTime nextDeadline() const;

  // The samples due at clock.monotonic(), in sensor index order. Each sensor is moved to
  // its next instant; instants missed while the loop was busy are skipped, not replayed.
  std::vector<Due> takeDue();

 private:
  struct Entry {
    std::size_t sensor;
    Seconds interval;
    int samples;
    MonoTime windowEnd;  // the aligned instant of the window being sampled
    int k;               // its next sample, 1..samples
    MonoTime next() const;
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
