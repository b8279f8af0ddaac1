// What Home Assistant documents for MQTT discovery, for the tests that check sckd's
// discovery configs against it.
#include "tests/support/home_assistant_schema.h"

namespace sckd::testing {

// Home Assistant's MQTT sensor keys (integrations/sensor.mqtt) and device keys.
const std::set<std::string>& haSensorKeys() {
  static const std::set<std::string> keys = {"availability",
                                             "availability_mode",
                                             "availability_template",
                                             "availability_topic",
                                             "default_entity_id",
                                             "device",
                                             "device_class",
                                             "enabled_by_default",
                                             "encoding",
                                             "entity_category",
                                             "entity_picture",
                                             "expire_after",
                                             "force_update",
                                             "icon",
                                             "json_attributes_template",
                                             "json_attributes_topic",
                                             "last_reset_value_template",
                                             "name",
                                             "object_id",
                                             "options",
                                             "payload_available",
                                             "payload_not_available",
                                             "platform",
                                             "qos",
                                             "state_class",
                                             "state_topic",
                                             "suggested_display_precision",
                                             "unique_id",
                                             "unit_of_measurement",
                                             "value_template"};
  return keys;
}

const std::set<std::string>& haDeviceKeys() {
  static const std::set<std::string> keys = {"configuration_url", "connections",  "hw_version",
                                             "identifiers",       "manufacturer", "model",
                                             "model_id",          "name",         "serial_number",
                                             "suggested_area",    "sw_version",   "via_device"};
  return keys;
}

// The units Home Assistant accepts with each device class sckd may choose.
const std::map<std::string, std::set<std::string>>& haClassUnits() {
  static const std::map<std::string, std::set<std::string>> units = {
      {"temperature", {"\u00b0C", "\u00b0F", "K"}},
      {"humidity", {"%"}},
      {"pressure", {"Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "psi"}},
      {"pm1", {"\u00b5g/m\u00b3"}},
      {"pm25", {"\u00b5g/m\u00b3"}},
      {"pm10", {"\u00b5g/m\u00b3"}},
      {"carbon_dioxide", {"ppm"}},
      {"illuminance", {"lx"}},
      {"voltage", {"V", "mV"}},
      {"current", {"A", "mA"}},
      {"signal_strength", {"dB", "dBm"}},
      {"sound_pressure", {"dB", "dBA"}},
      {"duration", {"d", "h", "min", "s", "ms"}},
  };
  return units;
}

}  // namespace sckd::testing
