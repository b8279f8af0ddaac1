// `sckd tail`: the platform's side of the wire, for a person. Subscribes to what the broker
// receives and prints each reading decoded, so a user sees their data arrive.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "config/config.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_file.h"
#include "daemon/uplink/sensor_catalog.h"
#include "daemon/uplink/session.h"

namespace sckd {
namespace {

// "device/sck/<token>/readings" -> "<token>"
std::string tokenOf(const std::string& topic) {
  constexpr std::string_view prefix = "device/sck/";
  auto end = topic.rfind("/readings");
  if (topic.rfind(prefix, 0) != 0 || end == std::string::npos || end < prefix.size()) return "?";
  return topic.substr(prefix.size(), end - prefix.size());
}

void printMessage(const std::string& topic, std::string_view payload, bool showDevice, bool json) {
  nlohmann::json doc = nlohmann::json::parse(payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
    std::fprintf(stderr, "tail: message on %s is not a readings payload: %.*s\n", topic.c_str(),
                 static_cast<int>(std::min<std::size_t>(payload.size(), 200)), payload.data());
    return;
  }
  // Another device's token is its only credential: shown masked, like our own in logs.
  const std::string device = log::maskSecret(tokenOf(topic));
  for (const auto& entry : doc["data"]) {
    if (!entry.is_object()) continue;
    std::string at = entry.contains("recorded_at") && entry["recorded_at"].is_string()
                         ? entry["recorded_at"].get<std::string>()
                         : "(no recorded_at)";
    if (!entry.contains("sensors") || !entry["sensors"].is_array()) continue;
    for (const auto& sensor : entry["sensors"]) {
      if (!sensor.is_object() || !sensor.contains("id") || !sensor.contains("value")) continue;
      const auto& idNode = sensor["id"];
      const auto& value = sensor["value"];
      const int id = idNode.is_number_integer() ? idNode.get<int>() : -1;
      const CatalogEntry* known = findCatalogEntry(id);
      if (json) {
        nlohmann::json line = {{"recorded_at", at}, {"id", idNode}, {"value", value}};
        if (showDevice) line["device"] = device;
        if (known) {
          line["name"] = known->name;
          line["unit"] = known->unit;
        }
        std::printf("%s\n", line.dump().c_str());
        continue;
      }
      std::string text = at + "  ";
      if (showDevice) text += device + "  ";
      text += "id " + idNode.dump() + "  ";
      text += known ? std::string(known->name) : std::string("(unknown sensor)");
      text += "  " + value.dump();
      if (known && !known->unit.empty()) text += " " + std::string(known->unit);
      std::printf("%s\n", text.c_str());
    }
  }
  std::fflush(stdout);
}

}  // namespace

int tailCommand(const TailOptions& options) {
  std::signal(SIGPIPE, SIG_IGN);
  Result<Config> config = loadCommandConfig(options.configPath);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 1;
  }
  const std::string token = options.token.value_or(config->platform.token);
  std::string topic = options.all ? readingsTopic("+") : readingsTopic(token);
  if (options.shareGroup) topic = "$share/" + *options.shareGroup + "/" + topic;
  if (!options.all) log::setSecret(token);

  auto loop = EventLoop::create({SIGINT, SIGTERM});
  if (!loop.ok()) {
    std::fprintf(stderr, "sckd tail: %s\n", loop.error().message.c_str());
    return 2;
  }
  EventLoop& events = **loop;
  SystemClock clock;
  // A client id of its own, so any number of tails run beside the daemon.
  std::mt19937 rng(std::random_device{}());
  MqttSettings settings = mqttSettings(config->platform);
  settings.clientId =
      "sckd-tail-" + std::to_string(getpid()) + "-" + std::to_string(rng() % 100000);
  const std::string where = settings.host + ":" + std::to_string(settings.port);

  Session* live = nullptr;  // set once the session exists; handlers run only after start()
  Session session(
      events, clock, settings,
      Session::Handlers{
          .connected =
              [&] {
                if (Status s = live->subscribe(topic); !s.ok()) {
                  std::fprintf(stderr, "sckd tail: subscribe: %s\n", s.error().message.c_str());
                } else {
                  std::fprintf(stderr, "sckd tail: listening on %s for %s (Ctrl-C to stop)\n",
                               where.c_str(),
                               options.all ? topic.c_str() : log::maskSecret(token).c_str());
                }
              },
          .disconnected =
              [&](const Error& why) {
                std::fprintf(stderr, "sckd tail: %s: %s; retrying\n", where.c_str(),
                             why.message.c_str());
              },
          .published = nullptr,
          .message =
              [&](const std::string& t, std::string_view payload) {
                printMessage(t, payload, options.all, options.json);
              }},
      Session::Options{.reconnect = true, .log = false});
  live = &session;
  events.onSignal(SIGINT, [&] { events.stop(); });
  events.onSignal(SIGTERM, [&] { events.stop(); });
  if (Status started = session.start(); !started.ok()) {
    std::fprintf(stderr, "sckd tail: %s\n", started.error().message.c_str());
    return 2;
  }
  Status ran = events.run();
  session.stop();
  return ran.ok() ? 0 : 2;
}

}  // namespace sckd
