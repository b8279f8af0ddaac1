// The Linux bus where no kernel I2C exists: its errors must name the device and say why.
// The real kernel paths (i2c-stub under qemu) are tests/kernel/i2c_stub_check.cpp.
#include "drivers/bus/linux_i2c_bus.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

#include "drivers/driver.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd {
namespace {

using ::testing::HasSubstr;

TEST(LinuxI2cBus, MissingDeviceDirNamesThePathAndTheFix) {
  auto buses = makeLinuxI2cBuses("/nonexistent");
  I2cBus& bus = buses->bus(1);
  EXPECT_EQ(bus.name(), "i2c-1");
  Result<std::uint8_t> byte = bus.readByteData(0x76, 0xd0);
  ASSERT_FALSE(byte.ok());
  if (!i2cCompiledIn()) {
    EXPECT_THAT(byte.error().message, HasSubstr("not compiled in"));
    EXPECT_THAT(byte.error().message, HasSubstr("-Di2c=enabled"));
    return;
  }
  EXPECT_THAT(byte.error().message, HasSubstr("/nonexistent/i2c-1"));
  EXPECT_THAT(byte.error().message, HasSubstr("No such file or directory"));
  EXPECT_THAT(byte.error().message, HasSubstr("I2C enabled"));
}

TEST(LinuxI2cBus, EveryTransferShapeReportsTheMissingBus) {
  if (!i2cCompiledIn()) {
    GTEST_SKIP() << "built without libi2c: MissingDeviceDirNamesThePathAndTheFix covers it; "
                    "./run-tests runs this case in its main (libi2c) build";
  }
  auto buses = makeLinuxI2cBuses("/nonexistent");
  I2cBus& bus = buses->bus(7);
  std::array<std::uint8_t, 2> out{0x24, 0x00};
  std::array<std::uint8_t, 6> in{};
  const std::vector<Status> results = {
      bus.write(0x44, out),
      bus.read(0x44, in),
      bus.writeRead(0x44, out, in),
      bus.writeByteData(0x44, 0x10, 1),
      bus.readBlockData(0x44, 0x10, in),
      bus.probeQuickWrite(0x44),
      bus.probeReadByte(0x50),
  };
  for (const Status& s : results) {
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.error().message, HasSubstr("/nonexistent/i2c-7"));
  }
}

TEST(LinuxI2cBus, BusesAreSharedPerNumber) {
  auto buses = makeLinuxI2cBuses("/nonexistent");
  EXPECT_EQ(&buses->bus(1), &buses->bus(1));
  EXPECT_NE(&buses->bus(1), &buses->bus(2));
}

TEST(LinuxI2cBus, RequireI2cSupportMatchesTheBuild) {
  Status s = requireI2cSupport("bme280");
  if (i2cCompiledIn()) {
    EXPECT_TRUE(s.ok());
  } else {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message,
              "driver bme280 needs I2C support, which is not compiled in (rebuild with "
              "-Di2c=enabled and libi2c-dev)");
  }
}

}  // namespace
}  // namespace sckd
