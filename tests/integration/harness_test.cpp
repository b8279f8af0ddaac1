// The harness itself, against a real mosquitto and the mosquitto_pub CLI, without sckd:
// when these fail, the other integration tests' failures say nothing about the daemon.

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

int pub(int port, const std::string& topic, const std::string& msg, const std::string& extra = "") {
  const std::string cmd = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(port) + " -q 1 -t '" +
                          topic + "' -m '" + msg + "' " + extra + " >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

ReceivedMessage readingsMessage(const std::string& payload) {
  return {readingsTopic(), payload, 1, false, {}};
}

TEST(Harness, BrokerRestartsOnSamePortAndSubscriberSeesMessages) {
  TempDir dir;
  auto broker = TestBroker::start({.tls = false, .dir = dir.path()});
  ASSERT_NE(broker, nullptr);
  const int port = broker->port();
  broker->stop();
  EXPECT_FALSE(waitForPort(port, 100));
  ASSERT_TRUE(broker->restart());
  EXPECT_EQ(broker->port(), port);
  auto sub = TestSubscriber::start(port, "a/#");
  ASSERT_NE(sub, nullptr);
  ASSERT_EQ(pub(port, "a/b", "hello"), 0);
  ASSERT_TRUE(sub->waitForCount(1, 5s));
  const auto msgs = sub->messages();
  EXPECT_EQ(msgs[0].topic, "a/b");
  EXPECT_EQ(msgs[0].payload, "hello");
  EXPECT_EQ(msgs[0].qos, 1);
  EXPECT_FALSE(msgs[0].retain);
}

TEST(Harness, TlsListenerTrustsItsCaOnly) {
  TempDir dir;
  auto broker = TestBroker::start({.tls = true, .dir = dir.path()});
  ASSERT_NE(broker, nullptr);
  auto sub = TestSubscriber::start(broker->tlsPort(), "t", broker->tls().caCert);
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(pub(broker->tlsPort(), "t", "good", "--cafile " + broker->tls().caCert), 0);
  EXPECT_NE(pub(broker->tlsPort(), "t", "bad", "--cafile " + broker->tls().otherCaCert), 0);
  ASSERT_TRUE(sub->waitForCount(1, 5s));
  sleepFor(300ms);
  ASSERT_EQ(sub->count(), 1u);
  EXPECT_EQ(sub->messages()[0].payload, "good");
}

TEST(Harness, ProxyCutsAfterThePublishAndLetsLaterConnectionsThrough) {
  TempDir dir;
  auto broker = TestBroker::start({.tls = false, .dir = dir.path()});
  ASSERT_NE(broker, nullptr);
  auto sub = TestSubscriber::start(broker->port(), "p");
  ASSERT_NE(sub, nullptr);
  auto proxy = TcpProxy::start(broker->port());
  ASSERT_NE(proxy, nullptr);
  proxy->cutAfterPublish(1);
  // The publisher never sees its PUBACK, yet the broker got the message.
  EXPECT_NE(pub(proxy->port(), "p", "first"), 0);
  ASSERT_TRUE(sub->waitForCount(1, 5s));
  EXPECT_EQ(proxy->cutsDone(), 1);
  EXPECT_EQ(proxy->pubacksSeen(), 0);
  ASSERT_EQ(proxy->cutPayloads().size(), 1u);
  EXPECT_EQ(proxy->cutPayloads()[0], "first");
  EXPECT_EQ(pub(proxy->port(), "p", "second"), 0);
  ASSERT_TRUE(sub->waitForCount(2, 5s));
  EXPECT_EQ(proxy->publishesSeen(), 2);
  EXPECT_EQ(proxy->pubacksSeen(), 1);

  proxy->pause();
  EXPECT_NE(pub(proxy->port(), "p", "refused"), 0);
  ASSERT_TRUE(proxy->resume());
  EXPECT_EQ(pub(proxy->port(), "p", "third"), 0);
  ASSERT_TRUE(sub->waitForCount(3, 5s));
  EXPECT_EQ(sub->messages()[2].payload, "third");
}

TEST(Harness, DecoderAcceptsAValidMessage) {
  const auto m = decodeReadingsMessage(
      readingsMessage(R"({"data":[{"recorded_at":"2024-01-01T00:00:00Z","sensors":[)"
                      R"({"id":1,"value":1704067200},{"id":2,"value":-0.5}]},)"
                      R"({"recorded_at":"2024-01-01T00:00:01Z","sensors":[{"id":1,"value":3}]}]})"),
      kTestToken);
  EXPECT_TRUE(m.errors.empty()) << ::testing::PrintToString(m.errors);
  EXPECT_EQ(m.entries, 2u);
  ASSERT_EQ(m.readings.size(), 3u);
  EXPECT_EQ(m.readings[0], (WireReading{1704067200, 1, 1704067200.0}));
  EXPECT_EQ(counterSeconds(m.readings, 1), (std::set<std::int64_t>{1704067200}));
}

TEST(Harness, DecoderFlagsEveryBrokenRule) {
  const std::string entry =
      R"({"recorded_at":"2024-01-01T00:00:00Z","sensors":[{"id":1,"value":1}]})";
  auto bad = [&](ReceivedMessage m) {
    return !decodeReadingsMessage(m, kTestToken).errors.empty();
  };
  EXPECT_TRUE(bad(readingsMessage(R"({"data":[)" + entry + "," + entry + "]}")));  // twice
  EXPECT_TRUE(bad(readingsMessage(
      R"({"data":[{"recorded_at":"2024-01-01T00:00:00Z","sensors":[{"id":1,"value":1e9}]}]})")));
  EXPECT_TRUE(bad(readingsMessage(
      R"({"data":[{"recorded_at":"2024-01-01 00:00:00","sensors":[{"id":1,"value":1}]}]})")));
  EXPECT_TRUE(bad(readingsMessage(
      R"({"data":[{"recorded_at":"2024-01-01T00:00:00Z","sensors":[{"id":1.5,"value":1}]}]})")));
  EXPECT_TRUE(bad(readingsMessage(
      R"({"data":[{"recorded_at":"2024-01-01T00:00:00Z","sensors":[{"id":1,"value":null}]}]})")));
  EXPECT_TRUE(bad(readingsMessage(
      R"({"data":[{"recorded_at":"2024-01-01T00:00:00Z","sensors":[{"id":1,"value":NaN}]}]})")));
  auto retained = readingsMessage(R"({"data":[)" + entry + "]}");
  EXPECT_FALSE(bad(retained));
  retained.retain = true;
  EXPECT_TRUE(bad(retained));
  auto qos0 = readingsMessage(R"({"data":[)" + entry + "]}");
  qos0.qos = 0;
  EXPECT_TRUE(bad(qos0));
  auto wrongTopic = readingsMessage(R"({"data":[)" + entry + "]}");
  wrongTopic.topic = "device/sck/other/readings";
  EXPECT_TRUE(bad(wrongTopic));
  EXPECT_EQ(missingSeconds({1, 2, 5}, 0, 7), "0, 3-4, 6-7");
}

}  // namespace
}  // namespace sckd::testing
