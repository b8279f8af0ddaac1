// The live local copy for Home Assistant, through the real sckd: a second mosquitto plays
// the local broker. Its values match what the platform gets; its retained discovery
// configs keep Home Assistant's documented schema; and with the local broker never there,
// killed mid-run, or accepting connections without ever answering, the platform still gets
// every reading and sckd keeps running.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "sckd_version.h"
#include "tests/integration/rig.h"
#include "tests/support/home_assistant_schema.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{101, 102};

// The test's own socket, closed when the test ends (black-box tests use no sckd code).
struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

class LocalCopy : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker());
    for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  }

  void startLocalBroker() {
    local_ = TestBroker::start({});
    ASSERT_NE(local_, nullptr);
    localSub_ = TestSubscriber::start(local_->port(), "#");
    ASSERT_NE(localSub_, nullptr);
    useLocal(local_->port());
  }

  void useLocal(int port) {
    config_.extraTopLevel = "local:\n  host: 127.0.0.1\n  port: " + std::to_string(port) + "\n";
  }

  // The seconds each sim sensor's counter had in what the local broker got.
  static std::map<int, std::set<std::int64_t>> localSeconds(
      const std::vector<ReceivedMessage>& msgs) {
    std::map<int, std::set<std::int64_t>> out;
    for (const auto& m : msgs) {
      for (int id : kIds) {
        if (m.topic == "sckd/sim" + std::to_string(id) + "/value") {
          out[id].insert(std::stoll(m.payload));
        }
      }
    }
    return out;
  }

  bool waitForLocalValues(std::size_t count, std::chrono::milliseconds timeout) {
    return localSub_->waitFor(
        [&](const std::vector<ReceivedMessage>& msgs) {
          auto seen = localSeconds(msgs);
          for (int id : kIds) {
            if (seen[id].size() < count) return false;
          }
          return true;
        },
        timeout);
  }

  // Every second of [from, to] reached the platform for every sim sensor, and sckd runs.
  void expectPlatformGotEverything(SckdProcess& sckd, std::int64_t from, std::int64_t to) {
    EXPECT_TRUE(waitForSeconds(kIds, from, to, 10s)) << describeMissing(kIds, from, to);
    EXPECT_TRUE(sckd.running()) << sckd.log();
    expectPlatformFormat(kIds);
  }

  std::unique_ptr<TestBroker> local_;
  std::unique_ptr<TestSubscriber> localSub_;
};

TEST_F(LocalCopy, ValuesArriveAsThePlatformGetsThem) {
  ASSERT_NO_FATAL_FAILURE(startLocalBroker());
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForLocalValues(4, 10s)) << allLogs();
  const auto local = localSeconds(localSub_->messages());
  // Each copied value is a reading the platform gets too, with the same value: the counter's
  // value is its own recorded_at second.
  for (int id : kIds) {
    ASSERT_TRUE(sub_->waitFor(
        [&](const std::vector<ReceivedMessage>& msgs) {
          auto platform = valuesOf(id, msgs);
          for (std::int64_t second : local.at(id)) {
            auto it = platform.find(second);
            if (it == platform.end() || it->second != static_cast<double>(second)) return false;
          }
          return true;
        },
        10s))
        << "id " << id << ": a local value the platform did not get";
  }
  for (const auto& m : localSub_->messages()) {
    if (m.topic.rfind("sckd/sim", 0) != 0) continue;
    EXPECT_EQ(m.qos, 0) << m.topic;
    EXPECT_FALSE(m.retain) << m.topic;
    EXPECT_TRUE(std::regex_match(m.payload, std::regex("[0-9]+"))) << m.payload;
  }
  EXPECT_NE(
      sckd->log().find("local broker 127.0.0.1:" + std::to_string(local_->port()) + " connected"),
      std::string::npos)
      << sckd->log();
  expectPlatformFormat(kIds);
}

