// Runs inside the qemu VM of scripts/qemu-i2c-test, against the kernel's i2c-stub
// (chip_addr=0x76,0x1a): the real i2c-dev paths of LinuxI2cBus and of `sckd scan`. The chip
// at 0x1a gets a kernel driver (at24) bound to it, for the EBUSY path.
// Not gtest: it runs in a bare busybox initramfs. Prints PASS:/FAIL: lines, then
// "I2C_STUB_CHECK: PASS" or "I2C_STUB_CHECK: FAIL"; exit status 0 or 1.
// usage: i2c_stub_check PATH_TO_SCKD
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "drivers/bus/linux_i2c_bus.h"
#include "drivers/driver.h"
#include "tests/kernel/check_lines.h"
#include "tests/kernel/stub_bus.h"

namespace {

using namespace sckd;
using sckd::testing::check;
using sckd::testing::checkFailures;
using sckd::testing::findStubBus;

constexpr std::uint8_t kStub = 0x76;
constexpr std::uint8_t kEmpty = 0x50;
constexpr std::uint8_t kOwned = 0x1a;

std::string runCapture(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  *status = pclose(pipe);
  return out;
}

void checkBus(I2cBus& bus) {
  // A register round trip lands in the stub's register map.
  Status wrote = bus.writeByteData(kStub, 0x10, 0xa5);
  check(wrote.ok(), "writeByteData 0x76 reg 0x10", wrote.ok() ? "" : wrote.error().message);
  Result<std::uint8_t> back = bus.readByteData(kStub, 0x10);
  check(back.ok() && *back == 0xa5, "readByteData 0x76 reg 0x10 == 0xa5",
        back.ok() ? std::to_string(*back) : back.error().message);

  // An I2C block read returns consecutive registers.
  bool all = true;
  for (std::uint8_t i = 0; i < 6; ++i)
    all = bus.writeByteData(kStub, 0x20 + i, 0x30 + i).ok() && all;
  std::array<std::uint8_t, 6> block{};
  Status read = bus.readBlockData(kStub, 0x20, block);
  bool same = read.ok();
  for (std::uint8_t i = 0; i < 6 && same; ++i) same = block[i] == 0x30 + i;
  check(all && same, "readBlockData 0x76 regs 0x20..0x25", read.ok() ? "" : read.error().message);

  // Nobody at 0x50: a clean error naming the register, and the bus still works. i2c-stub
  // answers an empty address with ENODEV ("No such device"); hardware adapters with ENXIO
  // ("No such device or address") or EREMOTEIO.
  Result<std::uint8_t> empty = bus.readByteData(kEmpty, 0x00);
  const std::string why = empty.ok() ? "answered" : empty.error().message;
  check(!empty.ok() && why.rfind("read 0x00: No such device", 0) == 0,
        "readByteData at empty 0x50 fails cleanly (ENODEV/ENXIO)", why);
  Result<std::uint8_t> again = bus.readByteData(kStub, 0x10);
  check(again.ok() && *again == 0xa5, "bus still works after the error");

  // i2c-stub is SMBus-only: a plain I2C transfer must fail cleanly, not hang or crash.
  const std::array<std::uint8_t, 1> reg{0x10};
  std::array<std::uint8_t, 1> in{};
  Status plain = bus.writeRead(kStub, reg, in);
  check(!plain.ok(), "plain I2C_RDWR on SMBus-only adapter is refused",
        plain.ok() ? "succeeded" : plain.error().message);

  check(bus.probeQuickWrite(kStub).ok(), "quick write probe finds 0x76");
  check(!bus.probeReadByte(kEmpty).ok(), "read byte probe at 0x50 finds nothing");
}

// Binds at24 to the stub chip at 0x1a, as a dtoverlay would bind a kernel driver on a Pi.
bool bindKernelDriver(int number) {
  std::ofstream out("/sys/bus/i2c/devices/i2c-" + std::to_string(number) + "/new_device");
  out << "24c02 0x1a\n";
  out.close();
  std::error_code ec;
  const bool bound = std::filesystem::exists(
      "/sys/bus/i2c/devices/" + std::to_string(number) + "-001a/driver", ec);
  check(bound, "at24 bound to 0x1a");
  return bound;
}

void checkBusy(I2cBus& bus) {
  Status probe = bus.probeQuickWrite(kOwned);
  const std::string why = probe.ok() ? "answered" : probe.error().message;
  check(!probe.ok() && why.find("Device or resource busy") != std::string::npos &&
            why.find("kernel driver owns this address") != std::string::npos,
        "an address owned by a kernel driver: EBUSY with the hint", why);
}

void checkScan(const std::string& sckd, int number) {
  int status = 0;
  const std::string out =
      runCapture(sckd + " scan --bus " + std::to_string(number) + " 2>&1", &status);
  std::printf("---- sckd scan --bus %d\n%s----\n", number, out.c_str());
  check(status == 0, "sckd scan exit 0", std::to_string(status));
  check(out.find("\n70: -- -- -- -- -- -- 76 --\n") != std::string::npos, "scan grid shows 76");
  // Only 0x76 answers: every other grid cell is "--".
  std::size_t cells = 0, found = 0;
  for (std::size_t line = out.find("\n00:"); line != std::string::npos && line + 4 < out.size();) {
    const std::size_t eol = out.find('\n', line + 1);
    const std::string row = out.substr(line + 4, eol - line - 4);
    for (std::size_t i = 0; i + 3 <= row.size(); i += 3) {
      const std::string cell = row.substr(i + 1, 2);
      if (cell == "  ") continue;
      ++cells;
      if (cell != "--") ++found;
    }
    if (out.compare(line + 1, 3, "70:") == 0) break;
    line = eol;
  }
  check(cells == 0x70 && found == 2, "scan probes 112 addresses and finds only 0x76 and UU",
        std::to_string(cells) + " cells, " + std::to_string(found) + " not empty");
  check(out.find("\n10: -- -- -- -- -- -- -- -- -- -- UU -- -- -- -- --\n") != std::string::npos,
        "scan grid shows UU at 0x1a");
  check(out.find("0x1a: UU: a kernel driver owns this address") != std::string::npos,
        "scan says a kernel driver owns 0x1a");
  bool knownListed = true;
  bool anyKnown = false;
  for (const DriverInfo& info : driverRegistry()) {
    if (!info.onI2cBus) continue;
    for (int address : info.addresses) {
      if (address != kStub) continue;
      anyKnown = true;
      if (out.find("    " + std::string(info.name) + "  ") == std::string::npos)
        knownListed = false;
    }
  }
  if (anyKnown) {
    check(knownListed, "scan lists every registered driver for 0x76");
    check(out.find("    bus: " + std::to_string(number) + "\n    address: 0x76\n") !=
              std::string::npos,
          "scan prints the config lines for 0x76");
  } else {
    check(out.find("0x76: a chip answered") != std::string::npos,
          "scan names 0x76 (no driver registered for it)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: i2c_stub_check PATH_TO_SCKD\n");
    return 2;
  }
  check(i2cCompiledIn(), "built with libi2c");
  const std::optional<int> number = findStubBus();
  check(number.has_value(), "found the \"SMBus stub driver\" bus in /sys/class/i2c-dev");
  if (number) {
    std::printf("stub bus: /dev/i2c-%d\n", *number);
    auto buses = makeLinuxI2cBuses();
    checkBus(buses->bus(*number));
    if (bindKernelDriver(*number)) checkBusy(buses->bus(*number));
    checkScan(argv[1], *number);
    int status = 0;
    const std::string all = runCapture(std::string(argv[1]) + " scan 2>&1", &status);
    check(status == 0 && all.find("i2c-" + std::to_string(*number) + " (SMBus stub driver):") !=
                             std::string::npos,
          "sckd scan without --bus scans the stub bus", all.substr(0, 200));
  }
  std::printf("I2C_STUB_CHECK: %s\n", checkFailures() == 0 ? "PASS" : "FAIL");
  return checkFailures() == 0 ? 0 : 1;
}
