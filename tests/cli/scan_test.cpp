// `sckd scan` on a fake bus: what answers, how each address is probed, faults, UU.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "daemon/cli/commands.h"
#include "drivers/driver.h"
#include "tests/fakes/fake_gpio.h"
#include "tests/fakes/fake_i2c_bus.h"
#include "tests/support/kernel_tree.h"

namespace sckd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using State = BusScan::State;

// A chip that ACKs every transfer: all a probe needs.
class AnyChip final : public testing::ChipSimulator {
 public:
  Status onWrite(std::span<const std::uint8_t>) override { return {}; }
  Status onRead(std::span<std::uint8_t> bytes) override {
    std::fill(bytes.begin(), bytes.end(), 0x60);
    return {};
  }
};

// What i2c-dev says when a kernel driver has bound the address.
class BusyAt final : public I2cBus {
 public:
  BusyAt(testing::FakeI2cBus& inner, std::uint8_t busy) : inner_(inner), busy_(busy) {}
  const std::string& name() const override { return inner_.name(); }
  Status write(std::uint8_t a, std::span<const std::uint8_t> b) override {
    return inner_.write(a, b);
  }
  Status read(std::uint8_t a, std::span<std::uint8_t> b) override { return inner_.read(a, b); }
  Status writeRead(std::uint8_t a, std::span<const std::uint8_t> o,
                   std::span<std::uint8_t> i) override {
    return inner_.writeRead(a, o, i);
  }
  Result<std::uint8_t> readByteData(std::uint8_t a, std::uint8_t r) override {
    return inner_.readByteData(a, r);
  }
  Status writeByteData(std::uint8_t a, std::uint8_t r, std::uint8_t v) override {
    return inner_.writeByteData(a, r, v);
  }
  Status readBlockData(std::uint8_t a, std::uint8_t r, std::span<std::uint8_t> b) override {
    return inner_.readBlockData(a, r, b);
  }
  Status probeQuickWrite(std::uint8_t a) override {
    if (a == busy_)
      return makeError(ErrorCode::Busy,
                       "quick write: select 0x1a: Device or resource busy (a kernel driver ...)");
    return inner_.probeQuickWrite(a);
  }
  Status probeReadByte(std::uint8_t a) override { return inner_.probeReadByte(a); }

 private:
  testing::FakeI2cBus& inner_;
  std::uint8_t busy_;
};

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus_.attach(0x44, std::make_shared<AnyChip>());
    bus_.attach(0x76, std::make_shared<AnyChip>());
  }
  testing::FakeI2cBus bus_{"i2c-1"};
};

std::vector<int> found(const BusScan& scan) {
  std::vector<int> addresses;
  for (int a = 0; a < 0x80; ++a) {
    if (scan.states[a] == State::Found) addresses.push_back(a);
  }
  return addresses;
}

TEST_F(ScanTest, FindsExactlyTheChipsOnTheBus) {
  const BusScan scan = scanBus(bus_);
  EXPECT_EQ(found(scan), (std::vector<int>{0x44, 0x76}));
  EXPECT_TRUE(scan.errors.empty());
  const std::string text = formatScan(1, scan);
  EXPECT_THAT(text, HasSubstr("     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f\n"));
  EXPECT_THAT(text, HasSubstr("\n40: -- -- -- -- 44 -- -- -- -- -- -- -- -- -- -- --\n"));
  EXPECT_THAT(text, HasSubstr("\n70: -- -- -- -- -- -- 76 --\n"));
  EXPECT_THAT(text, HasSubstr("\n00:                         -- -- -- -- -- -- -- --\n"));
}

TEST_F(ScanTest, ProbesOnlyValidAddressesAndReadsWhereAQuickWriteIsUnsafe) {
  (void)scanBus(bus_);
  const auto& t = bus_.transcript();
  EXPECT_EQ(t.size(), 0x77u - 0x08u + 1u);
  auto has = [&](const std::string& line) {
    return std::find(t.begin(), t.end(), line) != t.end();
  };
  EXPECT_TRUE(has("q 0x08"));
  EXPECT_TRUE(has("q 0x77"));
  EXPECT_FALSE(has("q 0x07"));
  EXPECT_FALSE(has("q 0x78"));
  EXPECT_TRUE(has("q 0x44"));
  // EEPROMs (0x50..0x5f) and 0x30..0x37 get a read-byte, never a quick write.
  for (int a : {0x30, 0x37, 0x50, 0x5f}) {
    char quick[16], read[16];
    std::snprintf(quick, sizeof quick, "q 0x%02x", a);
    std::snprintf(read, sizeof read, "r 0x%02x: 1", a);
    EXPECT_FALSE(has(quick)) << quick;
    EXPECT_TRUE(has(read)) << read;
  }
  EXPECT_TRUE(has("q 0x38"));
  EXPECT_TRUE(has("q 0x60"));
}

