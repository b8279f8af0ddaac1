// `sckd tail` shows what the daemon publishes, one line per sensor value; with --share two
// tails split the stream between them through the broker's shared subscription.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

// The counter values (10-digit Unix seconds, not part of a longer number) in tail's output.
std::multiset<std::int64_t> counterValuesIn(const std::string& text) {
  std::multiset<std::int64_t> out;
  static const std::regex number(R"((^|[^0-9.])(1[0-9]{9})(\.0+)?(?![0-9]))");
  for (std::sregex_iterator it(text.begin(), text.end(), number), end; it != end; ++it) {
    out.insert(std::stoll((*it)[2].str()));
  }
  return out;
}

class Tail : public IntegrationTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(startBroker()); }
  void stop(SckdProcess& p, int signal) {
    p.kill(signal);
    const auto status = p.waitExit(3s);
    ASSERT_TRUE(status.has_value()) << "still running after signal " << signal;
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "tail: " << describeStatus(*status) << "\n"
        << p.log();
  }
};

TEST_F(Tail, PrintsEachPublishedValueWithItsSensor) {
  config_.sensors.push_back({.id = 141, .name = "alpha"});
  config_.sensors.push_back({.id = 142, .name = "beta"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto tail = spawnSckd({"tail", "--config", configPath()});
  ASSERT_NE(tail, nullptr);
  sleepFor(1500ms);  // let it subscribe before anything is published
  ASSERT_TRUE(tail->running()) << tail->log();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(sub_->waitForCount(4, 10s)) << sckd->log();
  sleepFor(1s);
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(3s).has_value());
  sleepFor(500ms);
  ASSERT_NO_FATAL_FAILURE(stop(*tail, SIGINT));

  const std::string out = tail->output();
  const auto stream = received();
  ASSERT_FALSE(stream.readings.empty());
  for (const auto& r : stream.readings) {
    const std::string value = std::to_string(static_cast<std::int64_t>(r.value));
    const std::string name = r.id == 141 ? "alpha" : "beta";
    bool found = false;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(value) != std::string::npos &&
          (line.find(name) != std::string::npos ||
           line.find(std::to_string(r.id)) != std::string::npos)) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << "no line of tail shows sensor " << name << " (" << r.id << ") = " << value
                       << "; tail printed:\n"
                       << out;
  }
}

TEST_F(Tail, SharedTailsSplitTheStream) {
  config_.sensors.push_back({.id = 151, .name = "only"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto tailA = spawnSckd({"tail", "--config", configPath(), "--share", "grp"});
  auto tailB = spawnSckd({"tail", "--config", configPath(), "--share", "grp"});
  ASSERT_NE(tailA, nullptr);
  ASSERT_NE(tailB, nullptr);
  sleepFor(1500ms);
  ASSERT_TRUE(tailA->running()) << tailA->log();
  ASSERT_TRUE(tailB->running()) << tailB->log();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  // One message per second with one reading each: plenty of messages to share out.
  ASSERT_TRUE(sub_->waitForCount(6, 12s)) << sckd->log();
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(3s).has_value());
  sleepFor(1s);
  ASSERT_NO_FATAL_FAILURE(stop(*tailA, SIGINT));
  ASSERT_NO_FATAL_FAILURE(stop(*tailB, SIGINT));

  const auto a = counterValuesIn(tailA->output());
  const auto b = counterValuesIn(tailB->output());
  std::set<std::int64_t> published;
  for (const auto& r : received().readings) published.insert(static_cast<std::int64_t>(r.value));
  const std::string both = "A:\n" + tailA->output() + "B:\n" + tailB->output();
  EXPECT_FALSE(a.empty()) << both;
  EXPECT_FALSE(b.empty()) << both;
  for (std::int64_t v : published) {
    // Exactly one of the two shows it: together all, none in both.
    EXPECT_EQ((a.count(v) > 0 ? 1 : 0) + (b.count(v) > 0 ? 1 : 0), 1)
        << "value " << v << " shown " << a.count(v) << "x by A, " << b.count(v) << "x by B\n"
        << both;
  }
}

// --all shows every device's readings; another device's token is its only credential, so
// it is masked to its first two characters like sckd's own, in text and in JSON.
TEST_F(Tail, AllMasksEveryDevicesToken) {
  config_.sensors.push_back({.id = 143, .name = "gamma"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto text = spawnSckd({"tail", "--all", "--config", configPath()});
  auto json = spawnSckd({"tail", "--all", "--json", "--config", configPath()});
  ASSERT_NE(text, nullptr);
  ASSERT_NE(json, nullptr);
  sleepFor(1500ms);
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(sub_->waitForCount(3, 10s)) << sckd->log();
  sleepFor(1s);
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(3s).has_value());
  sleepFor(500ms);
  ASSERT_NO_FATAL_FAILURE(stop(*text, SIGINT));
  ASSERT_NO_FATAL_FAILURE(stop(*json, SIGINT));

  const std::string masked = config_.token.substr(0, 2) + "****";
  EXPECT_NE(text->output().find(masked), std::string::npos) << text->output();
  EXPECT_EQ(text->output().find(config_.token), std::string::npos) << text->output();
  EXPECT_EQ(json->output().find(config_.token), std::string::npos) << json->output();
  std::istringstream lines(json->output());
  std::string line;
  int seen = 0;
  while (std::getline(lines, line)) {
    if (line.find("\"device\"") == std::string::npos) continue;
    EXPECT_NE(line.find("\"device\":\"" + masked + "\""), std::string::npos) << line;
    ++seen;
  }
  EXPECT_GT(seen, 0) << json->output();
}

}  // namespace
}  // namespace sckd::testing
