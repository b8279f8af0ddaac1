// Signals and config errors as an operator meets them: SIGTERM/SIGINT stop cleanly and fast,
// SIGHUP reloads a valid config and refuses a broken one, a bad config at start exits 1.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

int lineCount(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class Signals : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker());
    config_.sensors.push_back({.id = 131, .name = "first"});
  }
  // Started and publishing.
  std::unique_ptr<SckdProcess> startPublishing() {
    writeConfig();
    auto sckd = startSckd();
    if (sckd == nullptr) return nullptr;
    EXPECT_TRUE(sub_->waitForCount(1, 8s)) << "nothing published in 8 s:\n" << sckd->log();
    return sckd;
  }
  void expectCleanExitOn(int signal) {
    auto sckd = startPublishing();
    ASSERT_NE(sckd, nullptr);
    const auto start = std::chrono::steady_clock::now();
    sckd->kill(signal);
    const auto status = sckd->waitExit(2s);
    ASSERT_TRUE(status.has_value()) << "still running 2 s after signal " << signal << ":\n"
                                    << sckd->log();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describeStatus(*status) << "\n"
                                                                 << sckd->log();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  }
  // Readings of `id` stamped at or after `since`, in `msgs` (default: all received so far).
  std::size_t readingsSince(int id, std::int64_t since) {
    return readingsSince(sub_->messages(), id, since);
  }
  std::size_t readingsSince(const std::vector<ReceivedMessage>& msgs, int id, std::int64_t since) {
    const auto have = counterSeconds(decodeAll(msgs, config_.token).readings, id);
    return static_cast<std::size_t>(
        std::count_if(have.begin(), have.end(), [&](std::int64_t t) { return t >= since; }));
  }
};

TEST_F(Signals, SigtermExitsZeroWithinTwoSeconds) {
  expectCleanExitOn(SIGTERM);
}

TEST_F(Signals, SigintExitsZeroWithinTwoSeconds) {
  expectCleanExitOn(SIGINT);
}

TEST_F(Signals, SighupWithABrokenConfigKeepsTheRunningOne) {
  auto sckd = startPublishing();
  ASSERT_NE(sckd, nullptr);
  const std::string good = config_.toYaml();
  const int badLine = lineCount(good) + 1;
  ASSERT_TRUE(writeFile(configPath(), good + "bogus_key: 1\n"));
  sckd->kill(SIGHUP);
  const std::int64_t hup = unixNow();
  sleepFor(4s);
  ASSERT_TRUE(sckd->running()) << "a broken config on SIGHUP stopped sckd:\n" << sckd->log();
  EXPECT_TRUE(sub_->waitFor([&](const auto& m) { return readingsSince(m, 131, hup + 1) >= 2; }, 4s))
      << "readings stopped after a SIGHUP with a broken config";
  const std::string where = configPath() + ":" + std::to_string(badLine) + ":";
  EXPECT_NE(sckd->log().find(where), std::string::npos)
      << "the log does not name " << where << ":\n"
      << sckd->log();
  EXPECT_NE(sckd->log().find("bogus_key"), std::string::npos) << sckd->log();
}

TEST_F(Signals, SighupWithAValidConfigTakesEffect) {
  auto sckd = startPublishing();
  ASSERT_NE(sckd, nullptr);
  config_.sensors[0] = {.id = 132, .name = "second"};
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  sckd->kill(SIGHUP);
  const std::int64_t hup = unixNow();
  EXPECT_TRUE(sub_->waitFor([&](const auto& m) { return readingsSince(m, 132, hup) >= 2; }, 8s))
      << "the new sensor's readings did not arrive after SIGHUP:\n"
      << sckd->log();
  sleepFor(2s);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  EXPECT_EQ(readingsSince(131, hup + 2), 0u) << "the removed sensor still publishes";
  expectPlatformFormat();
}

TEST_F(Signals, AConfigErrorAtStartExitsOneNamingFileLineColumn) {
  const std::string good = config_.toYaml();
  const int badLine = lineCount(good) + 1;
  ASSERT_TRUE(writeFile(configPath(), good + "bogus_key: 1\n"));
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const auto status = sckd->waitExit(5s);
  ASSERT_TRUE(status.has_value()) << "sckd kept running with a broken config:\n" << sckd->log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << describeStatus(*status);
  const std::string where = configPath() + ":" + std::to_string(badLine) + ":1";
  EXPECT_NE(sckd->log().find(where), std::string::npos) << "stderr does not name " << where << ":\n"
                                                        << sckd->log();
  EXPECT_EQ(sub_->count(), 0u);
}

}  // namespace
}  // namespace sckd::testing
