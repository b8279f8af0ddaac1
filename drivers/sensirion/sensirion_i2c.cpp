#include "drivers/sensirion/sensirion_i2c.h"

#include <cstdio>

#include "drivers/sensirion/sensirion_crc.h"

namespace sckd::sensirion {

std::string hex16(std::uint16_t value, HexCase hexCase) {
  char text[8];
  std::snprintf(text, sizeof text, hexCase == HexCase::Upper ? "0x%04X" : "0x%04x", value);
  return text;
}

Result<std::uint16_t> checkedWord(std::span<const std::uint8_t> frame, std::size_t index) {
  const std::uint8_t* w = frame.data() + 3 * index;
  if (crc8(w[0], w[1]) != w[2])
    return makeError(ErrorCode::Crc, "CRC mismatch in word " + std::to_string(index));
  return static_cast<std::uint16_t>(w[0] << 8 | w[1]);
}

Result<std::uint32_t> checkedWord32(std::span<const std::uint8_t> frame, std::size_t index) {
  Result<std::uint16_t> high = checkedWord(frame, 2 * index);
  if (!high.ok()) return high.error();
  Result<std::uint16_t> low = checkedWord(frame, 2 * index + 1);
  if (!low.ok()) return low.error();
  return static_cast<std::uint32_t>(*high) << 16 | *low;
}

Result<std::vector<std::uint16_t>> checkedWords(std::span<const std::uint8_t> frame) {
  std::size_t bad = 0;
  auto words = decodeWords(frame, &bad);
  if (!words) {
    if (frame.size() % 3 != 0)
      return makeError(ErrorCode::Invalid,
                       "frame of " + std::to_string(frame.size()) + " bytes is not whole words");
    return makeError(ErrorCode::Crc, "CRC mismatch in word " + std::to_string(bad));
  }
  return *words;
}

std::string asciiText(std::span<const std::uint16_t> words) {
  std::string text;
  for (std::uint16_t w : words) {
    for (char c : {static_cast<char>(w >> 8), static_cast<char>(w & 0xFF)}) {
      if (c == '\0') return text;
      text += (c >= 0x20 && c < 0x7F) ? c : '?';
    }
  }
  return text;
}

Result<double> inRange(double value, double lo, double hi, std::string_view unit,
                       std::string_view chip) {
  if (value < lo || value > hi) {
    return makeError(ErrorCode::Invalid, std::to_string(value) + " " + std::string(unit) +
                                             " is outside the " + std::string(chip) + " range " +
                                             std::to_string(static_cast<int>(lo)) + ".." +
                                             std::to_string(static_cast<int>(hi)));
  }
  return value;
}

bool addQuantity(Measurement& m, std::size_t quantity, const Result<double>& value,
                 std::string_view name) {
  if (value.ok()) {
    m.samples.push_back(Sample{quantity, *value});
    return true;
  }
  m.failures.push_back(withContext(name, value.error()));
  return false;
}

void addValue(Measurement& m, std::size_t quantity, const Value& v, std::string_view name,
              double scale) {
  if (v.ok()) {
    m.samples.push_back(Sample{quantity, v.value * scale});
  } else {
    m.failures.push_back(withContext(name, *v.error));
  }
}

Measurement rhtMeasurement(const RhtValues& v) {
  Measurement m;
  addQuantity(m, 0, v.temperature, "temperature");
  addQuantity(m, 1, v.humidity, "humidity");
  return m;
}

Measurement co2Measurement(const Co2Values& v) {
  Measurement m;
  addQuantity(m, 0, v.co2, "co2");
  addQuantity(m, 1, v.temperature, "temperature");
  addQuantity(m, 2, v.humidity, "humidity");
  return m;
}

bool crcFailed(const Measurement& m) {
  for (const Error& e : m.failures) {
    if (e.code == ErrorCode::Crc) return true;
  }
  return false;
}

Result<BusAddress> busAddress(const DriverContext& context) {
  const SensorConfig& sensor = context.sensor;
  if (!sensor.bus || !sensor.address)
    return makeError(ErrorCode::Config, "needs bus: and address:");
  return BusAddress{context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address)};
}

SingleShot singleShotFor(std::string_view level, SingleShot high, SingleShot medium,
                         SingleShot low) {
  if (level == "medium") return medium;
  if (level == "low") return low;
  return high;
}

DriverInfo rhtDriverInfo(const RhtRow& row, RhtFactory make) {
  DriverInfo info;
  info.name = row.name;
  info.summary = row.summary;
  info.onI2cBus = true;
  info.addresses = row.addresses;
  info.quantities = {Quantity{"temperature", "degC", row.temperatureId, row.genericIds, 2},
                     Quantity{"humidity", "%RH", row.humidityId, row.genericIds, 2}};
  info.options = {OptionSpec{row.option,
                             OptionType::String,
                             false,
                             0,
                             -1,
                             {"high", "medium", "low"},
                             "high",
                             row.optionHelp}};
  info.create = [option = std::string(row.option), make = std::move(make)](
                    const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    Result<BusAddress> at = busAddress(context);
    if (!at.ok()) return at.error();
    return make(at->bus, at->address, optionString(context.sensor, option));
  };
  return info;
}

Status Device::command(std::uint16_t code, std::span<const std::uint16_t> args,
                       std::string_view name) {
  std::vector<std::uint8_t> bytes = sensirion::command(code, args);
  return bus_.write(address_, bytes).context(std::string(name) + " " + hex(code));
}

Status Device::read(std::span<std::uint8_t> frame, std::string_view what) {
  return bus_.read(address_, frame).context(what);
}

Result<std::vector<std::uint16_t>> Device::fetch(std::uint16_t code, std::size_t words) {
  if (Status s = command(code); !s.ok()) return s.error();
  std::vector<std::uint8_t> frame(3 * words);
  if (Status s = read(frame, "read " + hex(code)); !s.ok()) return s.error();
  return checkedWords(frame).context("read " + hex(code));
}

}  // namespace sckd::sensirion
