#include "daemon/uplink/home_assistant.h"

#include <systemd/sd-id128.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace sckd {
namespace {

// Home Assistant's spelling of the platform's units, where the two differ. The platform's
// payload is ASCII only; Home Assistant's JSON is UTF-8 and its device classes expect these
// exact strings (a class with a unit it does not know is refused). \u00b0 is the degree
// sign, \u00b5 the micro sign, \u00b3 the superscript three.
struct UnitSpelling {
  std::string_view platform;
  std::string_view homeAssistant;
};
constexpr std::array<UnitSpelling, 5> kUnits{{
    {"degC", "\u00b0C"},
    {"%RH", "%"},
    {"ug/m3", "\u00b5g/m\u00b3"},
    {"lux", "lx"},
    {"um", "\u00b5m"},
}};

bool isOneOf(std::string_view text, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), text) != options.end();
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string cleaned(std::string_view name, bool dotAllowed) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                      (dotAllowed && c == '.');
    out += keep ? c : '_';
  }
  if (out.empty()) out = "_";
  return out;
}

std::string nodeId(const HaDevice& device) {
  return "sckd_" + haObjectId(device.id);
}

// Changing this would give every entity of every installed gateway a new unique_id, and
// Home Assistant would show them all twice: never change it.
constexpr sd_id128_t kAppId =
    SD_ID128_MAKE(e2, 11, 2e, 61, 4b, 11, 4b, 61, a2, 1a, b3, 1e, 8e, 58, 85, 56);

// FNV-1a: only for the fallback without a machine id, where no secret is at stake.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string topicLevel(std::string_view name) {
  return cleaned(name, true);
}

std::string haObjectId(std::string_view name) {
  return cleaned(name, false);
}

std::string haUnit(std::string_view platformUnit) {
  for (const UnitSpelling& u : kUnits) {
    if (u.platform == platformUnit) return std::string(u.homeAssistant);
  }
  return std::string(platformUnit);
}

std::string_view haDeviceClass(std::string_view quantity, std::string_view unit) {
  if (unit == "degC") return "temperature";
  if (unit == "%RH") return "humidity";
  if (isOneOf(unit, {"kPa", "hPa", "Pa", "mbar", "bar"})) return "pressure";
  if (unit == "ug/m3") {
    // pm4 and other sizes have no class of their own; a wrong one would mislabel them.
    if (quantity == "pm1") return "pm1";
    if (quantity == "pm2_5") return "pm25";
    if (quantity == "pm10") return "pm10";
    return "";
  }
  if (unit == "ppm" && contains(quantity, "co2")) return "carbon_dioxide";
  if (unit == "lux") return "illuminance";
  if (isOneOf(unit, {"V", "mV"})) return "voltage";
  if (isOneOf(unit, {"A", "mA"})) return "current";
  if (unit == "dBm") return "signal_strength";
  if (unit == "dBA" ||
      (unit == "dB" && (contains(quantity, "noise") || contains(quantity, "sound"))))
    return "sound_pressure";
  if (isOneOf(unit, {"d", "h", "min", "s", "ms"})) return "duration";
  return "";
}

std::string_view haStateClass(std::string_view quantity, std::string_view /*platformUnit*/) {
  // Uptime only grows until the next boot restarts it: what total_increasing means. The
  // pulse counter's `amount` is the amount of one interval, not a running total, so it is
  // a measurement (total_increasing would make Home Assistant read each new interval's
  // smaller amount as a meter reset).
  if (quantity == "uptime") return "total_increasing";
  return "measurement";
}

std::string stateTopic(const HaTopics& topics, std::string_view sensor, std::string_view quantity) {
  return topics.topicPrefix + "/" + topicLevel(sensor) + "/" + topicLevel(quantity);
}

std::string availabilityTopic(const HaTopics& topics) {
  return topics.topicPrefix + "/status";
}

DiscoveryMessage discoveryMessage(const HaTopics& topics, const HaDevice& device,
                                  const HaEntity& entity) {
  const std::string node = nodeId(device);
  const std::string object = haObjectId(entity.sensor) + "_" + haObjectId(entity.quantity);
  nlohmann::json config = {
      {"name", entity.sensor + " " + entity.quantity},
      // From the machine, the sensor's name and the quantity only: the same entity after a
      // restart, a reload or a reinstall with the same config.
      {"unique_id", node + "_" + object},
      {"state_topic", stateTopic(topics, entity.sensor, entity.quantity)},
      {"availability_topic", availabilityTopic(topics)},
      {"payload_available", kOnline},
      {"payload_not_available", kOffline},
      {"state_class", haStateClass(entity.quantity, entity.unit)},
      {"suggested_display_precision", std::max(entity.decimals, 0)},
      // A sensor that stops reading (unplugged, failing) shows as unavailable after three
      // missed readings instead of its last value forever; never sooner than a minute.
      {"expire_after", std::max<std::int64_t>(3 * entity.interval.count(), 60)},
      {"device",
       {{"identifiers", {node}},
        {"name", device.name},
        {"manufacturer", "sckd"},
        {"model", "Smart Citizen gateway"},
        {"sw_version", device.swVersion}}},
  };
  if (!entity.unit.empty()) config["unit_of_measurement"] = haUnit(entity.unit);
  if (auto cls = haDeviceClass(entity.quantity, entity.unit); !cls.empty()) {
    config["device_class"] = cls;
  }
  return DiscoveryMessage{topics.discoveryPrefix + "/sensor/" + node + "/" + object + "/config",
                          config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

std::string deviceIdentity() {
  sd_id128_t id{};
  char text[13] = {};
  if (sd_id128_get_machine_app_specific(kAppId, &id) == 0) {
    for (int i = 0; i < 6; ++i) std::snprintf(text + 2 * i, 3, "%02x", id.bytes[i]);
    return text;
  }
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::snprintf(text, sizeof text, "%012llx",
                static_cast<unsigned long long>(fnv1a(host.data()) & 0xffffffffffffULL));
  return text;
}

}  // namespace sckd
