#include "tests/support/test_subscriber.h"

#include <gtest/gtest.h>
#include <mosquitto.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace sckd::testing {
namespace {

void initLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string uniqueClientId() {
  static std::atomic<int> counter{0};
  return "sckd-test-sub-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace

std::unique_ptr<TestSubscriber> TestSubscriber::start(const Options& options) {
  initLibrary();
  std::unique_ptr<TestSubscriber> s(new TestSubscriber());
  s->options_ = options;
  s->mosq_ = mosquitto_new(uniqueClientId().c_str(), true, s.get());
  if (s->mosq_ == nullptr) {
    ADD_FAILURE() << "mosquitto_new failed";
    return nullptr;
  }
  mosquitto_connect_callback_set(s->mosq_, &TestSubscriber::onConnect);
  mosquitto_subscribe_callback_set(s->mosq_, &TestSubscriber::onSubscribe);
  mosquitto_message_callback_set(s->mosq_, &TestSubscriber::onMessage);
  if (!options.caFile.empty()) {
    int rc =
        mosquitto_tls_set(s->mosq_, options.caFile.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      ADD_FAILURE() << "mosquitto_tls_set: " << mosquitto_strerror(rc);
      return nullptr;
    }
  }
  int rc = mosquitto_connect(s->mosq_, options.host.c_str(), options.port, 30);
  if (rc != MOSQ_ERR_SUCCESS) {
    ADD_FAILURE() << "subscriber connect to " << options.host << ":" << options.port << ": "
                  << mosquitto_strerror(rc);
    return nullptr;
  }
  rc = mosquitto_loop_start(s->mosq_);
  if (rc != MOSQ_ERR_SUCCESS) {
    ADD_FAILURE() << "mosquitto_loop_start: " << mosquitto_strerror(rc);
    return nullptr;
  }
  std::unique_lock lock(s->mutex_);
  if (!s->changed_.wait_for(lock, std::chrono::seconds(10), [&] { return s->subscribed_; })) {
    ADD_FAILURE() << "subscriber: no SUBACK for " << options.topic
                  << " (CONNACK rc=" << s->connectRc_ << ")";
    lock.unlock();
    return nullptr;
  }
  return s;
}

std::unique_ptr<TestSubscriber> TestSubscriber::start(int port, const std::string& topic,
                                                      const std::string& caFile) {
  Options options;
  options.port = port;
  options.topic = topic;
  options.caFile = caFile;
  return start(options);
}

TestSubscriber::~TestSubscriber() {
  if (mosq_ == nullptr) return;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, true);
  mosquitto_destroy(mosq_);
}

void TestSubscriber::onConnect(mosquitto* m, void* self, int rc) {
  auto* s = static_cast<TestSubscriber*>(self);
  {
    std::lock_guard lock(s->mutex_);
    s->connectRc_ = rc;
  }
  if (rc == 0) mosquitto_subscribe(m, nullptr, s->options_.topic.c_str(), s->options_.qos);
}

void TestSubscriber::onSubscribe(mosquitto*, void* self, int, int, const int*) {
  auto* s = static_cast<TestSubscriber*>(self);
  std::lock_guard lock(s->mutex_);
  s->subscribed_ = true;
  s->changed_.notify_all();
}

void TestSubscriber::onMessage(mosquitto*, void* self, const mosquitto_message* msg) {
  auto* s = static_cast<TestSubscriber*>(self);
  ReceivedMessage m;
  m.topic = msg->topic ? msg->topic : "";
  if (msg->payload != nullptr && msg->payloadlen > 0) {
    m.payload.assign(static_cast<const char*>(msg->payload),
                     static_cast<std::size_t>(msg->payloadlen));
  }
  m.qos = msg->qos;
  m.retain = msg->retain;
  m.at = std::chrono::steady_clock::now();
  std::lock_guard lock(s->mutex_);
  s->messages_.push_back(std::move(m));
  s->changed_.notify_all();
}

bool TestSubscriber::waitFor(const Predicate& pred, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return pred(messages_); });
}

bool TestSubscriber::waitForCount(std::size_t n, std::chrono::milliseconds timeout) {
  return waitFor([n](const auto& msgs) { return msgs.size() >= n; }, timeout);
}

std::vector<ReceivedMessage> TestSubscriber::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::size_t TestSubscriber::count() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

void TestSubscriber::clear() {
  std::lock_guard lock(mutex_);
  messages_.clear();
}

}  // namespace sckd::testing
