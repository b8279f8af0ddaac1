// Turning a sensor's config into a running driver: what the daemon and `sckd check` say
// when that cannot be done.
#include "daemon/sampling/sensor_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/bus/linux_gpio.h"
#include "drivers/bus/linux_i2c_bus.h"
#include "drivers/driver.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_gpio.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd {
namespace {

using ::testing::HasSubstr;

// What the daemon and `sckd check` print for an I2C sensor in a build without libi2c.
TEST(SensorSetup, AnI2cDriverInABuildWithoutI2cSaysSoAndHowToFixIt) {
  if (i2cCompiledIn()) {
    GTEST_SKIP() << "this build has I2C support; ./run-tests runs this case in its "
                    "ASan+UBSan build, configured with -Di2c=disabled";
  }
  const DriverInfo* i2cDriver = nullptr;
  for (const DriverInfo& info : driverRegistry()) {
    if (info.onI2cBus) i2cDriver = &info;
  }
  ASSERT_NE(i2cDriver, nullptr) << "no I2C driver is registered";
  SensorConfig config;
  config.name = "indoor";
  config.driver = std::string(i2cDriver->name);
  config.bus = 1;
  config.address = i2cDriver->addresses.empty() ? 0x44 : i2cDriver->addresses.front();
  testing::FakeClock clock;
  testing::FakeI2cBuses buses;
  testing::FakeGpioChips gpio;
  Result<Sampler::Sensor> sensor = createSensor(config, clock, buses, gpio);
  ASSERT_FALSE(sensor.ok());
  EXPECT_EQ(sensor.error().code, ErrorCode::Unsupported);
  EXPECT_THAT(sensor.error().message, HasSubstr("indoor"));
  EXPECT_THAT(sensor.error().message, HasSubstr("driver " + config.driver +
                                                " needs I2C support, which is not compiled in "
                                                "(rebuild with -Di2c=enabled and libi2c-dev)"));
}

// The same for a GPIO sensor in a build without libgpiod.
TEST(SensorSetup, AGpioDriverInABuildWithoutGpioSaysSoAndHowToFixIt) {
  if (gpioCompiledIn()) {
    GTEST_SKIP() << "this build has GPIO support; ./run-tests runs this case in its "
                    "ASan+UBSan build, configured with -Dgpio=disabled";
  }
  SensorConfig config;
  config.name = "rain";
  config.driver = "pulse";
  config.ids = {{"amount", 300}};
  config.options = {{"chip", std::string("gpiochip0")},
                    {"line", std::string("17")},
                    {"bias", std::string("pull-up")},
                    {"active_low", false},
                    {"debounce", std::int64_t{20}},
                    {"edge", std::string("falling")},
                    {"scale", 0.2794},
                    {"per", std::string("hour")}};
  testing::FakeClock clock;
  testing::FakeI2cBuses buses;
  testing::FakeGpioChips gpio;
  Result<Sampler::Sensor> sensor = createSensor(config, clock, buses, gpio);
  ASSERT_FALSE(sensor.ok());
  EXPECT_EQ(sensor.error().code, ErrorCode::Unsupported);
  EXPECT_THAT(sensor.error().message, HasSubstr("rain"));
  EXPECT_THAT(sensor.error().message,
              HasSubstr("driver 'pulse' needs GPIO support, which is not compiled in (rebuild "
                        "with -Dgpio=enabled and libgpiod-dev)"));
}

}  // namespace
}  // namespace sckd
