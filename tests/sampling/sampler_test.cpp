// The sampler on a fake clock and fake timers, committing into a real outbox file.
#include "daemon/sampling/sampler.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_i2c_bus.h"
#include "tests/fakes/fake_timers.h"

namespace sckd {
namespace {

using testing::FakeClock;
using testing::FakeTimers;

SensorConfig simConfig(const std::string& name, int id, const std::string& waveform,
                       std::int64_t failEvery = 0, double value = 0) {
  SensorConfig config;
  config.name = name;
  config.driver = "sim";
  config.interval = Seconds(1);
  config.ids = {{"value", id}};
  config.options = {{"waveform", waveform}, {"fail_every", failEvery},    {"min", 0.0},
                    {"max", 100.0},         {"period", std::int64_t{60}}, {"value", value}};
  return config;
}

Sampler::Sensor makeSim(const SensorConfig& config, const Clock& clock) {
  const DriverInfo* info = findDriver("sim");
  EXPECT_NE(info, nullptr);
  static testing::FakeI2cBuses buses;  // sim touches no bus
  auto driver = info->create(DriverContext{config, clock, buses});
  EXPECT_TRUE(driver.ok()) << (driver.ok() ? "" : driver.error().message);
  return Sampler::Sensor{config, info, std::move(*driver)};
}

// A two-phase driver: its conversion takes `delay`, like a real chip's.
class SlowDriver final : public Driver {
 public:
  explicit SlowDriver(Millis delay) : delay_(delay) {}
  Result<Millis> start(const SampleContext&) override {
    ++starts;
    return delay_;
  }
  Result<Measurement> collect() override { return Measurement{{Sample{0, 21.456}}, {}}; }
  int starts = 0;

 private:
  Millis delay_;
};

// An ADC-like driver: each measurement takes `steps` conversions of 10 ms, one per input.
class SteppedDriver final : public Driver {
 public:
  explicit SteppedDriver(std::size_t steps) : steps_(steps) {}
  Result<Millis> start(const SampleContext&) override {
    step_ = 0;
    return Millis(10);
  }
  Result<Measurement> collect() override {
    Measurement m;
    m.samples.push_back(Sample{step_, 1.5 + static_cast<double>(step_)});
    if (++step_ < steps_) m.continueAfter = Millis(10);
    return m;
  }

 private:
  std::size_t steps_;
  std::size_t step_ = 0;
};

const DriverInfo kSlowInfo = [] {
  DriverInfo info;
  info.name = "slow";
  info.summary = "a two-phase test driver";
  info.quantities = {{"temperature", "degC", 55, false, 2}};
  return info;
}();

class SamplerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sckd-sampler-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto outbox = Outbox::open(dir_ + "/outbox.db", 100'000'000);
    ASSERT_TRUE(outbox.ok()) << outbox.error().message;
    outbox_ = std::move(*outbox);
  }
  void TearDown() override {
    outbox_.reset();
    std::filesystem::remove_all(dir_);
  }
  // id -> (recorded_at -> value)
  std::map<int, std::map<std::int64_t, std::string>> stored() {
    std::map<int, std::map<std::int64_t, std::string>> out;
    auto rows = outbox_->fetchAfter(0, 100000);
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows) out[r.sensorId][r.recordedAt] = r.value;
    return out;
  }

  // Starts 0.3 s past a whole second, so the first aligned tick is 0.7 s away.
  FakeClock clock_{WallTime(Seconds(1'795'000'000) + Millis(300))};
  FakeTimers timers_{clock_};
  std::string dir_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(SamplerTest, SensorsDueTogetherShareOneRecordedAtAndOneCommit) {
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("counter", 55, "counter"), clock_));
  sensors.push_back(makeSim(simConfig("fixed", 14, "constant", 0, 123.4), clock_));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  int commits = 0;
  sampler.setCommittedCallback([&] { ++commits; });
  sampler.start();
  timers_.runFor(Seconds(3));

  auto rows = stored();
  ASSERT_EQ(rows[55].size(), 3u);
  ASSERT_EQ(rows[14].size(), 3u);
  EXPECT_EQ(commits, 3);  // one transaction per tick, holding both sensors
  for (const auto& [at, value] : rows[55]) {
    EXPECT_EQ(value, std::to_string(at)) << "counter value is its own recorded_at";
    EXPECT_EQ(rows[14].count(at), 1u) << "both sensors stamped with the tick's second";
    EXPECT_EQ(rows[14][at], "123.4");
  }
}

TEST_F(SamplerTest, AFailingSensorIsLeftOutAndTheOthersCarryOn) {
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("flaky", 55, "counter", /*failEvery=*/2), clock_));
  sensors.push_back(makeSim(simConfig("steady", 56, "counter"), clock_));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  std::map<std::string, bool> lastFailed;
  sampler.setReportCallback(
      [&](const SensorReport& r) { lastFailed[r.sensor.name] = r.failure.has_value(); });
  sampler.start();
  timers_.runFor(Seconds(4));

  auto rows = stored();
  EXPECT_EQ(rows[56].size(), 4u);
  EXPECT_EQ(rows[55].size(), 2u) << "every 2nd reading fails and is simply absent";
  for (const auto& [at, value] : rows[55]) EXPECT_EQ(value, std::to_string(at));
  EXPECT_TRUE(lastFailed["flaky"]) << "the 4th reading is a failing one";
  EXPECT_FALSE(lastFailed["steady"]);
}

