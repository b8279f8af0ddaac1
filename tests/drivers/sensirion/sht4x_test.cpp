// SHT4x driver, proven through the bytes of the SHT4x datasheet via SimSht4x.

#include "drivers/sensirion/sht4x.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_sht4x.h"

namespace sckd::testing {
namespace {

SensorConfig sht4xConfig(std::string precision = "high", int address = 0x44) {
  return i2cSensor("sht4x", address, {{"precision", precision}});
}

class Sht4xTest : public DriverFixture {
 protected:
  void SetUp() override { bus().attach(0x44, sim_); }

  std::shared_ptr<SimSht4x> sim_ = std::make_shared<SimSht4x>(clock_);
};

TEST_F(Sht4xTest, RegistryRowSaysIdsAreGeneric) {
  const DriverInfo* info = findDriver("sht4x");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->addresses, (std::vector<int>{0x44, 0x45, 0x46}));
  ASSERT_EQ(info->quantities.size(), 2u);
  EXPECT_EQ(info->quantities[0].defaultId, 55);
  EXPECT_EQ(info->quantities[1].defaultId, 56);
  EXPECT_TRUE(info->quantities[0].genericId);
  EXPECT_TRUE(info->quantities[1].genericId);
}

TEST_F(Sht4xTest, HappyPathRoundTripsWithSeparateWriteThenRead) {
  sim_->setTemperature(18.75);
  sim_->setHumidity(72.5);
  auto d = makeDriver(sht4xConfig());
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(m->failures.empty());
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_NEAR(m->samples[0].value, 18.75, 0.01);
  EXPECT_NEAR(m->samples[1].value, 72.5, 0.01);
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x44: fd", "r 0x44: 6"}));
}

TEST_F(Sht4xTest, KnownRawFrameAndClamping) {
  // SHT4x datasheet §4.6: T = -45 + 175*S/65535, RH = -6 + 125*S/65535 cropped to 0..100.
  // 0x6666 -> 24.9998 degC; 0x8000 -> 56.5019 %RH; crc(66 66) = 0x93, crc(80 00) = 0xA2.
  const std::array<std::uint8_t, 6> frame{0x66, 0x66, 0x93, 0x80, 0x00, 0xA2};
  Sht4xValues v = decodeSht4x(frame);
  ASSERT_TRUE(v.temperature.ok() && v.humidity.ok());
  EXPECT_NEAR(*v.temperature, 24.9998, 0.001);
  EXPECT_NEAR(*v.humidity, 56.5019, 0.001);
  // Raw 0x0000 gives -6 %RH by the formula: published as 0.
  const std::array<std::uint8_t, 6> dry{0x66, 0x66, 0x93, 0x00, 0x00, 0x81};
  v = decodeSht4x(dry);
  ASSERT_TRUE(v.humidity.ok()) << v.humidity.error().message;
  EXPECT_EQ(*v.humidity, 0.0);
  // 0xF000 gives 108.9 %RH by the formula: published as 100.
  sim_->setRawOverride(0x6666, 0xF000);
  auto d = makeDriver(sht4xConfig());
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_EQ(m->samples[1].value, 100.0);
}

// Raw humidity 0xFFFF (with its CRC, 0xAC) is -6 + 125 = 119 %RH by the formula: a real,
// very wet reading, which the datasheet (§4.6) says to crop to 100.
TEST_F(Sht4xTest, AllOnesHumidityIsCroppedTo100) {
  const std::array<std::uint8_t, 6> frame{0x66, 0x66, 0x93, 0xFF, 0xFF, 0xAC};
  Sht4xValues v = decodeSht4x(frame);
  ASSERT_TRUE(v.humidity.ok()) << v.humidity.error().message;
  EXPECT_EQ(*v.humidity, 100.0);
  auto d = makeDriver(sht4xConfig());
  sim_->setRawOverride(0x6666, 0xFFFF);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
  EXPECT_EQ(*value(*m, 1), 100.0);
  EXPECT_EQ(sim_->softResets(), 0);
}

TEST_F(Sht4xTest, PrecisionChoosesCommandAndDelay) {
  struct Case {
    const char* name;
    const char* write;
    Millis delay;
  };
  for (const Case& c :
       {Case{"high", "w 0x44: fd", Millis(9)}, Case{"medium", "w 0x44: f6", Millis(5)},
        Case{"low", "w 0x44: e0", Millis(2)}}) {
    auto d = makeDriver(sht4xConfig(c.name));
    ASSERT_TRUE(cycleSends(*d, c.write, c.delay)) << c.name;
  }
}

TEST_F(Sht4xTest, CollectBeforeConversionEndsFails) {
  auto d = makeDriver(sht4xConfig());
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(8));  // the datasheet's maximum is 8.3 ms
  EXPECT_FALSE(d->collect().ok());
}

TEST_F(Sht4xTest, UnpluggedAndIoErrorFailThenRecover) {
  auto d = makeDriver(sht4xConfig());
  bus().inject(0x44, BusFault::Nack);
  Result<Measurement> m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Absent);
  bus().inject(0x44, BusFault::None);
  ASSERT_TRUE(measure(*d).ok());

  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(9));
  bus().inject(0x44, BusFault::Io, 1);
  m = d->collect();
  ASSERT_TRUE(failsWith(m, ErrorCode::Io));
  EXPECT_EQ(sim_->softResets(), 1);  // re-init: soft reset 0x94
  EXPECT_EQ(bus().transcript().back(), "w 0x44: 94");
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
}

TEST_F(Sht4xTest, BadCrcStuckAndOutOfRange) {
  auto d = makeDriver(sht4xConfig());
  sim_->corruptNextCrc(0);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {1}, {{ErrorCode::Crc, "temperature"}}));
  EXPECT_EQ(sim_->softResets(), 1);

  sim_->setStuck(true);  // a floating bus: FF FF FF fails the CRC
  m = measure(*d);
  ASSERT_TRUE(
      measuredExactly(m, {}, {{ErrorCode::Crc, "temperature"}, {ErrorCode::Crc, "humidity"}}));
  sim_->setStuck(false);

  sim_->setRawOverride(0x0100, 0x8000);  // -44.3 degC
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_NE(m->failures[0].message.find("outside the SHT4x range"), std::string::npos);
}

TEST_F(Sht4xTest, WrongChipNacksTheOneByteCommand) {
  // An SHT3x at 0x44 NACKs one-byte commands: the SHT4x command never reaches a chip.
  bus().detach(0x44);
  auto d = makeDriver(sht4xConfig());
  EXPECT_FALSE(measure(*d).ok());
}

TEST(Sht4xConfig, ValidatesAndRejects) {
  Result<Config> c = parseConfig(kConfigHead +
                                     "  - driver: sht4x\n    address: 0x46\n"
                                     "    precision: medium\n",
                                 "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(*c->sensors[0].address, 0x46);
  EXPECT_EQ(c->sensors[0].ids.at("temperature"), 55);
  EXPECT_EQ(optionString(c->sensors[0], "precision"), "medium");
  EXPECT_TRUE(configRejects("  - driver: sht4x\n    address: 0x47\n",
                            "sensors[0].address: 0x47 is not an address a sht4x"));
  EXPECT_TRUE(configRejects("  - driver: sht4x\n    precision: max\n", "sensors[0].precision"));
}

}  // namespace
}  // namespace sckd::testing
