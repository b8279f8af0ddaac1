// Home Assistant discovery as Home Assistant documents it (integrations/sensor.mqtt and the
// sensor device classes): every quantity the drivers have gets the class and unit that fit,
// or none; names can never break a topic; unique ids stay the same from one start to the
// next and differ between entities.
#include "daemon/uplink/home_assistant.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/home_assistant_schema.h"

namespace sckd::testing {
namespace {

struct Row {
  const char* quantity;
  const char* unit;  // as the driver spells it
  const char* deviceClass;
};

// Every distinct quantity and unit of drivers/, and the class each must get.
const std::vector<Row> kDriverQuantities = {
    {"temperature", "degC", "temperature"},
    {"object_temperature", "degC", "temperature"},
    {"cpu_temperature", "degC", "temperature"},
    {"humidity", "%RH", "humidity"},
    {"pressure", "kPa", "pressure"},
    {"pm1", "ug/m3", "pm1"},
    {"pm2_5", "ug/m3", "pm25"},
    {"pm4", "ug/m3", ""},  // no class for PM4: none rather than a wrong one
    {"pm10", "ug/m3", "pm10"},
    {"co2", "ppm", "carbon_dioxide"},
    {"light", "lux", "illuminance"},
    {"illuminance", "lux", "illuminance"},
    {"a0", "V", "voltage"},
    {"voltage3", "V", "voltage"},
    {"current0", "A", "current"},
    {"wifi_rssi", "dBm", "signal_strength"},
    {"uptime", "h", "duration"},
    {"noise", "dBA", "sound_pressure"},
    {"memory_free", "%", ""},
    {"disk_free", "%", ""},
    {"load", "", ""},
    {"pn0_5", "#/0.1L", ""},
    {"particle_size", "um", ""},
    {"voc_index", "", ""},
    {"rate", "", ""},
    {"amount", "", ""},
    {"state", "", ""},
    {"value", "", ""},
};

HaTopics topics() {
  return HaTopics{.topicPrefix = "sckd", .discoveryPrefix = "homeassistant"};
}

HaDevice device() {
  return HaDevice{.id = "0123456789ab", .name = "sckd pi", .swVersion = "0.1.0"};
}

nlohmann::json configOf(const HaEntity& entity, const HaDevice& dev = device()) {
  return nlohmann::json::parse(discoveryMessage(topics(), dev, entity).payload);
}

TEST(HomeAssistant, UnitsAreSpelledAsHomeAssistantSpellsThem) {
  EXPECT_EQ(haUnit("degC"),
            "\xC2\xB0"
            "C");
  EXPECT_EQ(haUnit("ug/m3"), "\xC2\xB5g/m\xC2\xB3");
  EXPECT_EQ(haUnit("lux"), "lx");
  EXPECT_EQ(haUnit("%RH"), "%");
  EXPECT_EQ(haUnit("um"), "\xC2\xB5m");
  EXPECT_EQ(haUnit("ppm"), "ppm");
  EXPECT_EQ(haUnit("kPa"), "kPa");
  EXPECT_EQ(haUnit("#/0.1L"), "#/0.1L");
  EXPECT_EQ(haUnit(""), "");
}

TEST(HomeAssistant, EachDriverQuantityGetsTheClassThatFitsWithAUnitHomeAssistantAccepts) {
  for (const Row& row : kDriverQuantities) {
    SCOPED_TRACE(std::string(row.quantity) + " [" + row.unit + "]");
    EXPECT_EQ(haDeviceClass(row.quantity, row.unit), row.deviceClass);
    const nlohmann::json c =
        configOf(HaEntity{.sensor = "s", .quantity = row.quantity, .unit = row.unit});
    if (std::string(row.deviceClass).empty()) {
      EXPECT_FALSE(c.contains("device_class"));
      continue;
    }
    ASSERT_TRUE(c.contains("device_class"));
    ASSERT_TRUE(c.contains("unit_of_measurement")) << "a device class needs its unit";
    const auto& accepted = haClassUnits().at(c["device_class"].get<std::string>());
    EXPECT_EQ(accepted.count(c["unit_of_measurement"].get<std::string>()), 1u) << c.dump();
  }
}

TEST(HomeAssistant, CountsThatOnlyGrowAreTotalIncreasingTheRestMeasurements) {
  EXPECT_EQ(haStateClass("uptime", "h"), "total_increasing");
  // The pulse counter's amount is per interval: a smaller one is not a meter reset.
  EXPECT_EQ(haStateClass("amount", ""), "measurement");
  EXPECT_EQ(haStateClass("rate", ""), "measurement");
  EXPECT_EQ(haStateClass("temperature", "degC"), "measurement");
  EXPECT_EQ(haStateClass("pm2_5", "ug/m3"), "measurement");
}

TEST(HomeAssistant, NamesCanNeverBreakATopicOrAnObjectId) {
  EXPECT_EQ(topicLevel("sht31-1-0x44"), "sht31-1-0x44");
  EXPECT_EQ(topicLevel("my.sensor"), "my.sensor");
  EXPECT_EQ(topicLevel("a/b+c#d e"), "a_b_c_d_e");
  EXPECT_EQ(topicLevel(""), "_");
  EXPECT_EQ(topicLevel("caf\xC3\xA9"), "caf__");
  EXPECT_EQ(haObjectId("my.sensor"), "my_sensor");
  EXPECT_EQ(haObjectId("pm2_5"), "pm2_5");
  EXPECT_EQ(stateTopic(topics(), "in door/#", "temperature"), "sckd/in_door__/temperature");
  EXPECT_EQ(stateTopic(HaTopics{.topicPrefix = "home/gw"}, "indoor", "humidity"),
            "home/gw/indoor/humidity");
  EXPECT_EQ(availabilityTopic(topics()), "sckd/status");
}

TEST(HomeAssistant, TheDiscoveryMessageHasEveryKeyHomeAssistantNeeds) {
  const HaEntity entity{.sensor = "indoor.1",
                        .quantity = "temperature",
                        .unit = "degC",
                        .decimals = 2,
                        .interval = std::chrono::seconds(60)};
  const DiscoveryMessage m = discoveryMessage(topics(), device(), entity);
  EXPECT_EQ(m.topic, "homeassistant/sensor/sckd_0123456789ab/indoor_1_temperature/config");
  const nlohmann::json c = nlohmann::json::parse(m.payload);
  EXPECT_EQ(c["name"], "indoor.1 temperature");
  EXPECT_EQ(c["unique_id"], "sckd_0123456789ab_indoor_1_temperature");
  EXPECT_EQ(c["state_topic"], "sckd/indoor.1/temperature");
  EXPECT_EQ(c["availability_topic"], "sckd/status");
  EXPECT_EQ(c["payload_available"], "online");
  EXPECT_EQ(c["payload_not_available"], "offline");
  EXPECT_EQ(c["device_class"], "temperature");
  EXPECT_EQ(c["unit_of_measurement"], "\u00b0C");
  EXPECT_EQ(c["state_class"], "measurement");
  EXPECT_EQ(c["suggested_display_precision"], 2);
  EXPECT_EQ(c["expire_after"], 180);  // three missed readings
  EXPECT_EQ(c["device"]["identifiers"], nlohmann::json::array({"sckd_0123456789ab"}));
  EXPECT_EQ(c["device"]["name"], "sckd pi");
  EXPECT_EQ(c["device"]["manufacturer"], "sckd");
  EXPECT_EQ(c["device"]["model"], "Smart Citizen gateway");
  EXPECT_EQ(c["device"]["sw_version"], "0.1.0");
  // The degree sign goes out as UTF-8, not as an escape or '?'.
  EXPECT_NE(m.payload.find("\"\xC2\xB0"
                           "C\""),
            std::string::npos)
      << m.payload;
  // A fast sensor still gets a minute before it counts as gone.
  EXPECT_EQ(configOf(HaEntity{.sensor = "s",
                              .quantity = "value",
                              .unit = "",
                              .interval = std::chrono::seconds(1)})["expire_after"],
            60);
  // No unit: no unit key (an empty one would make Home Assistant expect a unitless class).
  EXPECT_FALSE(configOf(HaEntity{.sensor = "s", .quantity = "value", .unit = ""})
                   .contains("unit_of_measurement"));
}

TEST(HomeAssistant, UniqueIdsAreStableAndDistinct) {
  const HaEntity a{.sensor = "indoor", .quantity = "temperature", .unit = "degC"};
  const HaEntity b{.sensor = "indoor", .quantity = "humidity", .unit = "%RH"};
  const HaEntity c{.sensor = "outdoor", .quantity = "temperature", .unit = "degC"};
  EXPECT_EQ(configOf(a)["unique_id"], configOf(a)["unique_id"]);
  // Neither the interval nor the precision is part of what the entity is.
  HaEntity a2 = a;
  a2.interval = std::chrono::seconds(5);
  a2.decimals = 1;
  EXPECT_EQ(configOf(a2)["unique_id"], configOf(a)["unique_id"]);
  std::set<std::string> ids{configOf(a)["unique_id"], configOf(b)["unique_id"],
                            configOf(c)["unique_id"]};
  EXPECT_EQ(ids.size(), 3u);
  HaDevice other = device();
  other.id = "ba9876543210";
  EXPECT_NE(configOf(a, other)["unique_id"], configOf(a)["unique_id"]);
}

TEST(HomeAssistant, TheDeviceIdentityIsStableAndHidesTheMachineId) {
  const std::string id = deviceIdentity();
  EXPECT_EQ(id, deviceIdentity());
  ASSERT_EQ(id.size(), 12u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  std::string machine;
  std::ifstream("/etc/machine-id") >> machine;
  if (!machine.empty()) {
    EXPECT_EQ(machine.find(id), std::string::npos);
  }
}

}  // namespace
}  // namespace sckd::testing
