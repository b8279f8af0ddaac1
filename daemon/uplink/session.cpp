#include "daemon/uplink/session.h"

namespace sckd {
namespace {

// Past this, an unreachable broker is an error an operator should act on, not a blip.
constexpr auto kLongOutage = std::chrono::minutes(10);

}  // namespace

Connection::Connection(EventLoop& loop, const Clock& clock, MqttSettings settings,
                       std::string topic, Publisher& publisher)
    : loop_(loop),
      clock_(clock),
      settings_(std::move(settings)),
      topic_(std::move(topic)),
      endpoint_(settings_.host + ":" + std::to_string(settings_.port)),
      publisher_(publisher) {}

Connection::~Connection() {
  stop();
}

void Connection::start() {
  MqttClient::Callbacks callbacks;
  callbacks.connected = [this] { onConnected(); };
  callbacks.disconnected = [this](const std::string& reason) { onDisconnected(reason); };
  callbacks.published = [this](int mid) {
    publisher_.acknowledged(mid);
    pump();  // a PUBACK frees a slot in the in-flight window
  };
  Result<std::unique_ptr<MqttClient>> client = MqttClient::create(settings_, std::move(callbacks));
  if (!client.ok()) {
    // Only a setup failure (no memory, a TLS option libmosquitto refuses): retrying helps
    // nothing until the config changes, but keep the daemon alive and storing readings.
    log::error(log::Category::Mqtt, "cannot set up the MQTT client: " + client.error().message);
    state_ = State::Stopped;
    return;
  }
  client_ = std::move(*client);
  downSince_ = clock_.monotonic();
  attempt();
}

void Connection::stop() {
  loop_.cancelTimer(retryTimer_);
  loop_.cancelTimer(miscTimer_);
  loop_.cancelTimer(pumpTimer_);
  retryTimer_ = miscTimer_ = pumpTimer_ = 0;
  if (client_) {
    state_ = State::Stopped;  // before disconnect(): its callback must not schedule a retry
    client_->disconnect();
    if (watchedFd_ >= 0) loop_.unwatch(watchedFd_);
    watchedFd_ = -1;
    client_.reset();
  }
  state_ = State::Stopped;
}

void Connection::attempt() {
  retryTimer_ = 0;
  state_ = State::Connecting;
  log::info(log::Category::Mqtt, "connecting to " + endpoint_ + (settings_.tls ? " (TLS)" : ""));
  Status started = client_->connect();
  if (!started.ok()) {
    onDisconnected(started.error().message);
    return;
  }
  syncSocketWatch();
  armMisc();
}

void Connection::onConnected() {
  state_ = State::Connected;
  backoff_.reset();
  failureLog_.reset();
  std::string line = "connected to " + endpoint_;
  if (longOutageReported_ || (downSince_ && clock_.monotonic() - *downSince_ > Seconds(30))) {
    auto minutes =
        std::chrono::duration_cast<std::chrono::minutes>(clock_.monotonic() - *downSince_);
    line += " after " + std::to_string(minutes.count()) + " min without the broker (BROKER_BACK)";
  }
  log::notice(log::Category::Mqtt, line);
  downSince_.reset();
  longOutageReported_ = false;
  lastReason_.clear();
  publisher_.connectionUp();
  pump();
}

void Connection::onDisconnected(const std::string& reason) {
  const bool wasConnected = state_ == State::Connected;
  publisher_.connectionDown();
  loop_.cancelTimer(pumpTimer_);
  pumpTimer_ = 0;
  if (state_ == State::Stopped) return;
  // Reported twice for one attempt (a failed connect() that also ran the callback): once.
  if (state_ == State::WaitingToRetry && retryTimer_ != 0) return;
  if (!downSince_) downSince_ = clock_.monotonic();
  lastReason_ = reason;
  if (wasConnected) {
    log::warning(log::Category::Mqtt, "connection to " + endpoint_ + " lost: " + reason);
  } else {
    std::uint64_t suppressed = 0;
    if (failureLog_.allow(clock_.monotonic(), &suppressed)) {
      std::string line = "cannot connect to " + endpoint_ + ": " + reason;
      if (suppressed > 0) line += " [" + std::to_string(suppressed) + " more failed attempts]";
      // A certificate problem will not heal by retrying: it needs the operator.
      bool tlsProblem = reason.find("certificate") != std::string::npos ||
                        reason.find("TLS") != std::string::npos;
      (tlsProblem ? log::error : log::warning)(log::Category::Mqtt, line);
    }
  }
  reportLongOutage();
  scheduleRetry();
}

void Connection::reportLongOutage() {
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

void Connection::scheduleRetry() {
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

void Connection::syncSocketWatch() {
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
      onDisconnected("cannot watch the MQTT socket: " + watched.error().message);
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

void Connection::onSocketEvent(std::uint32_t events) {
  if (!client_) return;
  // Each handler may end in a disconnect, which replaces the socket: re-check after each.
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) client_->handleReadable();
  if (client_ && client_->socket() >= 0 && (events & EPOLLOUT)) client_->handleWritable();
  syncSocketWatch();
}

void Connection::armMisc() {
  loop_.cancelTimer(miscTimer_);
  miscTimer_ = loop_.addTimer(clock_.monotonic() + Seconds(1), [this] {
    miscTimer_ = 0;
    if (!client_ || state_ == State::WaitingToRetry || state_ == State::Stopped) return;
    client_->handleMisc();  // keepalive PINGREQ, and noticing a silent broker
    if (state_ == State::WaitingToRetry || state_ == State::Stopped) return;
    syncSocketWatch();
    armMisc();
  });
}

void Connection::kick() {
  pump();
}

void Connection::pump() {
  if (state_ != State::Connected || !client_) return;
  loop_.cancelTimer(pumpTimer_);
  pumpTimer_ = 0;
  std::optional<MonoTime> again = publisher_.pump(
      [this](std::string_view payload) { return client_->publish(topic_, payload, 1); });
  if (again)
    pumpTimer_ = loop_.addTimer(*again, [this] {
      pumpTimer_ = 0;
      pump();
    });
  syncSocketWatch();
}

std::string Connection::describe() const {
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
