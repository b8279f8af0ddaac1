#include "drivers/kernel/system_health.h"

#include <sys/statvfs.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <system_error>
#include <vector>

#include "drivers/kernel/sysfs_text.h"

namespace sckd {
namespace {

enum QuantityIndex : std::size_t {
  kCpuTemperature,
  kWifiRssi,
  kLoad,
  kMemoryFree,
  kDiskFree,
  kUptime,
};
// The quantities' keys under `ids:`, by QuantityIndex.
constexpr std::array<std::string_view, 6> kNames = {"cpu_temperature", "wifi_rssi", "load",
                                                    "memory_free",     "disk_free", "uptime"};

// The first whitespace-separated field of `text` after `skip` others.
std::string_view field(std::string_view text, int skip) {
  std::size_t at = 0;
  for (int i = 0; i <= skip; ++i) {
    at = text.find_first_not_of(" \t\n", at);
    if (at == std::string_view::npos) return {};
    if (i == skip) break;
    at = text.find_first_of(" \t\n", at);
    if (at == std::string_view::npos) return {};
  }
  return text.substr(at, text.find_first_of(" \t\n", at) - at);
}

// The thermal zone of the CPU: the one the config names, else the first whose type says
// CPU or SoC (a Pi's "cpu-thermal", a PC's "x86_pkg_temp"), else thermal_zone0.
std::string cpuZone(const HostPaths& host, std::int64_t configured) {
  const std::string base = host.sys + "/class/thermal/thermal_zone";
  if (configured >= 0) return base + std::to_string(configured);
  for (int n = 0; n < 64; ++n) {
    std::error_code ec;
    if (!std::filesystem::exists(base + std::to_string(n), ec)) break;
    Result<std::string> type = readSysfsText(base + std::to_string(n) + "/type");
    if (type.ok() && (type->find("cpu") != std::string::npos ||
                      type->find("soc") != std::string::npos || *type == "x86_pkg_temp"))
      return base + std::to_string(n);
  }
  return base + "0";
}

class SystemHealth final : public Driver {
 public:
  explicit SystemHealth(const DriverContext& context)
      : host_(context.host),
        zone_(context.sensor.options.count("thermal_zone") != 0
                  ? optionInt(context.sensor, "thermal_zone")
                  : -1),
        interface_(optionString(context.sensor, "interface")),
        disk_(optionString(context.sensor, "disk")) {
    for (std::size_t q = 0; q < kNames.size(); ++q) {
      if (context.sensor.ids.count(kNames[q]) != 0) asked_.push_back(q);
    }
  }

  // Every value is a read of procfs or sysfs that the kernel answers from memory at once.
  Result<Millis> start(const SampleContext&) override { return Millis(0); }

  Result<Measurement> collect() override {
    Measurement m;
    for (std::size_t q : asked_) {
      Result<double> v = read(q);
      if (v.ok()) {
        m.samples.push_back(Sample{q, *v});
      } else {
        m.failures.push_back(
            Error{v.error().code, std::string(kNames[q]) + ": " + v.error().message});
      }
    }
    return m;
  }

 private:
  Result<double> read(std::size_t q) const {
    switch (q) {
      case kCpuTemperature: {
        Result<double> milli = readSysfsNumber(cpuZone(host_, zone_) + "/temp");
        if (!milli.ok()) return milli.error();
        return *milli / 1000.0;
      }
      case kWifiRssi: {
        const std::string path = host_.proc + "/net/wireless";
        Result<std::string> text = readSysfsText(path);
        if (!text.ok()) {
          return makeError(ErrorCode::Absent, path +
                                                  " cannot be read: this machine has no Wi-Fi "
                                                  "interface (" +
                                                  text.error().message + ")");
        }
        return parseWirelessRssi(*text, interface_);
      }
      case kLoad: {
        Result<std::string> text = readSysfsText(host_.proc + "/loadavg");
        if (!text.ok()) return text.error();
        return parseSysfsNumber(field(*text, 0), host_.proc + "/loadavg");
      }
      case kMemoryFree: {
        Result<std::string> text = readSysfsText(host_.proc + "/meminfo");
        if (!text.ok()) return text.error();
        return parseMemoryFree(*text);
      }
      case kDiskFree: {
        struct statvfs fs {};
        if (::statvfs(disk_.c_str(), &fs) != 0) {
          const int err = errno;
          return makeError(errorCodeFromErrno(err), disk_ + ": " + std::strerror(err));
        }
        if (fs.f_blocks == 0)
          return makeError(ErrorCode::Invalid, disk_ + ": a file system of no size");
        return 100.0 * static_cast<double>(fs.f_bavail) / static_cast<double>(fs.f_blocks);
      }
      case kUptime: {
        Result<std::string> text = readSysfsText(host_.proc + "/uptime");
        if (!text.ok()) return text.error();
        Result<double> seconds = parseSysfsNumber(field(*text, 0), host_.proc + "/uptime");
        if (!seconds.ok()) return seconds.error();
        return *seconds / 3600.0;
      }
      default:
        return makeError(ErrorCode::Internal, "no such quantity");
    }
  }

