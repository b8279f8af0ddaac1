// The whole daemon with GPIO sensors: a rain gauge's pulses on GPIO17 (10 per second) and
// a door switch on GPIO22 (flipping every 3 s), on the simulated Pi 4 chip of sim_bus_sckd,
// whose edges carry the kernel's kind of timestamps, publishing to a real mosquitto. The
// real kernel path (gpio-sim under qemu) is tests/kernel/.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

constexpr const char* kSensors =
    "  - name: rain\n"
    "    driver: pulse\n"
    "    chip: pinctrl-bcm2711\n"
    "    line: GPIO17\n"
    "    bias: pull-up\n"
    "    debounce: 5ms\n"
    "    interval: 2s\n"
    "    ids: {rate: 301, amount: 300}\n"
    "  - name: door\n"
    "    driver: gpio\n"
    "    line: 22\n"
    "    on_change: true\n"
    "    interval: 60s\n"
    "    id: 400\n";

class GpioSensors : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker());
    config_.extraSensors = kSensors;
    ASSERT_NO_FATAL_FAILURE(writeConfig());
  }
};

TEST_F(GpioSensors, PulsesAndALevelArriveUnderTheirIds) {
  const std::string log = dir_.file("sckd.log");
  auto sckd = SckdProcess::spawn({"run", "--config", configPath()}, log,
                                 {"SCKD_SIM_PULSES=17:10", "SCKD_SIM_TOGGLE=22:3"});
  ASSERT_NE(sckd, nullptr);
  const bool enough = sub_->waitFor(
      [&](const std::vector<ReceivedMessage>& msgs) {
        std::map<int, int> n;
        for (const WireReading& r : decodeAll(msgs, config_.token).readings) ++n[int(r.id)];
        return n[300] >= 5 && n[400] >= 3;
      },
      30s);
  ASSERT_TRUE(enough) << sckd->log();
  ASSERT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat();

  const std::map<std::int64_t, double> amounts = valuesOf(300);
  std::map<std::int64_t, double> rates = valuesOf(301);
  // The first interval began when sckd started; every later one is 2 s of 10 pulses a
  // second, give or take the one pulse that falls on a tick.
  ASSERT_GE(amounts.size(), 5u);
  for (auto it = std::next(amounts.begin()); it != amounts.end(); ++it) {
    EXPECT_GE(it->second, 19) << "amount at " << it->first;
    EXPECT_LE(it->second, 21) << "amount at " << it->first;
    ASSERT_EQ(rates.count(it->first), 1u) << "the rate comes with the amount";
    EXPECT_NEAR(rates[it->first], it->second / 2, 0.05) << "rate at " << it->first;
  }

  // The door: on_change readings at once, both levels, far more often than its 60 s interval.
  std::set<double> levels;
  for (const WireReading& r : received().readings) {
    if (r.id == 400) levels.insert(r.value);
  }
  EXPECT_EQ(levels, (std::set<double>{0, 1}));

  sckd->kill(SIGTERM);
  auto status = sckd->waitExit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(describeStatus(*status), "exit 0");

  // `sckd scan --gpio` on the same simulated Pi 4 chip.
  auto scan = SckdProcess::spawn({"scan", "--gpio"}, dir_.file("scan.log"));
  ASSERT_NE(scan, nullptr);
  status = scan->waitExit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(describeStatus(*status), "exit 0") << scan->log();
  EXPECT_NE(scan->output().find("gpiochip0 (pinctrl-bcm2711), 58 lines"), std::string::npos)
      << scan->output();
  EXPECT_NE(scan->output().find("   17  GPIO17       free   {chip: pinctrl-bcm2711, line: GPIO17}"),
            std::string::npos)
      << scan->output();
}

