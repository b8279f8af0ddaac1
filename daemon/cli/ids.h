#pragma once
// `sckd ids`: the platform sensor ids sckd knows, the drivers that publish each one unless the
// config says otherwise, and the ids the config publishes, so a user can give a new sensor
// an id that no other sensor uses. Built apart from the command so tests check the listing
// against a driver table and a config of their own.

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "drivers/driver.h"

namespace sckd {

// A driver's quantity that publishes under an id when the config gives it none.
struct DefaultUse {
  std::string driver;          // "sht31"
  std::string quantity;        // "temperature"
  std::optional<int> address;  // set when the id depends on the chip's address (ADS1x15)
  bool generic = false;        // a generic id, borrowed because the chip has none of its own
};

// A quantity of a configured sensor.
struct IdUser {
  std::string sensor;
  std::string quantity;
};

// One id sckd can name: in its catalogue of the platform's ids, or some driver's default.
struct KnownId {
  int id = 0;
  std::string name;  // the catalogue's; empty when only a driver names the id
  std::string unit;  // the catalogue's
  std::vector<DefaultUse> defaultFor;
  std::vector<IdUser> usedBy;  // what the config publishes under this id
};

// Where the id a sensor publishes a quantity under comes from.
enum class IdOrigin {
  Default,   // the driver's own id for the chip
  Generic,   // the driver's borrowed generic id
  Override,  // the config replaces the driver's default
  Given,     // the driver has no default: the config must name one
};

// One quantity the config publishes.
struct PublishedId {
  std::string sensor, driver, quantity;
  std::string unit;  // the driver's unit for the quantity
  int id = 0;
  int defaultId = 0;  // the driver's default for this quantity at this address; 0: none
  IdOrigin origin = IdOrigin::Default;
  bool known = false;       // in sckd's catalogue
  std::string name;         // the catalogue's, when known
  std::string catalogUnit;  // the unit the platform keeps the id in, when known
};

struct IdListing {
  std::vector<KnownId> known;  // by id
  std::vector<std::string> driversWithoutDefaults;
  std::string configPath;
  std::optional<std::string> configError;  // set when the config could not be read
  std::vector<PublishedId> published;      // in the config's order
};

// `config` is the config as loaded: on an error only the known ids are listed.
IdListing listIds(const std::vector<DriverInfo>& drivers, const std::string& configPath,
                  const Result<Config>& config);
// The tables for a person.
std::string formatIds(const IdListing& listing);
// One JSON object: {"known": [...], "config": [...], "config_path": ..., "config_error": ...}.
std::string idsJson(const IdListing& listing);

}  // namespace sckd
