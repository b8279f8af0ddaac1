#pragma once
// What the UART particulate sensors (PMS5003/PMS7003, SDS011) share: a laser and a fan that
// wear out, so each reading wakes the sensor, waits out its warm-up, asks for one reading
// in passive (query) mode, polls the port for the answer without blocking, and puts the
// sensor back to sleep. The port is opened at the first reading and again after it was
// lost (an unplugged USB adapter), and each (re)open puts the sensor in passive mode again,
// since a power cycle leaves it in active mode. The models differ only in their bytes: a
// SerialPmProtocol.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "drivers/driver.h"

namespace sckd {

// How often collect() looks for the answer, and how long it waits: a sensor in passive mode
// answers at once, one that fell back to active mode sends a frame at least every 2.3 s
// (PMS data manual, "stable mode"), and the SDS011 every second.
inline constexpr Millis kSerialPmPoll{200};
inline constexpr Millis kSerialPmAnswerTimeout{5000};
// The least rest worth a sleep: below it the fan would stop and start for a few seconds'
// pause while the laser saves little, and the reading could run into the next tick.
inline constexpr Seconds kSerialPmMinRest{10};

// One sensor model's protocol: its commands, and its frames turned into a measurement.
class SerialPmProtocol {
 public:
  virtual ~SerialPmProtocol() = default;
  virtual std::string_view model() const = 0;  // "PMS5003", for messages
  virtual std::vector<std::uint8_t> passiveMode() const = 0;
  virtual std::vector<std::uint8_t> wake() const = 0;
  virtual std::vector<std::uint8_t> sleep() const = 0;
  virtual std::vector<std::uint8_t> readRequest() const = 0;
  // Forgets bytes fed so far and the checksum count: a new request begins.
  virtual void clear() = 0;
  // Takes the bytes that arrived; a measurement once a data frame is complete (command
  // answers and garbage are skipped).
  virtual std::optional<Measurement> feed(std::span<const std::uint8_t> bytes) = 0;
  // Frames dropped for a wrong checksum since clear(): noise, not silence.
  virtual std::size_t badChecksums() const = 0;
};

struct SerialPmSettings {
  std::string port;
  Seconds warmup{30};
  Seconds interval{60};
};

// The `port` and `warmup` options, for a DriverInfo.
std::vector<OptionSpec> serialPmOptions(std::string_view defaultPort);
// Reads them, and the interval, from a validated sensor config.
SerialPmSettings serialPmSettings(const SensorConfig& sensor);
// True when a reading (wake, warm-up, answer) leaves the sensor at least kSerialPmMinRest
// of sleep before the next one: interval >= warmup + 5 s + 10 s. Otherwise it stays awake.
bool serialPmSleepsBetween(Seconds interval, Seconds warmup);

std::unique_ptr<Driver> makeSerialPmDriver(std::unique_ptr<SerialPmProtocol> protocol,
                                           SerialPmSettings settings, const Clock& clock);

}  // namespace sckd
