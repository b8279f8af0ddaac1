#pragma once
// What every integration test starts from: a scratch dir, a real mosquitto, a subscriber on
// the readings topic, a config for sim sensors, and the sckd processes it started (whose
// logs are checked at the end for the whole token).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/readings.h"
#include "tests/support/sckd_process.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_broker.h"
#include "tests/support/test_subscriber.h"

namespace sckd::testing {

using namespace std::chrono_literals;

class IntegrationTest : public ::testing::Test {
 protected:
  // Starts the broker (with TLS when asked) and the subscriber; fills config_ with three
  // demo-style settings and no sensors.
  void startBroker(bool tls = false);
  void TearDown() override;

  std::string configPath() const { return dir_.file("sckd.yaml"); }
  void writeConfig();  // config_ -> configPath()
  // `sckd run --config configPath()`, stderr into a fresh log file.
  std::unique_ptr<SckdProcess> startSckd();
  std::unique_ptr<SckdProcess> spawnSckd(const std::vector<std::string>& args);
  // `sckd run` with the clock shim preloaded (SCKD_CLOCK_SHIM): the kernel's clock counts as
  // synchronised only after setSynced(true), and the boot id is setBootId()'s ("boot-one"
  // until then).
  std::unique_ptr<SckdProcess> startSckdWithClockShim();
  void setSynced(bool synced);
  void setBootId(const std::string& id);

  DecodedStream received() const { return decodeAll(sub_->messages(), config_.token); }
  // The values received for platform id `id`, by recorded_at: all so far, or those in
  // `msgs` (inside a sub_->waitFor predicate, which holds the subscriber's lock).
  std::map<std::int64_t, double> valuesOf(int id) const;
  std::map<std::int64_t, double> valuesOf(int id, const std::vector<ReceivedMessage>& msgs) const;
  // Waits until each of `ids` has at least `count` readings.
  bool waitForReadings(const std::vector<int>& ids, std::size_t count,
                       std::chrono::milliseconds timeout);
  // Waits until every second of [from, to] has its counter reading for every id.
  bool waitForSeconds(const std::vector<int>& ids, std::int64_t from, std::int64_t to,
                      std::chrono::milliseconds timeout);
  // The same for several spans of whole seconds, each inclusive.
  using SecondRanges = std::vector<std::pair<std::int64_t, std::int64_t>>;
  bool waitForRanges(const std::vector<int>& ids, const SecondRanges& ranges,
                     std::chrono::milliseconds timeout);
  // Failure text: which seconds are missing per id, and the sckd logs.
  std::string describeMissing(const std::vector<int>& ids, std::int64_t from, std::int64_t to);
  std::string describeMissing(const std::vector<int>& ids, const SecondRanges& ranges);
  std::string allLogs() const;
  // Every message received so far keeps the platform's rules (readings.h), and every reading
  // of each of `counterIds` (sim sensors with waveform counter) carries its own second.
  void expectPlatformFormat(const std::vector<int>& counterIds = {}) const;

  TempDir dir_{"sckd-it"};
  std::unique_ptr<TestBroker> broker_;
  std::unique_ptr<TestSubscriber> sub_;
  SckdConfig config_;
  std::vector<std::string> logPaths_;
};

// Sleeps, for the black-box tests whose subject is real time.
void sleepFor(std::chrono::milliseconds d);

}  // namespace sckd::testing
