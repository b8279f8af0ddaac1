// The publisher against a real outbox file: everything committed reaches the broker, rows
// leave only on their own PUBACK, and a reconnect resends the unacknowledged ones unchanged.
#include "daemon/uplink/publisher.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "daemon/uplink/payload.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/temp_dir.h"

namespace sckd::testing {
namespace {

using namespace std::chrono_literals;
using Reading = std::tuple<std::string, int, std::string>;  // recorded_at, id, value text

// Stands in for the MQTT client: records every payload and hands out message ids.
struct FakeBroker {
  std::vector<std::string> payloads;
  std::vector<int> mids;
  int nextMid = 1;
  bool fail = false;

  Publisher::SendFn sender() {
    return [this](std::string_view payload) -> Result<int> {
      if (fail) return makeError(ErrorCode::Network, "socket broken");
      payloads.emplace_back(payload);
      mids.push_back(nextMid);
      return nextMid++;
    };
  }
};

std::vector<Reading> readingsIn(const std::string& payload) {
  std::vector<Reading> out;
  const auto doc = nlohmann::json::parse(payload);
  for (const auto& entry : doc.at("data")) {
    for (const auto& s : entry.at("sensors")) {
      out.emplace_back(entry.at("recorded_at").get<std::string>(), s.at("id").get<int>(),
                       s.at("value").dump());
    }
  }
  return out;
}

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Outbox::open(dir_.file("outbox.db"), 100 * 1024 * 1024);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    outbox_ = std::move(*opened);
  }

  // `times` distinct recorded_at stamps, `sensors` readings each; returns what went in.
  std::vector<Reading> commit(int times, int sensors, std::int64_t start = 1'795'000'000) {
    std::vector<NewReading> rows;
    std::vector<Reading> expected;
    for (int t = 0; t < times; ++t) {
      for (int s = 0; s < sensors; ++s) {
        std::string value = std::to_string(t) + "." + std::to_string(s + 1);
        rows.push_back(NewReading{start + 60 * t, 50 + s, value});
        expected.emplace_back(formatRecordedAt(start + 60 * t), 50 + s, value);
      }
    }
    EXPECT_TRUE(outbox_->commit(rows).ok());
    return expected;
  }

  std::unique_ptr<Publisher> make(Publisher::Settings settings) {
    auto p = std::make_unique<Publisher>(*outbox_, clock_, settings);
    p->connectionUp();
    return p;
  }

  static Publisher::Settings unpaced(std::size_t maxEntries, std::size_t maxInFlight) {
    Publisher::Settings s;
    s.maxEntriesPerMessage = maxEntries;
    s.maxInFlight = maxInFlight;
    s.maxMessagesPerSecond = 0;
    return s;
  }

  TempDir dir_{"sckd-publisher"};
  FakeClock clock_;
  std::unique_ptr<Outbox> outbox_;
  FakeBroker broker_;
};

TEST_F(PublisherTest, EveryRowIsDeliveredOnceAcknowledged) {
  const auto expected = commit(30, 5);
  auto publisher = make(unpaced(4, 3));
  std::size_t acked = 0;
  for (int round = 0; round < 100 && outbox_->queuedCount() > 0; ++round) {
    (void)publisher->pump(broker_.sender());
    for (; acked < broker_.mids.size(); ++acked) publisher->acknowledged(broker_.mids[acked]);
  }
  EXPECT_EQ(outbox_->queuedCount(), 0u);
  std::vector<Reading> received;
  for (const auto& p : broker_.payloads) {
    auto r = readingsIn(p);
    received.insert(received.end(), r.begin(), r.end());
    EXPECT_LE(nlohmann::json::parse(p)["data"].size(), 4u);
  }
  EXPECT_EQ(received, expected);  // in commit order, nothing twice
  EXPECT_EQ(publisher->readingsAcknowledged(), 150u);
  EXPECT_EQ(publisher->messagesAcknowledged(), broker_.payloads.size());
  ASSERT_TRUE(publisher->lastDelivery().has_value());
  EXPECT_EQ(*publisher->lastDelivery(), clock_.wall());
}

TEST_F(PublisherTest, MessagesAreFullAcrossFetchBoundaries) {
  // 50 stamps of 3 sensors = 150 rows, read 20 at a time: a message of 4 entries (12 rows)
  // must not be cut short where one fetch ends and the next begins.
  commit(50, 3);
  Publisher::Settings settings = unpaced(4, 100);
  settings.fetchBatch = 20;
  auto publisher = make(settings);
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 13u);  // ceil(50 / 4)
  for (std::size_t i = 0; i + 1 < broker_.payloads.size(); ++i) {
    EXPECT_EQ(nlohmann::json::parse(broker_.payloads[i])["data"].size(), 4u) << "message " << i;
  }
}

