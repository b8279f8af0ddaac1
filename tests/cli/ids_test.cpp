// `sckd ids`: every default id with the drivers that publish it, and the config's ids marked
// by where they come from, so a user can pick an id for a new sensor that collides with none.
#include "daemon/cli/ids.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "daemon/uplink/sensor_catalog.h"
#include "drivers/driver.h"

namespace sckd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kHead =
    "platform:\n  token: \"abc123\"\noutbox:\n  path: /tmp/sckd-ids-test/outbox.db\nsensors:\n";

Result<Config> configOf(const std::string& sensors) {
  return parseConfig(kHead + sensors, "/etc/test.yaml", driverSchemas());
}

// A config must have a sensor: one that takes no id any test looks at.
const std::string kOneSensor = "  - name: probe\n    driver: sim\n    id: 9998\n";

IdListing listingOf(const std::string& sensors) {
  Result<Config> config = configOf(sensors);
  EXPECT_TRUE(config.ok()) << config.error().message;
  return listIds(driverRegistry(), "/etc/test.yaml", config);
}

// A table row, its wrapped continuation lines joined on, found by its first cell.
std::string rowOf(const std::string& text, const std::string& first) {
  std::istringstream in(text);
  std::string line, row;
  bool inside = false;
  while (std::getline(in, line)) {
    if (inside && !line.empty() && line.front() == ' ' && line.find_first_not_of(' ') > 8) {
      row += " " + line.substr(line.find_first_not_of(' '));
      continue;
    }
    if (inside) break;
    if (line.rfind(first + " ", 0) == 0) {
      inside = true;
      row = line;
    }
  }
  return row;
}

// The config table's line for one quantity of one sensor.
std::string configRow(const std::string& text, const std::string& sensor,
                      const std::string& quantity) {
  std::istringstream in(text.substr(text.find("Published by")));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(sensor + " ", 0) == 0 && line.find(" " + quantity + " ") != std::string::npos)
      return line;
  }
  return "";
}

const KnownId* knownOf(const IdListing& listing, int id) {
  for (const KnownId& k : listing.known)
    if (k.id == id) return &k;
  return nullptr;
}

const PublishedId* publishedOf(const IdListing& listing, const std::string& sensor,
                               const std::string& quantity) {
  for (const PublishedId& p : listing.published)
    if (p.sensor == sensor && p.quantity == quantity) return &p;
  return nullptr;
}

