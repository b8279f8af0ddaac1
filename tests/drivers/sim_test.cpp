#include "drivers/sim.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd {
namespace {

using std::chrono::seconds;

// Options as the config loader leaves them: every key of the spec, defaults filled in,
// Duration as whole seconds.
SensorConfig simConfig(DriverOptions overrides = {}) {
  SensorConfig config;
  config.name = "test-signal";
  config.driver = "sim";
  config.interval = seconds(1);
  config.ids = {{"value", 55}};
  config.options = {
      {"waveform", std::string("counter")},
      {"fail_every", std::int64_t{0}},
      {"min", 0.0},
      {"max", 100.0},
      {"period", std::int64_t{60}},
      {"value", 0.0},
  };
  for (auto& [key, value] : overrides) config.options[key] = value;
  return config;
}

class SimTest : public ::testing::Test {
 protected:
  std::unique_ptr<Driver> make(const SensorConfig& config) {
    const DriverInfo* info = findDriver("sim");
    EXPECT_NE(info, nullptr);
    if (info == nullptr) return nullptr;
    auto driver = info->create(DriverContext{config, clock_, buses_});
    EXPECT_TRUE(driver.ok()) << (driver.ok() ? "" : driver.error().message);
    return driver.ok() ? std::move(*driver) : nullptr;
  }

  // One whole measurement stamped `at`; the value, or the error message.
  Result<double> measure(Driver& driver, WallTime at) {
    Result<Millis> delay = driver.start(SampleContext{at});
    if (!delay.ok()) return delay.error();
    EXPECT_EQ(*delay, Millis(0));
    Result<Measurement> m = driver.collect();
    if (!m.ok()) return m.error();
    EXPECT_TRUE(m->failures.empty());
    EXPECT_EQ(m->samples.size(), 1u);
    if (m->samples.empty()) return makeError(ErrorCode::NotReady, "no sample");
    EXPECT_EQ(m->samples[0].quantity, 0u);
    return m->samples[0].value;
  }

  testing::FakeClock clock_;
  testing::FakeI2cBuses buses_;  // sim touches no bus
};

WallTime unixSeconds(std::int64_t s) {
  return WallTime(seconds(s));
}

TEST_F(SimTest, RegistryDescribesSim) {
  const DriverInfo* info = findDriver("sim");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "sim");
  EXPECT_FALSE(info->onI2cBus);
  ASSERT_EQ(info->quantities.size(), 1u);
  EXPECT_EQ(info->quantities[0].name, "value");
  EXPECT_EQ(info->quantities[0].defaultId, 0);  // the config must give `id:`
  std::vector<std::string_view> keys;
  for (const OptionSpec& o : info->options) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string_view>{"waveform", "fail_every", "min", "max", "period",
                                                 "value"}));
  EXPECT_EQ(info->summary,
            "simulated sensor (counter, sine or constant signal) for demos and tests");
  EXPECT_TRUE(info->addresses.empty());
  const OptionSpec& waveform = info->options[0];
  EXPECT_EQ(waveform.type, OptionType::String);
  EXPECT_EQ(waveform.choices, (std::vector<std::string_view>{"counter", "sine", "constant"}));
  EXPECT_EQ(waveform.defaultValue, "counter");
  const OptionSpec& failEvery = info->options[1];
  EXPECT_EQ(failEvery.type, OptionType::Integer);
  EXPECT_EQ(failEvery.min, 0);
  EXPECT_EQ(failEvery.max, 1'000'000'000);
  EXPECT_EQ(failEvery.defaultValue, "0");
  for (int i : {2, 3, 5}) EXPECT_EQ(info->options[i].type, OptionType::Number) << i;
  EXPECT_EQ(info->options[3].defaultValue, "100");
  const OptionSpec& period = info->options[4];
  EXPECT_EQ(period.type, OptionType::Duration);
  EXPECT_EQ(period.min, 1);
  EXPECT_EQ(period.max, 86400);
  EXPECT_EQ(period.defaultValue, "60s");
  for (const OptionSpec& o : info->options) EXPECT_FALSE(o.required) << o.key;
  EXPECT_TRUE(info->create);
  EXPECT_EQ(findDriver("no-such-chip"), nullptr);
  const auto& all = driverRegistry();
  EXPECT_EQ(
      std::count_if(all.begin(), all.end(), [](const DriverInfo& d) { return d.name == "sim"; }), 1)
      << "one row per driver name";
}