TEST_F(PublisherTest, RowsStayUntilTheirOwnPuback) {
  commit(6, 2);  // 12 readings, 2 per message
  auto publisher = make(unpaced(1, 16));
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.mids.size(), 6u);
  EXPECT_EQ(outbox_->queuedCount(), 12u);

  publisher->acknowledged(broker_.mids[2]);
  EXPECT_EQ(outbox_->queuedCount(), 10u);
  EXPECT_EQ(publisher->inFlightMessages(), 5u);
  auto rest = outbox_->fetchAfter(0, 100);
  ASSERT_TRUE(rest.ok());
  std::set<std::int64_t> stamps;
  for (const auto& r : *rest) stamps.insert(r.recordedAt);
  EXPECT_EQ(stamps.count(1'795'000'000 + 120), 0u);  // exactly the third message's rows left
  EXPECT_EQ(stamps.size(), 5u);
}

TEST_F(PublisherTest, ReconnectResendsTheUnacknowledgedUnchanged) {
  commit(5, 3);
  auto publisher = make(unpaced(2, 16));
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 3u);
  publisher->acknowledged(broker_.mids[0]);
  const std::vector<std::string> firstTime(broker_.payloads.begin() + 1, broker_.payloads.end());

  publisher->connectionDown();
  EXPECT_EQ(publisher->inFlightMessages(), 0u);
  clock_.advance(10min);  // a later resend must not restamp anything
  publisher->connectionUp();
  broker_.payloads.clear();
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads, firstTime);
  EXPECT_EQ(outbox_->queuedCount(), 9u);
}

TEST_F(PublisherTest, InFlightWindowIsRespected) {
  commit(20, 1);
  auto publisher = make(unpaced(1, 3));
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 3u);
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 3u);  // nothing more until a PUBACK
  publisher->acknowledged(broker_.mids[1]);
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 4u);
  EXPECT_EQ(publisher->inFlightMessages(), 3u);
}

TEST_F(PublisherTest, PacingAllowsNMessagesPerSecond) {
  commit(100, 1);
  Publisher::Settings s = unpaced(1, 1000);
  s.maxMessagesPerSecond = 5;
  auto publisher = make(s);
  const MonoTime start = clock_.monotonic();
  std::optional<MonoTime> again = publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 1u);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again - start, 200ms);

  clock_.advance(100ms);  // too early: nothing goes, same time given back
  EXPECT_EQ(publisher->pump(broker_.sender()), again);
  EXPECT_EQ(broker_.payloads.size(), 1u);

  // Calling back exactly when told, for one simulated second from the start.
  while (again && *again < start + 1s) {
    clock_.advance(*again - clock_.monotonic());
    again = publisher->pump(broker_.sender());
  }
  EXPECT_EQ(broker_.payloads.size(), 5u);
  clock_.advance(10s);  // a quiet spell earns no burst
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 6u);
}

TEST_F(PublisherTest, ZeroRateMeansUnpaced) {
  commit(50, 1);
  auto publisher = make(unpaced(1, 1000));
  EXPECT_FALSE(publisher->pump(broker_.sender()).has_value());
  EXPECT_EQ(broker_.payloads.size(), 50u);
}

TEST_F(PublisherTest, NoTimerWhenThereIsNothingToSend) {
  Publisher::Settings s = unpaced(1, 1000);
  s.maxMessagesPerSecond = 1;
  auto publisher = make(s);
  EXPECT_FALSE(publisher->pump(broker_.sender()).has_value());
  commit(1, 1);
  EXPECT_FALSE(publisher->pump(broker_.sender()).has_value());  // sent, and then nothing
  EXPECT_EQ(broker_.payloads.size(), 1u);
}

TEST_F(PublisherTest, LateOrUnknownPubacksAreIgnored) {
  commit(3, 1);
  auto publisher = make(unpaced(1, 16));
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.mids.size(), 3u);
  publisher->acknowledged(9999);
  EXPECT_EQ(outbox_->queuedCount(), 3u);

  // A PUBACK for a message of the previous connection, after the reconnect.
  publisher->connectionDown();
  publisher->connectionUp();
  publisher->acknowledged(broker_.mids[0]);
  EXPECT_EQ(outbox_->queuedCount(), 3u);
  EXPECT_EQ(publisher->messagesAcknowledged(), 0u);
  EXPECT_FALSE(publisher->lastDelivery().has_value());
}

