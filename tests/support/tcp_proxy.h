#pragma once
// A TCP proxy on a free loopback port in front of the broker that understands MQTT packet
// framing, so a test can drop a connection at an exact point: after the client's n-th
// PUBLISH reached the broker but before the broker's PUBACK reaches the client.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sckd::testing {

class TcpProxy {
 public:
  // nullptr (and a gtest failure) when it cannot listen.
  static std::unique_ptr<TcpProxy> start(int upstreamPort);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }

  // One shot: counting client PUBLISH packets from now, forward the n-th to the broker,
  // then close both sides at once (no broker->client byte after it passes). Later
  // connections pass normally until the next call.
  void cutAfterPublish(int n);

  // The next `connections` connections accepted have every client PUBLISH dropped, while
  // everything else (CONNECT, PINGREQ, ...) passes: a broker that keeps the connection up
  // and never acknowledges a message.
  void swallowPublishes(int connections) { swallowArmed_ = connections; }

  // While on, every connection is closed right after the broker's first PUBACK reaches the
  // client: a broker that drops the client after each message it accepts.
  void disconnectAfterEachPuback(bool on) { cutAfterPuback_ = on; }

  // Answers every CONNECT itself with a CONNACK carrying `returnCode` (1..5: bad protocol,
  // identifier rejected, server unavailable, bad user name or password, not authorised)
  // and closes, until called again with 0.
  void refuseConnections(int returnCode) { refuseCode_ = returnCode; }

  // While on, every packet in either direction is dropped and the connections stay open: a
  // broker that accepts TCP and never answers (not even CONNECT), or one gone silent
  // mid-session (a half-dead NAT mapping).
  void silence(bool on) { silent_ = on; }

  // Broker unreachable: the listening socket is closed (new connections are refused) and
  // every open connection is dropped. resume() listens on the same port again.
  void pause();
  bool resume();

  int publishesSeen() const { return publishes_.load(); }  // client -> broker
  int pubacksSeen() const { return pubacks_.load(); }      // broker -> client, forwarded
  int connectionsAccepted() const { return accepted_.load(); }
  int cutsDone() const { return cuts_.load(); }
  // The payloads of the PUBLISH packets after which a connection was cut.
  std::vector<std::string> cutPayloads() const;

 private:
  struct Conn;
  TcpProxy() = default;
  void run();
  void acceptOne();
  bool listenOn(int port);
  // Forwards every whole packet buffered in one direction; false when the pair must close.
  bool pump(Conn& c, bool fromClient);

  int upstreamPort_ = 0;
  int port_ = 0;
  int listenFd_ = -1;
  int wakeFd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{false};
  std::atomic<bool> resumeRequested_{false};
  std::atomic<int> cutArmed_{0};      // publishes still to pass before the cut; 0: none
  std::atomic<int> swallowArmed_{0};  // connections still to accept as swallowing
  std::atomic<bool> cutAfterPuback_{false};
  std::atomic<bool> silent_{false};
  std::atomic<int> refuseCode_{0};  // CONNACK return code to answer CONNECT with; 0: none
  std::atomic<int> publishes_{0};
  std::atomic<int> pubacks_{0};
  std::atomic<int> accepted_{0};
  std::atomic<int> cuts_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> cutPayloads_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace sckd::testing
