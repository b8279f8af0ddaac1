// SCD40/SCD41 driver, proven through the bytes of the SCD4x datasheet via SimScd4x.

#include "drivers/sensirion/scd4x.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_scd4x.h"

namespace sckd::testing {
namespace {

using std::chrono::seconds;

class Scd4xTest : public DriverFixture {
 protected:
  void SetUp() override { bus().attach(0x62, sim_); }

  std::unique_ptr<Driver> make(const std::string& driver = "scd41") {
    return makeDriver(i2cSensor(driver, 0x62, {}, "co2"));
  }

  // A driver whose chip has been started and has a value waiting; transcript cleared.
  std::unique_ptr<Driver> running() {
    auto d = make();
    EXPECT_FALSE(measure(*d).ok());  // just started
    clock_.advance(seconds(5));
    bus().clearTranscript();
    return d;
  }

  std::shared_ptr<SimScd4x> sim_ = std::make_shared<SimScd4x>(clock_);
};

TEST_F(Scd4xTest, RegistryRowsUseGenericIds) {
  for (const char* name : {"scd40", "scd41"}) {
    const DriverInfo* info = findDriver(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_EQ(info->addresses, (std::vector<int>{0x62}));
    ASSERT_EQ(info->quantities.size(), 3u);
    EXPECT_EQ(info->quantities[0].defaultId, 158);
    EXPECT_EQ(info->quantities[1].defaultId, 55);
    EXPECT_EQ(info->quantities[2].defaultId, 56);
    for (const Quantity& q : info->quantities) EXPECT_TRUE(q.genericId);
  }
}

TEST_F(Scd4xTest, StartsPeriodicMeasurementThenReadsWithSeparateTransfers) {
  sim_->setCo2(1234);
  sim_->setTemperature(24.0);
  sim_->setHumidity(38.5);
  auto d = make();
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::NotReady));
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x62: 21 b1"}));
  EXPECT_TRUE(sim_->periodic());

  clock_.advance(seconds(5));
  bus().clearTranscript();
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(1));  // the datasheet's execution time of read_measurement
  clock_.advance(*delay);
  m = d->collect();
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->samples.size(), 3u);
  EXPECT_EQ(m->samples[0].value, 1234.0);
  EXPECT_NEAR(m->samples[1].value, 24.0, 0.01);
  EXPECT_NEAR(m->samples[2].value, 38.5, 0.01);
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x62: ec 05", "r 0x62: 9"}));
}

TEST_F(Scd4xTest, KnownFrameFromTheDatasheet) {
  // SCD4x datasheet §3.5.2 read_measurement example: 500 ppm, 25 degC, 37 %RH.
  const std::array<std::uint8_t, 9> frame{0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3C};
  Scd4xValues v = decodeScd4x(frame);
  ASSERT_TRUE(v.co2.ok() && v.temperature.ok() && v.humidity.ok());
  EXPECT_EQ(*v.co2, 500.0);
  EXPECT_NEAR(*v.temperature, 25.0, 0.01);
  EXPECT_NEAR(*v.humidity, 37.0, 0.01);
}

// Raw humidity 0xFFFF with its CRC is 100 * 65535/65535 = 100 %RH (§3.5.2): published. As
// CO2 (65535 ppm) or temperature (130 degC) it is outside the ranges.
TEST_F(Scd4xTest, SaturatedHumidityIsPublished) {
  const std::array<std::uint8_t, 9> frame{0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0xFF, 0xFF, 0xAC};
  Scd4xValues v = decodeScd4x(frame);
  ASSERT_TRUE(v.humidity.ok()) << v.humidity.error().message;
  EXPECT_EQ(*v.humidity, 100.0);
  const std::array<std::uint8_t, 9> ones{0xFF, 0xFF, 0xAC, 0xFF, 0xFF, 0xAC, 0xFF, 0xFF, 0xAC};
  v = decodeScd4x(ones);
  ASSERT_FALSE(v.co2.ok());
  EXPECT_EQ(v.co2.error().message, "65535 ppm is outside the SCD4x range");
  ASSERT_FALSE(v.temperature.ok());
  EXPECT_NE(v.temperature.error().message.find("outside the SCD4x range"), std::string::npos);
  ASSERT_TRUE(v.humidity.ok());

  auto d = running();
  sim_->setRawOverride(500, 0x6667, 0xFFFF);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 3));
  EXPECT_EQ(*value(*m, 2), 100.0);
}

