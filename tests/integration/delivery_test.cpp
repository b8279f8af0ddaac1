// Every reading sckd takes reaches the broker, in the platform's format: with the broker up,
// with the broker unreachable at start, and with connections dropped before the PUBACK.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{101, 102, 103};

class Delivery : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker());
    for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  }
};

TEST_F(Delivery, EveryReadingArrivesInThePlatformFormat) {
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(6500ms);
  ASSERT_TRUE(sckd->running()) << sckd->log();
  const std::int64_t t1 = unixNow();
  // Two seconds for start-up; the last second may still be on its way.
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1 - 1, 5s)) << describeMissing(kIds, t0 + 2, t1 - 1);
  expectPlatformFormat(kIds);
  EXPECT_EQ(received().readings.empty(), false);
}

TEST_F(Delivery, BacklogFromAnUnreachableBrokerArrivesOnceItIsUp) {
  // The daemon talks to the broker through a proxy that refuses connections at first,
  // while the test's subscriber is already subscribed on the broker itself.
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->pause();
  config_.port = proxy->port();
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(8500ms);
  const std::int64_t tUp = unixNow();
  EXPECT_EQ(sub_->count(), 0u) << "published while the broker was unreachable?";
  ASSERT_TRUE(sckd->running()) << "sckd must keep running without a broker:\n" << sckd->log();
  ASSERT_TRUE(proxy->resume());
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, tUp, 15s)) << describeMissing(kIds, t0 + 2, tUp);
  expectPlatformFormat(kIds);
  EXPECT_GE(received().maxEntriesPerMessage, 2u)
      << "an 8 s backlog should go in messages of several entries";
}

TEST_F(Delivery, ConnectionCutBeforePubackLosesNothing) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  config_.port = proxy->port();
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  proxy->cutAfterPublish(1);
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  auto waitCut = [&](int n) {
    for (int i = 0; i < 200 && proxy->cutsDone() < n; ++i) sleepFor(50ms);
    return proxy->cutsDone() >= n;
  };
  ASSERT_TRUE(waitCut(1)) << "sckd published nothing through the proxy in 10 s";
  sleepFor(3s);
  proxy->cutAfterPublish(1);
  ASSERT_TRUE(waitCut(2)) << "sckd published nothing after reconnecting";
  sleepFor(3s);
  ASSERT_TRUE(sckd->running()) << sckd->log();
  const std::int64_t t1 = unixNow();
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1 - 1, 10s)) << describeMissing(kIds, t0 + 2, t1 - 1);
  EXPECT_GE(proxy->connectionsAccepted(), 3);
  // What was in the message whose PUBACK never came arrived (again, after the reconnect).
  const auto stream = received();
  for (const auto& payload : proxy->cutPayloads()) {
    const auto cut = decodeReadingsMessage({readingsTopic(), payload, 1, false, {}}, config_.token);
    EXPECT_FALSE(cut.readings.empty()) << "cut message: " << payload;
    for (const auto& r : cut.readings) {
      // Once as the broker got it before the cut, and again: sckd never saw its PUBACK, so
      // the reading stayed in the outbox and went again after the reconnect.
      EXPECT_GE(std::count(stream.readings.begin(), stream.readings.end(), r), 2)
          << "reading id " << r.id << " at " << r.recordedAt
          << " from the cut message was not sent again after the reconnect";
    }
  }
  expectPlatformFormat(kIds);
}

// A broker that keeps the connection up (PINGRESP flows) but never acknowledges a PUBLISH:
// sampling goes on, the session is dropped and redone after a keepalive interval without
// a PUBACK, and everything goes again on the new connection.
TEST_F(Delivery, ABrokerThatNeverAcknowledgesIsLeftAndEverythingResent) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->swallowPublishes(1);  // the first connection: every PUBLISH vanishes
  config_.port = proxy->port();
  config_.keepaliveSeconds = 5;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  for (int i = 0; i < 200 && proxy->publishesSeen() == 0; ++i) sleepFor(50ms);
  ASSERT_GT(proxy->publishesSeen(), 0) << sckd->log();
  EXPECT_EQ(sub_->count(), 0u);  // swallowed: nothing reached the broker yet
  // Dropped after 5 s without a PUBACK, reconnected after the 1 s backoff, all resent.
  const std::int64_t t1 = t0 + 8;
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1, 20s)) << describeMissing(kIds, t0 + 2, t1);
  EXPECT_GE(proxy->connectionsAccepted(), 2);
  EXPECT_NE(sckd->log().find("no PUBACK from the broker"), std::string::npos) << sckd->log();
  EXPECT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat(kIds);
}

// A broker that refuses the connection is named in words in the log, for each MQTT 3.1.1
// return code, and retried with backoff; once it accepts, every reading taken meanwhile
// arrives, without a restart.
TEST_F(Delivery, ARefusedConnectionIsNamedRetriedAndRecovered) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  config_.port = proxy->port();
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  // libmosquitto's words for CONNACK return codes 1..5, as the log must show them.
  const std::vector<std::pair<int, std::string>> refusals = {
      {5, "not authorised"}, {2, "identifier rejected"}, {3, "broker unavailable"}};
  for (const auto& [code, words] : refusals) {
    proxy->refuseConnections(code);
    // The next attempt comes within the backoff, at most 8 s by the third refusal.
    for (int i = 0; i < 400 && sckd->log().find(words) == std::string::npos; ++i) sleepFor(50ms);
    EXPECT_NE(sckd->log().find(words), std::string::npos) << "code " << code << ":\n"
                                                          << sckd->log();
  }
  EXPECT_NE(sckd->log().find("broker refused the connection"), std::string::npos) << sckd->log();
  EXPECT_EQ(sub_->count(), 0u);
  proxy->refuseConnections(0);
  const std::int64_t t1 = unixNow();
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1, 25s)) << describeMissing(kIds, t0 + 2, t1);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat(kIds);
}

