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

class Crash : public IntegrationTest {};

TEST_F(Crash, KillNineNeverLosesAReading) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  ASSERT_NO_FATAL_FAILURE(writeConfig());

  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> lifeMs(1500, 4000);
  constexpr double kMargin = 1.5;
  std::vector<std::pair<std::int64_t, std::int64_t>> expected;  // whole seconds, inclusive
  std::string lives;
  for (int cycle = 0; cycle < 12; ++cycle) {
    const double born = wallNow();
    auto sckd = startSckd();
    ASSERT_NE(sckd, nullptr);
    const int ms = lifeMs(rng);
    sleepFor(std::chrono::milliseconds(ms));
    ASSERT_TRUE(sckd->running()) << "sckd died by itself in cycle " << cycle << ":\n"
                                 << sckd->log();
    sckd->kill(SIGKILL);
    const double died = wallNow();
    ASSERT_TRUE(sckd->waitExit(5s).has_value());
    const auto from = static_cast<std::int64_t>(std::ceil(born + kMargin));
    const auto to = static_cast<std::int64_t>(std::floor(died - kMargin));
    lives += std::to_string(cycle) + ": " + std::to_string(ms) + " ms, seconds " +
             std::to_string(from) + ".." + std::to_string(to) + "\n";
    if (from <= to) expected.emplace_back(from, to);
  }
  // One last life, long enough for the queue to drain.
  const double born = wallNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(3s);
  const auto lastFrom = static_cast<std::int64_t>(std::ceil(born + kMargin));
  expected.emplace_back(lastFrom, unixNow() - 1);
  ASSERT_FALSE(expected.empty());

  const std::string token = config_.token;
  const bool complete = sub_->waitFor(
      [&](const std::vector<ReceivedMessage>& msgs) {
        const auto stream = decodeAll(msgs, token);
        for (int id : kIds) {
          const auto have = counterSeconds(stream.readings, id);
          for (const auto& [from, to] : expected) {
            if (countMissing(have, from, to) > 0) return false;
          }
        }
        return true;
      },
      30s);
  sckd->kill(SIGTERM);
  [[maybe_unused]] auto status = sckd->waitExit(5s);

  std::string missing;
  for (const auto& [from, to] : expected) missing += describeMissing(kIds, from, to);
  EXPECT_TRUE(complete) << "lives:\n" << lives << missing;
  const auto stream = received();
  EXPECT_TRUE(stream.errors.empty()) << ::testing::PrintToString(stream.errors);
  for (int id : kIds) {
    EXPECT_TRUE(counterMismatches(stream.readings, id).empty())
        << ::testing::PrintToString(counterMismatches(stream.readings, id));
  }
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

  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> lifeMs(2000, 3500);
  // Startup takes milliseconds and a tick commits within milliseconds of its second.
  constexpr double kMargin = 0.5;
  std::vector<std::pair<std::int64_t, std::int64_t>> expected;
  for (int cycle = 0; cycle < 10; ++cycle) {
    const double born = wallNow();
    auto sckd = startSckd();
    ASSERT_NE(sckd, nullptr);
    sleepFor(std::chrono::milliseconds(lifeMs(rng)));
    ASSERT_TRUE(sckd->running()) << sckd->log();
    sckd->kill(SIGKILL);
    const double died = wallNow();
    ASSERT_TRUE(sckd->waitExit(5s).has_value());
    const auto from = static_cast<std::int64_t>(std::ceil(born + kMargin));
    const auto to = static_cast<std::int64_t>(std::floor(died - kMargin));
    if (from <= to) expected.emplace_back(from, to);
  }
  EXPECT_EQ(sub_->messages().size(), 0u) << "nothing can have reached the broker yet";
  ASSERT_FALSE(expected.empty());

  ASSERT_TRUE(proxy->resume());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const std::string token = config_.token;
  const bool complete = sub_->waitFor(
      [&](const std::vector<ReceivedMessage>& msgs) {
        const auto stream = decodeAll(msgs, token);
        for (int id : kIds) {
          const auto have = counterSeconds(stream.readings, id);
          for (const auto& [from, to] : expected) {
            if (countMissing(have, from, to) > 0) return false;
          }
        }
        return true;
      },
      30s);
  sckd->kill(SIGTERM);
  [[maybe_unused]] auto status = sckd->waitExit(5s);
  std::string missing;
  for (const auto& [from, to] : expected) missing += describeMissing(kIds, from, to);
  EXPECT_TRUE(complete) << missing;
}

}  // namespace
}  // namespace sckd::testing
