// `sckd scan`, second half: the sensors the kernel drives (1-wire probes, IIO devices) and
// the serial ports a particulate sensor can sit on, each with the lines that configure it.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "daemon/cli/commands.h"
#include "drivers/kernel/iio.h"
#include "drivers/kernel/sysfs_text.h"
#include "drivers/kernel/w1.h"

namespace sckd {
namespace {

std::string number(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string describeW1(const HostPaths& host, int& found) {
  std::error_code ec;
  if (!std::filesystem::exists(w1DevicesDir(host), ec)) {
    return "1-wire: no bus (for a DS18B20: dtoverlay=w1-gpio in /boot/firmware/config.txt)\n";
  }
  const std::vector<std::string> probes = w1Devices(host, kDs18b20Family);
  if (probes.empty()) return "1-wire: no DS18B20 on the bus (check its wiring and pull-up)\n";
  found += static_cast<int>(probes.size());
  std::string out = "1-wire:\n";
  std::string yaml;
  for (const std::string& probe : probes) {
    // Reading each probe (750 ms) lets a user tell them apart by warming one in a hand.
    Result<double> t = readW1Temperature(w1DevicesDir(host) + "/" + probe);
    out += "  " + probe + "  DS18B20  " +
           (t.ok() ? number(*t, 2) + " degC" : "read failed: " + t.error().message) + "\n";
    yaml += "  - driver: ds18b20\n";
    if (probes.size() > 1) yaml += "    serial: " + probe + "\n";
  }
  return out + "to use it, add under `sensors:`:\n" + yaml;
}

std::string describeIio(const HostPaths& host, int& found) {
  const std::vector<IioDevice> devices = iioDevices(host);
  if (devices.empty()) {
    return "IIO: no device (a chip the kernel drives appears here after its dtoverlay= line)\n";
  }
  std::string out = "IIO:\n";
  std::string yaml;
  for (const IioDevice& device : devices) {
    // A name two devices share must be configured by node.
    const auto sameName = std::count_if(devices.begin(), devices.end(),
                                        [&](const IioDevice& d) { return d.name == device.name; });
    out += "  " + device.node + "  " + (device.name.empty() ? "(no name)" : device.name);
    std::string ids;
    std::string values;
    for (const IioChannelKind& kind : iioChannelKinds()) {
      if (iioChannel(device.dir, kind).empty()) continue;
      ids += (ids.empty() ? "" : ", ") + std::string(kind.key) + ": N";
      Result<double> v = readIioChannel(device, kind);
      values +=
          std::string(values.empty() ? "" : ", ") + std::string(kind.key) + " " +
          (v.ok() ? number(*v, kind.decimals) + " " + std::string(kind.unit) : "(read failed)");
    }
    if (ids.empty()) {
      out += ": no channel sckd reads\n";
      continue;
    }
    ++found;
    out += ": " + values + "\n";
    yaml += "  - driver: iio\n    device: " +
            (sameName == 1 && !device.name.empty() ? device.name : device.node) + "\n    ids: {" +
            ids + "}   # N: the platform's sensor ids\n";
  }
  if (yaml.empty()) return out;
  return out + "to use them, add under `sensors:`:\n" + yaml;
}

// Serial ports a sensor may be on: the Pi's UART aliases, its UARTs, USB adapters, and the
// 8250 ports that are real (a PC lists four phantom ttyS whose type is 0, "unknown").
std::vector<std::string> serialPorts(const HostPaths& host) {
  std::vector<std::string> ports;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(host.dev, ec)) {
    const std::string name = entry.path().filename().string();
    const bool alias = name == "serial0" || name == "serial1";
    const bool uart = name.rfind("ttyAMA", 0) == 0 || name.rfind("ttyUSB", 0) == 0 ||
                      name.rfind("ttyACM", 0) == 0;
    bool real8250 = false;
    if (name.rfind("ttyS", 0) == 0) {
      Result<std::string> type = readSysfsText(host.sys + "/class/tty/" + name + "/type");
      real8250 = type.ok() && *type != "0";
    }
    if (alias || uart || real8250) ports.push_back(name);
  }
  std::sort(ports.begin(), ports.end());
  return ports;
}

std::string describeSerial(const HostPaths& host) {
  const std::vector<std::string> ports = serialPorts(host);
  if (ports.empty()) {
    return "serial: no port (on a Pi: enable_uart=1 in /boot/firmware/config.txt, serial "
           "console off)\n";
  }
  std::string out = "serial:\n";
  for (const std::string& port : ports) {
    const std::string path = host.dev + "/" + port;
    std::error_code ec;
    const std::filesystem::path target = std::filesystem::read_symlink(path, ec);
    out += "  " + path + (ec ? "" : " -> " + target.filename().string()) + "\n";
  }
  // serial0 is the Pi's GPIO14/15 UART whichever chip provides it: the name to prefer.
  const std::string first =
      std::find(ports.begin(), ports.end(), "serial0") != ports.end() ? "serial0" : ports.front();
  return out +
         "a particulate sensor on one of them (a port cannot tell what is wired to it):\n"
         "  - driver: pms5003   # or: pms7003, sds011\n    port: " +
         host.dev + "/" + first + "\n";
}

}  // namespace

std::string describeKernelSensors(const HostPaths& host, int& found) {
  return describeW1(host, found) + "\n" + describeIio(host, found) + "\n" + describeSerial(host);
}

}  // namespace sckd
