// `calibrate`, `samples` and `reduce` end to end: the real sckd binary with sim sensors,
// and the values as a real mosquitto delivers them.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

class Averaging : public IntegrationTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(startBroker()); }
};

// A constant 21.456, scaled by 2 and moved by -1: 41.912, published to 2 decimals.
TEST_F(Averaging, ThePublishedValueIsTheCalibratedOne) {
  config_.sensors.push_back({.id = 301,
                             .name = "calibrated",
                             .waveform = "constant",
                             .extraLines = "    value: 21.456\n"
                                           "    calibrate: {value: {scale: 2, offset: -1}}\n"});
  config_.sensors.push_back(
      {.id = 302, .name = "raw", .waveform = "constant", .extraLines = "    value: 21.456\n"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForReadings({301, 302}, 3, 15s)) << sckd->log();
  for (const auto& [at, value] : valuesOf(301)) EXPECT_EQ(value, 41.91) << at;
  for (const auto& [at, value] : valuesOf(302)) EXPECT_EQ(value, 21.46) << at;
  expectPlatformFormat();
}

// The sim sine between 10 and 30, sampled 4 times per 4 s interval. Over a period of 4 s
// the samples sit at phases 1/4 .. 4/4: their max is the crest, 30, where the last sample
// alone (phase 0) would be 20. Over a period of 8 s they cover half a wave, whose mean
// (about 13.96 or 26.04, by the interval) is none of the samples and no other reduction.
TEST_F(Averaging, OneReadingPerIntervalIsTheReductionOfItsSamples) {
  const std::string sine = "    min: 10\n    max: 30\n    samples: 4\n";
  config_.sensors.push_back({.id = 311,
                             .name = "crest",
                             .interval = "4s",
                             .waveform = "sine",
                             .extraLines = sine + "    period: 4s\n    reduce: max\n"});
  config_.sensors.push_back({.id = 312,
                             .name = "half-wave",
                             .interval = "4s",
                             .waveform = "sine",
                             .extraLines = sine + "    period: 8s\n    reduce: mean\n"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  // The first reading after the start has one sample only; three more have four.
  ASSERT_TRUE(waitForReadings({311, 312}, 4, 30s)) << sckd->log();
  ASSERT_TRUE(sckd->running()) << sckd->log();

  // The sim sine at Unix time t, as drivers/sim.cpp computes it.
  auto simSine = [](double t, double period) {
    return 20 + 10 * std::sin(2 * std::numbers::pi * std::fmod(t, period) / period);
  };
  // A few ms of timer latency move a sample's phase a little: 0.2 is far more than that,
  // and far less than any wrong reduction's error (at least 1).
  constexpr double kTolerance = 0.2;
  for (int id : {311, 312}) {
    const auto values = valuesOf(id);
    ASSERT_GE(values.size(), 4u);
    std::int64_t previous = 0;
    for (const auto& [at, value] : values) {
      EXPECT_EQ(at % 4, 0) << "stored at the interval's aligned instants only";
      if (previous != 0) {
        EXPECT_EQ(at - previous, 4) << "one reading per interval";
      }
      const bool first = previous == 0;
      previous = at;
      if (first) continue;  // one sample
      double expected = 0;
      if (id == 311) {
        expected = 30;
      } else {
        for (int k = 1; k <= 4; ++k) expected += simSine(static_cast<double>(at - 4 + k), 8) / 4;
      }
      EXPECT_NEAR(value, expected, kTolerance) << "id " << id << " at " << at;
    }
  }
  expectPlatformFormat();
}

// A config that breaks the rules is refused with the key's path and position, and says why.
TEST_F(Averaging, ARefusedCalibrationStopsTheStartWithItsPosition) {
  config_.sensors.push_back(
      {.id = 321, .name = "clock", .extraLines = "    calibrate: {value: {offset: 1}}\n"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const std::optional<int> status = sckd->waitExit(10s);
  ASSERT_TRUE(status.has_value()) << "started with a refused config:\n" << sckd->log();
  EXPECT_NE(*status, 0);
  EXPECT_NE(sckd->log().find("sensors[clock].calibrate: driver 'sim' takes no `calibrate:` "
                             "here: the counter's value is its own recorded_at"),
            std::string::npos)
      << sckd->log();
}

}  // namespace
}  // namespace sckd::testing
