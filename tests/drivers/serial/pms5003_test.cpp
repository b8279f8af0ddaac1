// PMS5003/PMS7003: proven through a simulated sensor on a real pseudo-terminal that speaks
// the data manual's protocol (tests/fakes/sim_pms5003.h).

#include "drivers/serial/pms5003.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "drivers/serial/serial_pm_driver.h"
#include "tests/drivers/serial/serial_fixture.h"
#include "tests/fakes/sim_pms5003.h"

namespace sckd::testing {
namespace {

using std::chrono::seconds;

class Pms5003Test : public SerialFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_.plugIn().ok());
    sim_.setAtmospheric(4, 9, 11);
    sim_.setStandard(5, 10, 12);
    sim_.setCounts({1200, 400, 100, 12, 2, 1});
  }

  std::unique_ptr<Driver> make(const std::string& extra = "", const std::string& port = "") {
    return makeDriverFromYaml(
        "  - driver: pms5003\n    port: " + (port.empty() ? sim_.path() : port) + "\n" + extra);
  }

  SimPms5003 sim_{clock_};
};

TEST_F(Pms5003Test, PublishesAtmosphericPmAndCountsUnderThePlatformsIds) {
  auto d = make();
  ASSERT_TRUE(d);
  Millis took(0);
  auto m = reading(*d, sim_, &took);
  ASSERT_TRUE(measuredAll(m, kPmsQuantities));
  const double want[kPmsQuantities] = {4, 9, 11, 1200, 400, 100, 12, 2, 1};
  for (std::size_t q = 0; q < kPmsQuantities; ++q) EXPECT_EQ(value(*m, q), want[q]) << q;
  const auto& ids = config_.sensors[0].ids;
  EXPECT_EQ(ids.at("pm1"), 89);
  EXPECT_EQ(ids.at("pm2_5"), 87);
  EXPECT_EQ(ids.at("pm10"), 88);
  EXPECT_EQ(ids.at("pn0_3"), 165);
  EXPECT_EQ(ids.at("pn10"), 170);
  EXPECT_EQ(findDriver("pms5003")->quantities[3].unit, "#/0.1L");
  // At power-up it was awake in active mode: passive mode, the wake-up, the 30 s warm-up,
  // one read request answered at the first poll, and back to sleep.
  EXPECT_EQ(sim_.commands(), "passive wake read sleep");
  EXPECT_EQ(took, seconds(30) + kSerialPmPoll);
  EXPECT_FALSE(sim_.awake());
  EXPECT_TRUE(sim_.passive());
}

TEST_F(Pms5003Test, TheRequestedFrameCountsNotTheActiveModeSpam) {
  auto d = make();
  ASSERT_TRUE(d);
  // Power-up frames with other values pile up in the port while it warms up.
  sim_.setAtmospheric(500, 500, 500);
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  sim_.serve();
  EXPECT_GE(sim_.framesSent(), 1u);
  clock_.advance(seconds(30));
  sim_.setAtmospheric(4, 9, 11);
  auto first = d->collect();  // flushes, asks
  ASSERT_TRUE(first.ok());
  sim_.serve();
  clock_.advance(kSerialPmPoll);
  auto m = d->collect();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(value(*m, 1), 9);
}

TEST_F(Pms5003Test, SleepsBetweenReadingsAndIsAwakeForTheWarmUp) {
  auto d = make("    interval: 60s\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(readingEvery(*d, sim_, seconds(60)).ok());
  EXPECT_FALSE(sim_.awake());
  sim_.clearEvents();
  const MonoTime tick = clock_.monotonic();
  auto delay = d->start(SampleContext{clock_.wall()});
  sim_.serve();
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, seconds(30));
  EXPECT_TRUE(sim_.awake()) << "woken at the tick";
  clock_.advance(*delay);
  ASSERT_TRUE(d->collect().ok());
  sim_.serve();
  clock_.advance(kSerialPmPoll);
  ASSERT_TRUE(measuredAll(d->collect(), kPmsQuantities));
  sim_.serve();
  EXPECT_FALSE(sim_.awake()) << "asleep again until the next tick";
  const auto events = sim_.events();
  ASSERT_EQ(sim_.commands(), "wake read sleep");  // passive mode only at first contact
  EXPECT_EQ(events[0].at, tick);
  EXPECT_EQ(events[1].at - events[0].at, seconds(30)) << "asked only after the warm-up";
}

