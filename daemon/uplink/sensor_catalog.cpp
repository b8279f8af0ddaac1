#include "daemon/uplink/sensor_catalog.h"

#include <algorithm>
#include <array>

namespace sckd {
namespace {

// Sorted by id (checked by the unit test) so lookup is a binary search.
constexpr std::array kCatalog = {
    CatalogEntry{10, "battery level", "%"},
    CatalogEntry{14, "light", "lux"},
    CatalogEntry{42, "DS18B20 water temperature", "degC"},
    CatalogEntry{53, "ICS43432 noise dBA", "dB"},
    CatalogEntry{55, "SHT31 temperature", "degC"},
    CatalogEntry{56, "SHT31 humidity", "%RH"},
    CatalogEntry{58, "MPL3115A2 barometric pressure", "kPa"},
    CatalogEntry{79, "external SHT31 temperature", "degC"},
    CatalogEntry{80, "external SHT31 humidity", "%RH"},
    CatalogEntry{87, "PMS5003 PM2.5", "ug/m3"},
    CatalogEntry{88, "PMS5003 PM10", "ug/m3"},
    CatalogEntry{89, "PMS5003 PM1", "ug/m3"},
    CatalogEntry{112, "CCS811 eCO2", "ppm"},
    CatalogEntry{113, "CCS811 TVOC", "ppb"},
    CatalogEntry{133, "ADS1x15 channel", "V"},
    CatalogEntry{134, "ADS1x15 channel", "V"},
    CatalogEntry{135, "ADS1x15 channel", "V"},
    CatalogEntry{136, "ADS1x15 channel", "V"},
    CatalogEntry{138, "ADS1x15 channel", "V"},
    CatalogEntry{139, "ADS1x15 channel", "V"},
    CatalogEntry{140, "ADS1x15 channel", "V"},
    CatalogEntry{141, "ADS1x15 channel", "V"},
    CatalogEntry{143, "ADS1x15 channel", "V"},
    CatalogEntry{144, "ADS1x15 channel", "V"},
    CatalogEntry{145, "ADS1x15 channel", "V"},
    CatalogEntry{146, "ADS1x15 channel", "V"},
    CatalogEntry{148, "ADS1x15 channel", "V"},
    CatalogEntry{149, "ADS1x15 channel", "V"},
    CatalogEntry{150, "ADS1x15 channel", "V"},
    CatalogEntry{151, "ADS1x15 channel", "V"},
    CatalogEntry{158, "SCD30 CO2", "ppm"},
    CatalogEntry{160, "SCD30 temperature", "degC"},
    CatalogEntry{161, "SCD30 humidity", "%RH"},
    CatalogEntry{165, "PMS5003 PN 0.3", "#/0.1L"},
    CatalogEntry{166, "PMS5003 PN 0.5", "#/0.1L"},
    CatalogEntry{167, "PMS5003 PN 1.0", "#/0.1L"},
    CatalogEntry{168, "PMS5003 PN 2.5", "#/0.1L"},
    CatalogEntry{169, "PMS5003 PN 5.0", "#/0.1L"},
    CatalogEntry{170, "PMS5003 PN 10.0", "#/0.1L"},
    CatalogEntry{182, "SPS30 PM1", "ug/m3"},
    CatalogEntry{183, "SPS30 PM2.5", "ug/m3"},
    CatalogEntry{184, "SPS30 PM4", "ug/m3"},
    CatalogEntry{185, "SPS30 PM10", "ug/m3"},
    CatalogEntry{186, "SPS30 PN 0.5", "#/0.1L"},
    CatalogEntry{187, "SPS30 PN 1.0", "#/0.1L"},
    CatalogEntry{188, "SPS30 PN 2.5", "#/0.1L"},
    CatalogEntry{189, "SPS30 PN 4.0", "#/0.1L"},
    CatalogEntry{190, "SPS30 PN 10.0", "#/0.1L"},
    CatalogEntry{191, "SPS30 typical particle size", "um"},
    CatalogEntry{193, "SEN5x PM1", "ug/m3"},
    CatalogEntry{194, "SEN5x PM2.5", "ug/m3"},
    CatalogEntry{195, "SEN5x PM4", "ug/m3"},
    CatalogEntry{196, "SEN5x PM10", "ug/m3"},
    CatalogEntry{197, "SEN5x PN0.5", "#/0.1L"},
    CatalogEntry{198, "SEN5x PN1.0", "#/0.1L"},
    CatalogEntry{199, "SEN5x PN2.5", "#/0.1L"},
    CatalogEntry{200, "SEN5x PN4.0", "#/0.1L"},
    CatalogEntry{201, "SEN5x PN10.0", "#/0.1L"},
    CatalogEntry{202, "SEN5x typical particle size", "um"},
    CatalogEntry{203, "SEN5x humidity", "%RH"},
    CatalogEntry{204, "SEN5x temperature", "degC"},
    CatalogEntry{205, "SEN5x VOC index", ""},
    CatalogEntry{206, "SEN5x NOx index", ""},
    CatalogEntry{217, "ICS43432 noise dBC", "dB"},
    CatalogEntry{218, "ICS43432 noise dBZ", "dB"},
    CatalogEntry{219, "MPL3115A2 altitude", "m"},
    CatalogEntry{220, "Wi-Fi RSSI", "dBm"},
    CatalogEntry{222, "battery voltage", "V"},
    CatalogEntry{224, "external SHT35 temperature", "degC"},
    CatalogEntry{225, "external SHT35 humidity", "%RH"},
    CatalogEntry{227, "LPS33 barometric pressure", "kPa"},
};

}  // namespace

const CatalogEntry* findCatalogEntry(int id) {
  auto it = std::lower_bound(kCatalog.begin(), kCatalog.end(), id,
                             [](const CatalogEntry& e, int key) { return e.id < key; });
  if (it == kCatalog.end() || it->id != id) return nullptr;
  return &*it;
}

std::span<const CatalogEntry> catalogEntries() {
  return kCatalog;
}

bool catalogIsSorted() {
  return std::is_sorted(kCatalog.begin(), kCatalog.end(),
                        [](const CatalogEntry& a, const CatalogEntry& b) { return a.id < b.id; });
}

}  // namespace sckd