TEST_F(SimTest, CounterIsTheUnixSecondsOfRecordedAt) {
  auto driver = make(simConfig());
  ASSERT_TRUE(driver);
  for (std::int64_t t : {1'795'000'000, 1'795'000'001, 1'795'000'060}) {
    Result<double> v = measure(*driver, unixSeconds(t));
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(*v, static_cast<double>(t));
  }
  // Sub-second stamps round down, as recorded_at does.
  Result<double> v = measure(*driver, unixSeconds(1'795'000'007) + std::chrono::milliseconds(999));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 1'795'000'007.0);
}

TEST_F(SimTest, SineSpansMinToMaxOverThePeriod) {
  auto driver = make(simConfig({{"waveform", std::string("sine")},
                                {"min", 10.0},
                                {"max", 30.0},
                                {"period", std::int64_t{40}}}));
  ASSERT_TRUE(driver);
  const std::int64_t base = 1'795'000'000;  // a multiple of 40: phase 0
  ASSERT_EQ(base % 40, 0);
  const double expected[] = {20.0, 30.0, 20.0, 10.0};  // phases 0, 1/4, 1/2, 3/4
  for (int quarter = 0; quarter < 4; ++quarter) {
    Result<double> v = measure(*driver, unixSeconds(base + 10 * quarter));
    ASSERT_TRUE(v.ok());
    EXPECT_NEAR(*v, expected[quarter], 1e-6) << "quarter " << quarter;
  }
  Result<double> v = measure(*driver, unixSeconds(base + 5));  // phase 1/8
  ASSERT_TRUE(v.ok());
  EXPECT_NEAR(*v, 20.0 + 10.0 * std::sin(std::numbers::pi / 4), 1e-6);
}

TEST_F(SimTest, ConstantIsTheValueOption) {
  auto driver = make(simConfig({{"waveform", std::string("constant")}, {"value", -3.25}}));
  ASSERT_TRUE(driver);
  for (std::int64_t t : {1'795'000'000, 1'795'000'013}) {
    Result<double> v = measure(*driver, unixSeconds(t));
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, -3.25);
  }
}

TEST_F(SimTest, FailEveryMakesEveryNthMeasurementFail) {
  auto driver = make(simConfig({{"fail_every", std::int64_t{3}}}));
  ASSERT_TRUE(driver);
  std::string pattern;
  for (int i = 0; i < 9; ++i) {
    // start() always succeeds: the failure shows when the result is read, like a chip's.
    Result<Millis> delay = driver->start(SampleContext{unixSeconds(1'795'000'000 + i)});
    ASSERT_TRUE(delay.ok());
    Result<Measurement> m = driver->collect();
    pattern += m.ok() ? '.' : 'x';
    if (!m.ok()) {
      EXPECT_EQ(m.error().message, "simulated failure (fail_every: 3)");
    }
  }
  EXPECT_EQ(pattern, "..x..x..x");
}

TEST_F(SimTest, FailEveryZeroNeverFails) {
  auto driver = make(simConfig());
  ASSERT_TRUE(driver);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(measure(*driver, unixSeconds(1'795'000'000 + i)).ok()) << i;
  }
}

TEST_F(SimTest, SensorsAreIndependent) {
  auto a = make(simConfig({{"fail_every", std::int64_t{2}}}));
  auto b = make(simConfig({{"fail_every", std::int64_t{2}}}));
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(measure(*a, unixSeconds(1'795'000'000)).ok());
  EXPECT_FALSE(measure(*a, unixSeconds(1'795'000'001)).ok());
  EXPECT_TRUE(measure(*b, unixSeconds(1'795'000'001)).ok());  // b counts its own
}

}  // namespace
}  // namespace sckd
