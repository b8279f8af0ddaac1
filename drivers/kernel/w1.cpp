#include "drivers/kernel/w1.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "drivers/kernel/sysfs_text.h"

namespace sckd {
namespace {

bool isHex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// The DS18B20's power-on reset value of its temperature register (datasheet: 0550h).
constexpr double kPowerOnDegrees = 85.0;

std::string_view line(std::string_view text, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return {};
    text.remove_prefix(end + 1);
  }
  return text.substr(0, text.find('\n'));
}

Result<double> refusePowerOn(Result<double> degrees, const std::string& deviceDir) {
  if (degrees.ok() && *degrees == kPowerOnDegrees) {
    return makeError(ErrorCode::Invalid,
                     deviceDir +
                         ": 85.000 degC is the value a DS18B20 holds from power-on: "
                         "the probe reset during the conversion (a power dip, a loose "
                         "3.3 V wire, parasite power with a long cable?)");
  }
  return degrees;
}

}  // namespace

std::string w1DevicesDir(const HostPaths& host) {
  return host.sys + "/bus/w1/devices";
}

bool isW1DeviceName(std::string_view name) {
  if (name.size() != 15 || name[2] != '-') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (i != 2 && !isHex(name[i])) return false;
  }
  return true;
}

std::vector<std::string> w1Devices(const HostPaths& host, std::string_view family) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(w1DevicesDir(host), ec)) {
    const std::string name = entry.path().filename().string();
    if (isW1DeviceName(name) && name.compare(0, 2, family) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<double> parseW1Slave(std::string_view text, std::string_view where) {
  const std::string_view verdictLine = line(text, 0);
  const std::string_view valueLine = line(text, 1);
  const std::size_t crc = verdictLine.find("crc=");
  const std::size_t t = valueLine.find("t=");
  if (crc == std::string_view::npos || t == std::string_view::npos) {
    return makeError(ErrorCode::Invalid, std::string(where) +
                                             ": not the two lines of a 1-wire thermometer "
                                             "(\"... crc=xx YES\" and \"... t=23125\")");
  }
  const std::string_view verdict = verdictLine.substr(crc);
  if (verdict.find("YES") == std::string_view::npos) {
    return makeError(ErrorCode::Crc,
                     std::string(where) +
                         ": the probe's data failed its CRC check (noise on the 1-wire line: "
                         "a long or unshielded cable, or a missing 4.7 kOhm pull-up)");
  }
  // The nine scratchpad bytes before " : crc": all zero means nobody drove the line.
  const std::string_view bytes = verdictLine.substr(0, verdictLine.find(':'));
  if (std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '0' || c == ' '; }) &&
      !bytes.empty()) {
    return makeError(ErrorCode::Invalid,
                     std::string(where) +
                         ": the probe answered all zeros (its data line is held low, or the "
                         "probe is gone)");
  }
  Result<double> milli = parseSysfsNumber(valueLine.substr(t + 2), where);
  if (!milli.ok()) return milli.error();
  return *milli / 1000.0;
}

Result<double> readW1Temperature(const std::string& deviceDir) {
  std::error_code ec;
  const std::string temperature = deviceDir + "/temperature";
  if (std::filesystem::exists(temperature, ec)) {
    Result<double> milli = readSysfsNumber(temperature);
    if (!milli.ok()) {
      // The kernel answers EIO when the scratchpad fails its CRC.
      return makeError(milli.error().code, milli.error().message +
                                               " (the kernel refused the reading: noise on "
                                               "the 1-wire line, or the probe is gone)");
    }
    return refusePowerOn(*milli / 1000.0, deviceDir);
  }
  const std::string slave = deviceDir + "/w1_slave";
  Result<std::string> text = readSysfsText(slave);
  if (!text.ok()) return text.error();
  return refusePowerOn(parseW1Slave(*text, slave), deviceDir);
}

}  // namespace sckd