TEST_F(PublisherTest, RowsCommittedLaterArePickedUp) {
  commit(2, 2);
  auto publisher = make(unpaced(10, 16));
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 1u);
  const auto later = commit(1, 3, 1'795'100'000);
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 2u);
  EXPECT_EQ(readingsIn(broker_.payloads[1]), later);  // only the new rows
}

TEST_F(PublisherTest, SendFailureStopsPumpingAndKeepsTheRows) {
  commit(4, 1);
  auto publisher = make(unpaced(1, 16));
  broker_.fail = true;
  EXPECT_FALSE(publisher->pump(broker_.sender()).has_value());
  EXPECT_FALSE(publisher->up());
  broker_.fail = false;
  (void)publisher->pump(broker_.sender());
  EXPECT_TRUE(broker_.payloads.empty());  // waits for the reconnect
  EXPECT_EQ(outbox_->queuedCount(), 4u);
  publisher->connectionUp();
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 4u);
}

TEST_F(PublisherTest, NothingIsSentWhileDown) {
  commit(2, 1);
  Publisher publisher(*outbox_, clock_, unpaced(1, 16));
  EXPECT_FALSE(publisher.up());
  (void)publisher.pump(broker_.sender());
  EXPECT_TRUE(broker_.payloads.empty());
}

// Live first: after an outage the freshest tick goes out before the backlog, and a tick
// committed while the backlog drains takes the next pacing slot.
TEST_F(PublisherTest, TheNewestTickGoesOutBeforeTheBacklogWhichFollowsOldestFirst) {
  std::vector<Reading> backlog;
  for (int t = 0; t < 5; ++t) {
    auto tick = commit(1, 3, 1'795'000'000 + 60 * t);  // one tick per commit: an outage
    backlog.insert(backlog.end(), tick.begin(), tick.end());
  }
  const auto newest = commit(1, 3, 1'795'000'000 + 600);
  auto publisher = make(unpaced(1, 16));
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 6u);
  EXPECT_EQ(readingsIn(broker_.payloads[0]), newest);
  std::vector<Reading> after;
  for (std::size_t i = 1; i < broker_.payloads.size(); ++i) {
    auto r = readingsIn(broker_.payloads[i]);
    after.insert(after.end(), r.begin(), r.end());
  }
  EXPECT_EQ(after, backlog);
}

TEST_F(PublisherTest, ATickCommittedWhileTheBacklogDrainsTakesTheNextSlot) {
  for (int t = 0; t < 10; ++t) commit(1, 2, 1'795'000'000 + 60 * t);
  Publisher::Settings settings = unpaced(1, 16);
  settings.maxMessagesPerSecond = 2;
  auto publisher = make(settings);
  auto again = publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 1u);  // the newest of the ten
  ASSERT_TRUE(again.has_value());
  clock_.advance(500ms);
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 2u);  // the oldest
  EXPECT_EQ(std::get<0>(readingsIn(broker_.payloads[1])[0]), formatRecordedAt(1'795'000'000));
  const auto fresh = commit(1, 2, 1'795'000'000 + 6000);
  clock_.advance(500ms);
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 3u);
  EXPECT_EQ(readingsIn(broker_.payloads[2]), fresh);
  clock_.advance(500ms);
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 4u);  // back to the backlog, where it left off
  EXPECT_EQ(std::get<0>(readingsIn(broker_.payloads[3])[0]), formatRecordedAt(1'795'000'060));
}

TEST_F(PublisherTest, TheBacklogLeavesAWindowSlotForAFreshTick) {
  for (int t = 0; t < 10; ++t) commit(1, 1, 1'795'000'000 + 60 * t);
  auto publisher = make(unpaced(1, 3));
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 2u);  // the newest, then one of the backlog
  (void)publisher->pump(broker_.sender());
  EXPECT_EQ(broker_.payloads.size(), 2u) << "the backlog keeps the last slot free";
  const auto fresh = commit(1, 1, 1'795'000'000 + 6000);
  (void)publisher->pump(broker_.sender());
  ASSERT_EQ(broker_.payloads.size(), 3u);
  EXPECT_EQ(readingsIn(broker_.payloads[2]), fresh);
  EXPECT_EQ(publisher->inFlightMessages(), 3u);
}

}  // namespace
}  // namespace sckd::testing