TEST_F(Pms5003Test, StaysAwakeWhenTheIntervalLeavesNoRest) {
  // 30 s warm-up + 5 s to answer + 10 s of rest: 45 s is the shortest interval that sleeps.
  EXPECT_TRUE(serialPmSleepsBetween(seconds(45), seconds(30)));
  EXPECT_FALSE(serialPmSleepsBetween(seconds(44), seconds(30)));
  EXPECT_TRUE(serialPmSleepsBetween(seconds(20), seconds(5)));
  auto d = make("    interval: 40s\n");
  ASSERT_TRUE(d);
  Millis took(0);
  ASSERT_TRUE(reading(*d, sim_, &took).ok());
  EXPECT_EQ(took, seconds(30) + kSerialPmPoll) << "the first reading still warms up";
  EXPECT_TRUE(sim_.awake());
  clock_.advance(seconds(40) - took);
  sim_.clearEvents();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(measuredAll(reading(*d, sim_, &took), kPmsQuantities));
    EXPECT_EQ(took, kSerialPmPoll) << "awake all along: no warm-up";
    clock_.advance(seconds(40) - took);
  }
  EXPECT_EQ(sim_.commands(), "read read read");
  EXPECT_TRUE(sim_.awake());
  // Stopping sckd puts it to sleep.
  d.reset();
  sim_.serve();
  EXPECT_FALSE(sim_.awake());
}

TEST_F(Pms5003Test, AFrameSplitAcrossPollsIsCompleted) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(reading(*d, sim_).ok());
  sim_.splitNextFrame();
  Millis took(0);
  auto m = reading(*d, sim_, &took);
  ASSERT_TRUE(measuredAll(m, kPmsQuantities));
  EXPECT_EQ(took, seconds(30) + 2 * kSerialPmPoll) << "the second half came a poll later";
}

TEST_F(Pms5003Test, GarbageBeforeTheFrameIsSkipped) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(reading(*d, sim_).ok());  // passive and asleep now: no frame but the answer
  sim_.sendGarbageFirst({0x42, 0x00, 0x42, 0x4D, 0x00, 0xFF, 0x4D, 0x42, 0x4D});
  auto m = reading(*d, sim_);
  ASSERT_TRUE(measuredAll(m, kPmsQuantities));
  EXPECT_EQ(value(*m, 0), 4);
}

TEST_F(Pms5003Test, AWrongChecksumIsNotPublishedAndTheReadingFailsInBoundedTime) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(reading(*d, sim_).ok());  // passive and asleep now: no frame but the answer
  sim_.corruptNextChecksums(1);
  Millis took(0);
  auto m = reading(*d, sim_, &took);
  ASSERT_TRUE(failsWith(m, ErrorCode::Crc, "1 frames with a wrong checksum"));
  EXPECT_LE(took, seconds(30) + kSerialPmAnswerTimeout + kSerialPmPoll);
  // The next reading starts over (passive mode, wake-up) and works.
  sim_.clearEvents();
  ASSERT_TRUE(measuredAll(reading(*d, sim_), kPmsQuantities));
  EXPECT_EQ(sim_.commands(), "passive wake read sleep");
}

TEST_F(Pms5003Test, ABadFrameFollowedByAGoodOneGivesTheGoodOne) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  sim_.serve();
  clock_.advance(seconds(30));
  sim_.corruptNextChecksums(1);
  ASSERT_TRUE(d->collect().ok());
  sim_.serve();  // the corrupt answer
  clock_.advance(kSerialPmPoll);
  auto step = d->collect();
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->continueAfter.has_value()) << "still waiting for a good frame";
  sim_.sendFrame();
  clock_.advance(kSerialPmPoll);
  EXPECT_TRUE(measuredAll(d->collect(), kPmsQuantities));
}

TEST_F(Pms5003Test, ASilentSensorFailsClearlyWithinTheDeadline) {
  auto d = make();
  ASSERT_TRUE(d);
  sim_.setSilent(true);
  Millis took(0);
  auto m = reading(*d, sim_, &took);
  ASSERT_TRUE(failsWith(m, ErrorCode::Timeout, "no answer from the PMS5003 on " + sim_.path()));
  EXPECT_NE(m.error().message.find("sensor TX to the Pi's RXD (GPIO15)"), std::string::npos);
  EXPECT_NE(m.error().message.find("5 V supply"), std::string::npos);
  EXPECT_LE(took, seconds(30) + kSerialPmAnswerTimeout + kSerialPmPoll);
  EXPECT_GE(took, seconds(30) + kSerialPmAnswerTimeout);
  sim_.setSilent(false);
  EXPECT_TRUE(measuredAll(reading(*d, sim_), kPmsQuantities));
}

