#pragma once
// What the running daemon knows that the outbox does not: each sensor's last value per
// quantity and its age, its failures and last error, an hour of history for a sparkline,
// the broker's state and the exact queue. The daemon keeps it in memory, writes it to a
// small file on tmpfs once per tick (runtime_state_file.h: never the SD card), and sums it
// up in systemd's STATUS= line; `sckd status` reads the file back with fromJson().

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/base/result.h"
#include "daemon/sampling/sensor_report.h"

namespace sckd {

// The history is one bin per minute, each the mean of that minute's values: enough for a
// sparkline, and the same size whether a sensor reads every second or every ten minutes.
inline constexpr std::size_t kHistoryMinutes = 60;
// The format of the file; a reader refuses another.
inline constexpr int kRuntimeStateVersion = 1;

struct QuantityState {
  std::string name;     // "temperature"
  std::string unit;     // "degC", as the platform spells it
  int id = 0;           // the platform sensor id
  std::string text;     // the last value, as stored ("21.4"); empty before the first
  std::int64_t at = 0;  // Unix seconds of the last value

  struct Bin {
    std::int64_t minute = -1;  // Unix minutes; -1: empty
    double sum = 0;
    std::uint32_t count = 0;
  };
  std::array<Bin, kHistoryMinutes> bins{};  // indexed by minute % kHistoryMinutes

  void add(double value, std::int64_t atUnix);
  // The last hour up to the minute of `nowUnix`, oldest first: the mean of each minute,
  // or nothing for a minute without a value.
  std::vector<std::optional<double>> history(std::int64_t nowUnix) const;
};

struct SensorState {
  std::string name;
  std::string driver;
  std::string where;  // "indoor (sht31@i2c-1:0x44)", as the log names it
  std::int64_t intervalSeconds = 0;
  std::uint64_t readings = 0;  // readings taken since the daemon started
  std::uint64_t failures = 0;  // of those, the ones that failed in whole or in part
  bool failing = false;        // the last reading failed (or the sensor could not be opened)
  std::string lastError;       // empty: none since start
  std::int64_t lastErrorAt = 0;
  std::vector<QuantityState> quantities;  // the ones stored, in the driver's order
};

struct BrokerState {
  std::string endpoint;  // "host:port"
  bool connected = false;
  std::optional<std::int64_t> since;  // Unix seconds: connected since, or down since
  std::string lastError;              // why the last attempt or connection failed
};

struct RuntimeSnapshot {
  int version = kRuntimeStateVersion;
  std::int64_t pid = 0;
  std::int64_t startedAt = 0;
  std::int64_t writtenAt = 0;
  std::string outboxPath;
  std::uint64_t queued = 0;  // exact; the file's count includes rows acknowledged since
  std::optional<std::int64_t> lastDeliveryAt;
  BrokerState broker;
  std::vector<SensorState> sensors;  // in the config's order
};

class RuntimeState {
 public:
  RuntimeState(std::string outboxPath, std::int64_t pid, std::int64_t startedAt);

  // The sensors of the config now running (at start and after a reload): a sensor that
  // keeps its name keeps its history and counts; the others are dropped.
  void setSensors(const std::vector<SensorConfig>& sensors);
  // One reading of a sensor, as stored, or its failure.
  void record(const SensorReport& report);
  // A configured sensor that could not be opened, so is not read at all.
  void notStarted(const SensorConfig& sensor, const Error& why, std::int64_t nowUnix);
  void setBroker(BrokerState broker) { snapshot_.broker = std::move(broker); }
  void setQueue(std::uint64_t queued, std::optional<std::int64_t> lastDeliveryAt);
  void setOutboxPath(std::string path) { snapshot_.outboxPath = std::move(path); }

  const RuntimeSnapshot& snapshot() const { return snapshot_; }
  // For systemd's STATUS=: "3 sensors ok, 1 failing (sps30: no answer); 12 queued;
  // delivered 4 s ago; broker connected".
  std::string statusLine(std::int64_t nowUnix) const;
  std::string toJson(std::int64_t nowUnix) const;

 private:
  SensorState* find(std::string_view name);

  RuntimeSnapshot snapshot_;
};

// Reads what toJson() wrote; an error says what is wrong with it.
Result<RuntimeSnapshot> runtimeSnapshotFromJson(std::string_view text);
// "4 s", "3 min", "2 h", "5 days".
std::string ageText(std::int64_t seconds);

}  // namespace sckd
