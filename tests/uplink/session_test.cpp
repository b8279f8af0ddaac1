// The one MQTT session, on a real event loop against a real mosquitto on loopback: connect,
// publish with PUBACK, subscribe, reconnect after the broker comes back (the new socket is
// watched again), one attempt only for `check`, a wrong CA reported as a TLS error, and
// silence after stop().
#include "daemon/uplink/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "daemon/base/event_loop.h"
#include "tests/base/run_loop_until.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_broker.h"
#include "tests/support/test_subscriber.h"

namespace sckd::testing {
namespace {

using namespace std::chrono_literals;

// A session plus what its handlers saw, on a loop of its own.
struct Harness {
  SystemClock clock;
  std::unique_ptr<EventLoop> loop = std::move(EventLoop::create({}).value());
  int connects = 0;
  std::vector<Error> downs;
  std::vector<int> acked;
  std::vector<std::string> received;
  std::unique_ptr<Session> session;

  Harness(MqttSettings settings, Session::Options options = {}) {
    session = std::make_unique<Session>(
        *loop, clock, std::move(settings),
        Session::Handlers{
            .connected = [this] { ++connects; },
            .disconnected = [this](const Error& why) { downs.push_back(why); },
            .published = [this](int mid) { acked.push_back(mid); },
            .message = [this](const std::string&,
                              std::string_view payload) { received.emplace_back(payload); }},
        options);
  }

  // Runs the loop until `done` holds or `limit` passes; true if it holds.
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    return runLoopUntil(*loop, clock, done, limit);
  }
};

MqttSettings plain(int port) {
  PlatformConfig platform;
  platform.host = "127.0.0.1";
  platform.port = port;
  platform.tls = false;
  platform.clientId = "session-test";
  platform.keepalive = Seconds(10);
  return mqttSettings(platform);
}

TEST(Session, SettingsAndTopicComeFromTheConfigInOnePlace) {
  PlatformConfig platform;
  platform.host = "mqtt.example.org";
  platform.port = 8883;
  platform.tls = true;
  platform.caFile = "/etc/ssl/certs/ca-certificates.crt";
  platform.clientId = "sckd-abc123-deadbeef";
  platform.keepalive = Seconds(45);
  MqttSettings s = mqttSettings(platform, "-check");
  EXPECT_EQ(s.host, "mqtt.example.org");
  EXPECT_EQ(s.port, 8883);
  EXPECT_TRUE(s.tls);
  EXPECT_EQ(s.caFile, platform.caFile);
  EXPECT_EQ(s.clientId, "sckd-abc123-deadbeef-check");
  EXPECT_EQ(s.keepaliveSeconds, 45);
  EXPECT_EQ(readingsTopic("abc123"), "device/sck/abc123/readings");
}

TEST(Session, ConnectsPublishesAndSubscribes) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  Harness h(plain(broker->port()));
  ASSERT_TRUE(h.session->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return h.connects == 1; }, 5s));
  EXPECT_EQ(h.session->state(), Session::State::Connected);
  EXPECT_EQ(h.session->describe(), "broker connected");
  ASSERT_TRUE(h.session->subscribe("session/test").ok());
  // Give the SUBACK a moment, then publish to ourselves: the PUBACK and the message arrive.
  h.runUntil([] { return false; }, 200ms);
  Result<int> mid = h.session->publish("session/test", "hello");
  ASSERT_TRUE(mid.ok()) << mid.error().message;
  ASSERT_TRUE(h.runUntil([&] { return !h.acked.empty() && !h.received.empty(); }, 5s));
  EXPECT_EQ(h.acked.front(), *mid);
  EXPECT_EQ(h.received.front(), "hello");
  EXPECT_TRUE(h.downs.empty());
}

TEST(Session, ReconnectsWhenTheBrokerComesBack) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  Harness h(plain(broker->port()));
  ASSERT_TRUE(h.session->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return h.connects == 1; }, 5s));
  broker->stop();
  ASSERT_TRUE(h.runUntil([&] { return !h.downs.empty(); }, 5s));
  EXPECT_EQ(h.downs.front().code, ErrorCode::Network);
  EXPECT_NE(h.session->state(), Session::State::Connected);
  EXPECT_FALSE(h.session->publish("t", "x").ok());
  ASSERT_TRUE(broker->restart());
  // Backoff starts at 1 s; the second connect proves the new socket is watched again.
  ASSERT_TRUE(h.runUntil([&] { return h.connects == 2; }, 10s)) << broker->log();
  Result<int> mid = h.session->publish("t", "after");
  ASSERT_TRUE(mid.ok());
  ASSERT_TRUE(h.runUntil([&] { return !h.acked.empty(); }, 5s));
}

