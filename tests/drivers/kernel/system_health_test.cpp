// The gateway's own health against temporary sysfs and procfs trees with the files' real
// shapes: thermal zones, /proc/net/wireless, /proc/loadavg, /proc/meminfo, /proc/uptime.

#include "drivers/kernel/system_health.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/drivers/driver_fixture.h"
#include "tests/support/kernel_tree.h"

namespace sckd::testing {
namespace {

// What a Pi 4 on Wi-Fi shows; the level column is the RSSI in dBm.
constexpr const char* kWireless =
    "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n"
    " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n"
    " wlan0: 0000   54.  -56.  -256        0      0      0      0     36        0\n";

constexpr const char* kMeminfo =
    "MemTotal:        3882300 kB\n"
    "MemFree:          214100 kB\n"
    "MemAvailable:    2911725 kB\n"
    "Buffers:          101348 kB\n";

TEST(WirelessRssi, TheLevelColumnIsTheSignalInDbm) {
  Result<double> rssi = parseWirelessRssi(kWireless, "");
  ASSERT_TRUE(rssi.ok()) << rssi.error().message;
  EXPECT_EQ(*rssi, -56);
  EXPECT_EQ(*parseWirelessRssi(kWireless, "wlan0"), -56);
}

TEST(WirelessRssi, AnUnsignedLevelOfAnOldDriverIsConverted) {
  const std::string old =
      std::string(kWireless).replace(std::string(kWireless).find("-56."), 4, "200.");
  EXPECT_EQ(*parseWirelessRssi(old, ""), -56);
}

TEST(WirelessRssi, NoInterfaceOrNoSignalIsAbsentAndSaysWhy) {
  const std::string headers =
      std::string(kWireless).substr(0, std::string(kWireless).find(" wlan0"));
  EXPECT_TRUE(failsWith(parseWirelessRssi(headers, ""), ErrorCode::Absent, "no Wi-Fi interface"));
  EXPECT_TRUE(
      failsWith(parseWirelessRssi(kWireless, "wlan1"), ErrorCode::Absent, "present: wlan0"));
  const std::string down =
      std::string(kWireless).replace(std::string(kWireless).find("-56."), 4, "0.  ");
  EXPECT_TRUE(failsWith(parseWirelessRssi(down, ""), ErrorCode::Absent, "not connected"));
}

TEST(MemoryFree, IsAvailableOverTotal) {
  Result<double> free = parseMemoryFree(kMeminfo);
  ASSERT_TRUE(free.ok()) << free.error().message;
  EXPECT_NEAR(*free, 75.0, 0.001);
  EXPECT_TRUE(failsWith(parseMemoryFree("MemTotal: 10 kB\n"), ErrorCode::Invalid, "MemAvailable"));
}

class SystemHealthTest : public DriverFixture {
 protected:
  SystemHealthTest() {
    host_.sys = tree_.sysRoot();
    host_.proc = tree_.procRoot();
    tree_.setProcFile("net/wireless", kWireless);
    tree_.setProcFile("loadavg", "0.42 0.31 0.20 1/187 1234\n");
    tree_.setProcFile("meminfo", kMeminfo);
    tree_.setProcFile("uptime", "93600.25 180000.10\n");
  }
  KernelTree tree_;
};

TEST_F(SystemHealthTest, EachValueGivenAnIdIsPublished) {
  tree_.addThermalZone(0, "cpu-thermal", 48312);
  auto d = makeDriverFromYaml(
      "  - driver: system\n    ids: {cpu_temperature: 900, wifi_rssi: 220, load: 901, "
      "memory_free: 902, disk_free: 903, uptime: 904}\n");
  ASSERT_TRUE(d);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 6));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 48.312);
  EXPECT_EQ(*value(*m, 1), -56);
  EXPECT_DOUBLE_EQ(*value(*m, 2), 0.42);
  EXPECT_NEAR(*value(*m, 3), 75.0, 0.001);
  EXPECT_GT(*value(*m, 4), 0);
  EXPECT_LE(*value(*m, 4), 100);
  EXPECT_DOUBLE_EQ(*value(*m, 5), 26.000069444444444);
}

TEST_F(SystemHealthTest, OnlyValuesGivenAnIdAreRead) {
  auto d = makeDriverFromYaml("  - driver: system\n    ids: {load: 901}\n");
  EXPECT_TRUE(measuredExactly(measure(*d), {2}));  // no thermal zone exists, and none is read
}

TEST_F(SystemHealthTest, TheCpuZoneIsFoundByItsType) {
  tree_.addThermalZone(0, "acpitz", 27800);
  tree_.addThermalZone(1, "x86_pkg_temp", 51000);
  auto d = makeDriverFromYaml("  - driver: system\n    ids: {cpu_temperature: 900}\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {0}));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 51.0);
  auto zone0 = makeDriverFromYaml(
      "  - driver: system\n    thermal_zone: 0\n    ids: {cpu_temperature: 900}\n");
  m = measure(*zone0);
  ASSERT_TRUE(measuredExactly(m, {0}));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 27.8);
}

TEST_F(SystemHealthTest, AMachineWithoutWifiFailsOnlyThatValue) {
  std::filesystem::remove(tree_.procRoot() + "/net/wireless");
  auto d = makeDriverFromYaml("  - driver: system\n    ids: {wifi_rssi: 220, load: 901}\n");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {2}, {{ErrorCode::Absent, "wifi_rssi"}}));
  EXPECT_NE(m->failures[0].message.find("no Wi-Fi interface"), std::string::npos);
}

TEST_F(SystemHealthTest, TheConfigMustGiveAtLeastOneId) {
  EXPECT_TRUE(configRejects("  - driver: system\n", "at least one of cpu_temperature"));
}

}  // namespace
}  // namespace sckd::testing
