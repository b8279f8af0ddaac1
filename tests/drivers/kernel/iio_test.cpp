// The IIO driver against temporary trees shaped like real kernels' IIO devices: the dht11
// driver's processed values, bmp280's kPa, ti-ads1015's raw counts with a scale, a raw
// temperature with scale and offset, and reads that the kernel refuses.

#include "drivers/kernel/iio.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/drivers/driver_fixture.h"
#include "tests/support/kernel_tree.h"

namespace sckd::testing {
namespace {

class IioTest : public DriverFixture {
 protected:
  IioTest() { host_.sys = tree_.sysRoot(); }

  // A DHT22 as the kernel's dht11 driver shows it (it drives both chips).
  void addDht22(int n = 0) {
    tree_.addIioDevice(n, "dht11",
                       {{"in_temp_input", "23400"}, {"in_humidityrelative_input", "45300"}});
  }

  KernelTree tree_;
};

TEST_F(IioTest, ProcessedValuesAreConvertedToThePlatformsUnits) {
  addDht22();
  auto d = makeDriverFromYaml(
      "  - driver: iio\n    device: dht11\n    ids: {temperature: 55, humidity: 56}\n");
  ASSERT_TRUE(d);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {0, 2}));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 23.4);
  EXPECT_DOUBLE_EQ(*value(*m, 2), 45.3);
}

TEST_F(IioTest, PressureIsAlreadyInKilopascals) {
  tree_.addIioDevice(0, "bmp280",
                     {{"in_temp_input", "21510"}, {"in_pressure_input", "100.812343750"}});
  auto d = makeDriverFromYaml("  - driver: iio\n    device: bmp280\n    ids: {pressure: 58}\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {3}));
  EXPECT_DOUBLE_EQ(*value(*m, 3), 100.81234375);
}

TEST_F(IioTest, RawValuesUseTheirScaleAndOffsetOwnOrShared) {
  // ti-ads1015: one scale per channel, in mV per count.
  tree_.addIioDevice(0, "ads1015",
                     {{"in_voltage0_raw", "1650"},
                      {"in_voltage0_scale", "2.000000"},
                      {"in_voltage1_raw", "-12"},
                      {"in_voltage_scale", "0.5"}});
  // A temperature from counts: (raw + offset) * scale millidegrees.
  tree_.addIioDevice(
      1, "tmpchip", {{"in_temp_raw", "2500"}, {"in_temp_scale", "10"}, {"in_temp_offset", "-500"}});
  // CO2 as percent: 612 counts of 0.0001 %.
  tree_.addIioDevice(
      2, "scd30", {{"in_concentration_co2_raw", "612"}, {"in_concentration_co2_scale", "0.0001"}});
  auto adc = makeDriverFromYaml(
      "  - driver: iio\n    device: ads1015\n    ids: {voltage0: 133, voltage1: 134}\n");
  Result<Measurement> m = measure(*adc);
  ASSERT_TRUE(measuredExactly(m, {6, 7}));
  EXPECT_DOUBLE_EQ(*value(*m, 6), 3.3);
  EXPECT_DOUBLE_EQ(*value(*m, 7), -0.006);
  auto temp =
      makeDriverFromYaml("  - driver: iio\n    device: tmpchip\n    ids: {temperature: 55}\n");
  m = measure(*temp);
  ASSERT_TRUE(measuredExactly(m, {0}));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 20.0);
  auto co2 = makeDriverFromYaml("  - driver: iio\n    device: scd30\n    ids: {co2: 158}\n");
  m = measure(*co2);
  ASSERT_TRUE(measuredExactly(m, {5}));
  EXPECT_NEAR(*value(*m, 5), 612, 1e-9);
}