TEST_F(Pms5003Test, UnpluggedAndBackBehindTheSamePortName) {
  auto d = make("", link(sim_));
  ASSERT_TRUE(d);
  ASSERT_TRUE(readingEvery(*d, sim_, seconds(60)).ok());
  sim_.unplug();
  auto m = readingEvery(*d, sim_, seconds(60));
  ASSERT_TRUE(failsWith(m, ErrorCode::Io, "unplugged"));
  EXPECT_NE(m.error().message.find(dir_.file("sensor")), std::string::npos) << m.error().message;
  // Still gone: the port cannot be opened; each reading tries again.
  m = readingEvery(*d, sim_, seconds(60));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("open " + dir_.file("sensor")), std::string::npos)
      << m.error().message;
  // Back, as a new tty behind the same name, powered up in active mode.
  ASSERT_TRUE(sim_.plugIn().ok());
  link(sim_);
  sim_.clearEvents();
  sim_.setAtmospheric(7, 8, 9);
  m = readingEvery(*d, sim_, seconds(60));
  ASSERT_TRUE(measuredAll(m, kPmsQuantities));
  EXPECT_EQ(value(*m, 2), 9);
  EXPECT_EQ(sim_.commands(), "passive wake read sleep") << "set up again after the reopen";
}

TEST_F(Pms5003Test, AnotherProgramOnThePortIsBusyNotBroken) {
  auto first = make();
  ASSERT_TRUE(first);
  ASSERT_TRUE(reading(*first, sim_).ok());
  auto second = makeDriverFromYaml("  - driver: pms7003\n    port: " + sim_.path() + "\n");
  ASSERT_TRUE(second);
  auto m = reading(*second, sim_);
  EXPECT_TRUE(failsWith(m, ErrorCode::Busy, "another program"));
}

TEST_F(Pms5003Test, Pms7003IsTheSameProtocolWithBorrowedIds) {
  auto d = makeDriverFromYaml("  - driver: pms7003\n    port: " + sim_.path() + "\n");
  ASSERT_TRUE(d);
  auto m = reading(*d, sim_);
  ASSERT_TRUE(measuredAll(m, kPmsQuantities));
  const DriverInfo* info = findDriver("pms7003");
  ASSERT_NE(info, nullptr);
  EXPECT_TRUE(info->quantities[1].genericId);
  EXPECT_FALSE(findDriver("pms5003")->quantities[1].genericId);
  EXPECT_EQ(config_.sensors[0].ids.at("pm2_5"), 87);
}

TEST_F(Pms5003Test, FirmwareThatDoesNotAnswerCommandsWorksToo) {
  sim_.setAnswersCommands(false);
  auto d = make();
  ASSERT_TRUE(d);
  EXPECT_TRUE(measuredAll(reading(*d, sim_), kPmsQuantities));
}

TEST_F(Pms5003Test, ConfigDefaultsAndErrors) {
  Config c = *parseConfig(kConfigHead + "  - driver: pms5003\n", "t.yaml", driverSchemas());
  EXPECT_EQ(optionString(c.sensors[0], "port"), "/dev/serial0");
  EXPECT_EQ(optionInt(c.sensors[0], "warmup"), 30);
  EXPECT_TRUE(configRejects("  - driver: pms5003\n    warmup: 0s\n", "warmup"));
  EXPECT_TRUE(configRejects("  - driver: pms5003\n    warmup: 11m\n", "warmup"));
  EXPECT_TRUE(configRejects("  - driver: pms5003\n    warmup: soon\n", "warmup"));
  EXPECT_TRUE(configRejects("  - driver: pms5003\n    baud: 115200\n", "baud"));
  EXPECT_TRUE(configRejects("  - driver: pms5003\n    ids: {pm4: 12}\n", "pm4"));
  EXPECT_TRUE(configRejects("  - driver: pms7003\n    port: [a, b]\n", "port"));
}

}  // namespace
}  // namespace sckd::testing