// The report of each reading is what was stored: the rounded value under its id, or the
// failure, so the runtime state and the local copy never disagree with the outbox.
TEST_F(SamplerTest, EachReadingIsReportedAsStoredOrWithItsFailure) {
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("flaky", 14, "constant", /*failEvery=*/2, 21.456), clock_));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  std::vector<SensorReport> reports;
  std::vector<std::string> names;
  sampler.setReportCallback([&](const SensorReport& r) {
    reports.push_back(r);
    names.push_back(r.sensor.name);
  });
  ::testing::internal::CaptureStderr();
  sampler.start();
  timers_.runFor(Seconds(2));
  ::testing::internal::GetCapturedStderr();

  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(names[0], "flaky");
  ASSERT_EQ(reports[0].values.size(), 1u);
  EXPECT_FALSE(reports[0].failure);
  EXPECT_EQ(reports[0].values[0].quantity, "value");
  EXPECT_EQ(reports[0].values[0].id, 14);
  EXPECT_EQ(reports[0].values[0].text, stored()[14].begin()->second);
  EXPECT_DOUBLE_EQ(reports[0].values[0].value, std::stod(reports[0].values[0].text));
  EXPECT_TRUE(reports[1].values.empty());
  ASSERT_TRUE(reports[1].failure);
  EXPECT_NE(reports[1].failure->message.find("simulated failure"), std::string::npos);
  EXPECT_EQ(toUnixSeconds(reports[1].takenAt), toUnixSeconds(reports[0].takenAt) + 1);
}

