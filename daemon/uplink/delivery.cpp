#include "daemon/uplink/delivery.h"

namespace sckd {

Delivery::Delivery(EventLoop& loop, const Clock& clock, const MqttSettings& settings,
                   std::string topic, Publisher& publisher, std::function<void()> changed)
    : loop_(loop),
      clock_(clock),
      topic_(std::move(topic)),
      publisher_(publisher),
      changed_(std::move(changed)),
      session_(loop, clock, settings,
               Session::Handlers{
                   .connected =
                       [this] {
                         publisher_.connectionUp();
                         pump();
                         if (changed_) changed_();
                       },
                   .disconnected =
                       [this](const Error&) {
                         publisher_.connectionDown();
                         cancelPump();
                         if (changed_) changed_();
                       },
                   .published =
                       [this](int mid) {
                         publisher_.acknowledged(mid);
                         pump();  // a PUBACK frees a slot in the in-flight window
                         if (changed_) changed_();
                       },
                   .message = nullptr,
               }),
      // The keepalive is the user's word for how soon a dead link must be noticed; a
      // PUBACK normally comes within a second, even behind a slow uplink.
      ackTimeout_(Seconds(std::max(settings.keepaliveSeconds, 5))) {}

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
  loop_.cancelTimer(ackTimer_);
  pumpTimer_ = ackTimer_ = 0;
}

void Delivery::watchAcks() {
  loop_.cancelTimer(ackTimer_);
  ackTimer_ = 0;
  const std::optional<MonoTime> since = publisher_.awaitingAckSince();
  if (!since) return;
  ackTimer_ = loop_.addTimer(*since + ackTimeout_, [this] {
    ackTimer_ = 0;
    const std::optional<MonoTime> still = publisher_.awaitingAckSince();
    if (!still) return;
    if (*still + ackTimeout_ > clock_.monotonic()) {
      watchAcks();  // a PUBACK came meanwhile: wait from there
      return;
    }
    session_.drop(
        makeError(ErrorCode::Timeout,
                  "no PUBACK from the broker for " +
                      std::to_string(std::chrono::duration_cast<Seconds>(ackTimeout_).count()) +
                      " s with " + std::to_string(publisher_.inFlightMessages()) +
                      " messages in flight; reconnecting to send them again"));
  });
}

void Delivery::pump() {
  if (session_.state() != Session::State::Connected) return;
  cancelPump();
  std::optional<MonoTime> again = publisher_.pump(
      [this](std::string_view payload) { return session_.publish(topic_, payload); });
  watchAcks();
  if (again) {
    pumpTimer_ = loop_.addTimer(*again, [this] {
      pumpTimer_ = 0;
      pump();
    });
  }
}

}  // namespace sckd
