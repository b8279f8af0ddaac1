#include "daemon/uplink/mqtt_client.h"

#include <mosquitto.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "daemon/base/log.h"

namespace sckd {

namespace {

void initLibraryOnce() {
  static std::once_flag once;
  // Never cleaned up: other clients may live until exit, and the OS frees it all anyway.
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string lowerFirst(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// Whether a return code means the connection (or the attempt) is gone.
bool breaksConnection(int rc) {
  switch (rc) {
    case MOSQ_ERR_SUCCESS:
    case MOSQ_ERR_NO_CONN:  // nothing left to lose
    case MOSQ_ERR_NOMEM:
    case MOSQ_ERR_INVAL:
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_OVERSIZE_PACKET:
    case MOSQ_ERR_QOS_NOT_SUPPORTED:
    case MOSQ_ERR_MALFORMED_UTF8:
      return false;
    default:
      return true;
  }
}

// RAII counter: the handle may not be destroyed while the library is on the stack.
class InLibrary {
 public:
  explicit InLibrary(int& depth) : depth_(depth) { ++depth_; }
  ~InLibrary() { --depth_; }
  InLibrary(const InLibrary&) = delete;
  InLibrary& operator=(const InLibrary&) = delete;

 private:
  int& depth_;
};

}  // namespace

struct MqttClient::ConnectOutcome {
  int rc = MOSQ_ERR_SUCCESS;
  int savedErrno = 0;                              // for a failed lookup: the getaddrinfo code
  std::vector<std::pair<int, std::string>> lines;  // the library's log lines meanwhile
};

// libmosquitto's C callbacks, forwarding to the client the handle belongs to.
struct MqttLibraryHooks {
  static MqttClient& self(void* user) { return *static_cast<MqttClient*>(user); }

  static void onConnect(struct mosquitto*, void* user, int rc) {
    MqttClient& c = self(user);
    if (rc != 0) {
      // The library follows a refusal with a disconnect: report once, with this text.
      c.refusal_ = std::string("broker refused the connection: ") + mosquitto_connack_string(rc);
      return;
    }
    c.connected_ = true;
    if (c.callbacks_.connected) c.callbacks_.connected();
  }

  static void onDisconnect(struct mosquitto*, void* user, int rc) {
    const int savedErrno = errno;
    MqttClient& c = self(user);
    c.reportDown(c.errorFor(rc, savedErrno));
  }

  static void onPublish(struct mosquitto*, void* user, int mid) {
    MqttClient& c = self(user);
    if (c.callbacks_.published) c.callbacks_.published(mid);
  }

  static void onMessage(struct mosquitto*, void* user, const struct mosquitto_message* m) {
    MqttClient& c = self(user);
    if (!c.callbacks_.message || m == nullptr) return;
    std::string_view payload(static_cast<const char*>(m->payload),
                             m->payload ? static_cast<std::size_t>(m->payloadlen) : 0);
    c.callbacks_.message(m->topic ? m->topic : "", payload);
  }

  static void onLog(struct mosquitto*, void* user, int level, const char* text) {
    if (text == nullptr) return;
    self(user).noteLibraryLine(level, text);
  }

  // While the blocking part of a connect runs on its own thread, the library's user data is
  // the attempt's outcome and its lines are kept there, for finishConnect() to replay.
  static void onLogOffLoop(struct mosquitto*, void* user, int level, const char* text) {
    if (text == nullptr) return;
    static_cast<MqttClient::ConnectOutcome*>(user)->lines.emplace_back(level, text);
  }
};

void MqttClient::noteLibraryLine(int level, const std::string& text) {
  if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) {
    lastLibraryError_ = text;
    // OpenSSL reports in several lines; the first names the real cause.
    if (tlsError_.empty() &&
        (text.find("OpenSSL") != std::string::npos ||
         text.find("certificate") != std::string::npos || text.find("SSL") != std::string::npos)) {
      tlsError_ = text;
    }
  }
  log::debug(log::Category::Mqtt, "libmosquitto: " + text);
}

Result<std::unique_ptr<MqttClient>> MqttClient::create(const MqttSettings& settings,
                                                       Callbacks callbacks) {
  initLibraryOnce();
  if (settings.host.empty()) return makeError(ErrorCode::Config, "mqtt: no broker host");
  if (settings.port <= 0 || settings.port > 65535) {
    return makeError(ErrorCode::Config, "mqtt: invalid port " + std::to_string(settings.port));
  }
  std::unique_ptr<MqttClient> client(new MqttClient(settings, std::move(callbacks)));
  // A first handle now, so setup problems (an unreadable CA file) show before connecting.
  if (Status ok = client->setUpHandle(); !ok) return ok.error();
  return client;
}

MqttClient::MqttClient(MqttSettings settings, Callbacks callbacks)
    : settings_(std::move(settings)), callbacks_(std::move(callbacks)) {}

MqttClient::~MqttClient() {
  quiet_ = true;
}

Status MqttClient::setUpHandle() {
  connecting_.reset();
  handle_.reset();
  mosq_ = mosquitto_new(settings_.clientId.empty() ? nullptr : settings_.clientId.c_str(),
                        settings_.cleanSession, this);
  if (mosq_ == nullptr) {
    return makeError(ErrorCode::Internal,
                     std::string("mqtt: cannot create a client: ") + std::strerror(errno));
  }
  handle_.reset(mosq_, &mosquitto_destroy);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  // The publisher owns the in-flight window; the library must not queue behind it.
  mosquitto_max_inflight_messages_set(mosq_, 0);
  mosquitto_connect_callback_set(mosq_, &MqttLibraryHooks::onConnect);
  mosquitto_disconnect_callback_set(mosq_, &MqttLibraryHooks::onDisconnect);
  mosquitto_publish_callback_set(mosq_, &MqttLibraryHooks::onPublish);
  mosquitto_message_callback_set(mosq_, &MqttLibraryHooks::onMessage);
  mosquitto_log_callback_set(mosq_, &MqttLibraryHooks::onLog);
  if (settings_.will) {
    const MqttSettings::Will& will = *settings_.will;
    int rc = mosquitto_will_set(mosq_, will.topic.c_str(), static_cast<int>(will.payload.size()),
                                will.payload.data(), 1, will.retain);
    if (rc != MOSQ_ERR_SUCCESS) {
      return makeError(ErrorCode::Config, "mqtt: cannot set the will on topic '" + will.topic +
                                              "': " + mosquitto_strerror(rc));
    }
  }
  if (!settings_.tls) return {};

  int rc = MOSQ_ERR_SUCCESS;
  if (settings_.caFile.empty()) {
    rc = mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
  } else {
    rc = mosquitto_tls_set(mosq_, settings_.caFile.c_str(), nullptr, nullptr, nullptr, nullptr);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    return makeError(ErrorCode::Config, "mqtt: cannot use CA file '" + settings_.caFile +
                                            "': " + mosquitto_strerror(rc));
  }
  // Peer and host name verification: the library's defaults, stated so nobody turns them off.
  rc = mosquitto_tls_opts_set(mosq_, 1 /* SSL_VERIFY_PEER */, nullptr, nullptr);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_insecure_set(mosq_, false);
  if (rc != MOSQ_ERR_SUCCESS) {
    return makeError(ErrorCode::Tls,
                     std::string("mqtt: cannot set TLS options: ") + mosquitto_strerror(rc));
  }
  return {};
}

Result<std::function<void()>> MqttClient::beginConnect() {
  if (inLibrary_ > 0)
    return makeError(ErrorCode::Internal, "mqtt: connect() called from inside a client callback");
  connected_ = false;
  quiet_ = false;
  attemptLive_ = false;
  releasePending_ = false;
  refusal_.clear();
  pendingFailure_.reset();
  lastLibraryError_.clear();
  tlsError_.clear();
  if (Status ok = setUpHandle(); !ok) return ok.error();

  attemptLive_ = true;
  auto outcome = std::make_shared<ConnectOutcome>();
  connecting_ = outcome;
  // Nothing of this client may run on the other thread: the library's only callback during
  // connect (its log) goes to the outcome instead.
  mosquitto_user_data_set(mosq_, outcome.get());
  mosquitto_log_callback_set(mosq_, &MqttLibraryHooks::onLogOffLoop);
  return std::function<void()>([handle = handle_, outcome, host = settings_.host,
                                port = settings_.port, keepalive = settings_.keepaliveSeconds] {
    errno = 0;
    outcome->rc = mosquitto_connect_async(handle.get(), host.c_str(), port, keepalive);
    outcome->savedErrno = errno;
  });
}

void MqttClient::finishConnect() {
  if (!connecting_ || mosq_ == nullptr) return;
  const std::shared_ptr<ConnectOutcome> outcome = std::move(connecting_);
  connecting_.reset();
  mosquitto_user_data_set(mosq_, this);
  mosquitto_log_callback_set(mosq_, &MqttLibraryHooks::onLog);
  for (const auto& [level, text] : outcome->lines) noteLibraryLine(level, text);
  // An attempt that failed at once (a refused loopback port, an unknown host) is reported
  // like one that fails later: through the callback.
  if (outcome->rc == MOSQ_ERR_INVAL) {
    reportDown(makeError(ErrorCode::Config, "invalid connection settings for " + settings_.host));
  } else if (outcome->rc != MOSQ_ERR_SUCCESS) {
    reportDown(errorFor(outcome->rc, outcome->savedErrno));
  }
  handleResult(MOSQ_ERR_SUCCESS);
}

Status MqttClient::connect() {
  Result<std::function<void()>> blockingPart = beginConnect();
  if (!blockingPart.ok()) return blockingPart.error();
  (*blockingPart)();
  finishConnect();
  return {};
}

void MqttClient::disconnect() {
  if (mosq_ == nullptr) return;
  quiet_ = true;
  attemptLive_ = false;
  connecting_.reset();  // a blocking part still out keeps the handle until it is done
  if (connected_) {
    InLibrary guard(inLibrary_);
    (void)mosquitto_disconnect(mosq_);  // writes DISCONNECT now unless inside a callback
  }
  connected_ = false;
  releaseHandle();
}

void MqttClient::releaseHandle() {
  if (inLibrary_ > 0) {
    releasePending_ = true;
    return;
  }
  releasePending_ = false;
  connecting_.reset();
  handle_.reset();
  mosq_ = nullptr;
}

int MqttClient::socket() const {
  // While the blocking part runs, the handle belongs to its thread.
  return mosq_ != nullptr && !connecting_ ? mosquitto_socket(mosq_) : -1;
}

bool MqttClient::tcpEstablished() const {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  return ::getpeername(socket(), reinterpret_cast<sockaddr*>(&peer), &len) == 0;
}

bool MqttClient::tcpFailed() {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(socket(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) return false;
  releasePending_ = true;  // the library would keep polling a dead socket
  reportDown(makeError(ErrorCode::Network, lowerFirst(std::strerror(err))));
  handleResult(MOSQ_ERR_SUCCESS);
  return true;
}

bool MqttClient::wantWrite() const {
  if (mosq_ == nullptr || socket() < 0) return false;
  // During the TLS handshake only the TCP connect needs EPOLLOUT; the rest is driven by
  // reads (see handleReadable).
  if (tlsHandshaking()) return !tcpEstablished();
  return mosquitto_want_write(mosq_);
}

void MqttClient::handleReadable() {
  if (mosq_ == nullptr || connecting_) return;
  if (attemptLive_ && !connected_ && !tcpEstablished() && tcpFailed()) return;
  int rc = MOSQ_ERR_SUCCESS;
  {
    InLibrary guard(inLibrary_);
    rc = mosquitto_loop_read(mosq_, 1);
    // A handshake that just completed leaves the queued CONNECT to be written.
    if (rc == MOSQ_ERR_SUCCESS && tlsHandshaking() && mosquitto_socket(mosq_) >= 0) {
      rc = mosquitto_loop_write(mosq_, 1);
    }
  }
  handleResult(rc);
}

void MqttClient::handleWritable() {
  if (mosq_ == nullptr || connecting_) return;
  const bool handshaking = tlsHandshaking();
  if (attemptLive_ && !connected_ && !tcpEstablished()) {
    (void)tcpFailed();  // writable before established: the connect failed (or is spurious)
    return;
  }
  int rc = MOSQ_ERR_SUCCESS;
  {
    InLibrary guard(inLibrary_);
    // The library only starts the TLS handshake (sends the ClientHello) from its read path.
    rc = handshaking ? mosquitto_loop_read(mosq_, 1) : MOSQ_ERR_SUCCESS;
    if (rc == MOSQ_ERR_SUCCESS && mosq_ != nullptr && mosquitto_socket(mosq_) >= 0) {
      rc = mosquitto_loop_write(mosq_, 1);
    }
  }
  handleResult(rc);
}

void MqttClient::handleMisc() {
  if (mosq_ == nullptr || connecting_) return;
  int rc = MOSQ_ERR_SUCCESS;
  {
    InLibrary guard(inLibrary_);
    rc = mosquitto_loop_misc(mosq_);
  }
  handleResult(rc);
}

void MqttClient::handleResult(int rc) {
  if (inLibrary_ > 0) return;  // the outermost call finishes the job
  const int savedErrno = errno;
  if (!refusal_.empty()) reportDown(makeError(ErrorCode::Refused, refusal_));
  if (pendingFailure_) {
    // The socket is broken: close it (a fresh handle comes with the next connect()).
    Error why = std::move(*pendingFailure_);
    pendingFailure_.reset();
    if (attemptLive_) releasePending_ = true;
    reportDown(why);
  }
  if (breaksConnection(rc)) reportDown(errorFor(rc, savedErrno));
  if (releasePending_) releaseHandle();
}

Result<int> MqttClient::publish(const std::string& topic, std::string_view payload, int qos,
                                bool retain) {
  if (mosq_ == nullptr || !connected_) return makeError(ErrorCode::Network, "mqtt: not connected");
  int mid = 0;
  int rc = MOSQ_ERR_SUCCESS;
  {
    InLibrary guard(inLibrary_);
    rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                           payload.data(), qos, retain);
  }
  if (rc == MOSQ_ERR_SUCCESS) return mid;
  Error why = errorFor(rc, errno);
  // Reported from the next loop call, not from inside the caller's publish loop.
  if (breaksConnection(rc) && !pendingFailure_) pendingFailure_ = why;
  return withContext("mqtt: publish failed", why);
}

Status MqttClient::subscribe(const std::string& pattern, int qos) {
  if (mosq_ == nullptr || !connected_) return makeError(ErrorCode::Network, "mqtt: not connected");
  int rc = MOSQ_ERR_SUCCESS;
  {
    InLibrary guard(inLibrary_);
    rc = mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    return makeError(ErrorCode::Network,
                     "mqtt: subscribe to " + pattern + " failed: " + mosquitto_strerror(rc));
  }
  return {};
}

void MqttClient::reportDown(const Error& why) {
  const bool wasLive = attemptLive_;
  attemptLive_ = false;
  connected_ = false;
  if (!wasLive || quiet_) return;
  if (callbacks_.disconnected) callbacks_.disconnected(why);
}

Error MqttClient::errorFor(int rc, int savedErrno) const {
  if (rc == MOSQ_ERR_CONN_REFUSED && !refusal_.empty()) {
    return makeError(ErrorCode::Refused, refusal_);
  }
  // A TLS failure may surface as a TLS error, a reset or a closed socket: the library's
  // OpenSSL text is what names it.
  if (settings_.tls && !connected_ && !tlsError_.empty()) {
    if (tlsError_.find("certificate") != std::string::npos) {
      return makeError(ErrorCode::Tls, "TLS certificate verification failed: " + tlsError_);
    }
    return makeError(ErrorCode::Tls, "TLS handshake failed: " + tlsError_);
  }
  return makeError(rc == MOSQ_ERR_TLS            ? ErrorCode::Tls
                   : rc == MOSQ_ERR_CONN_REFUSED ? ErrorCode::Refused
                                                 : ErrorCode::Network,
                   reasonText(rc, savedErrno));
}

std::string MqttClient::reasonText(int rc, int savedErrno) const {
  switch (rc) {
    case MOSQ_ERR_SUCCESS:
      return "disconnected";
    case MOSQ_ERR_ERRNO:
      if (savedErrno != 0) return lowerFirst(std::strerror(savedErrno));
      return "connection failed";
    case MOSQ_ERR_EAI:
      // The library leaves getaddrinfo's code in errno.
      if (savedErrno == EAI_NONAME) return "host name " + settings_.host + " does not exist";
      if (savedErrno == EAI_AGAIN) {
        return "cannot resolve host name " + settings_.host + ": the DNS server did not answer";
      }
      return "cannot resolve host name " + settings_.host;
    case MOSQ_ERR_CONN_LOST:
      return "the connection was closed";
    case MOSQ_ERR_KEEPALIVE:
      if (!connected_) {
        return "the broker never answered the connection request (waited " +
               std::to_string(settings_.keepaliveSeconds) + " s)";
      }
      return "no answer from the broker within the keepalive interval";
    case MOSQ_ERR_TLS:
      return "TLS handshake failed" +
             (lastLibraryError_.empty() ? std::string() : ": " + lastLibraryError_);
    case MOSQ_ERR_CONN_REFUSED:
      return "broker refused the connection";
    case MOSQ_ERR_PROTOCOL:
      return "MQTT protocol error";
    default:
      return lowerFirst(mosquitto_strerror(rc));
  }
}

}  // namespace sckd
