#include "daemon/sampling/scheduler.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/fakes/fake_clock.h"

namespace sckd {
namespace {

using std::chrono::seconds;
using testing::FakeClock;
using Due = std::vector<std::size_t>;

// The sensors of the samples due now, in the order given.
Due taken(Scheduler& scheduler) {
  Due sensors;
  for (const Scheduler::Due& d : scheduler.takeDue()) sensors.push_back(d.sensor);
  return sensors;
}

// The seconds past the minute of the fake clock's wall time.
std::int64_t secondOfMinute(const FakeClock& clock) {
  return toUnixSeconds(clock.wall()) % 60;
}

// Puts the fake wall clock at `second` past a minute, moving both clocks forward.
void advanceToSecond(FakeClock& clock, std::int64_t second) {
  clock.advance(seconds((second - secondOfMinute(clock) + 60) % 60));
  ASSERT_EQ(secondOfMinute(clock), second);
}

TEST(SchedulerTest, EmptySchedulerHasNoDeadline) {
  FakeClock clock;
  Scheduler scheduler(clock);
  EXPECT_EQ(scheduler.nextDeadline(), MonoTime::max());
  EXPECT_TRUE(taken(scheduler).empty());
}

TEST(SchedulerTest, MinuteSensorAddedAt17FiresAtTheNextFullMinute) {
  FakeClock clock;
  advanceToSecond(clock, 17);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(60));
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(43));

  clock.advance(seconds(42));
  EXPECT_TRUE(taken(scheduler).empty());
  clock.advance(seconds(1));
  EXPECT_EQ(secondOfMinute(clock), 0);
  EXPECT_EQ(taken(scheduler), Due{0});
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(103));
  EXPECT_TRUE(taken(scheduler).empty());  // taken once per instant
}

TEST(SchedulerTest, SensorsWithEqualIntervalsShareOneTick) {
  FakeClock clock;
  advanceToSecond(clock, 5);
  Scheduler scheduler(clock);
  scheduler.add(2, seconds(60));
  clock.advance(std::chrono::milliseconds(1234));  // added a little later: same instants
  scheduler.add(0, seconds(60));
  scheduler.add(1, seconds(60));
  clock.advance(scheduler.nextDeadline() - clock.monotonic());
  EXPECT_EQ(taken(scheduler), (Due{0, 1, 2}));  // index order, not insertion order
  clock.advance(scheduler.nextDeadline() - clock.monotonic());
  EXPECT_EQ(secondOfMinute(clock), 0);
  EXPECT_EQ(taken(scheduler), (Due{0, 1, 2}));
}

TEST(SchedulerTest, OneAndFiveSecondSensorsCoincideEveryFiveSeconds) {
  FakeClock clock;
  clock.advance(std::chrono::milliseconds(300));  // off the whole second
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(1));
  scheduler.add(1, seconds(5));
  std::vector<std::int64_t> bothAt;
  int ticks = 0;
  const MonoTime end = clock.monotonic() + seconds(20);
  while (scheduler.nextDeadline() <= end) {
    clock.advance(scheduler.nextDeadline() - clock.monotonic());
    Due due = taken(scheduler);
    ++ticks;
    ASSERT_FALSE(due.empty());
    EXPECT_EQ(due.front(), 0u) << "the 1 s sensor is in every tick";
    // Every tick is on a whole wall second.
    EXPECT_EQ(clock.wall().time_since_epoch() % seconds(1), std::chrono::nanoseconds(0));
    if (due == Due{0, 1}) bothAt.push_back(toUnixSeconds(clock.wall()));
  }
  EXPECT_EQ(ticks, 20);
  ASSERT_EQ(bothAt.size(), 4u);
  for (std::int64_t t : bothAt) EXPECT_EQ(t % 5, 0) << t;
}

TEST(SchedulerTest, MissedInstantsAreSkippedNotReplayed) {
  FakeClock clock;
  advanceToSecond(clock, 30);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(10));        // due at :40, :50, :00, ...
  clock.advance(seconds(10 + 35));      // blocked through :40, :50, :00, :10, to :15
  EXPECT_EQ(taken(scheduler), Due{0});  // once, not four times
  EXPECT_TRUE(taken(scheduler).empty());
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(50));  // :20, still aligned
}