// A Pi without a real-time clock boots in 1970: its readings are kept with the time since
// boot, never published with that date, and get their true time (and, for the counter,
// their true value) once NTP steps the clock and the kernel says it is synchronised.
TEST_F(SamplerTest, ReadingsBeforeSyncAreKeptThenStampedWithTheirTrueTime) {
  const Seconds trueTime(1'795'000'000);
  clock_.stepWall(Seconds(100) - trueTime);  // 1970-01-01 00:01:40.3
  clock_.setSynchronized(false);
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("counter", 55, "counter"), clock_));
  sensors.push_back(makeSim(simConfig("fixed", 14, "constant", 0, 123.4), clock_));
  Sampler sampler(timers_, clock_, *outbox_, /*requireSync=*/true, std::move(sensors));
  sampler.start();
  ::testing::internal::CaptureStderr();
  timers_.runFor(Seconds(5));
  EXPECT_TRUE(stored().empty()) << "nothing may be queued with a 1970 stamp";
  auto waiting = outbox_->stats();
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->unstamped, 10u);

  // NTP answers: the clock steps to the true time, then the kernel reports sync.
  clock_.stepWall(trueTime - Seconds(100));
  clock_.setSynchronized(true);
  timers_.runFor(Seconds(2));
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("CLOCK_UNSYNCHRONIZED"), std::string::npos) << log;
  EXPECT_NE(log.find("system clock stepped forward by"), std::string::npos) << log;
  EXPECT_NE(log.find("10 readings taken before it got their time"), std::string::npos) << log;

  auto rows = stored();
  ASSERT_EQ(rows[55].size(), 7u);
  ASSERT_EQ(rows[14].size(), 7u);
  // Seven consecutive true seconds, the last one just now; each counter value is its stamp.
  const std::int64_t now = toUnixSeconds(clock_.wall());
  std::int64_t expected = now - 6;
  for (const auto& [at, value] : rows[55]) {
    EXPECT_EQ(at, expected++);
    EXPECT_EQ(value, std::to_string(at));
  }
  for (const auto& [at, value] : rows[14]) EXPECT_EQ(value, "123.4");
  EXPECT_EQ(outbox_->stats()->unstamped, 0u);
}

// Ticks fall just after a whole second. Here the boot began 0.6 ms off a millisecond, so a
// tick's boot time has a fraction of a millisecond: rounded down, each reading would be
// stamped into the second before its own, one second twice and its own never.
TEST_F(SamplerTest, ReadingsTakenJustAfterASecondBeganAreStampedIntoThatSecond) {
  clock_.stepWall(std::chrono::microseconds(600));
  clock_.setSynchronized(false);
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("counter", 55, "counter"), clock_));
  Sampler sampler(timers_, clock_, *outbox_, /*requireSync=*/true, std::move(sensors));
  ::testing::internal::CaptureStderr();
  sampler.start();
  timers_.runFor(Seconds(4));
  clock_.setSynchronized(true);
  timers_.runFor(Seconds(1));
  (void)::testing::internal::GetCapturedStderr();

  auto rows = outbox_->fetchAfter(0, 100);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  for (std::size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].recordedAt, 1'795'000'001 + static_cast<std::int64_t>(i)) << i;
    EXPECT_EQ((*rows)[i].value, std::to_string((*rows)[i].recordedAt));
  }
}

// Readings a boot left unstamped (it lost power before NTP answered) can never get a true
// time: the next start drops them with one warning that counts them, and keeps this boot's.
TEST_F(SamplerTest, ReadingsOfABootThatNeverSyncedAreDroppedAtStart) {
  NewReading old(0, 55, "1");
  old.boot = BootStamp{"an-earlier-boot", 5000};
  NewReading mine(0, 55, "2");
  mine.boot = BootStamp{clock_.bootId(), 1000};
  ASSERT_TRUE(outbox_->commit({old, old, mine}).ok());
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("counter", 55, "counter"), clock_));
  Sampler sampler(timers_, clock_, *outbox_, /*requireSync=*/true, std::move(sensors));
  ::testing::internal::CaptureStderr();
  sampler.start();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("dropped 2 readings taken before an earlier boot's clock"), std::string::npos)
      << log;
  EXPECT_EQ(outbox_->stats()->unstamped, 1u);
  EXPECT_EQ(outbox_->stats()->dropped, 2u);
  timers_.runFor(Seconds(1));  // synchronised: this boot's reading is stamped
  EXPECT_EQ(outbox_->stats()->unstamped, 0u);
  auto rows = outbox_->fetchAfter(0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);  // this boot's, then the tick's own
  EXPECT_EQ(rows->front().value, "2");
  EXPECT_EQ(rows->front().recordedAt,
            1'795'000'001);  // 1 s after the boot, which began at ...000.3
}

