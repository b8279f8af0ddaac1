#include "daemon/sampling/scheduler.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/fakes/fake_clock.h"

namespace sckd {
namespace {

using std::chrono::seconds;
using testing::FakeClock;
using Due = std::vector<std::size_t>;

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
  EXPECT_TRUE(scheduler.takeDue().empty());
}

TEST(SchedulerTest, MinuteSensorAddedAt17FiresAtTheNextFullMinute) {
  FakeClock clock;
  advanceToSecond(clock, 17);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(60));
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(43));

  clock.advance(seconds(42));
  EXPECT_TRUE(scheduler.takeDue().empty());
  clock.advance(seconds(1));
  EXPECT_EQ(secondOfMinute(clock), 0);
  EXPECT_EQ(scheduler.takeDue(), Due{0});
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(103));
  EXPECT_TRUE(scheduler.takeDue().empty());  // taken once per instant
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
  EXPECT_EQ(scheduler.takeDue(), (Due{0, 1, 2}));  // index order, not insertion order
  clock.advance(scheduler.nextDeadline() - clock.monotonic());
  EXPECT_EQ(secondOfMinute(clock), 0);
  EXPECT_EQ(scheduler.takeDue(), (Due{0, 1, 2}));
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
    Due due = scheduler.takeDue();
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
  scheduler.add(0, seconds(10));           // due at :40, :50, :00, ...
  clock.advance(seconds(10 + 35));         // blocked through :40, :50, :00, :10, to :15
  EXPECT_EQ(scheduler.takeDue(), Due{0});  // once, not four times
  EXPECT_TRUE(scheduler.takeDue().empty());
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(50));  // :20, still aligned
}

TEST(SchedulerTest, WallClockStepAfterAddDoesNotDisturbTheCadence) {
  FakeClock clock;
  advanceToSecond(clock, 0);
  const MonoTime t0 = clock.monotonic();
  Scheduler scheduler(clock);
  scheduler.add(0, seconds(60));
  EXPECT_EQ(scheduler.nextDeadline(), t0);  // on a whole minute already: due now
  EXPECT_EQ(scheduler.takeDue(), Due{0});

  clock.stepWall(-seconds(30));  // NTP steps the wall clock back half a minute
  clock.advance(seconds(60));
  EXPECT_EQ(scheduler.takeDue(), Due{0});
  EXPECT_TRUE(scheduler.takeDue().empty()) << "a step back must not make it fire twice";
  clock.stepWall(seconds(90));  // and forward past a whole minute
  EXPECT_TRUE(scheduler.takeDue().empty()) << "a step forward must not make it fire";
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(120));
  clock.advance(seconds(60));
  EXPECT_EQ(scheduler.takeDue(), Due{0});
  EXPECT_EQ(scheduler.nextDeadline(), t0 + seconds(180));
}

}  // namespace
}  // namespace sckd
