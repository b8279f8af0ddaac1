#pragma once
// The one MQTT session of sckd, used by `run`, `check` and `tail` alike. It runs
// libmosquitto inside the event loop (only the host name lookup of each attempt runs on a
// thread of its own, so a silent DNS server never holds up sampling): watches the client's socket
// (write interest only while libmosquitto has bytes queued) and watches it again after every
// reconnect, runs the library's housekeeping (keepalive PINGREQ, a silent broker noticed) when a
// keepalive interval has passed without traffic (an idle Pi wakes for nothing else), and after any
// loss reconnects on a backoff timer (1 s doubling to 2 min, jittered). What the owner does with
// the connection (publish the outbox, subscribe, just check) is its handlers' business; the session
// knows nothing of sensors or the outbox.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "daemon/base/backoff.h"
#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "daemon/base/off_loop_call.h"
#include "daemon/uplink/mqtt_client.h"

namespace sckd {

// The client settings for the platform in the config: the one place they are built.
// `clientIdSuffix` keeps a second client (`check`) from knocking the daemon off the broker.
MqttSettings mqttSettings(const PlatformConfig& platform, std::string_view clientIdSuffix = {});
// "device/sck/<token>/readings" (docs/protocol.md, Topics).
std::string readingsTopic(std::string_view token);

class Session {
 public:
  enum class State { Connecting, Connected, WaitingToRetry, Stopped };

  struct Handlers {
    std::function<void()> connected;                     // CONNACK accepted
    std::function<void(const Error& why)> disconnected;  // an attempt failed or the link broke
    std::function<void(int mid)> published;              // PUBACK for a QoS 1 publish
    std::function<void(const std::string& topic, std::string_view payload)> message;
  };
  struct Options {
    bool reconnect = true;  // false: one attempt only (`sckd check`)
    bool log = true;        // the daemon's log lines (connecting, lost, BROKER_UNREACHABLE)
  };

  Session(EventLoop& loop, const Clock& clock, MqttSettings settings, Handlers handlers,
          Options options);
  Session(EventLoop& loop, const Clock& clock, MqttSettings settings, Handlers handlers)
      : Session(loop, clock, std::move(settings), std::move(handlers), Options{}) {}
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Sets up the client and makes the first attempt. Fails only when the client cannot be
  // set up at all (a TLS option libmosquitto refuses): retrying would not help.
  Status start();
  // Sends a clean DISCONNECT; no reconnect and no handler calls afterwards.
  void stop();
  // Gives up on the current connection or attempt as if the broker had dropped it: the
  // owner's disconnected handler runs with `why`, and the session reconnects after the
  // backoff (a broker that keeps the link up but never acknowledges a message).
  void drop(const Error& why);

  struct PublishOptions {
    int qos = 1;
    bool retain = false;
  };
  // While connected: QoS 1, retain off. Returns the message id published() will report.
  Result<int> publish(const std::string& topic, std::string_view payload);
  // The same with another QoS or the retain flag (the local copy: QoS 0, nothing to
  // acknowledge, and retained discovery messages). libmosquitto reports a QoS 0 message
  // through published() too, once it is written.
  Result<int> publish(const std::string& topic, std::string_view payload, PublishOptions options);
  // Bytes are queued for the socket that the kernel has not taken yet: the broker (or the
  // network) is not keeping up. Lets an owner that must not queue without bound hold back.
  bool writePending() const;
  Status subscribe(const std::string& pattern);

  State state() const { return state_; }
  const std::string& endpoint() const { return endpoint_; }  // "host:port"
  // "broker connected", "broker not connected for 5 min (<reason>)", ...
  std::string describe() const;
  // For the runtime state: since when the broker is connected (the CONNACK), or since
  // when it is not (the start, or the loss of the last connection), and why not.
  std::optional<MonoTime> connectedSince() const { return connectedSince_; }
  std::optional<MonoTime> downSince() const { return downSince_; }
  const std::string& lastFailure() const { return lastReason_; }

 private:
  void attempt();
  void onLookupDone();  // the blocking part of an attempt returned
  void onConnected();
  void onDisconnected(const Error& why);
  void logFailure(bool wasConnected, const Error& why);
  void scheduleRetry();
  void syncSocketWatch();
  void onSocketEvent(std::uint32_t events);
  void armMisc();
  void reportLongOutage();

  EventLoop& loop_;
  const Clock& clock_;
  MqttSettings settings_;
  Handlers handlers_;
  Options options_;
  std::string endpoint_;
  std::unique_ptr<MqttClient> client_;
  OffLoopCall lookup_{loop_};  // the name lookup and TCP connect start of an attempt
  Backoff backoff_;
  State state_ = State::Stopped;
  int watchedFd_ = -1;
  bool watchingWrite_ = false;
  EventLoop::TimerId retryTimer_ = 0;
  EventLoop::TimerId miscTimer_ = 0;
  // The last traffic each way, as libmosquitto's keepalive counts it: its housekeeping is
  // due only a keepalive after the older of the two, so the timer sleeps until then.
  MonoTime lastIn_{};
  MonoTime lastOut_{};
  std::optional<MonoTime> connectedSince_;
  std::optional<MonoTime> downSince_;  // when the broker was last reachable, if it is not now
  bool longOutageReported_ = false;
  std::string lastReason_;
  log::RateLimiter failureLog_{std::chrono::minutes(5)};
  std::string lastLoggedReason_;  // of the last "cannot connect" line written
};

}  // namespace sckd