TEST(Session, WithoutReconnectItTriesOnceAndStays) {
  Harness h(plain(freeTcpPort()), Session::Options{.reconnect = false, .log = false});
  ASSERT_TRUE(h.session->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return !h.downs.empty(); }, 3s));
  // A reconnecting session would have tried again within 1-2 s.
  h.runUntil([] { return false; }, 2500ms);
  EXPECT_EQ(h.downs.size(), 1u);
  EXPECT_EQ(h.downs.front().code, ErrorCode::Network);
  EXPECT_EQ(h.connects, 0);
}

TEST(Session, AWrongCaIsATlsError) {
  auto broker = TestBroker::start({.tls = true, .dir = ""});
  ASSERT_TRUE(broker);
  MqttSettings settings = plain(broker->tlsPort());
  settings.host = "localhost";
  settings.tls = true;
  settings.caFile = broker->tls().otherCaCert;
  Harness h(settings, Session::Options{.reconnect = false, .log = false});
  ASSERT_TRUE(h.session->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return !h.downs.empty(); }, 5s));
  EXPECT_EQ(h.downs.front().code, ErrorCode::Tls) << h.downs.front().message;
  EXPECT_EQ(h.connects, 0);
}

TEST(Session, StopIsSilentAndFinal) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  Harness h(plain(broker->port()));
  ASSERT_TRUE(h.session->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return h.connects == 1; }, 5s));
  h.session->stop();
  EXPECT_EQ(h.session->state(), Session::State::Stopped);
  broker->stop();
  h.runUntil([] { return false; }, 1500ms);
  EXPECT_TRUE(h.downs.empty());
  EXPECT_EQ(h.connects, 1);
}

// The local copy's needs: QoS 0 (nothing to acknowledge), retained messages that a later
// subscriber still gets, and a will the broker publishes when the link dies uncleanly.
TEST(Session, PublishesAtQos0RetainedAndLeavesAWill) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  auto proxy = TcpProxy::start(broker->port());
  ASSERT_TRUE(proxy);
  MqttSettings settings = plain(proxy->port());
  settings.will = MqttSettings::Will{.topic = "session/status", .payload = "offline"};
  Harness h(settings);
  ASSERT_TRUE(h.session->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return h.connects == 1; }, 5s));
  ASSERT_TRUE(h.session->publish("session/kept", "21.5", {.qos = 0, .retain = true}).ok());
  ASSERT_TRUE(h.session->publish("session/live", "1", {.qos = 0, .retain = false}).ok());
  // The broker handles one client's packets in order: once this QoS 1 message is
  // acknowledged, the two before it have been routed.
  Result<int> marker = h.session->publish("marker", "x");
  ASSERT_TRUE(marker.ok());
  ASSERT_TRUE(
      h.runUntil([&] { return std::count(h.acked.begin(), h.acked.end(), *marker) == 1; }, 5s));
  EXPECT_FALSE(h.session->writePending());

  // Subscribed only now: the retained message is there, the other one is not.
  auto late = TestSubscriber::start(broker->port(), "session/#");
  ASSERT_TRUE(late);
  ASSERT_TRUE(late->waitForCount(1, 5s));
  h.runUntil([] { return false; }, 200ms);
  auto got = late->messages();
  ASSERT_EQ(got.size(), 1u) << got.back().topic;
  EXPECT_EQ(got[0].topic, "session/kept");
  EXPECT_EQ(got[0].payload, "21.5");
  EXPECT_TRUE(got[0].retain);
  EXPECT_EQ(got[0].qos, 0);

  // The link is cut without a DISCONNECT: the broker publishes the will.
  proxy->cutAfterPublish(1);
  ASSERT_TRUE(h.session->publish("session/live", "2", {.qos = 0, .retain = false}).ok());
  ASSERT_TRUE(late->waitFor(
      [](const std::vector<ReceivedMessage>& msgs) {
        for (const auto& m : msgs) {
          if (m.topic == "session/status" && m.payload == "offline") return true;
        }
        return false;
      },
      5s))
      << broker->log();
}

}  // namespace
}  // namespace sckd::testing
