// The live local copy on a real event loop: against a real mosquitto it announces the
// device (retained "online" and discovery configs), copies values at QoS 0 and says
// "offline" when it goes; with no broker it drops readings without queueing them; against a
// broker that stops reading it holds at most kMaxUnsentBytes and drops the rest.
#include "daemon/uplink/local_copy.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "daemon/base/unique_fd.h"
#include "tests/base/run_loop_until.h"
#include "tests/support/test_broker.h"
#include "tests/support/test_subscriber.h"

namespace sckd::testing {
namespace {

using namespace std::chrono_literals;

LocalCopy::Settings settings(int port) {
  LocalCopy::Settings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.device = HaDevice{.id = "0123456789ab", .name = "sckd test", .swVersion = "0.1.0"};
  s.entities = {HaEntity{.sensor = "indoor", .quantity = "temperature", .unit = "degC"},
                HaEntity{.sensor = "indoor", .quantity = "humidity", .unit = "%RH"}};
  return s;
}

struct Harness {
  SystemClock clock;
  std::unique_ptr<EventLoop> loop = std::move(EventLoop::create({}).value());
  std::unique_ptr<LocalCopy> copy;

  explicit Harness(LocalCopy::Settings s) {
    copy = std::make_unique<LocalCopy>(*loop, clock, std::move(s));
  }

  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    return runLoopUntil(*loop, clock, done, limit);
  }
};

bool has(const std::vector<ReceivedMessage>& msgs, const std::string& topic,
         const std::string& payload = "") {
  for (const auto& m : msgs) {
    if (m.topic == topic && (payload.empty() || m.payload == payload)) return true;
  }
  return false;
}

TEST(LocalCopy, AnnouncesTheDeviceCopiesValuesAndSaysOfflineWhenItGoes) {
  auto broker = TestBroker::start({});
  ASSERT_TRUE(broker);
  auto sub = TestSubscriber::start(broker->port(), "#");
  ASSERT_TRUE(sub);
  Harness h(settings(broker->port()));
  ASSERT_TRUE(h.copy->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return h.copy->connected(); }, 5s));
  h.copy->copy({.sensor = "indoor", .quantity = "temperature", .text = "21.4"});
  ASSERT_TRUE(sub->waitFor([](const auto& m) { return has(m, "sckd/indoor/temperature"); }, 5s));
  for (const auto& m : sub->messages()) {
    if (m.topic != "sckd/indoor/temperature") continue;
    EXPECT_EQ(m.payload, "21.4");
    EXPECT_EQ(m.qos, 0);
  }
  EXPECT_EQ(h.copy->copied(), 1u);

  // A subscriber that comes later (Home Assistant starting) still finds the device.
  auto late = TestSubscriber::start(broker->port(), "#");
  ASSERT_TRUE(late);
  ASSERT_TRUE(late->waitForCount(3, 5s));
  const std::string base = "homeassistant/sensor/sckd_0123456789ab/";
  for (const auto& m : late->messages()) {
    EXPECT_TRUE(m.retain) << m.topic;
    EXPECT_NE(m.topic, "sckd/indoor/temperature") << "a reading must not be retained";
  }
  EXPECT_TRUE(has(late->messages(), "sckd/status", "online"));
  ASSERT_TRUE(has(late->messages(), base + "indoor_temperature/config"));
  ASSERT_TRUE(has(late->messages(), base + "indoor_humidity/config"));
  for (const auto& m : late->messages()) {
    if (m.topic != base + "indoor_humidity/config") continue;
    auto c = nlohmann::json::parse(m.payload);
    EXPECT_EQ(c["state_topic"], "sckd/indoor/humidity");
    EXPECT_EQ(c["device_class"], "humidity");
  }

  h.copy.reset();
  EXPECT_TRUE(late->waitFor([](const auto& m) { return has(m, "sckd/status", "offline"); }, 5s));
}

TEST(LocalCopy, WithoutABrokerReadingsAreDroppedNotQueued) {
  Harness h(settings(freeTcpPort()));
  ASSERT_TRUE(h.copy->start().ok());
  h.runUntil([] { return false; }, 300ms);
  EXPECT_FALSE(h.copy->connected());
  for (int i = 0; i < 10000; ++i) {
    h.copy->copy({.sensor = "indoor", .quantity = "temperature", .text = "21.4"});
  }
  EXPECT_EQ(h.copy->copied(), 0u);
  EXPECT_FALSE(h.copy->connected());
}

// Accepts one client, answers its CONNECT, then never reads again: a local broker that
// hangs while the TCP connection stays up.
class StuckBroker {
 public:
  StuckBroker() {
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int small = 4096;  // little kernel buffering, so the stall shows sooner
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_.get(), 1), 0);
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      client_.reset(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      char buf[512];
      (void)::recv(client_.get(), buf, sizeof buf, 0);  // CONNECT
      const unsigned char connack[] = {0x20, 0x02, 0x00, 0x00};
      (void)::send(client_.get(), connack, sizeof connack, MSG_NOSIGNAL);
    });
  }
  ~StuckBroker() {
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }

 private:
  UniqueFd fd_;
  UniqueFd client_;
  int port_ = 0;
  std::thread thread_;
};

TEST(LocalCopy, ABrokerThatStopsReadingHoldsABoundedAmountAndTheRestIsDropped) {
  StuckBroker stuck;
  Harness h(settings(stuck.port()));
  ASSERT_TRUE(h.copy->start().ok());
  ASSERT_TRUE(h.runUntil([&] { return h.copy->connected(); }, 5s));
  const std::string text(1000, '1');
  std::uint64_t attempts = 0;
  // Enough to fill any kernel buffer many times over; the loop never waits.
  while (h.copy->dropped() == 0 && attempts < 200000) {
    h.copy->copy({.sensor = "indoor", .quantity = "temperature", .text = text});
    ++attempts;
  }
  ASSERT_GT(h.copy->dropped(), 0u) << "nothing dropped after " << attempts << " copies";
  const std::uint64_t copiedWhenFull = h.copy->copied();
  for (int i = 0; i < 1000; ++i) {
    h.copy->copy({.sensor = "indoor", .quantity = "temperature", .text = text});
  }
  EXPECT_EQ(h.copy->copied(), copiedWhenFull) << "copied on while the broker read nothing";
  EXPECT_EQ(h.copy->dropped(), 1001u);
}

}  // namespace
}  // namespace sckd::testing
