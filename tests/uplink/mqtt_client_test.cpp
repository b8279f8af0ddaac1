// The libmosquitto wrapper against a real mosquitto on loopback (tests/support TestBroker),
// driven by a small poll() loop the way the daemon's epoll loop drives it.
#include "daemon/uplink/mqtt_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/loopback.h"
#include "tests/support/test_broker.h"

namespace sckd::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kTopic = "device/sck/abc123/readings";

// One client plus everything its callbacks reported.
struct Probe {
  std::unique_ptr<MqttClient> client;
  int connects = 0;
  std::vector<std::string> downs;
  std::vector<ErrorCode> codes;
  std::vector<int> acked;
  std::vector<std::string> received;

  explicit Probe(MqttSettings settings) {
    MqttClient::Callbacks cb;
    cb.connected = [this] { ++connects; };
    cb.disconnected = [this](const Error& why) {
      downs.push_back(why.message);
      codes.push_back(why.code);
    };
    cb.published = [this](int mid) { acked.push_back(mid); };
    cb.message = [this](const std::string&, std::string_view payload) {
      received.emplace_back(payload);
    };
    auto made = MqttClient::create(settings, std::move(cb));
    EXPECT_TRUE(made.ok()) << made.error().message;
    if (made.ok()) client = std::move(*made);
  }
};

MqttSettings plain(int port, const std::string& id) {
  MqttSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.tls = false;
  s.clientId = id;
  s.keepaliveSeconds = 10;
  return s;
}

// Runs the clients' sockets until `done` holds or the time is up.
bool drive(const std::vector<Probe*>& probes, const std::function<bool()>& done,
           std::chrono::milliseconds limit = 5s) {
  const auto deadline = SteadyClock::now() + limit;
  while (!done()) {
    if (SteadyClock::now() > deadline) return false;
    std::vector<pollfd> fds;
    std::vector<Probe*> owners;
    for (Probe* p : probes) {
      const int fd = p->client ? p->client->socket() : -1;
      if (fd < 0) continue;
      fds.push_back(
          pollfd{fd, static_cast<short>(POLLIN | (p->client->wantWrite() ? POLLOUT : 0)), 0});
      owners.push_back(p);
    }
    if (fds.empty()) {
      return done();
    }
    (void)::poll(fds.data(), fds.size(), 20);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      MqttClient& c = *owners[i]->client;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) c.handleReadable();
      if ((fds[i].revents & POLLOUT) && c.socket() >= 0) c.handleWritable();
      c.handleMisc();
    }
  }
  return true;
}

bool connectAndWait(Probe& p) {
  if (!p.client) return false;
  Status started = p.client->connect();
  EXPECT_TRUE(started.ok()) << started.error().message;
  return drive({&p}, [&] { return p.connects > 0 || !p.downs.empty(); }) && p.connects == 1;
}

// A subscriber whose subscription is proven active: it hears its own probe message.
bool subscribe(Probe& sub) {
  if (!connectAndWait(sub)) return false;
  EXPECT_TRUE(sub.client->subscribe(kTopic, 1).ok());
  auto mid = sub.client->publish(kTopic, "probe", 1);
  EXPECT_TRUE(mid.ok());
  const bool heard = drive({&sub}, [&] { return !sub.received.empty(); });
  sub.received.clear();
  return heard;
}

TEST(MqttClient, PublishesAtQos1AndReportsThePuback) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  Probe sub(plain(broker->port(), "sub"));
  ASSERT_TRUE(subscribe(sub)) << broker->log();

  Probe pub(plain(broker->port(), "pub"));
  ASSERT_TRUE(connectAndWait(pub)) << (pub.downs.empty() ? "" : pub.downs[0]);
  EXPECT_TRUE(pub.client->connected());
  const std::string payload =
      R"({"data":[{"recorded_at":"2026-11-24T10:30:00Z","sensors":[{"id":55,"value":21.4}]}]})";
  auto mid = pub.client->publish(kTopic, payload);
  ASSERT_TRUE(mid.ok()) << mid.error().message;
  ASSERT_TRUE(drive({&pub, &sub}, [&] { return !pub.acked.empty() && !sub.received.empty(); }));
  EXPECT_EQ(pub.acked, std::vector<int>{*mid});
  EXPECT_EQ(sub.received, std::vector<std::string>{payload});

  // A clean goodbye reports nothing.
  pub.client->disconnect();
  EXPECT_EQ(pub.client->socket(), -1);
  EXPECT_TRUE(pub.downs.empty());
}

