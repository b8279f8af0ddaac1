#pragma once
// libmosquitto, driven from our own epoll loop (no libmosquitto thread): the loop watches
// socket(), calls handleReadable()/handleWritable() on events and handleMisc() from a
// timer (keepalive pings, QoS 1 retries). Reconnecting is the owner's decision (backoff);
// this class only reports what happened.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/base/result.h"

struct mosquitto;

namespace sckd {

struct MqttSettings {
  // What the broker publishes for us when the connection ends without a DISCONNECT (a
  // crash, a cut cable): how a subscriber learns we are gone.
  struct Will {
    std::string topic;
    std::string payload;
    bool retain = true;
  };

  std::string host;
  int port = 8883;
  bool tls = true;
  std::string caFile;  // PEM bundle to verify the broker with (tls only)
  std::string clientId;
  int keepaliveSeconds = 60;
  bool cleanSession = true;
  std::optional<Will> will;  // set on every connection attempt
};

class MqttClient {
 public:
  struct Callbacks {
    std::function<void()> connected;                     // CONNACK accepted
    std::function<void(const Error& why)> disconnected;  // any loss: Refused, Tls, Network...
    std::function<void(int mid)> published;              // PUBACK for a QoS 1 publish
    std::function<void(const std::string& topic, std::string_view payload)> message;
  };

  // Sets up the client (TLS with certificate verification when settings.tls; never a
  // fallback to plain MQTT). Does not connect.
  static Result<std::unique_ptr<MqttClient>> create(const MqttSettings& settings,
                                                    Callbacks callbacks);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // A connection attempt, in two steps so that the event loop never waits on a host name
  // lookup. beginConnect() (on the loop) makes a fresh handle and returns the blocking
  // part: the library's connect call, which resolves the name (as long as the resolver
  // takes) and starts a non-blocking TCP connect. Run it off the loop (OffLoopCall), then
  // call finishConnect() on the loop; completion or failure arrives through the callbacks.
  // Until then the client has no socket. The blocking part owns what it touches, so a
  // client disconnected or destroyed meanwhile is safe: the part finishes alone.
  //
  // Every attempt starts from a fresh library session: QoS 1 messages the library still
  // held from the last connection are dropped rather than retransmitted under their old
  // ids, because the outbox republishes everything unacknowledged itself.
  Result<std::function<void()>> beginConnect();
  void finishConnect();
  // Both steps in a row, blocking on the lookup: for tests that connect to an address.
  Status connect();
  void disconnect();  // clean DISCONNECT; no callback storm on shutdown

  int socket() const;      // -1 while there is no socket
  bool wantWrite() const;  // watch the socket for EPOLLOUT only while this is true
  bool connected() const { return connected_; }

  void handleReadable();
  void handleWritable();
  void handleMisc();  // call at least once a second while a socket exists

  // QoS 1, retain off unless asked. Returns the message id that published() will report
  // (for QoS 1; a QoS 0 message is never acknowledged).
  Result<int> publish(const std::string& topic, std::string_view payload, int qos = 1,
                      bool retain = false);
  Status subscribe(const std::string& pattern, int qos = 1);

 private:
  friend struct MqttLibraryHooks;  // the C callbacks libmosquitto calls

  MqttClient(MqttSettings settings, Callbacks callbacks);
  Status setUpHandle();
  // A log line of the library: kept when it names an error, and written at debug level.
  void noteLibraryLine(int level, const std::string& text);
  // After every library call: reports a failure the library returned without calling
  // back, and destroys a handle whose release was asked for inside a callback.
  void handleResult(int rc);
  Error errorFor(int rc, int savedErrno) const;
  std::string reasonText(int rc, int savedErrno) const;
  // Tells the owner once per attempt; later reports for the same attempt are dropped.
  void reportDown(const Error& why);
  void releaseHandle();
  // libmosquitto 2.0.11 with TLS and a TCP connect still in progress neither sends the
  // ClientHello when the socket becomes writable nor notices a failed connect, and asks for
  // EPOLLOUT throughout the handshake (a busy loop). These drive that phase themselves.
  bool tlsHandshaking() const { return settings_.tls && attemptLive_ && !connected_; }
  bool tcpEstablished() const;
  bool tcpFailed();  // reports the failure when the pending TCP connect was refused

  struct ConnectOutcome;  // the blocking part's result, shared with its thread

  MqttSettings settings_;
  Callbacks callbacks_;
  // The library handle; the blocking part of a connect holds a second reference.
  std::shared_ptr<struct mosquitto> handle_;
  struct mosquitto* mosq_ = nullptr;            // handle_.get()
  std::shared_ptr<ConnectOutcome> connecting_;  // set while the blocking part is out
  bool connected_ = false;
  bool attemptLive_ = false;  // an attempt or connection not yet reported down
  bool quiet_ = false;        // disconnect() asked: no callbacks for the goodbye
  int inLibrary_ = 0;         // depth of library calls: the handle must outlive them
  bool releasePending_ = false;
  std::string refusal_;                  // CONNACK refusal text, reported with the disconnect
  std::optional<Error> pendingFailure_;  // a publish found the socket broken: report it next
  std::string lastLibraryError_;         // the library's last error line, for messages
  std::string tlsError_;                 // the library's certificate/OpenSSL text of this attempt
};

}  // namespace sckd