TEST_F(LocalCopy, RetainedDiscoveryConfigsFollowHomeAssistantsSchema) {
  ASSERT_NO_FATAL_FAILURE(startLocalBroker());
  // The gateway's own health adds quantities with units and classes beside the sims.
  config_.extraSensors =
      "  - name: gateway\n    driver: system\n    interval: 2s\n"
      "    ids: { cpu_temperature: 1004, wifi_rssi: 1005, uptime: 1006, memory_free: 1007 }\n";
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const std::size_t kEntities = kIds.size() + 4;
  auto configs = [](const std::vector<ReceivedMessage>& msgs) {
    std::map<std::string, ReceivedMessage> out;
    for (const auto& m : msgs) {
      if (m.topic.rfind("homeassistant/", 0) == 0) out[m.topic] = m;
    }
    return out;
  };
  ASSERT_TRUE(
      localSub_->waitFor([&](const auto& m) { return configs(m).size() >= kEntities; }, 10s))
      << allLogs();
  // Home Assistant started after sckd still finds everything: the configs are retained.
  auto late = TestSubscriber::start(local_->port(), "#");
  ASSERT_NE(late, nullptr);
  ASSERT_TRUE(late->waitFor([&](const auto& m) { return configs(m).size() >= kEntities; }, 5s));
  const auto found = configs(late->messages());
  EXPECT_EQ(found.size(), kEntities);
  bool online = false;
  for (const auto& m : late->messages()) {
    if (m.topic == "sckd/status" && m.retain) online = m.payload == "online";
  }
  EXPECT_TRUE(online) << "no retained 'online' on sckd/status";

  const std::regex topicForm("homeassistant/sensor/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)/config");
  std::set<std::string> uniqueIds;
  std::map<std::string, std::string> classOf;  // state topic -> device class
  for (const auto& [topic, m] : found) {
    SCOPED_TRACE(topic);
    EXPECT_TRUE(m.retain);
    EXPECT_TRUE(std::regex_match(topic, topicForm));
    nlohmann::json c = nlohmann::json::parse(m.payload);  // throws (fails) on bad JSON
    for (const auto& [key, value] : c.items()) {
      EXPECT_EQ(haSensorKeys().count(key), 1u) << "not a key Home Assistant documents: " << key;
    }
    for (const char* required :
         {"name", "unique_id", "state_topic", "availability_topic", "state_class", "device"}) {
      EXPECT_TRUE(c.contains(required)) << required;
    }
    for (const auto& [key, value] : c["device"].items()) {
      EXPECT_EQ(haDeviceKeys().count(key), 1u)
          << "not a device key Home Assistant documents: " << key;
    }
    EXPECT_TRUE(c["device"]["identifiers"].is_array());
    EXPECT_EQ(c["device"]["sw_version"], SCKD_VERSION);
    EXPECT_EQ(c["availability_topic"], "sckd/status");
    const std::string stateTopic = c["state_topic"];
    EXPECT_TRUE(std::regex_match(stateTopic, std::regex("sckd/(sim101/value|sim102/value|"
                                                        "gateway/(cpu_temperature|wifi_rssi|"
                                                        "uptime|memory_free))")))
        << stateTopic;
    EXPECT_TRUE(c["state_class"] == "measurement" || c["state_class"] == "total_increasing");
    EXPECT_TRUE(uniqueIds.insert(c["unique_id"].get<std::string>()).second) << "duplicate id";
    if (c.contains("device_class")) {
      const std::string cls = c["device_class"];
      classOf[stateTopic] = cls;
      ASSERT_EQ(haClassUnits().count(cls), 1u) << cls;
      ASSERT_TRUE(c.contains("unit_of_measurement"));
      EXPECT_EQ(haClassUnits().at(cls).count(c["unit_of_measurement"].get<std::string>()), 1u)
          << cls << " with " << c["unit_of_measurement"];
    }
  }
  EXPECT_EQ(classOf["sckd/gateway/cpu_temperature"], "temperature");
  EXPECT_EQ(classOf["sckd/gateway/wifi_rssi"], "signal_strength");
  EXPECT_EQ(classOf["sckd/gateway/uptime"], "duration");
  EXPECT_EQ(classOf.count("sckd/sim101/value"), 0u) << "a sim value has no class";
  EXPECT_EQ(classOf.count("sckd/gateway/memory_free"), 0u);
  EXPECT_TRUE(sckd->running()) << sckd->log();
}

TEST_F(LocalCopy, ALocalBrokerNeverThereCostsThePlatformNothing) {
  useLocal(freeTcpPort());
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(6500ms);  // several connection attempts to the absent broker
  const std::int64_t t1 = unixNow();
  expectPlatformGotEverything(*sckd, t0 + 2, t1 - 1);
  const std::string log = sckd->log();
  const auto first = log.find("(LOCAL_BROKER_UNREACHABLE)");
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("(LOCAL_BROKER_UNREACHABLE)", first + 1), std::string::npos)
      << "the retries must not each be logged:\n"
      << log;
}

TEST_F(LocalCopy, ALocalBrokerKilledMidRunCostsThePlatformNothingAndIsRejoined) {
  ASSERT_NO_FATAL_FAILURE(startLocalBroker());
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForLocalValues(2, 10s)) << allLogs();
  localSub_.reset();
  local_->stop();
  sleepFor(4s);
  ASSERT_TRUE(local_->restart());
  localSub_ = TestSubscriber::start(local_->port(), "#");
  ASSERT_NE(localSub_, nullptr);
  // Back after the session's backoff (at most 4 s by now): announced again, values again.
  ASSERT_TRUE(waitForLocalValues(2, 15s)) << allLogs();
  EXPECT_TRUE(localSub_->waitFor(
      [](const auto& msgs) {
        for (const auto& m : msgs) {
          if (m.topic.rfind("homeassistant/sensor/", 0) == 0) return true;
        }
        return false;
      },
      5s));
  const std::int64_t t1 = unixNow();
  expectPlatformGotEverything(*sckd, t0 + 2, t1 - 1);
  EXPECT_NE(sckd->log().find(" lost: "), std::string::npos) << sckd->log();
}

// A local broker that accepts the TCP connection and never answers CONNECT.
TEST_F(LocalCopy, ALocalBrokerThatNeverAnswersCostsThePlatformNothing) {
  Socket listener;
  ASSERT_GE(listener.fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener.fd, 4), 0);  // never accepted: the kernel completes the TCP
  ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len);
  useLocal(ntohs(addr.sin_port));
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(6500ms);
  const std::int64_t t1 = unixNow();
  expectPlatformGotEverything(*sckd, t0 + 2, t1 - 1);
}

}  // namespace
}  // namespace sckd::testing
