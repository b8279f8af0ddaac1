// The whole daemon (the real sckd binary) with sensors the kernel drives: a DS18B20 on the
// 1-wire bus, a DHT22 through IIO and the gateway's own health, publishing to a real
// mosquitto. sckd runs in a mount namespace of its own where the test's tree, shaped like
// the kernel's files, is bind-mounted over /sys/bus and /sys/class: sckd reads the same
// paths it reads on a Pi. The real kernel's IIO (bmp280 over i2c-stub) is tests/kernel/.

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "tests/integration/rig.h"
#include "tests/support/kernel_tree.h"

namespace sckd::testing {
namespace {

constexpr const char* kProbe = "28-0316a2794cff";

constexpr const char* kSensors =
    "  - name: water\n"
    "    driver: ds18b20\n"
    "    interval: 1s\n"
    "  - name: garden\n"
    "    driver: iio\n"
    "    device: dht11\n"
    "    interval: 1s\n"
    "    ids: {temperature: 501, humidity: 502}\n"
    "  - name: gateway\n"
    "    driver: system\n"
    "    interval: 1s\n"
    "    ids: {cpu_temperature: 503, load: 504, uptime: 505, wifi_rssi: 220}\n";

class KernelSensors : public IntegrationTest {
 protected:
  void SetUp() override {
    // CI runs as root, so there it always runs; a developer's non-root run skips it.
    if (::geteuid() != 0) {
      GTEST_SKIP() << "needs root (uid 0): it bind-mounts a sysfs tree over /sys/bus and "
                      "/sys/class in a private mount namespace";
    }
    tree_.addW1Probe(kProbe, 21500);
    tree_.addIioDevice(0, "dht11",
                       {{"in_temp_input", "23400"}, {"in_humidityrelative_input", "45300"}});
    tree_.addThermalZone(0, "cpu-thermal", 48312);
    ASSERT_NO_FATAL_FAILURE(startBroker());
    config_.extraSensors = kSensors;
    ASSERT_NO_FATAL_FAILURE(writeConfig());
  }

  std::unique_ptr<SckdProcess> spawnOnTree(const std::vector<std::string>& args,
                                           const std::string& log) {
    return SckdProcess::spawn(
        args, log, {},
        {{tree_.sysRoot() + "/bus", "/sys/bus"}, {tree_.sysRoot() + "/class", "/sys/class"}});
  }

  KernelTree tree_;
};

TEST_F(KernelSensors, OneWireIioAndHealthArriveUnderTheirIds) {
  auto sckd = spawnOnTree({"run", "--config", configPath()}, dir_.file("sckd.log"));
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForReadings({42, 501, 502, 503, 504, 505}, 2, 30s)) << sckd->log();
  ASSERT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat();
  EXPECT_EQ(valuesOf(42).rbegin()->second, 21.5);
  EXPECT_EQ(valuesOf(501).rbegin()->second, 23.4);
  EXPECT_EQ(valuesOf(502).rbegin()->second, 45.3);
  EXPECT_EQ(valuesOf(503).rbegin()->second, 48.3);
  EXPECT_GE(valuesOf(504).rbegin()->second, 0);  // the real machine's load and uptime
  EXPECT_GT(valuesOf(505).rbegin()->second, 0);
  // This machine has no Wi-Fi: that one value fails, said in words, and the others go on.
  EXPECT_TRUE(valuesOf(220).empty());
  EXPECT_NE(sckd->log().find("wifi_rssi: "), std::string::npos) << sckd->log();
  EXPECT_NE(sckd->log().find("no Wi-Fi interface"), std::string::npos) << sckd->log();

  // The probe resets (85 degC, refused), then a DHT22 read fails in the kernel (EIO), then
  // both recover: the refused values never arrive, the later ones do.
  tree_.addW1Probe(kProbe, 85000);
  tree_.breakIioFile(0, "in_humidityrelative_input");
  sleepFor(2500ms);
  EXPECT_NE(sckd->log().find("power-on"), std::string::npos) << sckd->log();
  EXPECT_NE(sckd->log().find("humidity: "), std::string::npos) << sckd->log();
  tree_.addW1Probe(kProbe, 22000);
  tree_.setIioFile(0, "in_humidityrelative_input", "47000");
  ASSERT_TRUE(sub_->waitFor(
      [&](const std::vector<ReceivedMessage>& msgs) {
        // Called with the subscriber's lock held: only `msgs`, never sub_->messages().
        const auto water = valuesOf(42, msgs);
        const auto humidity = valuesOf(502, msgs);
        return !water.empty() && water.rbegin()->second == 22 && !humidity.empty() &&
               humidity.rbegin()->second == 47;
      },
      20s))
      << sckd->log();
  for (const auto& [at, value] : valuesOf(42)) EXPECT_NE(value, 85) << "at " << at;

  sckd->kill(SIGTERM);
  auto status = sckd->waitExit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(describeStatus(*status), "exit 0") << sckd->log();
}

// `sckd check` takes one reading of each (the 1-wire and IIO reads off its thread, as in
// the daemon) and `sckd scan` lists the probe and the device with their config lines.
TEST_F(KernelSensors, CheckReadsEachAndScanListsThem) {
  auto check =
      spawnOnTree({"check", "--offline", "--config", configPath()}, dir_.file("check.log"));
  ASSERT_NE(check, nullptr);
  auto status = check->waitExit(20s);
  ASSERT_TRUE(status.has_value());
  const std::string out = check->output();
  EXPECT_NE(out.find("21.5"), std::string::npos) << out << check->log();
  EXPECT_NE(out.find("23.4"), std::string::npos) << out;
  EXPECT_NE(out.find("45.3"), std::string::npos) << out;
  EXPECT_NE(out.find("48.3"), std::string::npos) << out;
  EXPECT_NE(out.find("no Wi-Fi interface"), std::string::npos) << out;

  auto scan = spawnOnTree({"scan"}, dir_.file("scan.log"));
  ASSERT_NE(scan, nullptr);
  status = scan->waitExit(20s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(describeStatus(*status), "exit 0") << scan->output() << scan->log();
  const std::string listing = scan->output();
  EXPECT_NE(listing.find(std::string("  ") + kProbe + "  DS18B20  21.50 degC"), std::string::npos)
      << listing;
  EXPECT_NE(listing.find("  iio:device0  dht11: temperature 23.40 degC, humidity 45.30 %RH"),
            std::string::npos)
      << listing;
  EXPECT_NE(listing.find("    device: dht11\n    ids: {temperature: N, humidity: N}"),
            std::string::npos)
      << listing;
}

}  // namespace
}  // namespace sckd::testing
