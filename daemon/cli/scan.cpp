// `sckd scan`: which addresses answer on the I2C buses, and which known chips they may be.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "daemon/base/unique_fd.h"
#include "daemon/cli/commands.h"
#include "drivers/bus/linux_i2c_bus.h"
#include "drivers/driver.h"

namespace sckd {
namespace {

constexpr int kFirstAddress = 0x08;  // below: reserved addresses (general call, CBUS, ...)
constexpr int kLastAddress = 0x77;   // above: 10-bit addressing and reserved

constexpr const char* kEnableHint =
    "enable I2C (raspi-config > Interface Options > I2C, or dtparam=i2c_arm=on in config.txt) "
    "and load i2c-dev (modprobe i2c-dev)";

std::string hex(int value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%02x", value);
  return text;
}

// A quick write can corrupt some EEPROMs (0x50..0x5F) and confuse chips at 0x30..0x37, so
// those get a read-byte, as i2cdetect does by default.
bool probeWithRead(int address) {
  return (address >= 0x30 && address <= 0x37) || (address >= 0x50 && address <= 0x5f);
}

bool contains(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

// "quick write: select 0x50: Input/output error" -> "Input/output error": the operation
// prefixes differ per probe, the reason is what a person compares across addresses.
std::string reason(std::string text) {
  for (auto colon = text.find(": "); colon != std::string::npos; colon = text.find(": ")) {
    const std::string head = text.substr(0, colon);
    if (head.empty() || head[0] < 'a' || head[0] > 'z' || head.find('(') != std::string::npos)
      break;
    text.erase(0, colon + 2);
  }
  return text;
}

std::vector<const DriverInfo*> driversAt(int address) {
  std::vector<const DriverInfo*> found;
  for (const DriverInfo& info : driverRegistry()) {
    if (!info.onI2cBus) continue;
    if (std::find(info.addresses.begin(), info.addresses.end(), address) != info.addresses.end()) {
      found.push_back(&info);
    }
  }
  return found;
}

// The adapter's name, as the kernel gives it ("bcm2835 (i2c@7e804000)"); empty if unknown.
std::string adapterName(int bus) {
  std::ifstream in("/sys/class/i2c-dev/i2c-" + std::to_string(bus) + "/name");
  std::string name;
  std::getline(in, name);
  return name;
}

// The bus numbers of every `i2c-N` in `dir`, in order.
std::vector<int> existingBuses(const std::string& dir) {
  std::vector<int> buses;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("i2c-", 0) != 0 || name.size() == 4) continue;
    if (!std::all_of(name.begin() + 4, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    buses.push_back(std::stoi(name.substr(4)));
  }
  std::sort(buses.begin(), buses.end());
  return buses;
}

// Opening first gives a clear errno for the whole bus instead of 112 identical probe errors.
std::string openProblem(const std::string& path) {
  if (UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC)); fd) return {};
  const int err = errno;
  std::string text = "cannot open " + path + ": " + std::strerror(err);
  if (err == ENOENT) text += std::string(" (") + kEnableHint + ")";
  if (err == EACCES || err == EPERM)
    text += " (run as root, or add the user to group i2c: sudo adduser $USER i2c)";
  return text;
}

// Scans the buses `options` asks for and prints each; how many could be opened.
int scanI2cBuses(const ScanOptions& options) {
  if (!i2cCompiledIn()) {
    std::fprintf(
        stderr,
        "sckd scan: I2C support is not compiled in (rebuild with -Di2c=enabled and libi2c-dev)\n");
    return 0;
  }
  std::vector<int> numbers;
  if (options.bus) {
    numbers.push_back(*options.bus);
  } else {
    numbers = existingBuses(options.deviceDir);
    if (numbers.empty()) {
      std::fprintf(stderr, "sckd scan: no I2C bus: %s/i2c-* does not exist; %s\n",
                   options.deviceDir.c_str(), kEnableHint);
      return 0;
    }
  }
  auto buses = makeLinuxI2cBuses(options.deviceDir);
  int opened = 0;
  for (const int number : numbers) {
    const std::string path = options.deviceDir + "/i2c-" + std::to_string(number);
    if (std::string problem = openProblem(path); !problem.empty()) {
      std::fprintf(stderr, "sckd scan: %s\n", problem.c_str());
      continue;
    }
    const std::string adapter = adapterName(number);
    std::printf("%si2c-%d%s:\n", opened > 0 ? "\n" : "", number,
                adapter.empty() ? "" : (" (" + adapter + ")").c_str());
    ++opened;
    std::fputs(formatScan(number, scanBus(buses->bus(number))).c_str(), stdout);
  }
  std::fflush(stdout);
  return opened;
}

}  // namespace

