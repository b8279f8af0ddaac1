#include "daemon/uplink/session.h"

#include <algorithm>

namespace sckd {
namespace {

// Past this, an unreachable broker is an error an operator should act on, not a blip.
constexpr auto kLongOutage = std::chrono::minutes(10);

}  // namespace

MqttSettings mqttSettings(const PlatformConfig& platform, std::string_view clientIdSuffix) {
  MqttSettings settings;
  settings.host = platform.host;
  settings.port = platform.port;
  settings.tls = platform.tls;
  settings.caFile = platform.caFile;
  settings.clientId = platform.clientId + std::string(clientIdSuffix);
  settings.keepaliveSeconds = static_cast<int>(platform.keepalive.count());
  return settings;
}

std::string readingsTopic(std::string_view token) {
  return "device/sck/" + std::string(token) + "/readings";
}

Session::Session(EventLoop& loop, const Clock& clock, MqttSettings settings, Handlers handlers,
                 Options options)
    : loop_(loop),
      clock_(clock),
      settings_(std::move(settings)),
      handlers_(std::move(handlers)),
      options_(options),
      endpoint_(settings_.host + ":" + std::to_string(settings_.port)) {}

Session::~Session() {
  stop();
}

Status Session::start() {
  MqttClient::Callbacks callbacks;
  callbacks.connected = [this] { onConnected(); };
  callbacks.disconnected = [this](const Error& why) { onDisconnected(why); };
  callbacks.published = [this](int mid) {
    if (handlers_.published) handlers_.published(mid);
  };
  callbacks.message = [this](const std::string& topic, std::string_view payload) {
    if (handlers_.message) handlers_.message(topic, payload);
  };
  Result<std::unique_ptr<MqttClient>> client = MqttClient::create(settings_, std::move(callbacks));
  if (!client.ok()) {
    state_ = State::Stopped;
    return client.error();
  }
  client_ = std::move(*client);
  downSince_ = clock_.monotonic();
  attempt();
  return {};
}

void Session::stop() {
  lookup_.cancel();
  loop_.cancelTimer(retryTimer_);
  loop_.cancelTimer(miscTimer_);
  retryTimer_ = miscTimer_ = 0;
  if (client_) {
    state_ = State::Stopped;  // before disconnect(): its callback must not schedule a retry
    client_->disconnect();
    if (watchedFd_ >= 0) loop_.unwatch(watchedFd_);
    watchedFd_ = -1;
    client_.reset();
  }
  state_ = State::Stopped;
}

void Session::drop(const Error& why) {
  if (!client_ || (state_ != State::Connected && state_ != State::Connecting)) return;
  lookup_.cancel();
  client_->disconnect();  // quiet: the library reports nothing for it
  if (watchedFd_ >= 0) loop_.unwatch(watchedFd_);
  watchedFd_ = -1;
  onDisconnected(why);
}

Result<int> Session::publish(const std::string& topic, std::string_view payload) {
  return publish(topic, payload, PublishOptions{});
}

Result<int> Session::publish(const std::string& topic, std::string_view payload,
                             PublishOptions options) {
  if (state_ != State::Connected || !client_) {
    return makeError(ErrorCode::Network, "mqtt: not connected");
  }
  Result<int> mid = client_->publish(topic, payload, options.qos, options.retain);
  lastOut_ = clock_.monotonic();
  syncSocketWatch();
  return mid;
}

bool Session::writePending() const {
  return state_ == State::Connected && client_ && client_->wantWrite();
}

Status Session::subscribe(const std::string& pattern) {
  if (state_ != State::Connected || !client_) {
    return makeError(ErrorCode::Network, "mqtt: not connected");
  }
  Status subscribed = client_->subscribe(pattern, 1);
  lastOut_ = clock_.monotonic();
  syncSocketWatch();
  return subscribed;
}

void Session::attempt() {
  retryTimer_ = 0;
  state_ = State::Connecting;
  if (options_.log) {
    log::info(log::Category::Mqtt, "connecting to " + endpoint_ + (settings_.tls ? " (TLS)" : ""));
  }
  Result<std::function<void()>> blockingPart = client_->beginConnect();
  if (!blockingPart.ok()) {
    onDisconnected(blockingPart.error());
    return;
  }
  Status started = lookup_.start(std::move(*blockingPart), [this] { onLookupDone(); });
  if (!started.ok()) {
    client_->disconnect();
    onDisconnected(withContext("cannot start the connection attempt", started.error()));
  }
}

void Session::onLookupDone() {
  if (!client_ || state_ != State::Connecting) return;
  client_->finishConnect();  // a failure calls onDisconnected() from in here
  if (state_ != State::Connecting) return;
  lastIn_ = lastOut_ = clock_.monotonic();  // CONNECT is on its way; CONNACK is due
  syncSocketWatch();
  armMisc();
}

void Session::onConnected() {
  state_ = State::Connected;
  backoff_.reset();
  failureLog_.reset();
  lastLoggedReason_.clear();
  if (options_.log) {
    std::string line = "connected to " + endpoint_;
    if (longOutageReported_ || (downSince_ && clock_.monotonic() - *downSince_ > Seconds(30))) {
      auto minutes =
          std::chrono::duration_cast<std::chrono::minutes>(clock_.monotonic() - *downSince_);
      line += " after " + std::to_string(minutes.count()) + " min without the broker (BROKER_BACK)";
    }
    log::notice(log::Category::Mqtt, line);
  }
  downSince_.reset();
  connectedSince_ = clock_.monotonic();
  longOutageReported_ = false;
  lastReason_.clear();
  if (handlers_.connected) handlers_.connected();
  syncSocketWatch();
}

void Session::onDisconnected(const Error& why) {
  const bool wasConnected = state_ == State::Connected;
  if (state_ == State::Stopped) return;
  // Reported twice for one attempt (a failed connect() that also ran the callback): once.
  if (state_ == State::WaitingToRetry) return;
  if (!downSince_) downSince_ = clock_.monotonic();
  connectedSince_.reset();
  lastReason_ = why.message;
  if (options_.log) {
    logFailure(wasConnected, why);
    reportLongOutage();
  }
  if (options_.reconnect) {
    scheduleRetry();
  } else {
    state_ = State::WaitingToRetry;
    if (watchedFd_ >= 0) loop_.unwatch(watchedFd_);
    watchedFd_ = -1;
    loop_.cancelTimer(miscTimer_);
    miscTimer_ = 0;
  }
  if (handlers_.disconnected) handlers_.disconnected(why);
}

void Session::logFailure(bool wasConnected, const Error& why) {
  if (wasConnected) {
    log::warning(log::Category::Mqtt, "connection to " + endpoint_ + " lost: " + why.message);
    return;
  }
  // Repeats of one failure are rate-limited; a new reason (the broker now refuses us, the
  // name stopped resolving) is news and is always told.
  std::uint64_t suppressed = 0;
  if (why.message != lastLoggedReason_) {
    failureLog_.force(clock_.monotonic(), &suppressed);
  } else if (!failureLog_.allow(clock_.monotonic(), &suppressed)) {
    return;
  }
  lastLoggedReason_ = why.message;
  std::string line = "cannot connect to " + endpoint_ + ": " + why.message;
  if (suppressed > 0) line += " [" + std::to_string(suppressed) + " more failed attempts]";
  // A certificate problem will not heal by retrying: it needs the operator.
  (why.code == ErrorCode::Tls ? log::error : log::warning)(log::Category::Mqtt, line);
}

void Session::reportLongOutage() {
  if (longOutageReported_ || !downSince_) return;
  if (clock_.monotonic() - *downSince_ < kLongOutage) return;
  longOutageReported_ = true;
  log::error(
      log::Category::Mqtt,
      "broker " + endpoint_ + " unreachable for more than " +
          std::to_string(std::chrono::duration_cast<std::chrono::minutes>(kLongOutage).count()) +
          " min (BROKER_UNREACHABLE): " + lastReason_ +
          "; readings are kept in the outbox and sent when it is back");
}

void Session::scheduleRetry() {
  state_ = State::WaitingToRetry;
  if (watchedFd_ >= 0) {
    loop_.unwatch(watchedFd_);
    watchedFd_ = -1;
  }
  loop_.cancelTimer(miscTimer_);
  miscTimer_ = 0;
  if (retryTimer_ != 0) return;
  Millis delay = backoff_.next();
  log::debug(log::Category::Mqtt,
             "next connection attempt in " + std::to_string(delay.count()) + " ms");
  retryTimer_ = loop_.addTimer(clock_.monotonic() + delay, [this] { attempt(); });
}

void Session::syncSocketWatch() {
  if (!client_ || state_ == State::WaitingToRetry || state_ == State::Stopped) return;
  const int fd = client_->socket();
  const bool wantWrite = fd >= 0 && client_->wantWrite();
  if (fd != watchedFd_) {
    if (watchedFd_ >= 0) loop_.unwatch(watchedFd_);
    watchedFd_ = -1;
    if (fd < 0) return;
    Status watched =
        loop_.watch(fd, true, wantWrite, [this](std::uint32_t ev) { onSocketEvent(ev); });
    if (!watched.ok()) {
      onDisconnected(withContext("cannot watch the MQTT socket", watched.error()));
      return;
    }
    watchedFd_ = fd;
    watchingWrite_ = wantWrite;
    return;
  }
  if (fd >= 0 && wantWrite != watchingWrite_) {
    if (loop_.modify(fd, true, wantWrite).ok()) watchingWrite_ = wantWrite;
  }
}

void Session::onSocketEvent(std::uint32_t events) {
  if (!client_) return;
  // Each handler may end in a disconnect, which replaces the socket: re-check after each.
  if (events & EPOLLIN) lastIn_ = clock_.monotonic();
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) client_->handleReadable();
  if (client_ && client_->socket() >= 0 && (events & EPOLLOUT)) client_->handleWritable();
  syncSocketWatch();
}

