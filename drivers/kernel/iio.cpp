#include "drivers/kernel/iio.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "drivers/kernel/sysfs_text.h"

namespace sckd {
namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The channel's own attribute, else the one its type shares (in_voltage_scale serves
// in_voltage0_raw), else nothing.
std::string attribute(const std::string& dir, const std::string& channel, std::string_view type,
                      std::string_view suffix) {
  const std::string own = dir + "/" + channel + std::string(suffix);
  if (exists(own)) return own;
  const std::string shared = dir + "/" + std::string(type) + std::string(suffix);
  if (exists(shared)) return shared;
  return {};
}

// A read the kernel's driver refused: say it is the chip, not sckd, and that it is retried.
Error refused(const Error& e, const IioDevice& device) {
  std::string message =
      e.message + " (the kernel's " + device.name + " driver could not read the chip";
  if (e.code == ErrorCode::Io || e.code == ErrorCode::Timeout) {
    message += "; a DHT22 misses a reading now and then";
  }
  return Error{e.code, message + "; retried at the next interval)"};
}

IioChannelKind kind(std::string_view key, std::string_view type,
                    std::vector<std::string_view> channels, std::string_view unit, double factor,
                    int decimals) {
  return IioChannelKind{key, type, std::move(channels), unit, factor, decimals};
}

}  // namespace

const std::vector<IioChannelKind>& iioChannelKinds() {
  // Units of the kernel's ABI (Documentation/ABI/testing/sysfs-bus-iio): temperature in
  // millidegrees C, relative humidity in milli-percent, pressure in kPa, illuminance in lux,
  // a concentration in percent, voltage in mV, current in mA.
  static const std::vector<IioChannelKind> kinds = {
      kind("temperature", "in_temp", {"in_temp", "in_temp0", "in_temp_ambient"}, "degC", 0.001, 2),
      kind("object_temperature", "in_temp", {"in_temp_object"}, "degC", 0.001, 2),
      kind("humidity", "in_humidityrelative", {"in_humidityrelative", "in_humidityrelative0"},
           "%RH", 0.001, 2),
      kind("pressure", "in_pressure", {"in_pressure", "in_pressure0"}, "kPa", 1, 3),
      kind("illuminance", "in_illuminance", {"in_illuminance", "in_illuminance0"}, "lux", 1, 1),
      kind("co2", "in_concentration", {"in_concentration_co2", "in_concentration0_co2"}, "ppm",
           10000, 0),
      kind("voltage0", "in_voltage", {"in_voltage0"}, "V", 0.001, 4),
      kind("voltage1", "in_voltage", {"in_voltage1"}, "V", 0.001, 4),
      kind("voltage2", "in_voltage", {"in_voltage2"}, "V", 0.001, 4),
      kind("voltage3", "in_voltage", {"in_voltage3"}, "V", 0.001, 4),
      kind("voltage4", "in_voltage", {"in_voltage4"}, "V", 0.001, 4),
      kind("voltage5", "in_voltage", {"in_voltage5"}, "V", 0.001, 4),
      kind("voltage6", "in_voltage", {"in_voltage6"}, "V", 0.001, 4),
      kind("voltage7", "in_voltage", {"in_voltage7"}, "V", 0.001, 4),
      kind("current0", "in_current", {"in_current0", "in_current"}, "A", 0.001, 4),
      kind("current1", "in_current", {"in_current1"}, "A", 0.001, 4),
  };
  return kinds;
}

std::vector<IioDevice> iioDevices(const HostPaths& host) {
  std::vector<std::pair<int, IioDevice>> found;
  std::error_code ec;
  const std::string root = host.sys + "/bus/iio/devices";
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string node = entry.path().filename().string();
    constexpr std::string_view kPrefix = "iio:device";
    if (node.rfind(kPrefix, 0) != 0) continue;  // triggers live here too: "trigger0"
    int number = 0;
    const char* digits = node.data() + kPrefix.size();
    const char* end = node.data() + node.size();
    if (auto [last, err] = std::from_chars(digits, end, number); err != std::errc() || last != end)
      continue;
    IioDevice device{entry.path().string(), node, {}};
    Result<std::string> name = readSysfsText(device.dir + "/name");
    device.name = name.ok() ? printable(*name, 64) : "";
    found.emplace_back(number, std::move(device));
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<IioDevice> devices;
  for (auto& [number, device] : found) devices.push_back(std::move(device));
  return devices;
}

