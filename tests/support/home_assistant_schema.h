#pragma once
// What Home Assistant documents for MQTT discovery (integrations/sensor.mqtt and the
// sensor integration's device classes): the keys a sensor's discovery config and its
// device block may carry, and the units each device class sckd chooses accepts.

#include <map>
#include <set>
#include <string>

namespace sckd::testing {

const std::set<std::string>& haSensorKeys();
const std::set<std::string>& haDeviceKeys();
// device_class -> the units of measurement Home Assistant accepts with it.
const std::map<std::string, std::set<std::string>>& haClassUnits();

}  // namespace sckd::testing