// A SIGHUP that leaves the rain gauge as it was keeps its line and its count: the interval
// the reload falls in still holds all its pulses. The reload comes half a second after a
// tick, so a counter started afresh would miss a quarter of that interval.
TEST_F(GpioSensors, AReloadKeepsTheCountOfAnUnchangedCounter) {
  const std::string log = dir_.file("sckd.log");
  auto sckd = SckdProcess::spawn({"run", "--config", configPath()}, log, {"SCKD_SIM_PULSES=17:10"});
  ASSERT_NE(sckd, nullptr);
  auto amounts = [&] { return valuesOf(300); };
  for (int i = 0; i < 100 && amounts().size() < 2; ++i) sleepFor(100ms);
  ASSERT_GE(amounts().size(), 2u) << sckd->log();
  // Half a second past an even second: the 2 s ticks fall on even seconds.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto intoPair = std::chrono::duration_cast<std::chrono::milliseconds>(now) % 2000;
  sleepFor(std::chrono::milliseconds((2500 - intoPair.count()) % 2000));
  const std::int64_t reloadedAt = unixNow();
  sckd->kill(SIGHUP);
  for (int i = 0; i < 100 && amounts().rbegin()->first < reloadedAt + 4; ++i) sleepFor(100ms);
  ASSERT_NE(sckd->log().find("configuration reloaded"), std::string::npos) << sckd->log();
  const auto all = amounts();
  for (auto it = std::next(all.begin()); it != all.end(); ++it) {
    EXPECT_EQ(it->first - std::prev(it)->first, 2)
        << "an interval without its amount before " << it->first << ", reloaded at " << reloadedAt;
    EXPECT_GE(it->second, 19) << "amount at " << it->first << ", reloaded at " << reloadedAt;
    EXPECT_LE(it->second, 21) << "amount at " << it->first << ", reloaded at " << reloadedAt;
  }
  EXPECT_GT(all.rbegin()->first, reloadedAt + 2) << "intervals after the reload arrived";
}

// `sckd check` reads the door's level and requests the rain gauge's line, but counting
// pulses needs the daemon's loop: said as a note, not as a failure.
TEST_F(GpioSensors, CheckReadsALevelAndSaysPulsesAreCountedBySckdRun) {
  auto check =
      SckdProcess::spawn({"check", "--offline", "--config", configPath()}, dir_.file("check.log"));
  ASSERT_NE(check, nullptr);
  auto status = check->waitExit(20s);
  ASSERT_TRUE(status.has_value());
  const std::string out = check->output();
  EXPECT_EQ(describeStatus(*status), "exit 0") << out << check->log();
  EXPECT_NE(out.find("(sckd run)"), std::string::npos) << out;
  EXPECT_NE(out.find("rain: GPIO17 (gpiochip0 line 17) can be requested; its pulses are counted "
                     "only by `sckd run`"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("pinctrl-bcm2711:GPIO17"), std::string::npos) << out;
  EXPECT_EQ(out.find("ERROR"), std::string::npos) << out;
}

// A kill -9 loses only the interval in progress: the amounts committed while the broker
// was away, before the kill, are delivered after the restart.
TEST_F(GpioSensors, AKillLosesOnlyTheIntervalInProgress) {
  auto first = SckdProcess::spawn({"run", "--config", configPath()}, dir_.file("first.log"),
                                  {"SCKD_SIM_PULSES=17:10"});
  ASSERT_NE(first, nullptr);
  auto amounts = [&] { return valuesOf(300); };
  for (int i = 0; i < 100 && amounts().size() < 2; ++i) sleepFor(100ms);
  ASSERT_GE(amounts().size(), 2u) << first->log();
  broker_->stop();
  const std::int64_t lastDelivered = amounts().rbegin()->first;
  sleepFor(5s);  // two or three intervals end, committed, not delivered
  first->kill(SIGKILL);
  ASSERT_TRUE(first->waitExit(5s).has_value());
  const std::int64_t killedAt = unixNow();

  ASSERT_TRUE(broker_->restart());
  sub_ = TestSubscriber::start(broker_->port(), readingsTopic(config_.token));
  ASSERT_NE(sub_, nullptr);
  auto second = SckdProcess::spawn({"run", "--config", configPath()}, dir_.file("second.log"),
                                   {"SCKD_SIM_PULSES=17:10"});
  ASSERT_NE(second, nullptr);
  for (int i = 0; i < 150 && (amounts().empty() || amounts().rbegin()->first < killedAt + 3); ++i) {
    sleepFor(100ms);
  }
  const auto after = amounts();
  int offline = 0;
  for (std::int64_t t = lastDelivered + 2; t <= killedAt - 1; t += 2, ++offline) {
    ASSERT_EQ(after.count(t), 1u) << "the amount of the interval ending at " << t
                                  << " (committed before the kill) was lost\n"
                                  << second->log();
    EXPECT_GE(after.at(t), 19) << "amount at " << t;
    EXPECT_LE(after.at(t), 21) << "amount at " << t;
  }
  EXPECT_GE(offline, 2);
  EXPECT_GT(after.rbegin()->first, killedAt) << "the new run publishes its own intervals";
}

}  // namespace
}  // namespace sckd::testing
