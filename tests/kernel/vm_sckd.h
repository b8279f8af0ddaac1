#pragma once
// The real sckd publishing to a real mosquitto inside a qemu VM, for the checks that run
// there (tests/kernel/*_check.cpp): start both, then read what the broker received.

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/readings.h"
#include "tests/support/sckd_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_broker.h"
#include "tests/support/test_subscriber.h"

namespace sckd::testing {

using namespace std::chrono_literals;

class Sckd {
 public:
  bool start(const std::string& sensors) {
    broker_ = TestBroker::start(TestBroker::Options{});
    if (!broker_) return false;
    sub_ = TestSubscriber::start(broker_->port(), readingsTopic());
    if (!sub_) return false;
    SckdConfig config;
    config.port = broker_->port();
    config.outboxPath = dir_.file("outbox.db");
    config.extraSensors = sensors;
    std::ofstream(dir_.file("sckd.yaml")) << config.toYaml();
    sckd_ = SckdProcess::spawn({"run", "--config", dir_.file("sckd.yaml")}, dir_.file("sckd.log"));
    return sckd_ != nullptr;
  }
  // Readings of `id` so far, by recorded_at.
  std::map<std::int64_t, double> readings(int id) const {
    std::map<std::int64_t, double> out;
    for (const WireReading& r : decodeAll(sub_->messages(), kTestToken).readings) {
      if (r.id == id) out[r.recordedAt] = r.value;
    }
    return out;
  }
  std::vector<double> values(int id) const {
    std::vector<double> out;
    for (const WireReading& r : decodeAll(sub_->messages(), kTestToken).readings) {
      if (r.id == id) out.push_back(r.value);
    }
    return out;
  }
  double sum(int id) const {
    double total = 0;
    for (const auto& [at, value] : readings(id)) total += value;
    return total;
  }
  // Waits until a reading of `id` stamped at or after `second` has arrived.
  bool waitPast(int id, std::int64_t second, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      auto r = readings(id);
      if (!r.empty() && r.rbegin()->first >= second) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  // sckd's user plus system CPU time so far.
  std::chrono::milliseconds cpu() const {
    std::ifstream in("/proc/" + std::to_string(sckd_->pid()) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stol(field);
    }
    return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
  }
  std::string log() const { return sckd_ ? sckd_->log() : ""; }
  bool running() { return sckd_ && sckd_->running(); }

 private:
  TempDir dir_;
  std::unique_ptr<TestBroker> broker_;
  std::unique_ptr<TestSubscriber> sub_;
  std::unique_ptr<SckdProcess> sckd_;
};

}  // namespace sckd::testing
