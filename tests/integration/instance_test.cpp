// One daemon per outbox: a second `sckd run` on the same outbox (a user's `sudo sckd run`
// beside the service) exits at once with code 2, naming the running pid and the outbox,
// and the first goes on undisturbed; `check` and `status` still work beside it; and a lock
// left by a kill -9 never blocks the next start.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{121};

class Instance : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker());
    config_.sensors = {{.id = kIds[0], .name = "counter"}};
    ASSERT_NO_FATAL_FAILURE(writeConfig());
  }
  // Runs `sckd args...` to its end; its exit code, -1 if it did not exit within 20 s.
  int runToEnd(const std::vector<std::string>& args, std::string* err = nullptr) {
    auto process = spawnSckd(args);
    if (!process) return -1;
    auto status = process->waitExit(20s);
    if (err) *err = process->log();
    if (!status || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }
};

TEST_F(Instance, ASecondRunOnTheSameOutboxExitsTwoAndTheFirstGoesOn) {
  auto first = startSckd();
  ASSERT_NE(first, nullptr);
  const std::int64_t from = unixNow() + 2;
  ASSERT_TRUE(waitForSeconds(kIds, from, from + 1, 15s)) << describeMissing(kIds, from, from + 1);

  std::string err;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(runToEnd({"run", "--config", configPath()}, &err), 2) << err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_NE(err.find("pid " + std::to_string(first->pid())), std::string::npos) << err;
  EXPECT_NE(err.find(config_.outboxPath), std::string::npos) << err;

  // Beside the running daemon, the read-only commands still answer.
  std::string checkErr;
  EXPECT_EQ(runToEnd({"check", "--offline", "--config", configPath()}, &checkErr), 0) << checkErr;
  EXPECT_EQ(runToEnd({"status", "--config", configPath()}), 0);

  // The first was not disturbed: it is still running and every second keeps arriving.
  const std::int64_t later = unixNow() + 1;
  ASSERT_TRUE(waitForSeconds(kIds, from, later + 1, 15s)) << describeMissing(kIds, from, later + 1);
  EXPECT_TRUE(first->running()) << first->log();
  first->kill(SIGTERM);
  ASSERT_TRUE(first->waitExit(5s).has_value());
  expectPlatformFormat(kIds);
}

TEST_F(Instance, ALockLeftByKillNineNeverBlocksARestart) {
  auto first = startSckd();
  ASSERT_NE(first, nullptr);
  sleepFor(1500ms);
  first->kill(SIGKILL);
  ASSERT_TRUE(first->waitExit(5s).has_value());

  auto second = startSckd();
  ASSERT_NE(second, nullptr);
  const std::int64_t from = unixNow() + 2;
  ASSERT_TRUE(waitForSeconds(kIds, from, from + 1, 15s))
      << describeMissing(kIds, from, from + 1) << second->log();
  EXPECT_TRUE(second->running()) << second->log();
  second->kill(SIGTERM);
  ASSERT_TRUE(second->waitExit(5s).has_value());
}

}  // namespace
}  // namespace sckd::testing
