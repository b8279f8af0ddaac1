// SHT3x driver, proven through the bytes of the SHT3x-DIS datasheet via SimSht3x.

#include "drivers/sensirion/sht3x.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_sht3x.h"

namespace sckd::testing {
namespace {

SensorConfig sht3xConfig(std::string driver = "sht31", std::string repeatability = "high",
                         int address = 0x44) {
  return i2cSensor(std::move(driver), address, {{"repeatability", repeatability}});
}

class Sht3xTest : public DriverFixture {
 protected:
  void SetUp() override { bus().attach(0x44, sim_); }

  std::shared_ptr<SimSht3x> sim_ = std::make_shared<SimSht3x>(clock_);
};

TEST_F(Sht3xTest, RegistryRowsHaveThePlatformIds) {
  const DriverInfo* sht31 = findDriver("sht31");
  const DriverInfo* sht35 = findDriver("sht35");
  const DriverInfo* sht30 = findDriver("sht30");
  ASSERT_TRUE(sht31 && sht35 && sht30);
  EXPECT_EQ(sht31->quantities[0].defaultId, 55);
  EXPECT_EQ(sht31->quantities[1].defaultId, 56);
  EXPECT_FALSE(sht31->quantities[0].genericId);
  EXPECT_EQ(sht35->quantities[0].defaultId, 224);
  EXPECT_EQ(sht35->quantities[1].defaultId, 225);
  EXPECT_TRUE(sht30->quantities[0].genericId);
  EXPECT_EQ(sht31->quantities[0].unit, "degC");
  EXPECT_EQ(sht31->quantities[1].unit, "%RH");
  EXPECT_EQ(sht31->addresses, (std::vector<int>{0x44, 0x45}));
}

TEST_F(Sht3xTest, HappyPathRoundTripsAndUsesSeparateWriteThenRead) {
  sim_->setTemperature(23.25);
  sim_->setHumidity(61.5);
  auto d = makeDriver(sht3xConfig());
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(m->failures.empty()) << m->failures[0].message;
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_EQ(m->samples[0].quantity, 0u);
  EXPECT_NEAR(m->samples[0].value, 23.25, 0.01);
  EXPECT_EQ(m->samples[1].quantity, 1u);
  EXPECT_NEAR(m->samples[1].value, 61.5, 0.01);
  // First start checks the status register, then single shot high repeatability without
  // clock stretching, then a SEPARATE 6-byte read: never a combined write+read.
  EXPECT_EQ(bus().transcript(),
            (std::vector<std::string>{"w 0x44: f3 2d", "r 0x44: 3", "w 0x44: 24 00", "r 0x44: 6"}));
  bus().clearTranscript();
  ASSERT_TRUE(measure(*d).ok());
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x44: 24 00", "r 0x44: 6"}));
}

TEST_F(Sht3xTest, KnownRawFrameFromTheDatasheetFormula) {
  // SHT3x-DIS datasheet §4.13: T = -45 + 175 * S/65535, RH = 100 * S/65535.
  // 0x6666 = 26214 -> T = 25.000 degC; 0x8000 = 32768 -> RH = 50.0008 %. CRCs by the
  // datasheet's CRC-8 (0x31, init 0xFF): crc(66 66) = 0x93, crc(80 00) = 0xA2.
  const std::array<std::uint8_t, 6> frame{0x66, 0x66, 0x93, 0x80, 0x00, 0xA2};
  Sht3xValues v = decodeSht3x(frame);
  ASSERT_TRUE(v.temperature.ok()) << v.temperature.error().message;
  ASSERT_TRUE(v.humidity.ok()) << v.humidity.error().message;
  EXPECT_NEAR(*v.temperature, 24.9998, 0.001);
  EXPECT_NEAR(*v.humidity, 50.0008, 0.001);
}

TEST_F(Sht3xTest, RepeatabilityChoosesCommandAndDelay) {
  struct Case {
    const char* name;
    const char* write;
    Millis delay;
  };
  for (const Case& c :
       {Case{"high", "w 0x44: 24 00", Millis(16)}, Case{"medium", "w 0x44: 24 0b", Millis(7)},
        Case{"low", "w 0x44: 24 16", Millis(5)}}) {
    auto d = makeDriver(sht3xConfig("sht31", c.name));
    bus().clearTranscript();
    ASSERT_TRUE(cycleSends(*d, c.write, c.delay)) << c.name;
  }
}

TEST_F(Sht3xTest, CollectBeforeConversionEndsFails) {
  auto d = makeDriver(sht3xConfig());
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(15));  // the datasheet's maximum is 15.5 ms
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent));
}

