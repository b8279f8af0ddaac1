#pragma once
// The validated, typed form of /etc/sckd.yaml. Everything in here has passed validation:
// code that receives a Config never re-checks ranges.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/schema.h"
#include "daemon/base/result.h"

namespace sckd {

inline constexpr std::string_view kDefaultConfigPath = "/etc/sckd.yaml";
inline constexpr std::string_view kSystemTrustStore = "/etc/ssl/certs/ca-certificates.crt";

// Where a value stood in the file, for messages about it after parsing (reload, check).
struct SourcePos {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct PlatformConfig {
  std::string token;
  std::string host = "mqtt.smartcitizen.me";
  int port = 8883;  // 8883 with tls, 1883 without, unless set
  bool tls = true;
  std::string caFile = std::string(kSystemTrustStore);
  std::string clientId;  // already derived when the file left it empty
  std::chrono::seconds keepalive{60};
};

struct PublishConfig {
  int maxReadingsPerMessage = 60;  // entries (distinct recorded_at) per message
  int maxMessagesPerSecond = 10;   // 0: no pacing
};

struct ClockConfig {
  bool requireSync = true;
};

struct OutboxConfig {
  std::string path = "/var/lib/sckd/outbox.db";
  std::uint64_t maxSize = 256'000'000;  // bytes, database and WAL together
};

// How the samples of one interval become the one reading stored (`reduce:`).
enum class Reduce { Mean, Median, Max };

// `calibrate:` of one quantity: stored = raw * scale + offset.
struct Calibration {
  double scale = 1;   // > 0, finite
  double offset = 0;  // finite
  bool operator==(const Calibration&) const = default;
};

// A live copy of each reading to a broker on the local network (Home Assistant): QoS 0, no
// outbox; present only when the file has a `local:` section.
struct LocalConfig {
  std::string host = "localhost";
  int port = 1883;
  std::string topicPrefix = "sckd";               // readings at <prefix>/<sensor>/<quantity>
  std::string discoveryPrefix = "homeassistant";  // Home Assistant's MQTT discovery topics
};

struct SensorConfig {
  std::string name;            // unique; default <driver>-<bus>-<address> or <driver>-<index>
  std::string driver;          // a name in drivers/registry.cpp
  std::optional<int> bus;      // /dev/i2c-N, for bus drivers
  std::optional<int> address;  // 7-bit I2C address, for bus drivers
  std::chrono::seconds interval{60};
  // quantity name -> platform sensor id, defaults already filled in from the driver.
  std::map<std::string, int, std::less<>> ids;
  DriverOptions options;  // every option of the driver's spec that was set or has a default
  // Readings spread evenly over each interval and stored as one, their `reduce`; 1: none.
  int samples = 1;
  Reduce reduce = Reduce::Mean;
  // quantity name -> its calibration; quantities not listed are stored as measured.
  std::map<std::string, Calibration, std::less<>> calibrate;
  SourcePos pos;  // the sensor's entry in the file
};

struct Config {
  std::string path;  // the file it was read from
  PlatformConfig platform;
  PublishConfig publish;
  ClockConfig clock;
  OutboxConfig outbox;
  std::vector<SensorConfig> sensors;
  std::optional<LocalConfig> local;  // absent: no local copy (the default)
};

// Reads and validates a config file against `schemas`, the drivers a sensor entry may
// name (drivers/registry.cpp's driverSchemas() in sckd; a table of their own in tests).
// On failure the error lists every problem found, one per line, each as
// "file:line:column: key.path: what is wrong".
Result<Config> loadConfig(const std::string& path, const SensorSchemas& schemas);
// The same, from text already in memory; `fileName` only labels the messages.
// A relative outbox.path (or platform.ca_file) is resolved against fileName's directory.
Result<Config> parseConfig(std::string_view text, std::string_view fileName,
                           const SensorSchemas& schemas);

// "/etc/sckd.yaml" unless SCKD_CONFIG is set.
std::string defaultConfigPath();

// Typed access to a validated option: the config loader guarantees the type.
std::int64_t optionInt(const SensorConfig& sensor, std::string_view key);
double optionDouble(const SensorConfig& sensor, std::string_view key);
const std::string& optionString(const SensorConfig& sensor, std::string_view key);
bool optionBool(const SensorConfig& sensor, std::string_view key);
bool hasOption(const SensorConfig& sensor, std::string_view key);
// The same sensor, read the same way: everything equal but where it stands in the file and
// what is done with its values once read (samples, reduce, calibrate), so a new calibration
// keeps a GPIO counter and its count over a reload.
bool sameSensor(const SensorConfig& a, const SensorConfig& b);
// `value` of `quantity` as it is stored: its calibration applied (the one place that does).
double calibrated(const SensorConfig& sensor, std::string_view quantity, double value);

}  // namespace sckd
