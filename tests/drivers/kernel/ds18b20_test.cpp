// The DS18B20 driver against a temporary tree shaped like the kernel's w1 sysfs: w1_slave's
// two lines (and CRC verdict), the newer `temperature` file, probes coming and going.

#include <gtest/gtest.h>

#include "drivers/kernel/w1.h"
#include "tests/drivers/driver_fixture.h"
#include "tests/support/kernel_tree.h"

namespace sckd::testing {
namespace {

TEST(W1Slave, TheSecondLineGivesMillidegrees) {
  Result<double> t = parseW1Slave(
      "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n", "f");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_DOUBLE_EQ(*t, 23.125);
  Result<double> cold = parseW1Slave(
      "5e ff 4b 46 7f ff 02 10 4e : crc=4e YES\n5e ff 4b 46 7f ff 02 10 4e t=-10125\n", "f");
  ASSERT_TRUE(cold.ok()) << cold.error().message;
  EXPECT_DOUBLE_EQ(*cold, -10.125);
}

TEST(W1Slave, ACrcFailureIsACrcErrorThatSuggestsTheCable) {
  Result<double> t = parseW1Slave(
      "72 01 4b 46 7f ff 0e 10 58 : crc=57 NO\n72 01 4b 46 7f ff 0e 10 58 t=23125\n", "w1_slave");
  EXPECT_TRUE(failsWith(t, ErrorCode::Crc, "pull-up"));
}

TEST(W1Slave, AnAllZeroScratchpadIsNoReading) {
  Result<double> t = parseW1Slave(
      "00 00 00 00 00 00 00 00 00 : crc=00 YES\n00 00 00 00 00 00 00 00 00 t=0\n", "w1_slave");
  EXPECT_TRUE(failsWith(t, ErrorCode::Invalid, "all zeros"));
}

TEST(W1Slave, TextOfAnotherShapeIsInvalidAndNamesTheFile) {
  EXPECT_TRUE(failsWith(parseW1Slave("", "/x/w1_slave"), ErrorCode::Invalid, "/x/w1_slave"));
  EXPECT_TRUE(failsWith(parseW1Slave("crc=57 YES\n t=abc\n", "f"), ErrorCode::Invalid, "'abc'"));
  EXPECT_TRUE(failsWith(parseW1Slave("crc=57 YES", "f"), ErrorCode::Invalid));
}

class Ds18b20Test : public DriverFixture {
 protected:
  Ds18b20Test() { host_.sys = tree_.sysRoot(); }
  KernelTree tree_;
};

TEST_F(Ds18b20Test, TheOneProbePresentIsReadWithoutASerial) {
  tree_.addW1Probe("28-0316a2794cff", 21375);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(config_.sensors[0].ids.at("temperature"), 42);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 1));
  EXPECT_DOUBLE_EQ(m->samples[0].value, 21.375);
}

TEST_F(Ds18b20Test, TheReadWaitsForTheConversion) {
  tree_.addW1Probe("28-0316a2794cff", 21375);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  EXPECT_EQ(*delay, Millis(750));
  EXPECT_EQ(offload_.started(), 1);  // off the loop, not on it
}

TEST_F(Ds18b20Test, TheNewerTemperatureFileIsPreferred) {
  tree_.addW1Probe("28-0316a2794cff", 21375, true);
  tree_.setW1Slave("28-0316a2794cff", "garbage\n");  // would fail if it were read
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 1));
  EXPECT_DOUBLE_EQ(m->samples[0].value, 21.375);
}

TEST_F(Ds18b20Test, ThePowerOnValueIsRefused) {
  tree_.addW1Probe("28-0316a2794cff", 85000);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Invalid, "power-on"));
  tree_.addW1Probe("28-0316a2794cff", 85000, true);
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Invalid, "power-on"));
  tree_.addW1Probe("28-0316a2794cff", 84937, true);  // a real 84.9 degC is kept
  EXPECT_TRUE(measuredAll(measure(*d), 1));
}

TEST_F(Ds18b20Test, TwoProbesWithoutASerialAreAnErrorListingThemAndTheYaml) {
  tree_.addW1Probe("28-0316a2794cff", 21375);
  tree_.addW1Probe("28-00000a1b2c3d", 19000);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  Result<Measurement> m = measure(*d);
  EXPECT_TRUE(failsWith(m, ErrorCode::Config, "28-00000a1b2c3d, 28-0316a2794cff"));
  EXPECT_TRUE(failsWith(m, ErrorCode::Config, "serial: 28-00000a1b2c3d"));
}

TEST_F(Ds18b20Test, TheConfiguredSerialPicksItsProbe) {
  tree_.addW1Probe("28-0316a2794cff", 21375);
  tree_.addW1Probe("28-00000a1b2c3d", 19000);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n    serial: 28-0316A2794CFF\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 1));
  EXPECT_DOUBLE_EQ(m->samples[0].value, 21.375);
}

TEST_F(Ds18b20Test, AProbeThatLeavesIsAbsentUntilItComesBack) {
  tree_.addW1Probe("28-0316a2794cff", 21375);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n    serial: 28-0316a2794cff\n");
  tree_.removeW1Probe("28-0316a2794cff");
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Absent, "no 1-wire probe 28-0316a2794cff"));
  tree_.addW1Probe("28-0316a2794cff", 22000);
  EXPECT_TRUE(measuredAll(measure(*d), 1));
}

TEST_F(Ds18b20Test, NoOneWireBusSaysHowToEnableIt) {
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Absent, "dtoverlay=w1-gpio"));
}

TEST_F(Ds18b20Test, AStuckReadTimesOutAndTheNextWaitsForIt) {
  tree_.addW1Probe("28-0316a2794cff", 21375);
  auto d = makeDriverFromYaml("  - driver: ds18b20\n");
  offload_.hold();  // the kernel's read does not return
  EXPECT_TRUE(failsWith(measureEvery(*d, Millis(60'000)), ErrorCode::Timeout, "within 10 s"));
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Timeout, "has not finished"));
  EXPECT_EQ(offload_.started(), 1);  // no second read piled onto the stuck one
  offload_.release();
  EXPECT_TRUE(measuredAll(measure(*d), 1));
}

TEST_F(Ds18b20Test, ASerialThatIsNoDeviceNameIsAConfigError) {
  SensorConfig c;
  c.name = "t";
  c.driver = "ds18b20";
  c.options["serial"] = std::string("0316a279");
  EXPECT_TRUE(failsWith(findDriver("ds18b20")->create(DriverContext{c, clock_, buses_}),
                        ErrorCode::Config, "like 28-0316a2794cff"));
}

}  // namespace
}  // namespace sckd::testing
