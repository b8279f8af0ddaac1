#include "tests/integration/rig.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace sckd::testing {

void sleepFor(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
}

void IntegrationTest::startBroker(bool tls) {
  broker_ = TestBroker::start({.tls = tls, .dir = dir_.path()});
  ASSERT_NE(broker_, nullptr);
  sub_ = TestSubscriber::start(broker_->port(), "device/sck/+/readings");
  ASSERT_NE(sub_, nullptr);
  config_.port = broker_->port();
  config_.outboxPath = dir_.file("outbox.db");
}

void IntegrationTest::TearDown() {
  // The contract: logs show at most the token's first two characters.
  for (const auto& path : logPaths_) {
    const std::string log = readFile(path);
    EXPECT_EQ(log.find(config_.token), std::string::npos)
        << "the whole token '" << config_.token << "' appears in " << path << ":\n"
        << log;
  }
  if (HasFailure()) {
    std::fprintf(stderr, "---- sckd logs ----\n%s\n", allLogs().c_str());
    if (broker_)
      std::fprintf(stderr, "---- mosquitto log (tail) ----\n%s\n",
                   broker_->log()
                       .substr(broker_->log().size() > 4000 ? broker_->log().size() - 4000 : 0)
                       .c_str());
  }
}

void IntegrationTest::writeConfig() {
  ASSERT_TRUE(writeFile(configPath(), config_.toYaml()));
}

std::unique_ptr<SckdProcess> IntegrationTest::spawnSckd(const std::vector<std::string>& args) {
  const std::string log = dir_.file("sckd-" + std::to_string(logPaths_.size()) + ".log");
  logPaths_.push_back(log);
  return SckdProcess::spawn(args, log);
}

std::unique_ptr<SckdProcess> IntegrationTest::startSckdWithClockShim() {
  const char* shim = std::getenv("SCKD_CLOCK_SHIM");
  if (shim == nullptr || *shim == '\0') {
    ADD_FAILURE() << "SCKD_CLOCK_SHIM is not set (meson test sets it)";
    return nullptr;
  }
  if (!std::filesystem::exists(dir_.file("boot_id"))) setBootId("boot-one");
  const std::string log = dir_.file("sckd-" + std::to_string(logPaths_.size()) + ".log");
  logPaths_.push_back(log);
  return SckdProcess::spawn(
      {"run", "--config", configPath()}, log,
      {std::string("LD_PRELOAD=") + shim, "SCKD_TEST_SYNCED_WHEN=" + dir_.file("synced"),
       "SCKD_TEST_BOOT_ID_FILE=" + dir_.file("boot_id")});
}

void IntegrationTest::setSynced(bool synced) {
  if (synced) {
    std::ofstream(dir_.file("synced")) << "1\n";
  } else {
    std::filesystem::remove(dir_.file("synced"));
  }
}

void IntegrationTest::setBootId(const std::string& id) {
  std::ofstream(dir_.file("boot_id")) << id << "\n";
}

std::unique_ptr<SckdProcess> IntegrationTest::startSckd() {
  return spawnSckd({"run", "--config", configPath()});
}

std::map<std::int64_t, double> IntegrationTest::valuesOf(int id) const {
  return valuesOf(id, sub_->messages());
}

std::map<std::int64_t, double> IntegrationTest::valuesOf(
    int id, const std::vector<ReceivedMessage>& msgs) const {
  std::map<std::int64_t, double> out;
  for (const WireReading& r : decodeAll(msgs, config_.token).readings) {
    if (r.id == id) out[r.recordedAt] = r.value;
  }
  return out;
}

bool IntegrationTest::waitForReadings(const std::vector<int>& ids, std::size_t count,
                                      std::chrono::milliseconds timeout) {
  return sub_->waitFor(
      [&](const std::vector<ReceivedMessage>& msgs) {
        std::map<int, std::size_t> n;
        for (const WireReading& r : decodeAll(msgs, config_.token).readings) ++n[int(r.id)];
        for (int id : ids) {
          if (n[id] < count) return false;
        }
        return true;
      },
      timeout);
}

bool IntegrationTest::waitForSeconds(const std::vector<int>& ids, std::int64_t from,
                                     std::int64_t to, std::chrono::milliseconds timeout) {
  return waitForRanges(ids, {{from, to}}, timeout);
}

bool IntegrationTest::waitForRanges(const std::vector<int>& ids, const SecondRanges& ranges,
                                    std::chrono::milliseconds timeout) {
  const std::string token = config_.token;
  return sub_->waitFor(
      [&](const std::vector<ReceivedMessage>& msgs) {
        const auto stream = decodeAll(msgs, token);
        for (int id : ids) {
          const auto have = counterSeconds(stream.readings, id);
          for (const auto& [from, to] : ranges) {
            if (countMissing(have, from, to) > 0) return false;
          }
        }
        return true;
      },
      timeout);
}

std::string IntegrationTest::describeMissing(const std::vector<int>& ids,
                                             const SecondRanges& ranges) {
  std::string out;
  for (const auto& [from, to] : ranges) out += describeMissing(ids, from, to);
  return out;
}

std::string IntegrationTest::describeMissing(const std::vector<int>& ids, std::int64_t from,
                                             std::int64_t to) {
  const auto stream = received();
  std::string out = "expected every second " + std::to_string(from) + ".." + std::to_string(to) +
                    "; " + std::to_string(sub_->count()) + " messages received\n";
  for (int id : ids) {
    const auto have = counterSeconds(stream.readings, id);
    out += "  id " + std::to_string(id) + ": missing [" + missingSeconds(have, from, to) +
           "], have " + std::to_string(have.size()) + " seconds\n";
    for (const auto& m : counterMismatches(stream.readings, id)) out += "  " + m + "\n";
  }
  return out;
}

void IntegrationTest::expectPlatformFormat(const std::vector<int>& counterIds) const {
  const auto stream = received();
  EXPECT_TRUE(stream.errors.empty()) << ::testing::PrintToString(stream.errors);
  for (int id : counterIds) {
    const auto mismatches = counterMismatches(stream.readings, id);
    EXPECT_TRUE(mismatches.empty()) << ::testing::PrintToString(mismatches);
  }
}

std::string IntegrationTest::allLogs() const {
  std::string out;
  for (const auto& path : logPaths_) out += "== " + path + "\n" + readFile(path);
  return out;
}

}  // namespace sckd::testing
