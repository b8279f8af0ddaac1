#include "daemon/uplink/delivery.h"

namespace sckd {

Delivery::Delivery(EventLoop& loop, const Clock& clock, const MqttSettings& settings,
                   std::string topic, Publisher& publisher)
    : loop_(loop),
      topic_(std::move(topic)),
      publisher_(publisher),
      session_(loop, clock, settings,
               Session::Handlers{
                   .connected =
                       [this] {
                         publisher_.connectionUp();
                         pump();
                       },
                   .disconnected =
                       [this](const Error&) {
                         publisher_.connectionDown();
                         cancelPump();
                       },
                   .published =
                       [this](int mid) {
                         publisher_.acknowledged(mid);
                         pump();  // a PUBACK frees a slot in the in-flight window
                       },
                   .message = nullptr,
               }) {}

Delivery::~Delivery() {
  stop();
}

void Delivery::stop() {
  cancelPump();
  session_.stop();
}

void Delivery::start() {
  if (Status started = session_.start(); !started.ok()) {
    log::error(log::Category::Mqtt, "cannot set up the MQTT client: " + started.error().message);
  }
}

void Delivery::cancelPump() {
  loop_.cancelTimer(pumpTimer_);
  pumpTimer_ = 0;
}

void Delivery::pump() {
  if (session_.state() != Session::State::Connected) return;
  cancelPump();
  std::optional<MonoTime> again = publisher_.pump(
      [this](std::string_view payload) { return session_.publish(topic_, payload); });
  if (again) {
    pumpTimer_ = loop_.addTimer(*again, [this] {
      pumpTimer_ = 0;
      pump();
    });
  }
}

}  // namespace sckd