TEST_F(ScanTest, NamesTheKnownChipsAndTheConfigLinesFromTheRegistry) {
  const std::string text = formatScan(1, scanBus(bus_));
  for (int address : {0x44, 0x76}) {
    std::vector<std::string_view> known;
    for (const DriverInfo& info : driverRegistry()) {
      if (info.onI2cBus && std::count(info.addresses.begin(), info.addresses.end(), address) > 0) {
        known.push_back(info.name);
      }
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%02x", address);
    if (known.empty()) {
      EXPECT_THAT(text, HasSubstr(std::string(hex) +
                                  ": a chip answered; no sckd driver knows this address"));
      continue;
    }
    EXPECT_THAT(text, HasSubstr(std::string(hex) + ": may be:"));
    for (std::string_view name : known)
      EXPECT_THAT(text, HasSubstr("    " + std::string(name) + "  "));
    EXPECT_THAT(text, HasSubstr("  - driver: " + std::string(known.front())));
    EXPECT_THAT(text, HasSubstr("    bus: 1\n    address: " + std::string(hex) + "\n"));
  }
}

TEST_F(ScanTest, AFaultAtOneAddressIsShownAndTheScanGoesOn) {
  bus_.inject(0x20, testing::BusFault::Io);
  bus_.inject(0x44, testing::BusFault::Timeout, 1);
  const BusScan scan = scanBus(bus_);
  EXPECT_EQ(found(scan), (std::vector<int>{0x76}));
  EXPECT_EQ(scan.states[0x20], State::Empty);
  EXPECT_EQ(scan.errors.size(), 2u);
  const std::string text = formatScan(1, scan);
  EXPECT_THAT(text, HasSubstr("(0x20), shown as --: Input/output error"));
  EXPECT_THAT(text, HasSubstr("(0x44), shown as --: Connection timed out"));
  // A NACK is the normal "nobody there" and is not reported as an error.
  EXPECT_THAT(text, Not(HasSubstr("Remote I/O error")));
}

TEST_F(ScanTest, AStuckBusIsOneLineNotOneHundred) {
  for (int a = 0x08; a <= 0x77; ++a)
    bus_.inject(static_cast<std::uint8_t>(a), testing::BusFault::Timeout);
  const std::string text = formatScan(1, scanBus(bus_));
  EXPECT_THAT(
      text,
      HasSubstr("error at 112 address(es) (0x08 .. 0x77), shown as --: Connection timed out"));
  EXPECT_THAT(text, HasSubstr("no chip answered on i2c-1"));
}

TEST_F(ScanTest, AnAddressOwnedByAKernelDriverIsUU) {
  BusyAt busy(bus_, 0x1a);
  const BusScan scan = scanBus(busy);
  EXPECT_EQ(scan.states[0x1a], State::Busy);
  EXPECT_TRUE(scan.errors.empty());
  const std::string text = formatScan(1, scan);
  EXPECT_THAT(text, HasSubstr("\n10: -- -- -- -- -- -- -- -- -- -- UU -- -- -- -- --\n"));
  EXPECT_THAT(text, HasSubstr("0x1a: UU: a kernel driver owns this address"));
}

// A host with none of what sckd reads: an empty sysfs and /dev.
HostPaths emptyHost(const testing::KernelTree& tree) {
  HostPaths host;
  host.sys = tree.sysRoot();
  host.proc = tree.procRoot();
  host.dev = tree.sysRoot() + "/no-dev";
  return host;
}

TEST(ScanCommand, NoBusIsExitOne) {
  char dir[] = "/tmp/sckd-scan-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  testing::KernelTree tree;
  EXPECT_EQ(scanCommand(ScanOptions{std::nullopt, dir, emptyHost(tree)}), 1);
  EXPECT_EQ(scanCommand(ScanOptions{3, dir, emptyHost(tree)}), 1);
  rmdir(dir);
}

TEST(ScanCommand, AOneWireProbeWithoutAnI2cBusIsExitZero) {
  char dir[] = "/tmp/sckd-scan-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  testing::KernelTree tree;
  tree.addW1Probe("28-0316a2794cff", 21375);
  EXPECT_EQ(scanCommand(ScanOptions{std::nullopt, dir, emptyHost(tree)}), 0);
  rmdir(dir);
}

// The kernel's sensors and the serial ports, as a Pi with a DS18B20 pair, a BMP280 and two
// DHT22s through IIO, its UART and a USB adapter shows them.
TEST(ScanKernel, ListsProbesDevicesAndPortsWithTheirYaml) {
  testing::KernelTree tree;
  tree.addW1Probe("28-0316a2794cff", 21375);
  tree.addW1Probe("28-00000a1b2c3d", 19000);
  tree.addIioDevice(0, "bmp280", {{"in_temp_input", "21510"}, {"in_pressure_input", "100.812343"}});
  tree.addIioDevice(1, "dht11",
                    {{"in_temp_input", "23400"}, {"in_humidityrelative_input", "45300"}});
  tree.addIioDevice(2, "dht11", {{"in_temp_input", "23400"}});
  tree.breakIioFile(2, "in_temp_input");
  tree.addIioDevice(3, "accel", {{"in_accel_x_raw", "12"}});
  HostPaths host = emptyHost(tree);
  host.dev = tree.sysRoot() + "/dev";
  std::filesystem::create_directories(host.dev);
  for (const char* tty : {"ttyAMA0", "ttyUSB0", "ttyS0", "ttyS1", "tty1"}) {
    testing::writeFile(host.dev + "/" + tty, "");
  }
  std::filesystem::create_symlink("ttyAMA0", host.dev + "/serial0");
  tree.writeSys("class/tty/ttyS0/type", "4\n");  // the Pi's mini UART
  tree.writeSys("class/tty/ttyS1/type", "0\n");  // a PC's phantom 8250 port

  int found = 0;
  const std::string text = describeKernelSensors(host, found);
  EXPECT_EQ(found, 5);
  EXPECT_THAT(text, HasSubstr("  28-00000a1b2c3d  DS18B20  19.00 degC\n"));
  EXPECT_THAT(text, HasSubstr("  28-0316a2794cff  DS18B20  21.38 degC\n"));
  EXPECT_THAT(text, HasSubstr("  - driver: ds18b20\n    serial: 28-00000a1b2c3d\n"));
  EXPECT_THAT(text,
              HasSubstr("  iio:device0  bmp280: temperature 21.51 degC, pressure 100.812 kPa\n"));
  EXPECT_THAT(text, HasSubstr("  iio:device2  dht11: temperature (read failed)\n"));
  EXPECT_THAT(text, HasSubstr("  iio:device3  accel: no channel sckd reads\n"));
  EXPECT_THAT(
      text,
      HasSubstr("  - driver: iio\n    device: bmp280\n    ids: {temperature: N, pressure: N}"));
  EXPECT_THAT(text, HasSubstr("    device: iio:device1\n    ids: {temperature: N, humidity: N}"));
  EXPECT_THAT(text, HasSubstr("  " + host.dev + "/serial0 -> ttyAMA0\n"));
  EXPECT_THAT(text, HasSubstr("  " + host.dev + "/ttyS0\n"));
  EXPECT_THAT(text, HasSubstr("  " + host.dev + "/ttyUSB0\n"));
  EXPECT_THAT(text, Not(HasSubstr("ttyS1")));
  EXPECT_THAT(text, Not(HasSubstr("tty1")));
  EXPECT_THAT(text, HasSubstr("    port: " + host.dev + "/serial0\n"));
}

TEST(ScanKernel, SaysHowToEnableWhatIsMissing) {
  testing::KernelTree tree;
  int found = 0;
  const std::string text = describeKernelSensors(emptyHost(tree), found);
  EXPECT_EQ(found, 0);
  EXPECT_THAT(text, HasSubstr("dtoverlay=w1-gpio"));
  EXPECT_THAT(text, HasSubstr("IIO: no device"));
  EXPECT_THAT(text, HasSubstr("enable_uart=1"));
}

}  // namespace
// `sckd scan --gpio`: each line, who holds it, and how the config names a free one: the
// chip by its label (one YAML for a Pi 4 and a Pi 5) and the line by its name.
TEST(ScanGpio, ListsLinesWhoHoldsThemAndTheConfigKeysOfFreeOnes) {
  testing::FakeGpioChips chips;
  chips.addChip("gpiochip0", "pinctrl-bcm2711", 4, {"ID_SDA", "ID_SCL", "GPIO2", ""});
  chips.addChip("gpiochip1", "raspberrypi-exp-gpio", 2, {"BT_ON", "BT_ON"});
  chips.holdLine("gpiochip0", 2, "sckd:rain");
  chips.holdLine("gpiochip1", 0, "regulator-bt");
  Result<std::vector<GpioChipInfo>> list = chips.list();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(describeGpioChips(*list),
            "gpiochip0 (pinctrl-bcm2711), 4 lines\n"
            "    0  ID_SDA       free   {chip: pinctrl-bcm2711, line: ID_SDA}\n"
            "    1  ID_SCL       free   {chip: pinctrl-bcm2711, line: ID_SCL}\n"
            "    2  GPIO2        in use by sckd:rain\n"
            "    3  -            free   {chip: pinctrl-bcm2711, line: 3}\n"
            "gpiochip1 (raspberrypi-exp-gpio), 2 lines\n"
            "    0  BT_ON        in use by regulator-bt\n"
            "    1  BT_ON        free   {chip: raspberrypi-exp-gpio, line: 1}\n");
}

TEST(ScanGpio, NoChipIsExitOne) {
  testing::FakeGpioChips none;
  EXPECT_EQ(scanGpioCommand(none), 1);
}

}  // namespace sckd
