// The `gpio` level driver on fake GPIO chips: the level each reading, and with on_change a
// wake-up per change, carrying the level the edge went to.
#include "drivers/gpio/level.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers/driver_fixture.h"

namespace sckd::testing {
namespace {

class LevelTest : public DriverFixture {
 protected:
  void SetUp() override { gpio_.addChip("gpiochip0", "pinctrl-bcm2711", 58); }
  Nanos now() const { return clock_.monotonic().time_since_epoch(); }
  void readable() {
    for (int fd = 0; fd < 1024; ++fd) {
      if (fds_.watching(fd)) fds_.makeReadable(fd);
    }
  }
};

TEST_F(LevelTest, ReportsTheLevelEachReading) {
  auto d = makeDriverFromYaml(
      "  - name: door\n    driver: gpio\n    line: 22\n    bias: pull-up\n    active_low: true\n"
      "    id: 400\n");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(gpio_.lastRequest("gpiochip0", 22).edges, GpioEdges::None)
      << "without on_change no edge is watched";
  EXPECT_EQ(fds_.watched(), 0u);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(*value(*m, 0), 0);
  gpio_.setLevel("gpiochip0", 22, true);
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*value(*m, 0), 1);
}

TEST_F(LevelTest, OnChangeWakesTheSamplerOncePerDebouncedChange) {
  auto d = makeDriverFromYaml(
      "  - name: door\n    driver: gpio\n    line: 22\n    on_change: true\n"
      "    debounce: 50ms\n    id: 400\n");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(gpio_.lastRequest("gpiochip0", 22).edges, GpioEdges::Both);
  int wakeUps = 0;
  d->setWakeUp([&] { ++wakeUps; });

  // The door opens with a bounce (up, down, up within 4 ms), then closes a second later.
  clock_.advance(Seconds(1));
  gpio_.edge("gpiochip0", 22, true, now());
  gpio_.edge("gpiochip0", 22, false, now() + Millis(2));
  gpio_.edge("gpiochip0", 22, true, now() + Millis(4));
  readable();
  EXPECT_EQ(wakeUps, 1) << "a bounce is one change";
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*value(*m, 0), 1) << "the level the change went to";

  clock_.advance(Seconds(1));
  gpio_.edge("gpiochip0", 22, false, now());
  readable();
  EXPECT_EQ(wakeUps, 2);
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*value(*m, 0), 0);
}

}  // namespace
}  // namespace sckd::testing
