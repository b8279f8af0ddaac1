// The `pulse` driver on fake GPIO chips: edges are injected with the kernel's timestamps
// and handed to the driver as the loop would (FakeFdWatcher), between and during readings.
#include "drivers/gpio/pulse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers/driver_fixture.h"

namespace sckd::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::size_t kRate = 0;
constexpr std::size_t kAmount = 1;

class PulseTest : public DriverFixture {
 protected:
  void SetUp() override { gpio_.addChip("gpiochip0", "pinctrl-bcm2711", 58, names()); }
  static std::vector<std::string> names() {
    std::vector<std::string> n;
    for (int i = 0; i < 58; ++i) n.push_back("GPIO" + std::to_string(i));
    return n;
  }
  Nanos now() const { return clock_.monotonic().time_since_epoch(); }
  // `count` falling edges on line 17, `spacing` apart, starting `from` now, the clock
  // moved along with them; the loop reads them as they come.
  void pulses(int count, Nanos spacing, int line = 17) {
    for (int i = 0; i < count; ++i) {
      clock_.advance(spacing);
      gpio_.edge("gpiochip0", static_cast<unsigned>(line), false, now());
      gpio_.edge("gpiochip0", static_cast<unsigned>(line), true, now() + spacing / 4);
      readable();
    }
  }
  void readable() {
    for (int fd = 0; fd < 1024; ++fd) {
      if (fds_.watching(fd)) fds_.makeReadable(fd);
    }
  }
  std::unique_ptr<Driver> rainGauge(const std::string& extra = "") {
    return makeDriverFromYaml(
        "  - name: rain\n    driver: pulse\n    line: GPIO17\n    bias: pull-up\n"
        "    scale: 0.2794\n    per: hour\n    ids: {rate: 301, amount: 300}\n" +
        extra);
  }
};

TEST_F(PulseTest, RequestsTheLineAsConfiguredAndWatchesItsEvents) {
  auto d = makeDriverFromYaml(
      "  - name: wind\n    driver: pulse\n    chip: pinctrl-bcm2711\n    line: 5\n"
      "    bias: pull-down\n    active_low: true\n    edge: both\n    ids: {rate: 302}\n");
  ASSERT_NE(d, nullptr);
  const GpioLineRequest r = gpio_.lastRequest("gpiochip0", 5);
  EXPECT_EQ(r.chip, "gpiochip0");
  EXPECT_EQ(r.offset, 5u);
  EXPECT_EQ(r.bias, GpioBias::PullDown);
  EXPECT_TRUE(r.activeLow);
  EXPECT_EQ(r.edges, GpioEdges::Both);
  EXPECT_EQ(r.consumer, "sckd:wind");
  EXPECT_EQ(fds_.watched(), 1u) << "the loop watches the line's event fd: never polled";
}

TEST_F(PulseTest, CountsAnIntervalAsAnAmountAndARate) {
  auto d = rainGauge();
  ASSERT_NE(d, nullptr);
  pulses(12, Millis(5000));  // 12 tips in 60 s
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_NEAR(*value(*m, kAmount), 12 * 0.2794, 1e-9);
  EXPECT_NEAR(*value(*m, kRate), 12 * 0.2794 * 60, 1e-9) << "mm per hour";

  clock_.advance(Seconds(60));  // a dry minute
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*value(*m, kAmount), 0);
  EXPECT_EQ(*value(*m, kRate), 0);
}

// An edge the kernel saw before the tick belongs to that interval, even when the loop
// reads it only while the tick drains the line; one after the tick's instant, though read
// in the same drain, belongs to the next. A busy loop cannot move pulses.
TEST_F(PulseTest, EdgesAreCountedByTheirKernelTimestampNotWhenRead) {
  auto d = rainGauge();
  ASSERT_NE(d, nullptr);
  pulses(3, Millis(1000));
  // Two more, not yet read by the loop: one before the tick's instant, one after it.
  gpio_.edge("gpiochip0", 17, false, now() + Millis(500));
  clock_.advance(Millis(1000));
  gpio_.edge("gpiochip0", 17, false, now() + Millis(1));
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(*value(*m, kAmount), 4 * 0.2794, 1e-9);
  clock_.advance(Seconds(10));
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(*value(*m, kAmount), 1 * 0.2794, 1e-9) << "the late edge went to the next one";
}

