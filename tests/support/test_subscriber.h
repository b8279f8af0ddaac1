#pragma once
// An MQTT subscriber for integration tests: libmosquitto on its own thread, subscribed at
// QoS 1 to a topic pattern, recording every message (with its QoS and retain flag).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace sckd::testing {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  int qos = -1;
  bool retain = false;
  std::chrono::steady_clock::time_point at;
};

class TestSubscriber {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string topic = "#";
    std::string caFile;  // non-empty: connect with TLS, trusting only this CA
    int qos = 1;
  };

  // Connected and subscribed (SUBACK seen) on return; nullptr and a gtest failure if not.
  static std::unique_ptr<TestSubscriber> start(const Options& options);
  // Plain MQTT on 127.0.0.1:port, or TLS trusting only `caFile` when it is given.
  static std::unique_ptr<TestSubscriber> start(int port, const std::string& topic,
                                               const std::string& caFile = "");
  ~TestSubscriber();
  TestSubscriber(const TestSubscriber&) = delete;
  TestSubscriber& operator=(const TestSubscriber&) = delete;

  using Predicate = std::function<bool(const std::vector<ReceivedMessage>&)>;
  // True as soon as `pred` holds for the messages so far; false at the timeout. `pred` runs
  // under the lock: it must use its argument, never call back into this object.
  bool waitFor(const Predicate& pred, std::chrono::milliseconds timeout);
  bool waitForCount(std::size_t n, std::chrono::milliseconds timeout);

  std::vector<ReceivedMessage> messages() const;
  std::size_t count() const;
  void clear();

 private:
  TestSubscriber() = default;
  static void onConnect(mosquitto*, void* self, int rc);
  static void onSubscribe(mosquitto*, void* self, int mid, int count, const int* granted);
  static void onMessage(mosquitto*, void* self, const mosquitto_message* msg);

  Options options_;
  mosquitto* mosq_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ReceivedMessage> messages_;
  bool subscribed_ = false;
  int connectRc_ = -1;
};

}  // namespace sckd::testing
