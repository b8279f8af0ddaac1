#pragma once
// Keeps the MQTT connection alive from inside the event loop and feeds the publisher:
// watches the client's socket (write interest only while libmosquitto has bytes queued),
// runs its housekeeping once a second, and after any loss reconnects on a backoff timer
// (1 s doubling to 2 min, jittered). Knows nothing of sensors.

#include <memory>
#include <optional>
#include <string>

#include "daemon/base/backoff.h"
#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "daemon/uplink/mqtt_client.h"
#include "daemon/uplink/publisher.h"

namespace sckd {

class Connection {
 public:
  enum class State { Connecting, Connected, WaitingToRetry, Stopped };

  Connection(EventLoop& loop, const Clock& clock, MqttSettings settings, std::string topic,
             Publisher& publisher);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Sends a clean DISCONNECT; no reconnect afterwards.
  void stop();
  // New rows are in the outbox: publish now if the connection and pacing allow.
  void kick();

  State state() const { return state_; }
  // "connected to host:port", "connecting to ...", "unreachable for 5 min: <reason>".
  std::string describe() const;

 private:
  void attempt();
  void onConnected();
  void onDisconnected(const std::string& reason);
  void scheduleRetry();
  void syncSocketWatch();
  void onSocketEvent(std::uint32_t events);
  void armMisc();
  void pump();
  void reportLongOutage();

  EventLoop& loop_;
  const Clock& clock_;
  MqttSettings settings_;
  std::string topic_;
  std::string endpoint_;  // "host:port" for messages
  Publisher& publisher_;
  std::unique_ptr<MqttClient> client_;
  Backoff backoff_;
  State state_ = State::Stopped;
  int watchedFd_ = -1;
  bool watchingWrite_ = false;
  EventLoop::TimerId retryTimer_ = 0;
  EventLoop::TimerId miscTimer_ = 0;
  EventLoop::TimerId pumpTimer_ = 0;
  std::optional<MonoTime> downSince_;  // when the broker was last reachable, if it is not now
  bool longOutageReported_ = false;
  std::string lastReason_;
  log::RateLimiter failureLog_{std::chrono::minutes(5)};
};

}  // namespace sckd