// NTP correcting a running clock by hours is said once, with its size.
TEST_F(SamplerTest, AClockStepIsLoggedOnceWithItsSize) {
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("counter", 55, "counter"), clock_));
  Sampler sampler(timers_, clock_, *outbox_, /*requireSync=*/true, std::move(sensors));
  sampler.start();
  timers_.runFor(Seconds(2));
  ::testing::internal::CaptureStderr();
  clock_.stepWall(-std::chrono::hours(3) - std::chrono::minutes(12));
  timers_.runFor(Seconds(3));
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("system clock stepped back by 3 h 12 min (CLOCK_STEPPED)"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("CLOCK_STEPPED"), log.rfind("CLOCK_STEPPED")) << "said once:\n" << log;
}

TEST_F(SamplerTest, RequireSyncFalseStampsAnyway) {
  clock_.setSynchronized(false);
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(simConfig("counter", 55, "counter"), clock_));
  Sampler sampler(timers_, clock_, *outbox_, /*requireSync=*/false, std::move(sensors));
  sampler.start();
  timers_.runFor(Seconds(2));
  EXPECT_EQ(stored()[55].size(), 2u);
}

TEST_F(SamplerTest, TwoPhaseMeasurementIsCommittedAfterItsConversionWithTheStartSecond) {
  SensorConfig config;
  config.name = "slow";
  config.driver = "slow";
  config.interval = Seconds(2);
  config.ids = {{"temperature", 55}};
  auto driver = std::make_unique<SlowDriver>(Millis(1500));
  SlowDriver* slow = driver.get();
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(Sampler::Sensor{config, &kSlowInfo, std::move(driver)});
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  sampler.start();

  const std::int64_t wallStart = toUnixSeconds(clock_.wall());
  timers_.runFor(Seconds(2) + Millis(100));  // the tick at +2 s has started, not finished
  EXPECT_EQ(slow->starts, 1);
  EXPECT_TRUE(stored().empty()) << "nothing committed before the conversion is done";
  timers_.runFor(Seconds(1) + Millis(500));
  auto rows = stored();
  ASSERT_EQ(rows[55].size(), 1u);
  EXPECT_EQ(rows[55].begin()->first, wallStart + 2) << "stamped when the measurement started";
  EXPECT_EQ(rows[55].begin()->second, "21.46") << "2 decimals, rounded";
}

TEST_F(SamplerTest, AMultiStepMeasurementIsOneEntryWithEveryStep) {
  DriverInfo info;
  info.name = "stepped";
  info.quantities = {
      {"a0", "V", 133, false, 4}, {"a1", "V", 134, false, 4}, {"a2", "V", 135, false, 4}};
  SensorConfig config;
  config.name = "adc";
  config.driver = "stepped";
  config.interval = Seconds(1);
  config.ids = {{"a0", 133}, {"a1", 134}, {"a2", 135}};
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(Sampler::Sensor{config, &info, std::make_unique<SteppedDriver>(3)});
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  int commits = 0;
  sampler.setCommittedCallback([&] { ++commits; });
  sampler.start();
  timers_.runFor(Millis(700) + Millis(25));  // first tick at +0.7 s, two steps done
  EXPECT_TRUE(stored().empty()) << "nothing committed before the last step";
  timers_.runFor(Millis(10));
  auto rows = stored();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(commits, 1);
  const std::int64_t at = rows[133].begin()->first;
  EXPECT_EQ(rows[134].begin()->first, at);
  EXPECT_EQ(rows[135].begin()->first, at);
  EXPECT_EQ(rows[135].begin()->second, "3.5");
}

TEST_F(SamplerTest, AMeasurementStillRunningIsNotStartedTwice) {
  SensorConfig config;
  config.name = "slow";
  config.driver = "slow";
  config.interval = Seconds(1);
  config.ids = {{"temperature", 55}};
  auto driver = std::make_unique<SlowDriver>(Millis(2500));
  SlowDriver* slow = driver.get();
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(Sampler::Sensor{config, &kSlowInfo, std::move(driver)});
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  sampler.start();
  timers_.runFor(Seconds(3));
  EXPECT_EQ(slow->starts, 1) << "ticks during the conversion are skipped, not stacked";
}

