#pragma once
// The I2C flow every Sensirion chip here shares: a 16-bit command (arguments with CRC) in
// its own write, a separate read after a STOP, and a frame of [msb, lsb, crc] words whose
// CRCs are checked one by one, so a bad word names itself ("CRC mismatch in word 2") and
// loses only the quantity it carries.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/result.h"
#include "drivers/bus/i2c_bus.h"
#include "drivers/driver.h"

namespace sckd::sensirion {

// How a driver spells command codes in its messages ("0x2400" or "0x03C4"); each keeps the
// spelling its users and tests already see.
enum class HexCase { Lower, Upper };

std::string hex16(std::uint16_t value, HexCase hexCase = HexCase::Lower);

// Word `index` of a result frame, its CRC checked: "CRC mismatch in word <index>". A
// floating bus reads FF FF FF, which fails here (the CRC of 0xFFFF is 0xAC); a word of
// 0xFFFF with its right CRC is a value the chip sent (100 %RH on an SHT3x), and only a
// chip whose datasheet gives it a meaning of its own (the SEN5x's "unknown") rejects it.
Result<std::uint16_t> checkedWord(std::span<const std::uint8_t> frame, std::size_t index);
// Words `2 * index` and `2 * index + 1` as one big-endian 32-bit value (a float's bits).
Result<std::uint32_t> checkedWord32(std::span<const std::uint8_t> frame, std::size_t index);
// Every word of the frame; the first bad CRC names its word.
Result<std::vector<std::uint16_t>> checkedWords(std::span<const std::uint8_t> frame);

// The ASCII text in a frame's words (product type, product name), two characters a word, up
// to the first NUL; characters that are not printable shown as '?'.
std::string asciiText(std::span<const std::uint16_t> words);

// `value` if within lo..hi, else "<value> <unit> is outside the <chip> range <lo>..<hi>".
Result<double> inRange(double value, double lo, double hi, std::string_view unit,
                       std::string_view chip);
// T = -45 + 175 * S / 65535: the temperature formula of the SHT3x, SHT4x and SCD4x.
inline double temperatureFromTicks(std::uint16_t ticks) {
  return -45.0 + 175.0 * ticks / 65535.0;
}

// One decoded quantity into a measurement: its value into samples, or its error, prefixed
// with the quantity's name, into failures. Returns whether it was valid.
bool addQuantity(Measurement& m, std::size_t quantity, const Result<double>& value,
                 std::string_view name);

// One value of a frame that carries many (SPS30, SEN5x), decoded on its own: a bad word, a
// "not available" marker or an out-of-range value fails only it.
struct Value {
  double value = 0;
  std::optional<Error> error;  // set: `value` is not valid
  bool ok() const { return !error.has_value(); }
};
// The same as addQuantity() for a Value, its value times `scale` (a unit conversion).
void addValue(Measurement& m, std::size_t quantity, const Value& v, std::string_view name,
              double scale = 1.0);

// A humidity/temperature frame decoded (SHT3x, SHT4x), each quantity on its own: a bad word
// loses only its own quantity.
struct RhtValues {
  Result<double> temperature;  // degC
  Result<double> humidity;     // %RH
};
// As a measurement, in the registry rows' quantity order.
Measurement rhtMeasurement(const RhtValues& v);

// A CO2/temperature/humidity frame decoded (SCD30, SCD4x), each quantity on its own.
struct Co2Values {
  Result<double> co2;          // ppm
  Result<double> temperature;  // degC
  Result<double> humidity;     // %RH
};
// As a measurement, in the registry rows' quantity order.
Measurement co2Measurement(const Co2Values& v);
// Whether a quantity failed its CRC: the chip may have reset under us, so initialise it again.
bool crcFailed(const Measurement& m);

// The bus and address of a bus driver's sensor; an error when the config lacks either.
struct BusAddress {
  I2cBus& bus;
  std::uint8_t address;
};
Result<BusAddress> busAddress(const DriverContext& context);

// A single-shot measurement: its command and the datasheet's maximum conversion time,
// rounded up.
struct SingleShot {
  std::uint16_t command;
  Millis conversion;
};
// The single shot of a "high"/"medium"/"low" option value (high for anything else).
SingleShot singleShotFor(std::string_view level, SingleShot high, SingleShot medium,
                         SingleShot low);

// The registry row of a single-shot humidity/temperature chip (SHT3x, SHT4x): temperature
// and humidity, one "high"/"medium"/"low" option, and create() handing the sensor's bus,
// address and chosen level to `make`.
struct RhtRow {
  std::string_view name;
  std::string_view summary;
  std::vector<int> addresses;
  int temperatureId = 55;
  int humidityId = 56;
  bool genericIds = true;
  std::string_view option;  // "repeatability", "precision" (string literals: the row keeps them)
  std::string_view optionHelp;
};
using RhtFactory =
    std::function<std::unique_ptr<Driver>(I2cBus&, std::uint8_t, const std::string& level)>;
DriverInfo rhtDriverInfo(const RhtRow& row, RhtFactory make);

// A Sensirion chip at an address: commands and reads with the context each error needs.
class Device {
 public:
  Device(I2cBus& bus, std::uint8_t address, HexCase hexCase = HexCase::Lower)
      : bus_(bus), address_(address), hexCase_(hexCase) {}

  I2cBus& bus() const { return bus_; }
  std::string hex(std::uint16_t code) const { return hex16(code, hexCase_); }

  // The command and its CRC'd arguments in one write: "command 0x2400: write: ...", or
  // "<name> 0x21b1: write: ..." where a name says more.
  Status command(std::uint16_t code, std::span<const std::uint16_t> args = {},
                 std::string_view name = "command");
  // A read of the whole frame after a STOP; `what` names it in the error.
  Status read(std::span<std::uint8_t> frame, std::string_view what);
  // "Set pointer and read": the command, a STOP, then a read of `words` CRC'd words
  // (errors: "read 0x0202: ...", "read 0x0202: CRC mismatch in word 0"). The chips answer at
  // once here (SCD30 stretches the clock instead); chips needing a wait split the two.
  Result<std::vector<std::uint16_t>> fetch(std::uint16_t code, std::size_t words);

 private:
  I2cBus& bus_;
  std::uint8_t address_;
  HexCase hexCase_;
};

}  // namespace sckd::sensirion