TEST(MqttClient, NoBrokerIsReportedPromptlyAsRefused) {
  const int port = freeTcpPort();  // nothing listens there
  Probe p(plain(port, "nobody"));
  ASSERT_TRUE(p.client);
  const auto started = SteadyClock::now();
  ASSERT_TRUE(p.client->connect().ok());
  drive(
      {&p}, [&] { return !p.downs.empty(); }, 3s);
  ASSERT_EQ(p.downs.size(), 1u);
  EXPECT_NE(p.downs[0].find("refused"), std::string::npos) << p.downs[0];
  EXPECT_EQ(p.codes[0], ErrorCode::Network);
  EXPECT_LT(SteadyClock::now() - started, 2s);
  EXPECT_EQ(p.connects, 0);
  EXPECT_FALSE(p.client->publish(kTopic, "x").ok());
}

TEST(MqttClient, LosingTheBrokerIsReportedOnce) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  Probe p(plain(broker->port(), "lose"));
  ASSERT_TRUE(connectAndWait(p));
  broker->stop();
  drive(
      {&p}, [&] { return !p.downs.empty(); }, 3s);
  drive(
      {&p}, [] { return false; }, 100ms);  // any second report would come now
  ASSERT_EQ(p.downs.size(), 1u);
  EXPECT_FALSE(p.client->connected());

  // The same client reconnects once the broker is back.
  ASSERT_TRUE(broker->restart());
  ASSERT_TRUE(p.client->connect().ok());
  ASSERT_TRUE(drive({&p}, [&] { return p.connects == 2 || p.downs.size() > 1; }));
  EXPECT_EQ(p.connects, 2);
}

MqttSettings secure(const TestBroker& broker, const std::string& ca, const std::string& id) {
  MqttSettings s = plain(broker.tlsPort(), id);
  s.host = "localhost";
  s.tls = true;
  s.caFile = ca;
  return s;
}

TEST(MqttClient, TlsWithTheRightCaWorks) {
  auto broker = TestBroker::start({.tls = true, .dir = ""});
  ASSERT_TRUE(broker);
  Probe sub(plain(broker->port(), "sub"));
  ASSERT_TRUE(subscribe(sub));

  Probe p(secure(*broker, broker->tls().caCert, "tls"));
  ASSERT_TRUE(connectAndWait(p)) << (p.downs.empty() ? "" : p.downs[0]) << "\n" << broker->log();
  auto mid = p.client->publish(kTopic, "over tls");
  ASSERT_TRUE(mid.ok());
  ASSERT_TRUE(drive({&p, &sub}, [&] { return !p.acked.empty() && !sub.received.empty(); }));
  EXPECT_EQ(p.acked, std::vector<int>{*mid});
  EXPECT_EQ(sub.received, std::vector<std::string>{"over tls"});
}

TEST(MqttClient, TlsWithAnotherCaIsRefusedAndNothingIsPublished) {
  auto broker = TestBroker::start({.tls = true, .dir = ""});
  ASSERT_TRUE(broker);
  Probe sub(plain(broker->port(), "sub"));
  ASSERT_TRUE(subscribe(sub));

  Probe p(secure(*broker, broker->tls().otherCaCert, "wrong-ca"));
  ASSERT_TRUE(p.client);
  ASSERT_TRUE(p.client->connect().ok());
  drive({&p, &sub}, [&] { return !p.downs.empty() || p.connects > 0; });
  EXPECT_EQ(p.connects, 0);
  ASSERT_EQ(p.downs.size(), 1u);
  EXPECT_NE(p.downs[0].find("certificate verification failed"), std::string::npos) << p.downs[0];
  EXPECT_EQ(p.codes[0], ErrorCode::Tls);
  EXPECT_FALSE(p.client->publish(kTopic, "must not arrive").ok());
  drive(
      {&p, &sub}, [] { return false; }, 200ms);
  EXPECT_TRUE(sub.received.empty());
  EXPECT_EQ(p.downs.size(), 1u);
}

