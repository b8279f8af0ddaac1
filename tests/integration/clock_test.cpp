// A Pi without a real-time clock, through the real binary: the kernel's sync state and boot
// id come from a preloaded shim (SCKD_CLOCK_SHIM) the test controls. Readings taken before
// the clock syncs are kept and arrive with their true time once it does; readings of a boot
// that ended before any sync are dropped at the next start, with a count.

#include <gtest/gtest.h>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{101, 102};

class ClockSync : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker());
    for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
    config_.requireSync = true;
  }
};

TEST_F(ClockSync, ReadingsBeforeSyncArriveWithTheirTrueTimeOnceItSyncs) {
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckdWithClockShim();
  ASSERT_NE(sckd, nullptr);
  sleepFor(6s);
  ASSERT_TRUE(sckd->running()) << sckd->log();
  EXPECT_EQ(sub_->count(), 0u) << "published before the clock synced";
  EXPECT_NE(sckd->log().find("CLOCK_UNSYNCHRONIZED"), std::string::npos) << sckd->log();

  setSynced(true);
  const std::int64_t t1 = unixNow();
  // Every second since start, the unsynchronised ones included; each counter value equals
  // its final recorded_at (expectPlatformFormat checks that).
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1 + 1, 15s)) << describeMissing(kIds, t0 + 2, t1 + 1);
  EXPECT_NE(sckd->log().find("readings taken before it got their time"), std::string::npos)
      << sckd->log();
  expectPlatformFormat(kIds);
}

TEST_F(ClockSync, ReadingsOfABootThatNeverSyncedAreDroppedWithACount) {
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto first = startSckdWithClockShim();
  ASSERT_NE(first, nullptr);
  sleepFor(4s);
  first->kill(SIGKILL);  // the power goes before NTP ever answered
  ASSERT_TRUE(first->waitExit(5s).has_value());
  const std::int64_t firstEnd = unixNow();

  setBootId("boot-two");
  auto second = startSckdWithClockShim();
  ASSERT_NE(second, nullptr);
  const std::string words = "readings taken before an earlier boot's clock was synchronised";
  for (int i = 0; i < 100 && second->log().find(words) == std::string::npos; ++i) sleepFor(50ms);
  EXPECT_NE(second->log().find(words), std::string::npos) << second->log();
  EXPECT_NE(second->log().find("CLOCK_NEVER_SYNCHRONIZED"), std::string::npos) << second->log();
  sleepFor(3s);
  setSynced(true);
  const std::int64_t t2 = unixNow();
  EXPECT_TRUE(waitForSeconds(kIds, firstEnd + 2, t2, 15s))
      << describeMissing(kIds, firstEnd + 2, t2);
  sleepFor(1s);
  // Nothing of the first boot: its time could never be known.
  for (const auto& r : received().readings) {
    EXPECT_GT(r.recordedAt, firstEnd - 1) << "a reading of the boot that never synced arrived";
  }
  EXPECT_GE(firstEnd - t0, 3);
  expectPlatformFormat(kIds);
}

}  // namespace
}  // namespace sckd::testing
