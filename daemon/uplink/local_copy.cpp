#include "daemon/uplink/local_copy.h"

namespace sckd {
namespace {

MqttSettings localMqttSettings(const LocalCopy::Settings& settings) {
  MqttSettings mqtt;
  mqtt.host = settings.host;
  mqtt.port = settings.port;
  mqtt.tls = false;
  // Never the platform's client id, which holds the token: the local broker logs ids, and
  // the two sessions must not knock each other off one broker. 23 characters, the most
  // MQTT 3.1.1 promises every broker takes.
  mqtt.clientId = "sckd-" + settings.device.id + "-local";
  mqtt.keepaliveSeconds = 60;
  mqtt.will = MqttSettings::Will{.topic = availabilityTopic(settings.topics),
                                 .payload = std::string(kOffline),
                                 .retain = true};
  return mqtt;
}

}  // namespace

LocalCopy::LocalCopy(EventLoop& loop, const Clock& clock, Settings settings)
    : clock_(clock),
      settings_(std::move(settings)),
      endpoint_(settings_.host + ":" + std::to_string(settings_.port)),
      session_(loop, clock, localMqttSettings(settings_),
               Session::Handlers{.connected = [this] { onConnected(); },
                                 .disconnected = [this](const Error& why) { onDisconnected(why); },
                                 .published = nullptr,
                                 .message = nullptr},
               // The session's own lines speak of the platform's broker and its outbox;
               // this class says what a local broker's state means instead.
               Session::Options{.reconnect = true, .log = false}) {}

LocalCopy::~LocalCopy() {
  // A clean DISCONNECT does not fire the will: say it ourselves (best effort, like the rest).
  if (connected()) (void)send(availabilityTopic(settings_.topics), kOffline, true);
  session_.stop();
}

Status LocalCopy::start() {
  return session_.start();
}

bool LocalCopy::send(const std::string& topic, std::string_view payload, bool retain) {
  // Everything published since the socket was last seen drained may still be waiting in
  // libmosquitto's memory: counting it bounds that memory without asking the library.
  if (!session_.writePending()) unsentBytes_ = 0;
  Result<int> sent = session_.publish(topic, payload, {.qos = 0, .retain = retain});
  if (!sent.ok()) return false;
  unsentBytes_ += topic.size() + payload.size();
  return true;
}

void LocalCopy::copy(const Reading& reading) {
  if (!connected()) return;  // not queued: a live copy, not a store
  if (session_.writePending() && unsentBytes_ >= kMaxUnsentBytes) {
    ++dropped_;
    std::uint64_t suppressed = 0;
    if (slowLog_.allow(clock_.monotonic(), &suppressed)) {
      std::string line = "local broker " + endpoint_ +
                         " is not taking readings as fast as they come; readings are not "
                         "copied to it until it catches up";
      if (suppressed > 0) line += " [" + std::to_string(suppressed) + " more not copied]";
      log::warning(log::Category::Mqtt, line);
    }
    return;
  }
  if (send(stateTopic(settings_.topics, reading.sensor, reading.quantity), reading.text, false)) {
    ++copied_;
  }
}

void LocalCopy::onConnected() {
  unsentBytes_ = 0;
  (void)send(availabilityTopic(settings_.topics), kOnline, true);
  for (const HaEntity& entity : settings_.entities) {
    DiscoveryMessage m = discoveryMessage(settings_.topics, settings_.device, entity);
    (void)send(m.topic, m.payload, true);
  }
  wasConnected_ = true;
  log::notice(log::Category::Mqtt, "local broker " + endpoint_ + " connected: readings copied to " +
                                       settings_.topics.topicPrefix + "/<sensor>/<quantity>, " +
                                       std::to_string(settings_.entities.size()) +
                                       " Home Assistant entities announced under " +
                                       settings_.topics.discoveryPrefix + "/");
}

void LocalCopy::onDisconnected(const Error& why) {
  const bool lost = wasConnected_;
  wasConnected_ = false;
  // A broker that stays away is said once per 10 minutes; losing one that was up is news.
  std::uint64_t suppressed = 0;
  if (lost) {
    downLog_.force(clock_.monotonic(), &suppressed);
  } else if (!downLog_.allow(clock_.monotonic(), &suppressed)) {
    return;
  }
  std::string line = "local broker " + endpoint_ + (lost ? " lost: " : " unreachable: ") +
                     why.message +
                     "; readings are not copied to it until it is back, the Smart Citizen "
                     "platform still gets every one (LOCAL_BROKER_UNREACHABLE)";
  if (suppressed > 0) line += " [" + std::to_string(suppressed) + " more failed attempts]";
  log::warning(log::Category::Mqtt, line);
}

}  // namespace sckd