TEST(SchedulerTest, WallClockStepAfterAddDoesNotDisturbTheCadence) {
  FakeClock clock;
  advanceToSecond(clock, 0);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(60));
  EXPECT_EQ(scheduler.nextDeadline(), t0);  // on a whole minute already: due now
  EXPECT_EQ(taken(scheduler), Due{0});

  clock.stepWall(-seconds(30));  // NTP steps the wall clock back half a minute
  clock.advance(seconds(60));
  EXPECT_EQ(taken(scheduler), Due{0});
  EXPECT_TRUE(taken(scheduler).empty()) << "a step back must not make it fire twice";
  clock.stepWall(seconds(90));  // and forward past a whole minute
  EXPECT_TRUE(taken(scheduler).empty()) << "a step forward must not make it fire";
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(120));
  clock.advance(seconds(60));
  EXPECT_EQ(taken(scheduler), Due{0});
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(180));
}

// `samples: 4` on a 60 s sensor: samples at :15, :30, :45 and :00, the last one ending the
// window that the :00 reading stores. The first window after the start is the :00 sample
// alone.
TEST(SchedulerTest, SamplesAreSpreadEvenlyBeforeEachAlignedInstant) {
  FakeClock clock;
  advanceToSecond(clock, 17);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(60), 4);
  scheduler.add(1, seconds(60));
  const MonoTime minute = t0 + seconds(43);
  EXPECT_EQ(scheduler.nextDeadline(), minute) << "no sample before the first aligned instant";
  clock.advance(minute - clock.monotonic());
  using D = Scheduler::Due;
  EXPECT_EQ(scheduler.takeDue(), (std::vector<D>{{0, minute, true}, {1, minute, true}}))
      << "both store a reading at :00, in one tick";

  std::vector<std::int64_t> at;
  std::vector<D> due;
  while (scheduler.nextDeadline() <= minute + seconds(120)) {
    clock.advance(scheduler.nextDeadline() - clock.monotonic());
    for (const D& d : scheduler.takeDue()) {
      if (d.sensor != 0) continue;
      at.push_back(toUnixSeconds(clock.wall()) % 60);
      due.push_back(d);
    }
  }
  EXPECT_EQ(at, (std::vector<std::int64_t>{15, 30, 45, 0, 15, 30, 45, 0}));
  ASSERT_EQ(due.size(), 8u);
  for (std::size_t i = 0; i < due.size(); ++i) {
    EXPECT_EQ(due[i].windowEnd, minute + seconds(60) * (i / 4 + 1)) << i;
    EXPECT_EQ(due[i].last, i % 4 == 3) << i;
  }
}

// A second that does not divide: 3 samples in 1 s land at 333 ms, 666 ms, and exactly on
// the whole second, never drifting off it.
TEST(SchedulerTest, SamplesThatDoNotDivideTheIntervalStillEndOnTheSecond) {
  FakeClock clock;
  clock.advance(std::chrono::milliseconds(500));
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(1), 3);
  std::vector<std::int64_t> lastAt;
  for (int i = 0; i < 30; ++i) {
    clock.advance(scheduler.nextDeadline() - clock.monotonic());
    auto due = scheduler.takeDue();
    ASSERT_EQ(due.size(), 1u);
    const auto sub = (clock.wall().time_since_epoch() % seconds(1)).count();
    if (due[0].last) {
      EXPECT_EQ(sub, 0) << i;
      EXPECT_EQ(due[0].windowEnd, clock.monotonic());
    } else {
      EXPECT_TRUE(sub == 333'333'333 || sub == 666'666'666) << sub;
    }
  }
}

// A loop blocked past a window's last instant skips to the first instant after now; the
// window it lands in is the next one.
TEST(SchedulerTest, MissedSamplesAreSkippedNotReplayed) {
  FakeClock clock;
  advanceToSecond(clock, 0);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(10), 5);  // samples every 2 s, windows ending on :00, :10, ...
  EXPECT_EQ(scheduler.takeDue().size(), 1u);
  clock.advance(seconds(13));  // blocked through :02 .. :10, to :13
  auto due = scheduler.takeDue();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].windowEnd, t0 + seconds(10));
  EXPECT_TRUE(scheduler.takeDue().empty()) << "once, not five times";
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(14));  // :14, the 2nd of the :20 window
  clock.advance(seconds(1));
  due = scheduler.takeDue();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].windowEnd, t0 + seconds(20));
  EXPECT_FALSE(due[0].last);
}

}  // namespace
}  // namespace sckd