// --- calibrate, samples and reduce ---

TEST_F(SamplerTest, EachValueIsCalibratedBeforeItIsRoundedAndStored) {
  SensorConfig config = simConfig("fixed", 14, "constant", 0, 21.456);
  config.calibrate["value"] = Calibration{2, -1};  // 21.456 * 2 - 1 = 41.912
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(makeSim(config, clock_));
  sensors.push_back(makeSim(simConfig("plain", 15, "constant", 0, 21.456), clock_));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  std::vector<SensorReport> reports;
  sampler.setReportCallback([&](const SensorReport& r) { reports.push_back(r); });
  sampler.start();
  timers_.runFor(Seconds(2));

  auto rows = stored();
  ASSERT_EQ(rows[14].size(), 2u);
  for (const auto& [at, value] : rows[14]) EXPECT_EQ(value, "41.91") << "scale, offset, round";
  for (const auto& [at, value] : rows[15]) EXPECT_EQ(value, "21.46") << "not calibrated";
  ASSERT_FALSE(reports.empty());
  ASSERT_EQ(reports[0].values.size(), 1u);
  EXPECT_EQ(reports[0].values[0].text, "41.91") << "reported as stored";
  EXPECT_DOUBLE_EQ(reports[0].values[0].value, 41.91);
}

// A driver whose measurements give the values of a script, in turn: NaN makes that start
// fail, infinity that collect. Their conversions take the times of `conversions`, in turn.
// It remembers when each measurement started.
class ScriptedDriver final : public Driver {
 public:
  ScriptedDriver(std::vector<double> script, std::vector<Millis> conversions)
      : script_(std::move(script)), conversions_(std::move(conversions)) {}
  Result<Millis> start(const SampleContext& context) override {
    startedAt.push_back(context.recordedAt);
    const Millis conversion = conversions_.at(next_ % conversions_.size());
    value_ = script_.at(next_++ % script_.size());
    if (std::isnan(value_)) return makeError(ErrorCode::Absent, "no ACK");
    return conversion;
  }
  Result<Measurement> collect() override {
    if (std::isinf(value_)) return makeError(ErrorCode::Crc, "CRC mismatch");
    return Measurement{{Sample{0, value_}}, {}};
  }
  std::vector<WallTime> startedAt;

 private:
  std::vector<double> script_;
  std::vector<Millis> conversions_;
  std::size_t next_ = 0;
  double value_ = 0;
};

constexpr double kStartFails = std::numeric_limits<double>::quiet_NaN();
constexpr double kCollectFails = std::numeric_limits<double>::infinity();

// Every 4 s, 4 samples: windows end on whole multiples of 4 s. The fake clock starts at
// ...000.3, so the first window ends at ...004 (one sample), the next at ...008, ...012.
constexpr std::int64_t kFirstWindow = 1'795'000'004;

Sampler::Sensor scripted(const std::string& name, int id, std::vector<double> script,
                         Reduce reduce = Reduce::Mean,
                         std::vector<Millis> conversions = {Millis(5)},
                         ScriptedDriver** driver = nullptr) {
  SensorConfig config;
  config.name = name;
  config.driver = "slow";
  config.interval = Seconds(4);
  config.samples = 4;
  config.reduce = reduce;
  config.ids = {{"temperature", id}};
  auto d = std::make_unique<ScriptedDriver>(std::move(script), std::move(conversions));
  if (driver != nullptr) *driver = d.get();
  return Sampler::Sensor{config, &kSlowInfo, std::move(d)};
}

