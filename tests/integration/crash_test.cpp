// kill -9 at random moments never loses a reading that was taken: every second sckd was
// alive (away from the edges of each life) has its counter reading at the broker at the end.

#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <random>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{111, 112};

double wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class Crash : public IntegrationTest {
 protected:
  // Starts sckd `lives` times, each for a random span within `lifeMs`, and kills it with
  // SIGKILL. Returns, per life, the whole seconds it was surely alive for: its span less
  // `margin` seconds at each end (start-up, and the tick a kill may interrupt).
  SecondRanges killNineLives(int lives, std::uniform_int_distribution<int> lifeMs, double margin,
                             std::string& described) {
    std::mt19937 rng(std::random_device{}());
    SecondRanges alive;
    for (int life = 0; life < lives; ++life) {
      const double born = wallNow();
      auto sckd = startSckd();
      EXPECT_NE(sckd, nullptr);
      if (sckd == nullptr) return alive;
      const int ms = lifeMs(rng);
      sleepFor(std::chrono::milliseconds(ms));
      EXPECT_TRUE(sckd->running()) << "sckd died by itself in life " << life << ":\n"
                                   << sckd->log();
      sckd->kill(SIGKILL);
      const double died = wallNow();
      EXPECT_TRUE(sckd->waitExit(5s).has_value());
      const auto from = static_cast<std::int64_t>(std::ceil(born + margin));
      const auto to = static_cast<std::int64_t>(std::floor(died - margin));
      described += std::to_string(life) + ": " + std::to_string(ms) + " ms, seconds " +
                   std::to_string(from) + ".." + std::to_string(to) + "\n";
      if (from <= to) alive.emplace_back(from, to);
    }
    return alive;
  }
};

TEST_F(Crash, KillNineNeverLosesAReading) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  ASSERT_NO_FATAL_FAILURE(writeConfig());

  constexpr double kMargin = 1.5;
  std::string lives;
  SecondRanges expected =
      killNineLives(12, std::uniform_int_distribution<int>(1500, 4000), kMargin, lives);
  ASSERT_FALSE(HasFailure()) << lives;
  // One last life, long enough for the queue to drain.
  const double born = wallNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(3s);
  const auto lastFrom = static_cast<std::int64_t>(std::ceil(born + kMargin));
  expected.emplace_back(lastFrom, unixNow() - 1);
  ASSERT_FALSE(expected.empty());

  const bool complete = waitForRanges(kIds, expected, 30s);
  sckd->kill(SIGTERM);
  [[maybe_unused]] auto status = sckd->waitExit(5s);

  EXPECT_TRUE(complete) << "lives:\n" << lives << describeMissing(kIds, expected);
  expectPlatformFormat(kIds);
}

// The same, with the broker unreachable during every life: the readings of all those lives
// exist only in the outbox file, which each kill -9 interrupts; they must all arrive once
// the broker is reachable again.
TEST_F(Crash, KillNineWhileTheBrokerIsAwayLosesNothingFromTheOutbox) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->pause();  // connection refused, as for a broker that is down
  config_.port = proxy->port();
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  ASSERT_NO_FATAL_FAILURE(writeConfig());

  // Startup takes milliseconds and a tick commits within milliseconds of its second.
  std::string lives;
  const SecondRanges expected =
      killNineLives(10, std::uniform_int_distribution<int>(2000, 3500), /*margin=*/0.5, lives);
  ASSERT_FALSE(HasFailure()) << lives;
  EXPECT_EQ(sub_->messages().size(), 0u) << "nothing can have reached the broker yet";
  ASSERT_FALSE(expected.empty());

  ASSERT_TRUE(proxy->resume());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const bool complete = waitForRanges(kIds, expected, 30s);
  sckd->kill(SIGTERM);
  [[maybe_unused]] auto status = sckd->waitExit(5s);
  EXPECT_TRUE(complete) << "lives:\n" << lives << describeMissing(kIds, expected);
}

}  // namespace
}  // namespace sckd::testing
