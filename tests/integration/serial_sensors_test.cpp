// The whole daemon with UART particulate sensors: the real sckd binary opens a pseudo-
// terminal's slave as the sensor's port, while the PMS5003 or SDS011 simulator answers on
// the master from a thread of this test, and the readings reach a real mosquitto under the
// platform's ids. A 1 s warm-up and a 2 s interval keep each test to a few seconds (at that
// interval the sensor stays awake between readings).

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_pms5003.h"
#include "tests/fakes/sim_sds011.h"
#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

// Serves a simulator from a thread, as the sensor's own MCU would run beside sckd.
class Serving {
 public:
  explicit Serving(SimSerialSensor& sim) : sim_(sim), thread_([this] { loop(); }) {}
  ~Serving() { stop(); }
  // Stops the thread; the simulator's state may then be read from the test.
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    while (!stop_) {
      sim_.serve();
      std::this_thread::sleep_for(10ms);
    }
  }

  SimSerialSensor& sim_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class SerialSensors : public IntegrationTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(startBroker()); }

  void configure(const std::string& driver, const std::string& port) {
    config_.extraSensors = "  - name: dust\n    driver: " + driver + "\n    port: " + port +
                           "\n    warmup: 1s\n    interval: 2s\n";
    ASSERT_NO_FATAL_FAILURE(writeConfig());
  }

  // The values received per platform id.
  std::map<int, std::vector<double>> valuesById() const {
    std::map<int, std::vector<double>> out;
    for (const WireReading& r : received().readings) out[int(r.id)].push_back(r.value);
    return out;
  }

  SystemClock clock_;
};

TEST_F(SerialSensors, Pms5003ReadingsArriveUnderTheirIds) {
  SimPms5003 sim(clock_);
  ASSERT_TRUE(sim.plugIn().ok());
  sim.setAtmospheric(4, 9, 11);
  sim.setCounts({1200, 400, 100, 12, 2, 1});
  ASSERT_NO_FATAL_FAILURE(configure("pms5003", sim.path()));
  Serving serving(sim);
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const std::vector<int> ids = {89, 87, 88, 165, 166, 167, 168, 169, 170};
  ASSERT_TRUE(waitForReadings(ids, 2, 20s)) << sckd->log();
  expectPlatformFormat();
  const std::map<int, double> want = {{89, 4},    {87, 9},   {88, 11}, {165, 1200}, {166, 400},
                                      {167, 100}, {168, 12}, {169, 2}, {170, 1}};
  const auto got = valuesById();
  for (const auto& [id, value] : want) {
    for (double v : got.at(id)) EXPECT_EQ(v, value) << "id " << id;
  }
  sckd->kill(SIGTERM);
  auto status = sckd->waitExit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(describeStatus(*status), "exit 0") << sckd->log();
  serving.stop();
  sim.serve();  // the last command sckd sent before it exited
  EXPECT_TRUE(sim.passive());
  EXPECT_FALSE(sim.awake()) << "a stopped sckd leaves the laser off";
  EXPECT_EQ(sckd->log().find("SENSOR_FAILING"), std::string::npos) << sckd->log();
}

TEST_F(SerialSensors, Sds011ReadingsArriveUnderTheirIds) {
  SimSds011 sim(clock_);
  ASSERT_TRUE(sim.plugIn().ok());
  sim.setPm(1236, 2618);
  ASSERT_NO_FATAL_FAILURE(configure("sds011", sim.path()));
  Serving serving(sim);
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForReadings({87, 88}, 2, 20s)) << sckd->log();
  expectPlatformFormat();
  const auto got = valuesById();
  for (double v : got.at(87)) EXPECT_DOUBLE_EQ(v, 123.6);
  for (double v : got.at(88)) EXPECT_DOUBLE_EQ(v, 261.8);
  sckd->kill(SIGTERM);
  auto status = sckd->waitExit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(describeStatus(*status), "exit 0") << sckd->log();
  serving.stop();
  sim.serve();
  EXPECT_FALSE(sim.awake());
}

// `sckd check` takes one reading, warm-up included, with no event loop: the continueAfter
// steps are waited out in place.
TEST_F(SerialSensors, CheckPrintsAPms5003sValues) {
  SimPms5003 sim(clock_);
  ASSERT_TRUE(sim.plugIn().ok());
  sim.setAtmospheric(4, 9, 11);
  sim.setCounts({1200, 400, 100, 12, 2, 1});
  ASSERT_NO_FATAL_FAILURE(configure("pms5003", sim.path()));
  Serving serving(sim);
  auto check =
      SckdProcess::spawn({"check", "--offline", "--config", configPath()}, dir_.file("check.log"));
  ASSERT_NE(check, nullptr);
  auto status = check->waitExit(20s);
  ASSERT_TRUE(status.has_value());
  const std::string out = check->output();
  EXPECT_EQ(describeStatus(*status), "exit 0") << out << check->log();
  EXPECT_EQ(out.find("ERROR"), std::string::npos) << out;
  EXPECT_NE(out.find(sim.path()), std::string::npos) << "the port is shown:\n" << out;
  for (const char* row : {"87   pm2_5     9      ug/m3", "165  pn0_3     1200   #/0.1L"}) {
    EXPECT_NE(out.find(row), std::string::npos) << "'" << row << "' in:\n" << out;
  }
  serving.stop();
  sim.serve();
  EXPECT_FALSE(sim.awake()) << "check leaves the sensor asleep";
}

}  // namespace
}  // namespace sckd::testing