TEST_F(SamplerTest, SamplesAreTakenEvenlyOverTheIntervalAndTheFirstReadingHasOne) {
  ScriptedDriver* driver = nullptr;
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(scripted("t", 55, {20}, Reduce::Mean, {Millis(5)}, &driver));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  int ticksDone = 0;
  sampler.setTickDoneCallback([&] { ++ticksDone; });
  sampler.start();
  timers_.runFor(Millis(3700 + 8000 + 100));
  EXPECT_EQ(ticksDone, 3) << "the status is rewritten per reading, not per sample";

  std::vector<std::int64_t> at;  // ms after the first window's end
  for (WallTime t : driver->startedAt) {
    at.push_back(std::chrono::duration_cast<Millis>(t - WallTime(Seconds(kFirstWindow))).count());
  }
  EXPECT_EQ(at, (std::vector<std::int64_t>{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000}));
  auto rows = stored();
  ASSERT_EQ(rows[55].size(), 3u) << "one reading per interval, not one per sample";
  EXPECT_EQ(rows[55].begin()->first, kFirstWindow);
  EXPECT_EQ(rows[55].rbegin()->first, kFirstWindow + 8);
}

TEST_F(SamplerTest, MeanMedianAndMaxOfTheSamplesAreStoredAsOneReading) {
  // Mean 4.5, median 4, max 9, and the last one 6: each reduction gives its own value.
  const std::vector<double> script{50, 1, 9, 2, 6, 1, 9, 2, 6};
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(scripted("mean", 1, script, Reduce::Mean));
  sensors.push_back(scripted("median", 2, script, Reduce::Median));
  sensors.push_back(scripted("max", 3, script, Reduce::Max));
  SensorConfig plain = simConfig("fixed", 4, "constant", 0, 7);
  plain.interval = Seconds(4);
  sensors.push_back(makeSim(plain, clock_));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  int commits = 0;
  sampler.setCommittedCallback([&] { ++commits; });
  std::vector<std::string> reported;
  sampler.setReportCallback([&](const SensorReport& r) { reported.push_back(r.sensor.name); });
  sampler.start();
  timers_.runFor(Millis(3700 + 8000 + 100));

  auto rows = stored();
  using Column = std::map<std::int64_t, std::string>;
  const std::int64_t t = kFirstWindow;
  EXPECT_EQ(rows[1], (Column{{t, "50"}, {t + 4, "4.5"}, {t + 8, "4.5"}}));
  EXPECT_EQ(rows[2], (Column{{t, "50"}, {t + 4, "4"}, {t + 8, "4"}}));
  EXPECT_EQ(rows[3], (Column{{t, "50"}, {t + 4, "9"}, {t + 8, "9"}}));
  EXPECT_EQ(rows[4], (Column{{t, "7"}, {t + 4, "7"}, {t + 8, "7"}}));
  EXPECT_EQ(commits, 3) << "each reading is committed with the tick's others, samples never";
  EXPECT_EQ(reported.size(), 12u) << "one report per stored reading, none per sample";
}