TEST_F(PulseTest, NoPulseIsLostAcrossManyIntervals) {
  auto d = rainGauge();
  ASSERT_NE(d, nullptr);
  double total = 0;
  for (int interval = 0; interval < 50; ++interval) {
    pulses(interval % 7, Millis(700));
    // and one waiting unread at each tick
    gpio_.edge("gpiochip0", 17, false, now() + Millis(50));
    clock_.advance(Millis(100));
    Result<Measurement> m = measure(*d);
    ASSERT_TRUE(m.ok());
    total += *value(*m, kAmount);
  }
  int sent = 0;
  for (int interval = 0; interval < 50; ++interval) sent += interval % 7 + 1;
  EXPECT_NEAR(total, sent * 0.2794, 1e-6);
}

TEST_F(PulseTest, BounceInsideTheDebounceCountsOnce) {
  auto d = rainGauge("    debounce: 20ms\n");
  ASSERT_NE(d, nullptr);
  for (int tip = 0; tip < 5; ++tip) {
    clock_.advance(Seconds(2));
    // A reed switch closing: the first contact, then 6 bounces 2 ms apart (12 ms in all).
    for (int b = 0; b < 7; ++b) {
      gpio_.edge("gpiochip0", 17, b % 2 == 0 ? false : true, now() + Millis(2 * b));
    }
    readable();
  }
  clock_.advance(Seconds(1));
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(*value(*m, kAmount), 5 * 0.2794, 1e-9);
}

TEST_F(PulseTest, ABusyLineIsAClearErrorAndIsRetried) {
  gpio_.holdLine("gpiochip0", 17, "w1-gpio");
  auto d = rainGauge();
  ASSERT_NE(d, nullptr) << "creating the sensor never fails on the line";
  Result<Measurement> m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Busy);
  EXPECT_THAT(m.error().message, HasSubstr("GPIO17 (gpiochip0 line 17)"));
  EXPECT_THAT(m.error().message, HasSubstr("busy"));

  gpio_.holdLine("gpiochip0", 17, "");  // the other program let go
  m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->samples.empty()) << "counting starts now: no interval to report yet";
  pulses(4, Millis(250));
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(*value(*m, kAmount), 4 * 0.2794, 1e-9);
}

// The chip goes (a driver unloaded, a HAT unplugged) and comes back: each reading while it
// is gone fails saying so; the pulses counted before it went are reported once it is back.
TEST_F(PulseTest, ALineThatVanishesAndReturnsKeepsWhatItCounted) {
  auto d = rainGauge();
  ASSERT_NE(d, nullptr);
  pulses(3, Millis(100));
  gpio_.removeChip("gpiochip0");
  readable();
  Result<Measurement> m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Absent);
  EXPECT_THAT(m.error().message, HasSubstr("no GPIO chip named or labelled \"gpiochip0\""));
  EXPECT_EQ(fds_.watched(), 0u) << "the lost line's fd is no longer watched";

  gpio_.addChip("gpiochip0", "pinctrl-bcm2711", 58, names());
  clock_.advance(Seconds(1));
  pulses(2, Millis(100));  // not counted: the line is not held again until the next reading
  m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_NEAR(*value(*m, kAmount), 3 * 0.2794, 1e-9);
  EXPECT_EQ(fds_.watched(), 1u);
}

TEST_F(PulseTest, RatesPerSecondAndMinute) {
  auto wind = makeDriverFromYaml(
      "  - name: wind\n    driver: pulse\n    line: 5\n    scale: 2.4\n    ids: {rate: 302}\n");
  ASSERT_NE(wind, nullptr);
  pulses(40, Millis(250), 5);  // 4 Hz for 10 s
  Result<Measurement> m = measure(*wind);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(*value(*m, kRate), 4 * 2.4, 1e-9) << "km/h at 2.4 km/h per Hz";

  auto water = makeDriverFromYaml(
      "  - name: water\n    driver: pulse\n    line: 6\n    per: minute\n    ids: {rate: 303}\n");
  ASSERT_NE(water, nullptr);
  pulses(30, Millis(1000), 6);  // one litre a second for 30 s
  m = measure(*water);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(*value(*m, kRate), 60, 1e-9) << "litres per minute";
}

}  // namespace
}  // namespace sckd::testing