TEST_F(IioTest, AReadTheKernelRefusesFailsThatQuantityAndTheOthersArePublished) {
  addDht22();
  tree_.breakIioFile(0, "in_humidityrelative_input");
  auto d = makeDriverFromYaml(
      "  - driver: iio\n    device: dht11\n    ids: {temperature: 55, humidity: 56}\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {0}, {{ErrorCode::Io, "humidity"}}));
  EXPECT_NE(m->failures[0].message.find("retried at the next interval"), std::string::npos)
      << m->failures[0].message;
  addDht22();  // the next interval, the chip answers
  EXPECT_TRUE(measuredExactly(measure(*d), {0, 2}));
}

TEST_F(IioTest, AQuantityTheDeviceLacksSaysWhatItHas) {
  addDht22();
  auto d = makeDriverFromYaml(
      "  - driver: iio\n    device: dht11\n    ids: {temperature: 55, pressure: 58}\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {0}, {{ErrorCode::Absent, "pressure"}}));
  EXPECT_NE(m->failures[0].message.find("it has: temperature, humidity"), std::string::npos)
      << m->failures[0].message;
}

TEST_F(IioTest, TheDeviceIsFoundByNameOrNodeAndATwiceUsedNameIsAnError) {
  addDht22(0);
  addDht22(3);
  auto byName =
      makeDriverFromYaml("  - driver: iio\n    device: dht11\n    ids: {temperature: 55}\n");
  Result<Measurement> m = measure(*byName);
  EXPECT_TRUE(failsWith(m, ErrorCode::Config, "(iio:device0, iio:device3)"));
  EXPECT_TRUE(failsWith(m, ErrorCode::Config, "device: iio:device0"));
  tree_.setIioFile(3, "in_temp_input", "-5100");
  auto byNode =
      makeDriverFromYaml("  - driver: iio\n    device: iio:device3\n    ids: {temperature: 55}\n");
  m = measure(*byNode);
  ASSERT_TRUE(measuredExactly(m, {0}));
  EXPECT_DOUBLE_EQ(*value(*m, 0), -5.1);
}

TEST_F(IioTest, AnAbsentDeviceListsThoseThereAre) {
  tree_.addIioDevice(0, "bmp280", {{"in_temp_input", "21510"}});
  tree_.writeSys("bus/iio/devices/trigger0/name", "sysfstrig0\n");  // triggers share the folder
  auto d = makeDriverFromYaml("  - driver: iio\n    device: dht11\n    ids: {temperature: 55}\n");
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Absent, "present: iio:device0 (bmp280)"));
  std::filesystem::remove_all(tree_.sysRoot() + "/bus/iio");
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::Absent, "dtoverlay="));
}

TEST_F(IioTest, AStuckReadTimesOut) {
  addDht22();
  auto d = makeDriverFromYaml("  - driver: iio\n    device: dht11\n    ids: {temperature: 55}\n");
  offload_.hold();
  EXPECT_TRUE(
      failsWith(measureEvery(*d, Millis(60'000)), ErrorCode::Timeout, "iio:device0 (dht11)"));
  offload_.release();
  EXPECT_TRUE(measuredExactly(measure(*d), {0}));
}

TEST_F(IioTest, TheConfigMustNameADeviceAndAtLeastOneId) {
  EXPECT_TRUE(configRejects("  - driver: iio\n    ids: {temperature: 55}\n", "device"));
  EXPECT_TRUE(configRejects("  - driver: iio\n    device: dht11\n", "ids"));
  EXPECT_TRUE(
      configRejects("  - driver: iio\n    device: dht11\n    ids: {colour: 5}\n", "colour"));
}

TEST(IioParse, ANumberFileOfAnotherShapeIsAnErrorQuotingIt) {
  KernelTree tree;
  tree.addIioDevice(0, "x", {{"in_temp_input", "12\x01z"}});
  HostPaths host;
  host.sys = tree.sysRoot();
  Result<IioDevice> device = findIioDevice(host, "x");
  ASSERT_TRUE(device.ok());
  Result<double> v = readIioChannel(*device, iioChannelKinds()[0]);
  EXPECT_TRUE(failsWith(v, ErrorCode::Invalid, "'12?z' is not a number"));
}

}  // namespace
}  // namespace sckd::testing