// A broker that drops the connection after every message it acknowledges: each reconnect
// still moves the backlog on, and it drains completely.
TEST_F(Delivery, ABrokerThatDisconnectsAfterEveryMessageStillGetsTheBacklog) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->pause();
  config_.port = proxy->port();
  config_.maxReadingsPerMessage = 2;  // a 6 s backlog of 3 sensors is several messages
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(6s);
  const std::int64_t tUp = unixNow();
  proxy->disconnectAfterEachPuback(true);
  ASSERT_TRUE(proxy->resume());
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, tUp, 40s)) << describeMissing(kIds, t0 + 2, tUp);
  EXPECT_GE(proxy->connectionsAccepted(), 3);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat(kIds);
}

// A broker that accepts the TCP connection and never answers CONNECT: the attempt is given
// up after the keepalive interval, said so in the log, and retried; nothing is lost.
TEST_F(Delivery, ABrokerThatNeverAnswersConnectIsLeftAndRetried) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->silence(true);
  config_.port = proxy->port();
  config_.keepaliveSeconds = 5;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const std::string words = "the broker never answered the connection request";
  for (int i = 0; i < 300 && sckd->log().find(words) == std::string::npos; ++i) sleepFor(50ms);
  EXPECT_NE(sckd->log().find(words), std::string::npos) << sckd->log();
  EXPECT_EQ(sub_->count(), 0u);
  proxy->silence(false);
  const std::int64_t t1 = unixNow();
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1, 30s)) << describeMissing(kIds, t0 + 2, t1);
  EXPECT_GE(proxy->connectionsAccepted(), 2);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat(kIds);
}

// A broker that goes silent in the middle of a session (no PUBACK, no PINGRESP, the TCP
// connection still up): the session is given up within a keepalive interval or two and
// redone once the broker answers again, and every reading taken meanwhile arrives.
TEST_F(Delivery, ABrokerThatGoesSilentMidSessionIsLeftAndEverythingArrives) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  config_.port = proxy->port();
  config_.keepaliveSeconds = 5;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForSeconds(kIds, t0 + 2, t0 + 3, 10s)) << describeMissing(kIds, t0 + 2, t0 + 3);
  proxy->silence(true);
  const std::string lost = "connection to 127.0.0.1:" + std::to_string(proxy->port()) + " lost";
  for (int i = 0; i < 400 && sckd->log().find(lost) == std::string::npos; ++i) sleepFor(50ms);
  EXPECT_NE(sckd->log().find(lost), std::string::npos) << sckd->log();
  proxy->silence(false);
  const std::int64_t t1 = unixNow();
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1, 30s)) << describeMissing(kIds, t0 + 2, t1);
  EXPECT_GE(proxy->connectionsAccepted(), 2);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat(kIds);
}

// Live first: the platform's latest value is current within one message of the network
// coming back, and the outage's readings all follow, oldest first, at the paced rate.
TEST_F(Delivery, AfterAnOutageTheFirstMessageCarriesTheNewestReadings) {
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  config_.port = proxy->port();
  config_.maxReadingsPerMessage = 1;  // one second per message: a backlog of many messages
  config_.maxMessagesPerSecond = 4;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForReadings(kIds, 2, 10s)) << allLogs();
  proxy->pause();
  const std::int64_t tDown = unixNow();
  sleepFor(7s);
  const std::size_t before = sub_->messages().size();
  const std::int64_t tUp = unixNow();
  ASSERT_TRUE(proxy->resume());
  EXPECT_TRUE(waitForSeconds(kIds, tDown + 1, tUp - 1, 20s))
      << "nothing of the outage may be lost: " << describeMissing(kIds, tDown + 1, tUp - 1);
  const auto messages = sub_->messages();
  ASSERT_GT(messages.size(), before + 3);
  const auto first = decodeReadingsMessage(messages[before], config_.token);
  ASSERT_FALSE(first.readings.empty());
  const std::int64_t firstAt = first.readings.front().recordedAt;
  EXPECT_GE(firstAt, tUp - 1) << "the first message after the outage must be the freshest";
  // Then the backlog, oldest first.
  std::int64_t previousOld = 0;
  for (std::size_t i = before + 1; i < messages.size(); ++i) {
    const auto decoded = decodeReadingsMessage(messages[i], config_.token);
    ASSERT_FALSE(decoded.readings.empty());
    const std::int64_t at = decoded.readings.front().recordedAt;
    if (at >= firstAt) continue;  // a fresh tick, taking its slot ahead of the backlog
    EXPECT_GT(at, previousOld) << "message " << i << ": the backlog drains oldest first";
    previousOld = at;
  }
  expectPlatformFormat(kIds);
}

}  // namespace
}  // namespace sckd::testing