TEST_F(SamplerTest, FailedSamplesAreLeftOutAndAllFailedIsAFailedReading) {
  const std::vector<double> script{50,  // the first window
                                   10,
                                   kStartFails,
                                   20,
                                   kCollectFails,  // mean of 10 and 20
                                   kStartFails,
                                   kStartFails,
                                   kCollectFails,
                                   kCollectFails,  // all four fail
                                   30,
                                   30,
                                   30,
                                   30};
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(scripted("t", 55, script));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  std::vector<SensorReport> reports;
  sampler.setReportCallback([&](const SensorReport& r) { reports.push_back(r); });
  ::testing::internal::CaptureStderr();
  sampler.start();
  timers_.runFor(Millis(3700 + 8000 + 100));
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_TRUE(reports.back().failure) << "failing until its next reading";
  timers_.runFor(Seconds(4));
  const std::string log = ::testing::internal::GetCapturedStderr();

  auto rows = stored();
  const std::int64_t t = kFirstWindow;
  EXPECT_EQ(rows[55],
            (std::map<std::int64_t, std::string>{{t, "50"}, {t + 4, "15"}, {t + 12, "30"}}));
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_FALSE(reports[1].failure) << "a failed sample is not a failed reading";
  ASSERT_TRUE(reports[2].failure);
  EXPECT_TRUE(reports[2].values.empty());
  EXPECT_EQ(reports[2].failure->message, "all 4 samples failed: read: CRC mismatch");
  EXPECT_NE(log.find("t (slow): all 4 samples failed: read: CRC mismatch (SENSOR_FAILING)"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("no ACK"), std::string::npos) << "failed samples are not logged:\n" << log;
  EXPECT_FALSE(reports.back().failure) << "recovered";
}

// Conversions of 1.5 s with samples every second: every other sample finds the one before
// still running and is skipped; one still running at its window's end belongs to a reading
// stored without it, and is dropped when it is done, never counted into the next.
TEST_F(SamplerTest, ASampleSkippedOrFinishedTooLateIsLeftOut) {
  ScriptedDriver* driver = nullptr;
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(scripted("t", 55, {50, 10, 777, 30, 888}, Reduce::Mean,
                             {Millis(500), Millis(1500), Millis(1500), Millis(1500), Millis(1500)},
                             &driver));
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  std::vector<SensorReport> reports;
  sampler.setReportCallback([&](const SensorReport& r) { reports.push_back(r); });
  sampler.start();
  timers_.runFor(Millis(3700 + 8000 + 900));  // past t + 8.5 s, before t + 9 s

  const std::int64_t t = kFirstWindow;
  // Window t + 4: the sample at t + 1 s is the only one: t + 2 s is skipped, t + 3 s (777)
  // still runs at t + 4 s, whose sample is skipped. The same again in window t + 8.
  EXPECT_EQ(stored()[55],
            (std::map<std::int64_t, std::string>{{t, "50"}, {t + 4, "10"}, {t + 8, "30"}}));
  EXPECT_EQ(driver->startedAt.size(), 5u);
  EXPECT_EQ(reports.size(), 3u);
  for (const auto& r : reports) EXPECT_FALSE(r.failure);
}

// An ADC-like driver: each measurement is two conversions, one per input, and gives
// 10 * n + input for its n-th measurement.
class CountingSteppedDriver final : public Driver {
 public:
  Result<Millis> start(const SampleContext&) override {
    step_ = 0;
    ++measurement_;
    return Millis(10);
  }
  Result<Measurement> collect() override {
    Measurement m;
    m.samples.push_back(Sample{step_, 10.0 * measurement_ + static_cast<double>(step_)});
    if (++step_ < 2) m.continueAfter = Millis(10);
    return m;
  }

 private:
  std::size_t step_ = 0;
  int measurement_ = -1;
};

TEST_F(SamplerTest, AMultiStepDriverIsSampledAndReducedPerInput) {
  DriverInfo info;
  info.name = "stepped";
  info.quantities = {{"a0", "V", 133, false, 4}, {"a1", "V", 134, false, 4}};
  SensorConfig config;
  config.name = "adc";
  config.driver = "stepped";
  config.interval = Seconds(2);
  config.samples = 2;
  config.ids = {{"a0", 133}, {"a1", 134}};
  std::vector<Sampler::Sensor> sensors;
  sensors.push_back(Sampler::Sensor{config, &info, std::make_unique<CountingSteppedDriver>()});
  Sampler sampler(timers_, clock_, *outbox_, true, std::move(sensors));
  int commits = 0;
  sampler.setCommittedCallback([&] { ++commits; });
  sampler.start();
  // Windows end on even seconds: ...002 (measurement 0 alone), ...004 (1 and 2).
  timers_.runFor(Millis(1700 + 2000 + 15));
  EXPECT_EQ(stored()[133].size(), 1u) << "the last sample's second step is not done yet";
  timers_.runFor(Millis(10));
  auto rows = stored();
  using Column = std::map<std::int64_t, std::string>;
  EXPECT_EQ(rows[133], (Column{{1'795'000'002, "0"}, {1'795'000'004, "15"}}));
  EXPECT_EQ(rows[134], (Column{{1'795'000'002, "1"}, {1'795'000'004, "16"}}));
  EXPECT_EQ(commits, 2);
}

}  // namespace
}  // namespace sckd