BusScan scanBus(I2cBus& bus) {
  BusScan scan;
  for (int address = kFirstAddress; address <= kLastAddress; ++address) {
    const auto a = static_cast<std::uint8_t>(address);
    const Status answer = probeWithRead(address) ? bus.probeReadByte(a) : bus.probeQuickWrite(a);
    auto& state = scan.states[address];
    if (answer.ok()) {
      state = BusScan::State::Found;
      continue;
    }
    const std::string& why = answer.error().message;
    if (contains(why, "Device or resource busy")) {
      state = BusScan::State::Busy;
    } else {
      state = BusScan::State::Empty;
      // A NACK is ENXIO or EREMOTEIO (ENODEV from i2c-stub): nobody there. Anything else is
      // worth showing.
      if (!contains(why, "No such device") && !contains(why, "Remote I/O error")) {
        scan.errors.push_back(hex(address) + ": " + reason(why));
      }
    }
  }
  return scan;
}

std::string formatScan(int busNumber, const BusScan& scan) {
  std::string out = "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f\n";
  for (int row = 0; row < 0x80; row += 0x10) {
    char label[16];
    std::snprintf(label, sizeof label, "%02x:", row);
    out += label;
    for (int address = row; address < row + 0x10; ++address) {
      switch (scan.states[address]) {
        case BusScan::State::NotProbed:
          out += "   ";
          break;
        case BusScan::State::Empty:
          out += " --";
          break;
        case BusScan::State::Busy:
          out += " UU";
          break;
        case BusScan::State::Found: {
          char cell[16];
          std::snprintf(cell, sizeof cell, " %02x", address);
          out += cell;
          break;
        }
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }

  std::string yaml;
  bool any = false;
  for (int address = 0; address < 0x80; ++address) {
    const BusScan::State state = scan.states[address];
    if (state == BusScan::State::Busy) {
      any = true;
      out += hex(address) +
             ": UU: a kernel driver owns this address (a dtoverlay bound it), so sckd "
             "cannot use it: remove that dtoverlay line from config.txt, or read the chip through "
             "its kernel (IIO) driver\n";
      continue;
    }
    if (state != BusScan::State::Found) continue;
    any = true;
    const std::vector<const DriverInfo*> drivers = driversAt(address);
    if (drivers.empty()) {
      out += hex(address) + ": a chip answered; no sckd driver knows this address\n";
      continue;
    }
    out += hex(address) + ": may be:\n";
    std::string others;
    for (const DriverInfo* info : drivers) {
      out += "    " + std::string(info->name) + "  " + std::string(info->summary) + "\n";
      if (info != drivers.front()) others += (others.empty() ? "" : ", ") + std::string(info->name);
    }
    yaml += "  - driver: " + std::string(drivers.front()->name);
    if (!others.empty()) yaml += "    # or: " + others;
    yaml += "\n    bus: " + std::to_string(busNumber) + "\n    address: " + hex(address) + "\n";
  }
  if (!any)
    out +=
        "no chip answered on i2c-" + std::to_string(busNumber) + ": check the wiring and power\n";

  if (!scan.errors.empty()) {
    // A stuck bus gives the same error at every address: group them.
    std::map<std::string, std::vector<std::string>> byError;
    for (const std::string& e : scan.errors) {
      const auto colon = e.find(": ");
      byError[e.substr(colon + 2)].push_back(e.substr(0, colon));
    }
    for (const auto& [why, addresses] : byError) {
      out += "error at " + std::to_string(addresses.size()) + " address(es) (" + addresses.front();
      if (addresses.size() > 1) out += " .. " + addresses.back();
      out += "), shown as --: " + why + "\n";
    }
  }
  if (!yaml.empty()) {
    out +=
        "\nto use them, add under `sensors:` in /etc/sckd.yaml (one driver per address), then run "
        "`sckd check`:\n" +
        yaml;
  }
  return out;
}

int scanCommand(const ScanOptions& options) {
  const int opened = scanI2cBuses(options);
  if (options.bus) return opened > 0 ? 0 : 1;
  // The rest of what can be wired to a Pi: 1-wire, IIO, serial.
  int found = 0;
  std::printf("%s", opened > 0 ? "\n" : "");
  std::fputs(describeKernelSensors(options.host, found).c_str(), stdout);
  std::fflush(stdout);
  return opened + found > 0 ? 0 : 1;
}

}  // namespace sckd
