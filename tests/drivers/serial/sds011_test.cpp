// SDS011: proven through a simulated sensor on a real pseudo-terminal that speaks its
// control protocol (tests/fakes/sim_sds011.h).

#include "drivers/serial/sds011.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "drivers/serial/serial_pm_driver.h"
#include "tests/drivers/serial/serial_fixture.h"
#include "tests/fakes/sim_sds011.h"

namespace sckd::testing {
namespace {

using std::chrono::seconds;

class Sds011Test : public SerialFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_.plugIn().ok());
    sim_.setPm(1236, 2618);
  }

  std::unique_ptr<Driver> make(const std::string& extra = "", const std::string& port = "") {
    return makeDriverFromYaml(
        "  - driver: sds011\n    port: " + (port.empty() ? sim_.path() : port) + "\n" + extra);
  }

  SimSds011 sim_{clock_};
};

TEST_F(Sds011Test, PublishesPm25AndPm10InTenthsUnderGenericIds) {
  auto d = make();
  ASSERT_TRUE(d);
  Millis took(0);
  auto m = reading(*d, sim_, &took);
  ASSERT_TRUE(measuredAll(m, 2));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 123.6);
  EXPECT_DOUBLE_EQ(*value(*m, 1), 261.8);
  EXPECT_EQ(config_.sensors[0].ids.at("pm2_5"), 87);
  EXPECT_EQ(config_.sensors[0].ids.at("pm10"), 88);
  const DriverInfo* info = findDriver("sds011");
  EXPECT_TRUE(info->quantities[0].genericId);
  EXPECT_TRUE(info->quantities[1].genericId);
  EXPECT_EQ(info->quantities[0].decimals, 1);
  EXPECT_EQ(sim_.commands(), "passive wake read sleep");
  EXPECT_EQ(took, seconds(30) + kSerialPmPoll);
  EXPECT_FALSE(sim_.awake());
}

TEST_F(Sds011Test, SleepsBetweenReadingsAndWakesForTheWarmUp) {
  auto d = make("    interval: 2m\n    warmup: 20s\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(readingEvery(*d, sim_, seconds(120)).ok());
  EXPECT_FALSE(sim_.awake());
  sim_.clearEvents();
  sim_.setPm(55, 70);
  auto m = readingEvery(*d, sim_, seconds(120));
  ASSERT_TRUE(measuredAll(m, 2));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 5.5);
  EXPECT_DOUBLE_EQ(*value(*m, 1), 7.0);
  const auto events = sim_.events();
  ASSERT_EQ(sim_.commands(), "wake read sleep");
  EXPECT_EQ(events[1].at - events[0].at, seconds(20));
}

TEST_F(Sds011Test, ShortIntervalKeepsItAwake) {
  auto d = make("    interval: 10s\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(reading(*d, sim_).ok());
  sim_.clearEvents();
  Millis took(0);
  ASSERT_TRUE(measuredAll(reading(*d, sim_, &took), 2));
  EXPECT_EQ(took, kSerialPmPoll);
  EXPECT_EQ(sim_.commands(), "read");
  EXPECT_TRUE(sim_.awake());
}

TEST_F(Sds011Test, PartialFramesGarbageAndAWrongChecksum) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(reading(*d, sim_).ok());  // in query mode and asleep now: no unasked frames
  sim_.splitNextFrame();
  Millis took(0);
  ASSERT_TRUE(measuredAll(reading(*d, sim_, &took), 2));
  EXPECT_EQ(took, seconds(30) + 2 * kSerialPmPoll) << "the second half came a poll later";
  sim_.sendGarbageFirst({0xAA, 0x00, 0xAB, 0xAA, 0xC0, 0x01});
  ASSERT_TRUE(measuredAll(reading(*d, sim_), 2));
  sim_.corruptNextChecksums(1);
  EXPECT_TRUE(failsWith(reading(*d, sim_), ErrorCode::Crc, "wrong checksum"));
  EXPECT_TRUE(measuredAll(reading(*d, sim_), 2));
}

TEST_F(Sds011Test, AValueBeyondTheRangeFailsOnlyThatQuantity) {
  sim_.setPm(123, 12000);  // 1200.0 ug/m3: beyond 999.9
  auto d = make();
  ASSERT_TRUE(d);
  EXPECT_TRUE(measuredExactly(reading(*d, sim_), {0}, {{ErrorCode::Invalid, "pm10"}}));
}

TEST_F(Sds011Test, SilentThenUnpluggedAndBack) {
  auto d = make("", link(sim_));
  ASSERT_TRUE(d);
  sim_.setSilent(true);
  auto m = readingEvery(*d, sim_, seconds(60));
  ASSERT_TRUE(failsWith(m, ErrorCode::Timeout, "no answer from the SDS011"));
  sim_.setSilent(false);
  ASSERT_TRUE(readingEvery(*d, sim_, seconds(60)).ok());
  sim_.unplug();
  ASSERT_TRUE(failsWith(readingEvery(*d, sim_, seconds(60)), ErrorCode::Io, "unplugged"));
  ASSERT_TRUE(sim_.plugIn().ok());
  link(sim_);
  sim_.clearEvents();
  ASSERT_TRUE(measuredAll(readingEvery(*d, sim_, seconds(60)), 2));
  EXPECT_EQ(sim_.commands(), "passive wake read sleep");
}

TEST_F(Sds011Test, ConfigDefaultsAndErrors) {
  Config c = *parseConfig(kConfigHead + "  - driver: sds011\n", "t.yaml", driverSchemas());
  EXPECT_EQ(optionString(c.sensors[0], "port"), "/dev/ttyUSB0");
  EXPECT_EQ(optionInt(c.sensors[0], "warmup"), 30);
  Config own = *parseConfig(kConfigHead + "  - driver: sds011\n    ids: {pm2_5: 300, pm10: 301}\n",
                            "t.yaml", driverSchemas());
  EXPECT_EQ(own.sensors[0].ids.at("pm10"), 301);
  EXPECT_TRUE(configRejects("  - driver: sds011\n    warmup: 0\n", "warmup"));
  EXPECT_TRUE(configRejects("  - driver: sds011\n    ids: {pm1: 12}\n", "pm1"));
}

}  // namespace
}  // namespace sckd::testing
