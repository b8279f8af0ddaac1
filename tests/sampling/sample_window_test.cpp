// The samples of an interval reduced to one reading: per quantity, failed samples left out.
#include "daemon/sampling/sample_window.h"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

namespace sckd {
namespace {

const MonoTime kEnd = MonoTime(std::chrono::hours(1000));
const MonoTime kNextEnd = kEnd + Seconds(60);

Measurement values(double a, double b) {
  return Measurement{{Sample{0, a}, Sample{1, b}}, {}};
}

// The value of `quantity` in a reading, or NaN when it has none.
double valueOf(const Measurement& m, std::size_t quantity) {
  for (const Sample& s : m.samples) {
    if (s.quantity == quantity) return s.value;
  }
  return std::nan("");
}

TEST(SampleWindowTest, MeanMedianAndMaxPerQuantity) {
  // No reduction is the last sample, nor another reduction.
  const std::vector<std::pair<double, double>> samples{{1, 10}, {9, 20}, {2, 60}, {6, 40}};
  const std::vector<std::tuple<Reduce, double, double>> expected{
      {Reduce::Mean, 4.5, 32.5}, {Reduce::Median, 4, 30}, {Reduce::Max, 9, 60}};
  for (const auto& [how, a, b] : expected) {
    SampleWindow window(how);
    for (const auto& [x, y] : samples) window.add(kEnd, values(x, y));
    Result<Measurement> reading = window.take(kEnd);
    ASSERT_TRUE(reading.ok()) << reading.error().message;
    ASSERT_EQ(reading->samples.size(), 2u);
    EXPECT_DOUBLE_EQ(valueOf(*reading, 0), a) << static_cast<int>(how);
    EXPECT_DOUBLE_EQ(valueOf(*reading, 1), b) << static_cast<int>(how);
    EXPECT_TRUE(reading->failures.empty());
  }
  EXPECT_DOUBLE_EQ(SampleWindow::reduce(Reduce::Median, {5, 1, 3}), 3) << "odd count: the middle";
  EXPECT_DOUBLE_EQ(SampleWindow::reduce(Reduce::Max, {-5, -1, -3}), -1);
}

TEST(SampleWindowTest, AFailedSampleIsLeftOut) {
  SampleWindow window(Reduce::Mean);
  window.add(kEnd, values(10, 1));
  window.add(kEnd, makeError(ErrorCode::Io, "read: bus error"));
  window.add(kEnd, values(20, 2));
  Result<Measurement> reading = window.take(kEnd);
  ASSERT_TRUE(reading.ok()) << reading.error().message;
  EXPECT_DOUBLE_EQ(valueOf(*reading, 0), 15) << "the mean of the two that succeeded, not of 3";
  EXPECT_DOUBLE_EQ(valueOf(*reading, 1), 1.5);
  EXPECT_TRUE(reading->failures.empty()) << "a failed sample is not a failed reading";
}

TEST(SampleWindowTest, EverySampleFailedIsAFailedReadingWithTheLastReason) {
  SampleWindow window(Reduce::Median);
  window.add(kEnd, makeError(ErrorCode::Io, "read: bus error"));
  window.add(kEnd, makeError(ErrorCode::Timeout, "previous measurement still running"));
  window.add(kEnd, makeError(ErrorCode::Crc, "read: CRC mismatch"));
  Result<Measurement> reading = window.take(kEnd);
  ASSERT_FALSE(reading.ok());
  EXPECT_EQ(reading.error().message, "all 3 samples failed: read: CRC mismatch");
  EXPECT_EQ(reading.error().code, ErrorCode::Crc);

  // The first reading after a start has one sample: said so.
  window.add(kNextEnd, makeError(ErrorCode::Io, "start measurement: no ACK"));
  reading = window.take(kNextEnd);
  ASSERT_FALSE(reading.ok());
  EXPECT_EQ(reading.error().message, "its one sample failed: start measurement: no ACK");
}

// A quantity failing in some samples just has fewer values; failing in all, it is reported.
TEST(SampleWindowTest, AQuantityFailingInEverySampleIsReported) {
  SampleWindow window(Reduce::Mean);
  const Error crc = makeError(ErrorCode::Crc, "humidity: CRC mismatch");
  window.add(kEnd, Measurement{{Sample{0, 20}}, {crc}});
  window.add(kEnd, values(22, 40));
  Result<Measurement> reading = window.take(kEnd);
  ASSERT_TRUE(reading.ok());
  EXPECT_DOUBLE_EQ(valueOf(*reading, 0), 21);
  EXPECT_DOUBLE_EQ(valueOf(*reading, 1), 40);
  EXPECT_TRUE(reading->failures.empty());

  window.add(kNextEnd, Measurement{{Sample{0, 20}}, {crc}});
  window.add(kNextEnd, makeError(ErrorCode::Io, "read: bus error"));
  window.add(kNextEnd, Measurement{{Sample{0, 24}}, {crc}});
  reading = window.take(kNextEnd);
  ASSERT_TRUE(reading.ok());
  EXPECT_DOUBLE_EQ(valueOf(*reading, 0), 22);
  EXPECT_TRUE(std::isnan(valueOf(*reading, 1)));
  ASSERT_EQ(reading->failures.size(), 1u);
  EXPECT_EQ(reading->failures[0].message, "humidity: CRC mismatch");
}

// The sim counter's value is its own recorded_at: the last, never a mean of seconds.
TEST(SampleWindowTest, AValueThatIsItsRecordedAtIsTheLastNotReduced) {
  SampleWindow window(Reduce::Mean);
  window.add(kEnd, Measurement{{Sample{0, 100, true}}, {}});
  window.add(kEnd, Measurement{{Sample{0, 103, true}}, {}});
  Result<Measurement> reading = window.take(kEnd);
  ASSERT_TRUE(reading.ok());
  ASSERT_EQ(reading->samples.size(), 1u);
  EXPECT_DOUBLE_EQ(reading->samples[0].value, 103);
  EXPECT_TRUE(reading->samples[0].isRecordedAt);
}

// Samples belong to their window: a slow last sample of one window may finish after the
// next window began; one that finishes after its reading was stored is dropped; a window
// whose last instant was missed is dropped when a later one closes.
TEST(SampleWindowTest, SamplesCountOnlyInTheirOwnWindow) {
  SampleWindow window(Reduce::Mean);
  window.add(kEnd, values(1, 1));
  window.add(kNextEnd, values(100, 100));  // the next window's first, before kEnd's last
  window.add(kEnd, values(3, 3));
  Result<Measurement> reading = window.take(kEnd);
  ASSERT_TRUE(reading.ok());
  EXPECT_DOUBLE_EQ(valueOf(*reading, 0), 2);

  window.add(kEnd, values(1000, 1000));  // kEnd is stored: too late, dropped
  window.add(kNextEnd, values(200, 200));
  reading = window.take(kNextEnd);
  ASSERT_TRUE(reading.ok());
  EXPECT_DOUBLE_EQ(valueOf(*reading, 0), 150);

  // kNextEnd + 60 s: its last instant missed; kNextEnd + 120 s closes and drops it.
  window.add(kNextEnd + Seconds(60), values(7, 7));
  window.add(kNextEnd + Seconds(120), values(9, 9));
  reading = window.take(kNextEnd + Seconds(120));
  ASSERT_TRUE(reading.ok());
  EXPECT_DOUBLE_EQ(valueOf(*reading, 0), 9);
  EXPECT_FALSE(window.take(kNextEnd + Seconds(60)).ok()) << "dropped, never stored late";
}

}  // namespace
}  // namespace sckd