Result<IioDevice> findIioDevice(const HostPaths& host, std::string_view device) {
  const std::vector<IioDevice> devices = iioDevices(host);
  std::vector<IioDevice> matches;
  std::vector<std::string> present;
  for (const IioDevice& d : devices) {
    if (d.node == device || d.name == device) matches.push_back(d);
    present.push_back(d.node + " (" + d.name + ")");
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    return makeError(ErrorCode::Absent,
                     "no IIO device '" + std::string(device) + "'; present: " +
                         (present.empty() ? "none (load the chip's driver with its dtoverlay= "
                                            "line in /boot/firmware/config.txt)"
                                          : commaList(present)));
  }
  std::vector<std::string> nodes;
  for (const IioDevice& d : matches) nodes.push_back(d.node);
  return makeError(ErrorCode::Config, std::to_string(matches.size()) + " IIO devices are '" +
                                          std::string(device) + "' (" + commaList(nodes) +
                                          "): name one with a line \"device: " + nodes.front() +
                                          "\" under the sensor");
}

std::string iioChannel(const std::string& deviceDir, const IioChannelKind& kind) {
  for (std::string_view prefix : kind.channels) {
    const std::string channel(prefix);
    if (exists(deviceDir + "/" + channel + "_input") || exists(deviceDir + "/" + channel + "_raw"))
      return channel;
  }
  return {};
}

std::vector<std::string_view> iioChannelKeys(const std::string& deviceDir) {
  std::vector<std::string_view> keys;
  for (const IioChannelKind& kind : iioChannelKinds()) {
    if (!iioChannel(deviceDir, kind).empty()) keys.push_back(kind.key);
  }
  return keys;
}

Result<double> readIioChannel(const IioDevice& device, const IioChannelKind& kind) {
  const std::string channel = iioChannel(device.dir, kind);
  if (channel.empty()) {
    std::vector<std::string> keys;
    for (std::string_view key : iioChannelKeys(device.dir)) keys.emplace_back(key);
    const std::string offered = commaList(keys);
    return makeError(ErrorCode::Absent,
                     device.node + " (" + device.name + ") has no " + std::string(kind.key) +
                         " channel; it has: " + (offered.empty() ? "none sckd reads" : offered));
  }
  const std::string input = device.dir + "/" + channel + "_input";
  if (exists(input)) {
    Result<double> value = readSysfsNumber(input);
    if (!value.ok()) return refused(value.error(), device);
    if (!std::isfinite(*value * kind.factor)) {
      return makeError(ErrorCode::Invalid, input + ": the value overflows");
    }
    return *value * kind.factor;
  }
  Result<std::string> raw = readSysfsText(device.dir + "/" + channel + "_raw");
  if (!raw.ok()) return refused(raw.error(), device);
  std::string texts[2];  // scale, offset
  const char* suffixes[2] = {"_scale", "_offset"};
  for (int i = 0; i < 2; ++i) {
    if (std::string path = attribute(device.dir, channel, kind.type, suffixes[i]); !path.empty()) {
      Result<std::string> text = readSysfsText(path);
      if (!text.ok()) return text.error();
      texts[i] = *text;
    }
  }
  return iioRawValue(*raw, texts[0], texts[1], kind, device.dir + "/" + channel);
}

Result<double> iioRawValue(std::string_view raw, std::string_view scale, std::string_view offset,
                           const IioChannelKind& kind, std::string_view where) {
  Result<double> counts = parseSysfsNumber(raw, std::string(where) + "_raw");
  if (!counts.ok()) return counts.error();
  double factor = 1;
  if (!scale.empty()) {
    Result<double> s = parseSysfsNumber(scale, std::string(where) + "_scale");
    if (!s.ok()) return s.error();
    factor = *s;
  }
  double shift = 0;
  if (!offset.empty()) {
    Result<double> o = parseSysfsNumber(offset, std::string(where) + "_offset");
    if (!o.ok()) return o.error();
    shift = *o;
  }
  const double value = (*counts + shift) * factor * kind.factor;
  if (!std::isfinite(value)) {
    return makeError(ErrorCode::Invalid, std::string(where) + ": the value overflows");
  }
  return value;
}

}  // namespace sckd
