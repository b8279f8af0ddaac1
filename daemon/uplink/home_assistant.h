#pragma once
// Home Assistant's MQTT discovery for the live local copy: which topic each reading goes
// to, and the retained config message that makes each sensor quantity an entity of one
// device, the gateway. Pure text building; the local copy (local_copy.h) sends it. Names
// and units here are the platform's as the drivers spell them; Home Assistant's own
// spellings (UTF-8, "°C", "µg/m³") appear only in what this module builds.

#include <chrono>
#include <string>
#include <string_view>

namespace sckd {

// One quantity of one sensor: one Home Assistant entity.
struct HaEntity {
  std::string sensor;                 // its name in the config: "indoor"
  std::string quantity;               // the driver's quantity name: "temperature"
  std::string unit;                   // the platform's spelling: "degC", "ug/m3"; "" for none
  int decimals = 2;                   // as stored: Home Assistant shows as many
  std::chrono::seconds interval{60};  // how often it is read
};

// The gateway as Home Assistant shows it: one device holding every entity.
struct HaDevice {
  std::string id = {};    // stable for this machine: deviceIdentity()
  std::string name = {};  // "sckd raspberrypi"
  std::string swVersion = {};
};

struct HaTopics {
  std::string topicPrefix = "sckd";
  std::string discoveryPrefix = "homeassistant";
};

// A topic level made of a config name: letters, digits, '_', '-' and '.' stay, anything
// else (an MQTT wildcard '+' '#', a '/', a space, a non-ASCII byte) becomes '_'; never
// empty. Config names are already plain, so this is a guard, not a rewrite.
std::string topicLevel(std::string_view name);
// The same for Home Assistant's node and object ids, which allow only [A-Za-z0-9_-].
std::string haObjectId(std::string_view name);

// The platform's unit in Home Assistant's spelling ("degC" -> "°C", "%RH" -> "%",
// "ug/m3" -> "µg/m³", "lux" -> "lx", "um" -> "µm"); others as they are.
std::string haUnit(std::string_view platformUnit);
// Home Assistant's device class for a quantity, "" where none fits. Decided by the unit
// (and, for units several quantities share, the name), so a class always comes with a unit
// Home Assistant accepts for it.
std::string_view haDeviceClass(std::string_view quantity, std::string_view platformUnit);
// "measurement", or "total_increasing" for a count that only grows until it restarts.
std::string_view haStateClass(std::string_view quantity, std::string_view platformUnit);

// "<topic prefix>/<sensor>/<quantity>": where each reading's value goes, as stored.
std::string stateTopic(const HaTopics& topics, std::string_view sensor, std::string_view quantity);
// "<topic prefix>/status": "online" (retained) while connected, "offline" (the will) after.
std::string availabilityTopic(const HaTopics& topics);
inline constexpr std::string_view kOnline = "online";
inline constexpr std::string_view kOffline = "offline";

struct DiscoveryMessage {
  std::string topic;    // <discovery prefix>/sensor/<node id>/<object id>/config
  std::string payload;  // JSON, UTF-8
};
DiscoveryMessage discoveryMessage(const HaTopics& topics, const HaDevice& device,
                                  const HaEntity& entity);

// A 12-hex-digit id for this machine, the same at every start: derived from
// /etc/machine-id for sckd alone (the machine id itself is never published), or from the
// host name where there is no machine id.
std::string deviceIdentity();

}  // namespace sckd