// A listener whose accept queue is full: the kernel drops new SYNs, so a client's TCP
// connect stays in progress until the queue is drained and the SYN is retransmitted (~1 s).
// That is the slow-network case loopback never shows otherwise.
class StalledListener {
 public:
  StalledListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 0) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    port_ = ntohs(a.sin_port);
    for (int i = 0; i < 3; ++i) {  // fill the queue
      const int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      (void)::connect(f, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fds_.push_back(f);
    }
  }
  ~StalledListener() {
    for (int f : fds_) ::close(f);
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }
  // Accepts whatever is queued; returns the first byte any accepted socket received.
  int poll() {
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
      const int f = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (f < 0) break;
      fds_.push_back(f);
      accepted_.push_back(f);
    }
    for (int f : accepted_) {
      unsigned char byte = 0;
      if (::recv(f, &byte, 1, MSG_PEEK) == 1) return byte;
    }
    return -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> fds_;
  std::vector<int> accepted_;
};

// Drives one client (3 s at most), counting wakeups; returns the first byte the
// listener's side received, or -1.
int firstByteThroughStall(StalledListener& listener, Probe& p, int* wakeups) {
  const auto deadline = SteadyClock::now() + 3s;
  int first = -1;
  while (first < 0 && SteadyClock::now() < deadline && p.downs.empty()) {
    const int fd = p.client->socket();
    if (fd < 0) break;
    pollfd pfd{fd, static_cast<short>(POLLIN | (p.client->wantWrite() ? POLLOUT : 0)), 0};
    if (::poll(&pfd, 1, 20) > 0) {
      ++*wakeups;
      if (pfd.revents & (POLLIN | POLLERR | POLLHUP)) p.client->handleReadable();
      if ((pfd.revents & POLLOUT) && p.client->socket() >= 0) p.client->handleWritable();
    }
    p.client->handleMisc();
    first = listener.poll();
  }
  return first;
}

TEST(MqttClient, SlowTcpConnectStillSendsConnect) {
  StalledListener listener;
  ASSERT_GT(listener.port(), 0);
  Probe p(plain(listener.port(), "slow"));
  ASSERT_TRUE(p.client && p.client->connect().ok());
  int wakeups = 0;
  EXPECT_EQ(firstByteThroughStall(listener, p, &wakeups), 0x10);  // MQTT CONNECT
  EXPECT_LT(wakeups, 100);
  EXPECT_TRUE(p.downs.empty()) << p.downs[0];
}

TEST(MqttClient, SlowTcpConnectWithTlsSendsTheClientHelloWithoutSpinning) {
  StalledListener listener;
  ASSERT_GT(listener.port(), 0);
  MqttSettings s = plain(listener.port(), "slow-tls");
  s.tls = true;
  s.caFile = "/etc/ssl/certs/ca-certificates.crt";
  if (access(s.caFile.c_str(), R_OK) != 0) GTEST_SKIP() << "no system CA bundle to configure";
  Probe p(s);
  ASSERT_TRUE(p.client && p.client->connect().ok());
  int wakeups = 0;
  EXPECT_EQ(firstByteThroughStall(listener, p, &wakeups), 0x16);  // TLS handshake record
  EXPECT_LT(wakeups, 100);  // libmosquitto alone asks for EPOLLOUT all along: a busy loop
  EXPECT_TRUE(p.downs.empty()) << p.downs[0];
}

// TestBroker has no option for refusing clients: a broker of our own that wants a password.
TEST(MqttClient, ConnackRefusalIsReportedOnceWithTheBrokersReason) {
  TempDir dir("sckd-mqtt-refuse");
  const int port = freeTcpPort();
  ASSERT_TRUE(writeFile(dir.file("m.conf"), "user root\npersistence false\nlistener " +
                                                std::to_string(port) +
                                                " 127.0.0.1\nallow_anonymous false\n"));
  const std::string conf = dir.file("m.conf");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp("mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{pid};
  ASSERT_TRUE(waitForPort(port, 5000));

  Probe p(plain(port, "refused"));
  ASSERT_TRUE(p.client && p.client->connect().ok());
  drive({&p}, [&] { return !p.downs.empty() || p.connects > 0; });
  drive(
      {&p}, [] { return false; }, 100ms);
  EXPECT_EQ(p.connects, 0);
  ASSERT_EQ(p.downs.size(), 1u);
  EXPECT_NE(p.downs[0].find("broker refused the connection: "), std::string::npos) << p.downs[0];
  EXPECT_NE(p.downs[0].find("not authorised"), std::string::npos) << p.downs[0];
}

TEST(MqttClient, AnUnreadableCaFileFailsAtSetUp) {
  MqttSettings s = plain(8883, "x");
  s.tls = true;
  s.caFile = "/nonexistent/ca.pem";
  auto made = MqttClient::create(s, {});
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace sckd::testing
