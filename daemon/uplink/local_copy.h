#pragma once
// The live local copy (config `local:`): each reading, as it is taken, also goes to a broker
// on the local network, for Home Assistant. Best effort by design, and kept apart from the
// Smart Citizen path: a session of its own, QoS 0, no outbox and no queue. A reading taken
// while the local broker is away is simply not copied, and one the broker is too slow to
// take (more than kMaxUnsentBytes waiting for its socket) is dropped, so whatever the local
// broker does, sampling and the platform's delivery never wait on it and memory stays
// bounded. On every (re)connect it announces the device: "online" on the retained
// availability topic (the will says "offline" should the link die) and one retained Home
// Assistant discovery config per sensor quantity (home_assistant.h).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "daemon/uplink/home_assistant.h"
#include "daemon/uplink/session.h"

namespace sckd {

class LocalCopy {
 public:
  struct Settings {
    std::string host;
    int port = 1883;
    HaTopics topics;
    HaDevice device;
    std::vector<HaEntity> entities;  // announced to Home Assistant on every connect
  };
  // One value of a reading, as the outbox stores it.
  struct Reading {
    std::string_view sensor;    // the sensor's name in the config
    std::string_view quantity;  // "temperature"
    std::string_view text;      // "21.4"
  };
  // A slow broker may hold at most this much of ours before readings are dropped.
  static constexpr std::size_t kMaxUnsentBytes = 64 * 1024;

  LocalCopy(EventLoop& loop, const Clock& clock, Settings settings);
  // Says "offline" on the availability topic and disconnects cleanly.
  ~LocalCopy();
  LocalCopy(const LocalCopy&) = delete;
  LocalCopy& operator=(const LocalCopy&) = delete;

  // Starts connecting (the host name lookup runs off the loop); retries with the session's
  // backoff for as long as it lives.
  Status start();
  // Copies one value now if the local broker is connected and keeping up; drops it if not.
  void copy(const Reading& reading);

  bool connected() const { return session_.state() == Session::State::Connected; }
  std::uint64_t copied() const { return copied_; }
  std::uint64_t dropped() const { return dropped_; }  // while connected but not keeping up

 private:
  void onConnected();
  void onDisconnected(const Error& why);
  bool send(const std::string& topic, std::string_view payload, bool retain);

  const Clock& clock_;
  Settings settings_;
  std::string endpoint_;  // "host:port", for the log
  Session session_;
  std::size_t unsentBytes_ = 0;  // published since the socket was last seen drained
  std::uint64_t copied_ = 0;
  std::uint64_t dropped_ = 0;
  bool wasConnected_ = false;
  log::RateLimiter downLog_{std::chrono::minutes(10)};
  log::RateLimiter slowLog_{std::chrono::minutes(10)};
};

}  // namespace sckd