TEST(Ids, EveryDriverDefaultIdIsListedWithItsDriverAndHasAName) {
  const IdListing listing = listingOf(kOneSensor);
  const std::string text = formatIds(listing);
  int checked = 0;
  for (const DriverInfo& info : driverRegistry()) {
    for (std::size_t q = 0; q < info.quantities.size(); ++q) {
      std::vector<std::pair<int, std::optional<int>>> defaults;  // id, address
      if (info.defaultIdForAddress) {
        for (int address : info.addresses)
          defaults.emplace_back(info.defaultIdForAddress(address, q), address);
      } else {
        defaults.emplace_back(info.quantities[q].defaultId, std::nullopt);
      }
      for (const auto& [id, address] : defaults) {
        if (id <= 0) continue;
        const std::string what = std::string(info.name) + " " +
                                 std::string(info.quantities[q].name) + " -> " + std::to_string(id);
        const KnownId* known = knownOf(listing, id);
        ASSERT_NE(known, nullptr) << what;
        // A default id the catalogue cannot name would be one the platform may not know.
        EXPECT_NE(findCatalogEntry(id), nullptr) << what;
        EXPECT_FALSE(known->name.empty()) << what;
        bool found = false;
        for (const DefaultUse& use : known->defaultFor) {
          found = found || (use.driver == info.name && use.quantity == info.quantities[q].name &&
                            use.address == address && use.generic == info.quantities[q].genericId);
        }
        EXPECT_TRUE(found) << what;
        const std::string row = rowOf(text, std::to_string(id));
        EXPECT_THAT(row, HasSubstr(std::string(info.name))) << what << "\n" << text;
        EXPECT_THAT(row, HasSubstr(std::string(info.quantities[q].name))) << what << "\n" << text;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50);  // the registry is really there
}

TEST(Ids, TheCatalogueIsListedWholeInIdOrder) {
  const IdListing listing = listingOf(kOneSensor);
  for (const CatalogEntry& entry : catalogEntries()) {
    const KnownId* known = knownOf(listing, entry.id);
    ASSERT_NE(known, nullptr) << entry.id;
    EXPECT_EQ(known->name, entry.name);
    EXPECT_EQ(known->unit, entry.unit);
  }
  for (std::size_t i = 1; i < listing.known.size(); ++i) {
    EXPECT_LT(listing.known[i - 1].id, listing.known[i].id);
  }
  // Ids no driver publishes by default (the battery, the noise sensor) are still there.
  const std::string text = formatIds(listing);
  EXPECT_THAT(rowOf(text, "10"), HasSubstr("battery level")) << text;
  EXPECT_THAT(rowOf(text, "53"), HasSubstr("ICS43432 noise dBA")) << text;
}

TEST(Ids, SharedAndBorrowedIdsNameEveryDriverAndSayGeneric) {
  const std::string text = formatIds(listingOf(kOneSensor));
  const std::string row = rowOf(text, "55");
  EXPECT_THAT(row, HasSubstr("SHT31 temperature")) << row;
  EXPECT_THAT(row, HasSubstr("degC")) << row;
  EXPECT_THAT(row, HasSubstr("sht31 temperature;")) << "the chip's own id first: " << row;
  for (const char* borrower : {"sht30", "sht4x", "bme280", "scd40", "scd41", "lps33hw"})
    EXPECT_THAT(row, HasSubstr(borrower)) << row;
  EXPECT_THAT(row, HasSubstr("temperature (generic)")) << row;
  EXPECT_THAT(text, HasSubstr("No default id, so the config names one")) << text;
  EXPECT_THAT(text, HasSubstr("pulse")) << text;
}

TEST(Ids, AdcIdsDependOnTheAddress) {
  const std::string text = formatIds(listingOf(kOneSensor));
  EXPECT_THAT(rowOf(text, "133"), HasSubstr("ads1015, ads1115 a0 at 0x48")) << text;
  EXPECT_THAT(rowOf(text, "141"), HasSubstr("ads1015, ads1115 a3 at 0x49")) << text;
  EXPECT_THAT(rowOf(text, "148"), HasSubstr("a0 at 0x4b")) << text;
  EXPECT_THAT(rowOf(text, "151"), HasSubstr("a3 at 0x4b")) << text;
}

TEST(Ids, TheConfigSectionMarksDefaultsOverridesAndGenericIds) {
  const IdListing listing = listingOf(
      "  - name: outdoor\n    driver: sht31\n    address: 0x45\n"
      "    ids: {temperature: 79}\n"
      "  - name: window\n    driver: bh1750\n    address: 0x23\n"
      "  - name: adc\n    driver: ads1115\n    address: 0x49\n    inputs: \"0\"\n");
  const PublishedId* temperature = publishedOf(listing, "outdoor", "temperature");
  ASSERT_NE(temperature, nullptr);
  EXPECT_EQ(temperature->id, 79);
  EXPECT_EQ(temperature->origin, IdOrigin::Override);
  EXPECT_EQ(temperature->defaultId, 55);
  EXPECT_EQ(temperature->name, "external SHT31 temperature");
  const PublishedId* humidity = publishedOf(listing, "outdoor", "humidity");
  ASSERT_NE(humidity, nullptr);
  EXPECT_EQ(humidity->id, 56);
  EXPECT_EQ(humidity->origin, IdOrigin::Default);
  const PublishedId* window = publishedOf(listing, "window", "light");
  ASSERT_NE(window, nullptr);
  EXPECT_EQ(window->origin, IdOrigin::Generic);
  EXPECT_EQ(window->id, 14);
  const PublishedId* adc = publishedOf(listing, "adc", "a0");
  ASSERT_NE(adc, nullptr);
  EXPECT_EQ(adc->id, 138) << "the 0x49 group";
  EXPECT_EQ(adc->origin, IdOrigin::Default);

  const std::string text = formatIds(listing);
  EXPECT_THAT(text, HasSubstr("Published by /etc/test.yaml:")) << text;
  const std::string outdoor = configRow(text, "outdoor", "temperature");
  EXPECT_THAT(outdoor, HasSubstr("79")) << text;
  EXPECT_THAT(outdoor, HasSubstr("config (driver default 55)")) << text;
  EXPECT_THAT(configRow(text, "outdoor", "humidity"), HasSubstr("driver default")) << text;
  EXPECT_THAT(configRow(text, "window", "light"), HasSubstr("driver default (generic)")) << text;
  // The known table says which ids are taken, and by what.
  EXPECT_THAT(rowOf(text, "79"), HasSubstr("outdoor temperature")) << text;
  EXPECT_THAT(rowOf(text, "14"), HasSubstr("window light")) << text;
  EXPECT_THAT(rowOf(text, "56"), HasSubstr("outdoor humidity")) << text;
  EXPECT_THAT(rowOf(text, "55"), Not(HasSubstr("outdoor"))) << "overridden away: " << text;
  EXPECT_THAT(rowOf(text, "138"), HasSubstr("adc a0")) << text;
  // An input the sensor does not read still holds its id: no other sensor may take it.
  EXPECT_THAT(configRow(text, "adc", "a3"), HasSubstr("141")) << text;
  EXPECT_EQ(rowOf(text, "224").find("outdoor"), std::string::npos) << text;
}

TEST(Ids, AnIdTheCatalogueLacksIsShownAsUnknown) {
  const IdListing listing = listingOf(
      "  - name: rain\n    driver: sim\n    id: 9999\n"
      "  - name: indoor\n    driver: sht31\n    ids: {temperature: 227}\n");
  const PublishedId* rain = publishedOf(listing, "rain", "value");
  ASSERT_NE(rain, nullptr);
  EXPECT_FALSE(rain->known);
  EXPECT_EQ(rain->origin, IdOrigin::Given);
  EXPECT_EQ(knownOf(listing, 9999), nullptr) << "sckd does not claim to know it";

  const std::string text = formatIds(listing);
  EXPECT_THAT(configRow(text, "rain", "value"), HasSubstr("? not in sckd's list")) << text;
  EXPECT_THAT(configRow(text, "rain", "value"), HasSubstr("config")) << text;
  EXPECT_THAT(text, HasSubstr("! 9999 (rain value) is not in sckd's list")) << text;
  // Known, but kept in another unit than the sensor's: said too.
  EXPECT_THAT(text, HasSubstr("! indoor temperature is in degC, but the platform keeps id 227 in "
                              "kPa"))
      << text;

  const auto json = nlohmann::json::parse(idsJson(listing));
  ASSERT_EQ(json["config"].size(), 3u) << json.dump(2);
  const auto& entry = json["config"][0];
  EXPECT_EQ(entry["sensor"], "rain");
  EXPECT_EQ(entry["id"], 9999);
  EXPECT_EQ(entry["known"], false);
  EXPECT_TRUE(entry["name"].is_null());
  EXPECT_EQ(entry["origin"], "config");
  EXPECT_TRUE(entry["default_id"].is_null());
}

TEST(Ids, JsonHasTheKnownIdsAndTheConfigsIds) {
  const IdListing listing =
      listingOf("  - name: outdoor\n    driver: sht31\n    ids: {temperature: 79}\n");
  const auto json = nlohmann::json::parse(idsJson(listing));
  ASSERT_TRUE(json["known"].is_array());
  ASSERT_TRUE(json["config"].is_array());
  EXPECT_EQ(json["config_path"], "/etc/test.yaml");
  EXPECT_TRUE(json["config_error"].is_null());
  bool saw55 = false, saw79 = false;
  for (const auto& k : json["known"]) {
    if (k["id"] == 55) {
      saw55 = true;
      EXPECT_EQ(k["name"], "SHT31 temperature");
      EXPECT_EQ(k["unit"], "degC");
      bool sht31 = false;
      for (const auto& use : k["default_for"])
        sht31 = sht31 || (use["driver"] == "sht31" && use["quantity"] == "temperature" &&
                          use["generic"] == false);
      EXPECT_TRUE(sht31) << k.dump();
      EXPECT_TRUE(k["in_use_by"].empty()) << "overridden away: " << k.dump();
    }
    if (k["id"] == 79) {
      saw79 = true;
      ASSERT_EQ(k["in_use_by"].size(), 1u) << k.dump();
      EXPECT_EQ(k["in_use_by"][0]["sensor"], "outdoor");
      EXPECT_EQ(k["in_use_by"][0]["quantity"], "temperature");
    }
    if (k["id"] == 138) {
      EXPECT_EQ(k["default_for"][0]["address"], 0x49) << k.dump();
    }
  }
  EXPECT_TRUE(saw55 && saw79);
  const auto& first = json["config"][0];
  EXPECT_EQ(first["origin"], "override");
  EXPECT_EQ(first["default_id"], 55);
  EXPECT_EQ(first["id"], 79);
  EXPECT_EQ(first["name"], "external SHT31 temperature");
  EXPECT_EQ(json["config"][1]["origin"], "default");
}

TEST(Ids, AConfigThatCannotBeReadLeavesTheKnownIdsAndSaysWhy) {
  const Result<Config> broken =
      parseConfig("platform:\n  tokn: x\n  port: nine\n", "/etc/broken.yaml", driverSchemas());
  ASSERT_FALSE(broken.ok());
  const IdListing listing = listIds(driverRegistry(), "/etc/broken.yaml", broken);
  ASSERT_TRUE(listing.configError.has_value());
  EXPECT_THAT(*listing.configError, HasSubstr("/etc/broken.yaml:"));
  EXPECT_EQ(listing.configError->find('\n'), std::string::npos) << "one line";
  EXPECT_THAT(*listing.configError, HasSubstr("sckd check --config-only"))
      << "more than one problem";
  EXPECT_TRUE(listing.published.empty());
  EXPECT_NE(knownOf(listing, 55), nullptr);

  const std::string text = formatIds(listing);
  EXPECT_THAT(rowOf(text, "55"), HasSubstr("sht31 temperature")) << text;
  EXPECT_THAT(text, Not(HasSubstr("Published by"))) << text;
  EXPECT_THAT(text, Not(HasSubstr("IN USE BY"))) << "nothing to say it of: " << text;

  const auto json = nlohmann::json::parse(idsJson(listing));
  EXPECT_TRUE(json["config"].is_array());
  EXPECT_TRUE(json["config"].empty());
  EXPECT_THAT(json["config_error"].get<std::string>(), HasSubstr("/etc/broken.yaml"));
  EXPECT_GT(json["known"].size(), 60u);
}

TEST(Ids, LinesStayWithinAHundredColumns) {
  const std::string text = formatIds(
      listingOf("  - name: balcony-outdoor\n    driver: sht31\n    ids: {temperature: 79}\n"));
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    EXPECT_LE(line.size(), 100u) << line;
    EXPECT_TRUE(line.empty() || line.back() != ' ') << "trailing spaces: '" << line << "'";
  }
}

}  // namespace
}  // namespace sckd
