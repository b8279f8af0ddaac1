#pragma once
// Drains the outbox into QoS 1 messages: batches rows into payloads, paces the publishes,
// remembers which rows each message id carried, and deletes them only on that PUBACK.
// Live first: when a connection comes up, the newest tick's rows and every row committed
// after them go out before anything older, so the platform's latest value is current at
// once; the backlog (everything unacknowledged from before) drains behind them, oldest
// first, in the pacing slots they leave. It does not know libmosquitto: it sends through a
// function, so tests can stand in.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "daemon/outbox/outbox.h"
#include "daemon/uplink/payload.h"

namespace sckd {

class Publisher {
 public:
  struct Settings {
    std::size_t maxEntriesPerMessage = 60;
    int maxMessagesPerSecond = 10;  // 0: no pacing
    std::size_t maxInFlight = 16;   // messages sent and not yet acknowledged
    std::size_t fetchBatch = 2000;  // rows read from the outbox per query
  };
  // Sends one payload at QoS 1; returns the message id its PUBACK will carry.
  using SendFn = std::function<Result<int>(std::string_view payload)>;

  Publisher(Outbox& outbox, const Clock& clock, Settings settings);

  // The broker accepted a connection: start again from the oldest unacknowledged row.
  void connectionUp();
  // The connection is gone: forget in-flight message ids (their rows stay queued).
  void connectionDown();
  bool up() const { return up_; }

  // Publishes as much as the in-flight window and pacing allow. Returns the monotonic
  // time at which pump() should be called again because pacing held a message back, or
  // nothing when it is waiting for PUBACKs or for new rows.
  std::optional<MonoTime> pump(const SendFn& send);

  // The PUBACK for `mid` arrived.
  void acknowledged(int mid);

  std::uint64_t inFlightMessages() const { return inFlight_.size(); }
  // Since when messages have been in flight with no PUBACK arriving (the later of the
  // first send into an empty window and the last PUBACK); nothing when none is in flight.
  std::optional<MonoTime> awaitingAckSince() const {
    return inFlight_.empty() ? std::nullopt : std::optional<MonoTime>(ackWaitStart_);
  }
  std::uint64_t messagesAcknowledged() const { return acknowledgedMessages_; }
  std::uint64_t readingsAcknowledged() const { return acknowledgedReadings_; }
  std::optional<WallTime> lastDelivery() const { return lastDelivery_; }

 private:
  struct InFlight {
    std::int64_t firstRowId;
    std::int64_t lastRowId;
    std::size_t readings;
  };

  // Makes sure cache_ holds unsent backlog rows after cursor_; false when there are none.
  bool refill();
  // The next message of fresh rows (from liveFrom_ on), if any are unsent.
  std::optional<BuiltMessage> nextLiveMessage();

  Outbox& outbox_;
  const Clock& clock_;
  Settings settings_;
  bool up_ = false;
  // This connection's two streams: the backlog, rows below liveFrom_, sent up to cursor_;
  // the live rows, liveFrom_ and after, sent up to liveCursor_.
  std::int64_t cursor_ = 0;
  std::int64_t liveFrom_ = 0;
  std::int64_t liveCursor_ = 0;
  std::map<int, InFlight> inFlight_;
  // Rows fetched but not yet sent, from cacheStart_: one query serves many messages.
  std::vector<StoredReading> cache_;
  std::size_t cacheStart_ = 0;
  MonoTime nextSendAllowed_{};
  MonoTime ackWaitStart_{};
  std::uint64_t acknowledgedMessages_ = 0;
  std::uint64_t acknowledgedReadings_ = 0;
  std::optional<WallTime> lastDelivery_;
};

}  // namespace sckd