  const HostPaths& host_;
  std::int64_t zone_;
  std::string interface_;
  std::string disk_;
  std::vector<std::size_t> asked_;  // the quantities given an id
};

Result<std::unique_ptr<Driver>> createSystemHealth(const DriverContext& context) {
  return std::unique_ptr<Driver>(std::make_unique<SystemHealth>(context));
}

}  // namespace

Result<double> parseWirelessRssi(std::string_view text, std::string_view interface) {
  // Two header lines, then "  wlan0: 0000   54.  -56.  -256  ..." per interface:
  // name, status, link quality, signal level, noise.
  std::istringstream lines{std::string(text)};
  std::string line;
  std::vector<std::string> listed;
  for (int n = 0; std::getline(lines, line); ++n) {
    if (n < 2) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = printable(field(line.substr(0, colon), 0), 16);
    listed.push_back(name);
    if (!interface.empty() && name != interface) continue;
    std::string level(field(std::string_view(line).substr(colon + 1), 2));
    if (!level.empty() && level.back() == '.') level.pop_back();  // "-56." is how wext marks dBm
    Result<double> dbm = parseSysfsNumber(level, "/proc/net/wireless");
    if (!dbm.ok()) return dbm.error();
    // Old drivers report the level unsigned (dBm + 256).
    if (*dbm > 0) *dbm -= 256;
    if (*dbm == 0 || *dbm == -256) {
      return makeError(ErrorCode::Absent,
                       name + " is not connected to a Wi-Fi network (no signal level)");
    }
    return *dbm;
  }
  const std::string names = commaList(listed);
  if (!interface.empty()) {
    return makeError(ErrorCode::Absent, "no Wi-Fi interface " + std::string(interface) +
                                            "; present: " + (names.empty() ? "none" : names));
  }
  return makeError(ErrorCode::Absent, "no Wi-Fi interface is up (none in /proc/net/wireless)");
}

Result<double> parseMemoryFree(std::string_view text) {
  auto kilobytes = [&](std::string_view key) -> Result<double> {
    const std::size_t at = text.find(key);
    if (at == std::string_view::npos) {
      return makeError(ErrorCode::Invalid, "/proc/meminfo has no " + std::string(key));
    }
    return parseSysfsNumber(field(text.substr(at + key.size()), 0), "/proc/meminfo");
  };
  Result<double> total = kilobytes("MemTotal:");
  Result<double> available = kilobytes("MemAvailable:");
  if (!total.ok()) return total.error();
  if (!available.ok()) return available.error();
  if (*total <= 0) return makeError(ErrorCode::Invalid, "/proc/meminfo: MemTotal is 0");
  return 100.0 * *available / *total;
}

DriverInfo systemHealthDriverInfo() {
  DriverInfo info;
  info.name = "system";
  info.summary =
      "the gateway's own health: CPU temperature, Wi-Fi RSSI (id 220), load, free "
      "memory and disk, uptime";
  info.quantities = {
      Quantity{kNames[kCpuTemperature], "degC", 0, false, 1, true},
      Quantity{kNames[kWifiRssi], "dBm", 0, false, 0, true},
      Quantity{kNames[kLoad], "", 0, false, 2, true},
      Quantity{kNames[kMemoryFree], "%", 0, false, 1, true},
      Quantity{kNames[kDiskFree], "%", 0, false, 1, true},
      Quantity{kNames[kUptime], "h", 0, false, 2, true},
  };
  info.options = {
      OptionSpec{"thermal_zone",
                 OptionType::Integer,
                 false,
                 0,
                 63,
                 {},
                 "",
                 "the thermal zone of cpu_temperature; default: the CPU's (cpu-thermal on a Pi)"},
      OptionSpec{"interface",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {},
                 "",
                 "the Wi-Fi interface of wifi_rssi; default: the first (wlan0)"},
      OptionSpec{"disk",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {},
                 "/",
                 "a path on the file system whose free space disk_free gives"},
  };
  info.create = createSystemHealth;
  return info;
}

}  // namespace sckd
