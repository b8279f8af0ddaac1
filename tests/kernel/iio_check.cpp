// Runs inside the qemu VM of scripts/qemu-i2c-test, after i2c_stub_check, against a real
// kernel IIO driver: the BMP280 datasheet's example registers (§3.11.3: calibration, and raw
// readings of 25.08 degC and 100653.27 Pa) are written into the i2c-stub chip at 0x76, the
// kernel's own bmp280 driver is bound to it (as `dtoverlay=i2c-sensor,bmp280` does on a Pi),
// and sckd reads the IIO device it creates:
//   1. sckd's IIO reader finds the device by name and converts its values;
//   2. `sckd scan` lists it with its channels; `sckd check` reads it;
//   3. the real sckd publishes both values to a real mosquitto in the VM.
// Not gtest: prints PASS:/FAIL: lines, then "IIO_CHECK: PASS" or "IIO_CHECK: FAIL".
// usage: iio_check PATH_TO_SCKD   (mosquitto is found on PATH)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "drivers/bus/linux_i2c_bus.h"
#include "drivers/kernel/iio.h"
#include "tests/kernel/check_lines.h"
#include "tests/kernel/stub_bus.h"
#include "tests/kernel/vm_sckd.h"

namespace {

using namespace sckd;
using namespace sckd::testing;
using namespace std::chrono_literals;

constexpr std::uint8_t kAddress = 0x76;

// BMP280 datasheet §3.11.3's worked example: dig_T1..T3, dig_P1..P9, adc_T, adc_P.
constexpr std::uint16_t kDigT1 = 27504;
constexpr std::int16_t kDigT2 = 26435, kDigT3 = -1000;
constexpr std::uint16_t kDigP1 = 36477;
constexpr std::int16_t kDigP[8] = {-10685, 3024, 2855, 140, -7, 15500, -14600, 6000};
constexpr std::uint32_t kAdcT = 519888, kAdcP = 415148;
// What the datasheet computes from them (the kernel uses its 64-bit pressure formula).
constexpr double kDegC = 25.08;
constexpr double kKpa = 100.65327;

bool writeRegisters(I2cBus& bus) {
  std::vector<std::pair<std::uint8_t, std::uint8_t>> regs;
  auto word = [&](std::uint8_t reg, std::uint16_t value) {  // little-endian, as the chip
    regs.emplace_back(reg, value & 0xFF);
    regs.emplace_back(reg + 1, value >> 8);
  };
  word(0x88, kDigT1);
  word(0x8A, static_cast<std::uint16_t>(kDigT2));
  word(0x8C, static_cast<std::uint16_t>(kDigT3));
  word(0x8E, kDigP1);
  for (int i = 0; i < 8; ++i) word(0x90 + 2 * i, static_cast<std::uint16_t>(kDigP[i]));
  auto raw20 = [&](std::uint8_t reg, std::uint32_t value) {  // msb, lsb, xlsb[7:4]
    regs.emplace_back(reg, (value >> 12) & 0xFF);
    regs.emplace_back(reg + 1, (value >> 4) & 0xFF);
    regs.emplace_back(reg + 2, (value & 0xF) << 4);
  };
  raw20(0xF7, kAdcP);
  raw20(0xFA, kAdcT);
  regs.emplace_back(0xD0, 0x58);  // chip id: BMP280
  for (const auto& [reg, value] : regs) {
    if (!bus.writeByteData(kAddress, reg, value).ok()) return false;
  }
  return true;
}

// Binds the kernel's bmp280 driver to the stub chip and waits for its IIO device.
bool bindBmp280(int number) {
  std::ofstream("/sys/bus/i2c/devices/i2c-" + std::to_string(number) + "/new_device")
      << "bmp280 0x76\n";
  for (int i = 0; i < 50; ++i) {
    for (const IioDevice& d : iioDevices(HostPaths{})) {
      if (d.name == "bmp280") return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

void checkReader() {
  Result<IioDevice> device = findIioDevice(HostPaths{}, "bmp280");
  check(device.ok(), "sckd finds the IIO device by its name",
        device.ok() ? device->node : device.error().message);
  if (!device.ok()) return;
  const std::vector<IioChannelKind>& kinds = iioChannelKinds();
  Result<double> t = readIioChannel(*device, kinds[0]);
  Result<double> p = readIioChannel(*device, kinds[3]);
  check(t.ok() && std::abs(*t - kDegC) < 0.005, "temperature through IIO is the datasheet's",
        t.ok() ? std::to_string(*t) : t.error().message);
  check(p.ok() && std::abs(*p - kKpa) < 0.0005, "pressure through IIO is the datasheet's, in kPa",
        p.ok() ? std::to_string(*p) : p.error().message);
}

// "exit 0", or "still running" for a command that did not end in time.
std::string ended(SckdProcess* process) {
  if (process == nullptr) return "not started";
  std::optional<int> status = process->waitExit(30s);
  return status.has_value() ? describeStatus(status.value()) : "still running";
}

constexpr const char* kSensors =
    "  - name: air\n    driver: iio\n    device: bmp280\n    interval: 1s\n"
    "    ids: {temperature: 610, pressure: 611}\n";

void checkCli() {
  auto scan = SckdProcess::spawn({"scan"}, "/tmp/scan.log");
  const std::string scanned = ended(scan.get());
  const std::string listing = scan ? scan->output() : "";
  check(scanned == "exit 0", "sckd scan exits 0", scanned + "\n" + listing);
  check(listing.find("bmp280: temperature 25.08 degC, pressure 100.653 kPa") != std::string::npos &&
            listing.find("    device: bmp280\n    ids: {temperature: N, pressure: N}") !=
                std::string::npos,
        "sckd scan lists the IIO device, its values and its config lines", listing);

  SckdConfig config;
  config.extraSensors = kSensors;
  config.port = 1883;  // --offline: never connected to
  config.outboxPath = "/tmp/check-outbox.db";
  std::ofstream("/tmp/check.yaml") << config.toYaml();
  auto run =
      SckdProcess::spawn({"check", "--offline", "--config", "/tmp/check.yaml"}, "/tmp/check.log");
  const std::string checked = ended(run.get());
  const std::string out = run ? run->output() : "";
  check(checked == "exit 0" && out.find("25.08") != std::string::npos &&
            out.find("100.653") != std::string::npos,
        "sckd check reads the IIO device", out + (run ? run->log() : ""));
}

void checkDaemon() {
  Sckd sckd;
  check(sckd.start(kSensors), "mosquitto and sckd start in the VM");
  const bool arrived = sckd.waitPast(610, 0, 30s) && sckd.waitPast(611, 0, 30s);
  check(arrived, "sckd publishes the IIO device's temperature and pressure", sckd.log());
  if (!arrived) return;
  const std::vector<double> t = sckd.values(610);
  const std::vector<double> p = sckd.values(611);
  check(t.back() == kDegC, "the published temperature is 25.08", std::to_string(t.back()));
  check(p.back() == 100.653, "the published pressure is 100.653 kPa", std::to_string(p.back()));
  check(sckd.running(), "sckd is still running", sckd.log());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: iio_check PATH_TO_SCKD\n");
    return 2;
  }
  ::setenv("SCKD_BIN", argv[1], 1);
  const std::optional<int> number = findStubBus();
  check(number.has_value(), "found the i2c-stub bus");
  if (number) {
    auto buses = makeLinuxI2cBuses();
    check(writeRegisters(buses->bus(*number)), "the BMP280's registers written into the stub chip");
    const bool bound = bindBmp280(*number);
    check(bound, "the kernel's bmp280 driver bound and made an IIO device");
    if (bound) {
      checkReader();
      checkCli();
      checkDaemon();
    }
  }
  std::printf("IIO_CHECK: %s\n", checkFailures() == 0 ? "PASS" : "FAIL");
  return checkFailures() == 0 ? 0 : 1;
}
