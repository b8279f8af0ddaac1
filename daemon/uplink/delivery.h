#pragma once
// `sckd run`'s use of the session: the outbox goes out through it. Publishes as much as the
// publisher allows whenever the connection comes up, a PUBACK frees a slot in the
// in-flight window, pacing allows the next message or new rows were committed. A broker
// that keeps the connection up but acknowledges nothing for a keepalive interval while
// messages are in flight has the session dropped and redone: everything unacknowledged
// goes again on the new connection.

#include <functional>
#include <memory>

#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/uplink/publisher.h"
#include "daemon/uplink/session.h"

namespace sckd {

class Delivery {
 public:
  // `changed` (may be empty) is told when the connection comes or goes and when a PUBACK
  // arrives: what a status line shows, with no timer polling for it.
  Delivery(EventLoop& loop, const Clock& clock, const MqttSettings& settings, std::string topic,
           Publisher& publisher, std::function<void()> changed = {});
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  // Starts the session; a setup failure is logged and leaves delivery stopped (readings
  // are still stored), since retrying would not help until the config changes.
  void start();
  // New rows are in the outbox: publish now if the connection and pacing allow.
  void kick() { pump(); }
  // Sends a clean DISCONNECT; nothing is published afterwards.
  void stop();
  const Session& session() const { return session_; }

 private:
  void pump();
  void cancelPump();
  void watchAcks();  // (re)arms the timer that notices PUBACKs that never come

  EventLoop& loop_;
  const Clock& clock_;
  std::string topic_;
  Publisher& publisher_;
  std::function<void()> changed_;
  Session session_;
  EventLoop::TimerId pumpTimer_ = 0;
  EventLoop::TimerId ackTimer_ = 0;
  Millis ackTimeout_;
};

}  // namespace sckd