void Session::armMisc() {
  loop_.cancelTimer(miscTimer_);
  // libmosquitto pings (or, with a ping unanswered or CONNACK not come, gives up) once a
  // keepalive has passed since the older of the last packet in and out. It counts whole
  // seconds, so it is surely due a second after that; traffic meanwhile moves the time on.
  const auto due = [this] {
    return std::min(lastIn_, lastOut_) + Seconds(std::max(settings_.keepaliveSeconds, 1)) +
           Seconds(1);
  };
  miscTimer_ = loop_.addTimer(due(), [this, due] {
    miscTimer_ = 0;
    if (!client_ || state_ == State::WaitingToRetry || state_ == State::Stopped) return;
    const MonoTime now = clock_.monotonic();
    if (now >= due()) {
      client_->handleMisc();
      if (state_ == State::WaitingToRetry || state_ == State::Stopped) return;
      lastIn_ = lastOut_ = now;  // as the library resets its own when it sends a PINGREQ
      syncSocketWatch();
    }
    armMisc();
  });
}

std::string Session::describe() const {
  switch (state_) {
    case State::Connected:
      return "broker connected";
    case State::Connecting:
    case State::WaitingToRetry: {
      std::string text = "broker not connected";
      if (downSince_) {
        auto secs = std::chrono::duration_cast<Seconds>(clock_.monotonic() - *downSince_).count();
        text += secs >= 120 ? " for " + std::to_string(secs / 60) + " min"
                            : " for " + std::to_string(secs) + " s";
      }
      if (!lastReason_.empty()) text += " (" + lastReason_ + ")";
      return text;
    }
    case State::Stopped:
      return "broker connection stopped";
  }
  return "";
}

}  // namespace sckd