TEST_F(Sht3xTest, UnpluggedFailsAndRecoversWhenBack) {
  auto d = makeDriver(sht3xConfig());
  ASSERT_TRUE(measure(*d).ok());
  bus().inject(0x44, BusFault::Nack);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent, "command 0x2400"));
  bus().inject(0x44, BusFault::None);
  bus().clearTranscript();
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
  EXPECT_EQ(bus().transcript().front(), "w 0x44: f3 2d");  // re-initialised
}

TEST_F(Sht3xTest, IoErrorOnReadSoftResetsAndRecovers) {
  auto d = makeDriver(sht3xConfig());
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(16));
  bus().inject(0x44, BusFault::Io, 1);
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(failsWith(m, ErrorCode::Io));
  EXPECT_EQ(sim_->softResets(), 1);
  EXPECT_EQ(bus().transcript().back(), "w 0x44: 30 a2");
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
}

TEST_F(Sht3xTest, BadCrcLosesOnlyThatQuantityThenRecovers) {
  auto d = makeDriver(sht3xConfig());
  sim_->corruptNextCrc(1);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {0}, {{ErrorCode::Crc, "humidity"}}));
  EXPECT_EQ(sim_->softResets(), 1);
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
}

// A floating bus reads all ones, CRC bytes included: FF FF FF fails the CRC (0xFFFF's is
// 0xAC), so nothing is published.
TEST_F(Sht3xTest, FloatingBusFailsTheCrc) {
  auto d = makeDriver(sht3xConfig());
  sim_->setStuck(true);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(
      measuredExactly(m, {}, {{ErrorCode::Crc, "temperature"}, {ErrorCode::Crc, "humidity"}}));
  sim_->setStuck(false);
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
}

// Raw 0xFFFF with its CRC is a reading: RH = 100 * 65535/65535 = 100 %RH (§4.13), saturated
// air. Only as a temperature (130 degC) is it out of the chip's range.
TEST_F(Sht3xTest, SaturatedHumidityIsPublished) {
  const std::array<std::uint8_t, 6> frame{0x66, 0x66, 0x93, 0xFF, 0xFF, 0xAC};
  Sht3xValues v = decodeSht3x(frame);
  ASSERT_TRUE(v.humidity.ok()) << v.humidity.error().message;
  EXPECT_EQ(*v.humidity, 100.0);
  const std::array<std::uint8_t, 6> hot{0xFF, 0xFF, 0xAC, 0x80, 0x00, 0xA2};
  v = decodeSht3x(hot);
  ASSERT_FALSE(v.temperature.ok());
  EXPECT_NE(v.temperature.error().message.find("130.000000 degC is outside the SHT3x range"),
            std::string::npos)
      << v.temperature.error().message;

  auto d = makeDriver(sht3xConfig());
  sim_->setRawOverride(0x6666, 0xFFFF);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 2));
  EXPECT_EQ(*value(*m, 1), 100.0);
  EXPECT_EQ(sim_->softResets(), 0);
}

TEST_F(Sht3xTest, OutOfRangeTemperatureIsNotPublished) {
  auto d = makeDriver(sht3xConfig());
  sim_->setRawOverride(0x0000, 0x8000);  // -45 degC: below the -40 the chip can measure
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_EQ(m->samples[0].quantity, 1u);
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_NE(m->failures[0].message.find("outside the SHT3x range"), std::string::npos);
}

TEST_F(Sht3xTest, NotAnSht3xFailsAtInit) {
  sim_->setNotSht3x(true);
  auto d = makeDriver(sht3xConfig());
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent, "is this an SHT3x?"));
  sim_->setNotSht3x(false);
  EXPECT_TRUE(measure(*d).ok());
}

TEST_F(Sht3xTest, SecondAddress) {
  auto sim45 = std::make_shared<SimSht3x>(clock_);
  sim45->setTemperature(-10);
  bus().attach(0x45, sim45);
  auto d = makeDriver(sht3xConfig("sht35", "high", 0x45));
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_NEAR(m->samples[0].value, -10, 0.01);
}

TEST(Sht3xConfig, ValidatesAndRejects) {
  Result<Config> c = parseConfig(kConfigHead +
                                     "  - driver: sht35\n    bus: 1\n    address: 0x45\n"
                                     "    repeatability: low\n    ids: {humidity: 80}\n",
                                 "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  const SensorConfig& s = c->sensors[0];
  EXPECT_EQ(*s.address, 0x45);
  EXPECT_EQ(s.ids.at("temperature"), 224);
  EXPECT_EQ(s.ids.at("humidity"), 80);
  EXPECT_EQ(optionString(s, "repeatability"), "low");

  EXPECT_TRUE(configRejects("  - driver: sht31\n    address: 0x40\n",
                            "sensors[0].address: 0x40 is not an address a sht31"));
  EXPECT_TRUE(configRejects("  - driver: sht31\n    repeatability: ultra\n",
                            "sensors[0].repeatability: 'ultra' is not one of"));
}

}  // namespace
}  // namespace sckd::testing
