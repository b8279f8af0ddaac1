#include "daemon/uplink/publisher.h"

#include <algorithm>
#include <span>
#include <utility>

#include "daemon/base/log.h"
#include "daemon/uplink/payload.h"

namespace sckd {

Publisher::Publisher(Outbox& outbox, const Clock& clock, Settings settings)
    : outbox_(outbox), clock_(clock), settings_(settings) {
  settings_.maxInFlight = std::max<std::size_t>(settings_.maxInFlight, 1);
  settings_.fetchBatch = std::max<std::size_t>(settings_.fetchBatch, 1);
}

void Publisher::connectionUp() {
  up_ = true;
  cursor_ = 0;
  liveFrom_ = outbox_.newestTickFirstRowId();
  liveCursor_ = liveFrom_ - 1;
  inFlight_.clear();
  cache_.clear();
  cacheStart_ = 0;
}

void Publisher::connectionDown() {
  up_ = false;
  inFlight_.clear();
  cache_.clear();
  cacheStart_ = 0;
}

bool Publisher::refill() {
  if (cache_.size() - cacheStart_ >= settings_.fetchBatch / 2) return true;
  // Top up rather than wait for the cache to run dry, so a message is never cut short by
  // where a fetch happened to end.
  cache_.erase(cache_.begin(), cache_.begin() + static_cast<std::ptrdiff_t>(cacheStart_));
  cacheStart_ = 0;
  const std::int64_t after = cache_.empty() ? cursor_ : cache_.back().rowId;
  Result<std::vector<StoredReading>> rows =
      outbox_.fetchAfter(after, settings_.fetchBatch - cache_.size(), liveFrom_);
  if (!rows.ok()) {
    log::error(log::Category::Outbox, "reading queued readings: " + rows.error().message);
    return !cache_.empty();
  }
  cache_.insert(cache_.end(), std::make_move_iterator(rows->begin()),
                std::make_move_iterator(rows->end()));
  return !cache_.empty();
}

std::optional<BuiltMessage> Publisher::nextLiveMessage() {
  if (liveCursor_ + 1 >= outbox_.nextRowId()) return std::nullopt;  // nothing newer: no query
  Result<std::vector<StoredReading>> rows = outbox_.fetchAfter(liveCursor_, settings_.fetchBatch);
  if (!rows.ok()) {
    log::error(log::Category::Outbox, "reading the newest readings: " + rows.error().message);
    return std::nullopt;
  }
  return buildMessage(*rows, settings_.maxEntriesPerMessage);
}

std::optional<MonoTime> Publisher::pump(const SendFn& send) {
  const auto spacing =
      settings_.maxMessagesPerSecond > 0
          ? std::chrono::duration_cast<MonoClock::duration>(std::chrono::seconds(1)) /
                settings_.maxMessagesPerSecond
          : MonoClock::duration::zero();
  while (up_ && inFlight_.size() < settings_.maxInFlight) {
    const MonoTime now = clock_.monotonic();
    // The backlog leaves one slot of the window free, so a fresh tick never waits for it.
    const bool backlogMaySend =
        inFlight_.size() < std::max<std::size_t>(1, settings_.maxInFlight - 1);
    if (spacing > MonoClock::duration::zero() && now < nextSendAllowed_) {
      // Only worth a timer if there is something to send.
      const bool waiting = liveCursor_ + 1 < outbox_.nextRowId() || (backlogMaySend && refill());
      return waiting ? std::optional<MonoTime>(nextSendAllowed_) : std::nullopt;
    }
    std::optional<BuiltMessage> msg = nextLiveMessage();
    const bool live = msg.has_value();
    if (!live) {
      if (!backlogMaySend || !refill()) return std::nullopt;
      std::span<const StoredReading> rows(cache_.data() + cacheStart_, cache_.size() - cacheStart_);
      msg = buildMessage(rows, settings_.maxEntriesPerMessage);
    }
    if (!msg) return std::nullopt;
    Result<int> mid = send(msg->payload);
    if (!mid.ok()) {
      // Connection trouble: the rows stay queued and go again after the reconnect.
      log::warning(log::Category::Mqtt,
                   "publish failed, waiting for the connection: " + mid.error().message);
      connectionDown();
      return std::nullopt;
    }
    if (!up_) return std::nullopt;  // the send itself reported the connection gone
    if (inFlight_.empty()) ackWaitStart_ = now;
    inFlight_[*mid] = InFlight{msg->firstRowId, msg->lastRowId, msg->readings};
    if (live) {
      liveCursor_ = msg->lastRowId;
    } else {
      cursor_ = msg->lastRowId;
      cacheStart_ += msg->readings;
    }
    if (spacing > MonoClock::duration::zero()) {
      // Spacing from the later of "now" and the previous slot: an idle spell earns no burst.
      nextSendAllowed_ = std::max(now, nextSendAllowed_) + spacing;
    }
  }
  return std::nullopt;
}

void Publisher::acknowledged(int mid) {
  auto it = inFlight_.find(mid);
  if (it == inFlight_.end()) return;  // a late PUBACK from an earlier connection
  const InFlight done = it->second;
  inFlight_.erase(it);
  ackWaitStart_ = clock_.monotonic();  // progress: the broker answers
  const WallTime now = clock_.wall();
  Status ok = outbox_.acknowledge(done.firstRowId, done.lastRowId, toUnixSeconds(now));
  if (!ok.ok()) {
    // At-least-once: the rows stay queued and are sent again after the next reconnect.
    log::error(log::Category::Outbox,
               "removing delivered readings " + std::to_string(done.firstRowId) + ".." +
                   std::to_string(done.lastRowId) + ": " + ok.error().message);
    return;
  }
  ++acknowledgedMessages_;
  acknowledgedReadings_ += done.readings;
  lastDelivery_ = now;
}

}  // namespace sckd