TEST_F(Scd4xTest, AlreadyMeasuringAfterARestartReadsAtOnce) {
  sim_->startMeasuring();  // a previous sckd left it running
  clock_.advance(seconds(5));
  auto d = make("scd40");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 3));
  EXPECT_EQ(bus().transcript(),
            (std::vector<std::string>{"w 0x62: 21 b1", "w 0x62: ec 05", "r 0x62: 9"}));
}

TEST_F(Scd4xTest, ReadingFasterThanFiveSecondsFailsInsteadOfRepeating) {
  auto d = running();
  ASSERT_TRUE(measure(*d).ok());
  clock_.advance(seconds(2));
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::NotReady));
  clock_.advance(seconds(3));
  EXPECT_TRUE(measure(*d).ok());
}

TEST_F(Scd4xTest, UnpluggedFailsThenPowerCycledChipIsStartedAgain) {
  auto d = running();
  bus().inject(0x62, BusFault::Nack);
  Result<Measurement> m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Absent);
  m = measure(*d);  // still absent: the start command is what fails now
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Absent);
  bus().inject(0x62, BusFault::None);
  sim_->powerCycle();
  EXPECT_FALSE(measure(*d).ok());  // started again
  EXPECT_TRUE(sim_->periodic());
  clock_.advance(seconds(5));
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 3));
}

TEST_F(Scd4xTest, IoErrorOnReadReinitialises) {
  auto d = running();
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(1));
  bus().inject(0x62, BusFault::Io, 1);
  Result<Measurement> m = d->collect();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Io);
  bus().clearTranscript();
  m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(bus().transcript().front(), "w 0x62: 21 b1");  // re-init tried (NACKed: running)
}

TEST_F(Scd4xTest, BadCrcStuckZeroAndOutOfRange) {
  auto d = running();
  sim_->corruptNextCrc(2);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 2u);
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_EQ(m->failures[0].code, ErrorCode::Crc);

  clock_.advance(seconds(5));
  sim_->setStuck(true);  // a floating bus: FF FF FF fails the CRC
  m = measure(*d);
  ASSERT_TRUE(measuredExactly(
      m, {},
      {{ErrorCode::Crc, "co2"}, {ErrorCode::Crc, "temperature"}, {ErrorCode::Crc, "humidity"}}));
  sim_->setStuck(false);

  clock_.advance(seconds(5));
  sim_->setRawOverride(0, 0x6667, 0x5EB9);
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_EQ(m->failures[0].message, "co2: 0 ppm (no CO2 value)");
  EXPECT_EQ(m->samples.size(), 2u);

  clock_.advance(seconds(5));
  sim_->setRawOverride(500, 0xF000, 0x5EB9);  // 119 degC
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_NE(m->failures[0].message.find("outside the SCD4x range"), std::string::npos);
}

TEST_F(Scd4xTest, NothingAtTheAddress) {
  bus().detach(0x62);
  auto d = make();
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent, "0x21b1"));
}

TEST(Scd4xConfig, ValidatesAndRejects) {
  Result<Config> c = parseConfig(kConfigHead + "  - driver: scd41\n    ids: {co2: 300}\n",
                                 "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(*c->sensors[0].address, 0x62);
  EXPECT_EQ(c->sensors[0].ids.at("co2"), 300);
  EXPECT_EQ(c->sensors[0].ids.at("humidity"), 56);
  EXPECT_TRUE(configRejects("  - driver: scd40\n    address: 0x61\n",
                            "sensors[0].address: 0x61 is not an address a scd40"));
  EXPECT_TRUE(configRejects("  - driver: scd41\n    ids: {co3: 1}\n", "sensors[0].ids"));
}

}  // namespace
}  // namespace sckd::testing
