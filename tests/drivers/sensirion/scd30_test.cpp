// SCD30 driver, proven through the bytes of the SCD30 interface description via SimScd30.

#include "drivers/sensirion/scd30.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <memory>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_scd30.h"

namespace sckd::testing {
namespace {

using std::chrono::seconds;

SensorConfig scd30Config(std::int64_t interval = 2, std::int64_t pressure = 0) {
  return i2cSensor("scd30", 0x61,
                   {{"measurement_interval", interval}, {"pressure_compensation", pressure}},
                   "co2");
}

class Scd30Test : public DriverFixture {
 protected:
  void SetUp() override { bus().attach(0x61, sim_); }

  std::unique_ptr<Driver> make(const SensorConfig& config = scd30Config()) {
    return makeDriver(config);
  }

  // A driver past its first reading, the transcript cleared.
  std::unique_ptr<Driver> running() {
    auto d = make();
    EXPECT_TRUE(measure(*d).ok());
    clock_.advance(seconds(2));
    bus().clearTranscript();
    return d;
  }

  std::shared_ptr<SimScd30> sim_ = std::make_shared<SimScd30>(clock_);
};

TEST_F(Scd30Test, RegistryRowHasTheScd30Ids) {
  const DriverInfo* info = findDriver("scd30");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->addresses, (std::vector<int>{0x61}));
  ASSERT_EQ(info->quantities.size(), 3u);
  EXPECT_EQ(info->quantities[0].unit, "ppm");
  EXPECT_EQ(info->quantities[0].defaultId, 158);
  EXPECT_EQ(info->quantities[1].defaultId, 160);
  EXPECT_EQ(info->quantities[2].defaultId, 161);
  EXPECT_FALSE(info->quantities[0].genericId);
}

TEST_F(Scd30Test, FirstReadingConfiguresThenWaitsOneInterval) {
  sim_->setCo2(845.5f);
  sim_->setTemperature(19.5f);
  sim_->setHumidity(55.25f);
  auto d = make(scd30Config(2, 1013));
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  EXPECT_EQ(*delay, Millis(2100));  // the first value comes one interval after the start
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x61: d1 00", "r 0x61: 3",
                                                          "w 0x61: 46 00 00 02 e3",  // interval 2 s
                                                          "w 0x61: 00 10 03 f5 db"}));  // 1013 mbar
  EXPECT_EQ(sim_->pressureArgument(), std::uint16_t{1013});
  clock_.advance(*delay);
  bus().clearTranscript();
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(m->failures.empty());
  ASSERT_EQ(m->samples.size(), 3u);
  EXPECT_DOUBLE_EQ(m->samples[0].value, 845.5);
  EXPECT_DOUBLE_EQ(m->samples[1].value, 19.5);
  EXPECT_DOUBLE_EQ(m->samples[2].value, 55.25);
  // Every command is its own write; every answer its own read after a STOP.
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x61: 02 02", "r 0x61: 3",
                                                          "w 0x61: 03 00", "r 0x61: 18"}));
  EXPECT_EQ(sim_->writeReadsRefused(), 0);
}

TEST_F(Scd30Test, SimulatorRefusesRepeatedStart) {
  std::uint8_t in[3] = {};
  const std::uint8_t out[2] = {0x02, 0x02};
  Status s = bus().writeRead(0x61, out, in);
  ASSERT_TRUE(failsWith(s, ErrorCode::Invalid, "repeated START"));
}

TEST_F(Scd30Test, KnownFrameFromTheInterfaceDescription) {
  // SCD30 interface description v1.0 §1.4.5 example: CO2 439 ppm, T 27.2 degC, RH 48.8 %.
  const std::array<std::uint8_t, 18> frame{0x43, 0xDB, 0xCB, 0x8C, 0x2E, 0x8F, 0x41, 0xD9, 0x70,
                                           0xE7, 0xFF, 0xF5, 0x42, 0x43, 0xBF, 0x3A, 0x1B, 0x74};
  Scd30Values v = decodeScd30(frame);
  ASSERT_TRUE(v.co2.ok() && v.temperature.ok() && v.humidity.ok());
  EXPECT_NEAR(*v.co2, 439.095, 0.001);
  EXPECT_NEAR(*v.temperature, 27.238, 0.001);
  EXPECT_NEAR(*v.humidity, 48.807, 0.001);
}

TEST_F(Scd30Test, NotReadyIsAFailedReadingNotAnOldValue) {
  auto d = running();
  ASSERT_TRUE(measure(*d).ok());
  Result<Measurement> m = measure(*d);  // no time passed: no new value
  ASSERT_TRUE(failsWith(m, ErrorCode::NotReady));
  EXPECT_EQ(bus().transcript().back(), "r 0x61: 3");  // did not read the measurement
  clock_.advance(seconds(2));
  EXPECT_TRUE(measure(*d).ok());
}

TEST_F(Scd30Test, UnpluggedThenBackIsReconfigured) {
  auto d = running();
  bus().inject(0x61, BusFault::Nack);
  Result<Measurement> m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Absent);
  bus().inject(0x61, BusFault::None);
  sim_->powerCycle();
  bus().clearTranscript();
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 3));
  EXPECT_TRUE(sim_->measuring());
  EXPECT_EQ(bus().transcript()[3], "w 0x61: 00 10 00 00 81");  // started again
}

TEST_F(Scd30Test, ClockStretchTimeoutFailsOnlyThatReading) {
  auto d = running();
  bus().inject(0x61, BusFault::Timeout, 1);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Timeout));
  bus().clearTranscript();
  m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(bus().transcript().front(), "w 0x61: 02 02");  // no re-configuration needed
}

TEST_F(Scd30Test, IoErrorReconfigures) {
  auto d = running();
  bus().inject(0x61, BusFault::Io, 1);
  ASSERT_FALSE(measure(*d).ok());
  bus().clearTranscript();
  clock_.advance(seconds(2));
  ASSERT_TRUE(measure(*d).ok());
  EXPECT_EQ(bus().transcript().front(), "w 0x61: d1 00");
}

TEST_F(Scd30Test, BadCrcLosesOnlyTheQuantityOfThatWord) {
  auto d = running();
  sim_->corruptNextCrc(3);  // second word of the temperature float
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_EQ(m->samples[0].quantity, 0u);
  EXPECT_EQ(m->samples[1].quantity, 2u);
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_EQ(m->failures[0].code, ErrorCode::Crc);
  clock_.advance(seconds(2));
  bus().clearTranscript();
  m = measure(*d);
  ASSERT_TRUE(measuredAll(m, 3));
  EXPECT_EQ(bus().transcript().front(), "w 0x61: d1 00");  // re-initialised after bad CRC
}

TEST_F(Scd30Test, StuckAndOutOfRangeValuesAreNotPublished) {
  auto d = running();
  sim_->setStuck(true);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->samples.empty());
  ASSERT_EQ(m->failures.size(), 3u);
  EXPECT_EQ(m->failures[0].message, "co2: not a finite number (raw 0xffffffff)");
  sim_->setStuck(false);

  clock_.advance(seconds(2));
  sim_->setCo2(52000.0f);
  sim_->setHumidity(-3.0f);
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_EQ(m->samples[0].quantity, 1u);
  ASSERT_EQ(m->failures.size(), 2u);
  EXPECT_NE(m->failures[0].message.find("outside the SCD30 range 0..40000"), std::string::npos);
  for (const Sample& s : m->samples) EXPECT_TRUE(std::isfinite(s.value));
}

TEST_F(Scd30Test, NotAnScd30FailsAtInit) {
  sim_->setNotScd30(true);
  auto d = make();
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent, "is this an SCD30?"));
  EXPECT_FALSE(sim_->measuring());
}

TEST_F(Scd30Test, PressureGapIsRejectedAtCreate) {
  SensorConfig c = scd30Config(2, 500);
  auto d = findDriver("scd30")->create(DriverContext{c, clock_, buses_});
  ASSERT_TRUE(failsWith(d, ErrorCode::Config, "pressure_compensation: 500 mbar"));
}

TEST(Scd30Config, ValidatesAndRejects) {
  Result<Config> c = parseConfig(kConfigHead +
                                     "  - driver: scd30\n    measurement_interval: 30s\n"
                                     "    pressure_compensation: 1013\n",
                                 "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  const SensorConfig& s = c->sensors[0];
  EXPECT_EQ(*s.address, 0x61);
  EXPECT_EQ(s.ids.at("co2"), 158);
  EXPECT_EQ(optionInt(s, "measurement_interval"), 30);
  EXPECT_EQ(optionInt(s, "pressure_compensation"), 1013);
  EXPECT_TRUE(configRejects("  - driver: scd30\n    address: 0x62\n",
                            "sensors[0].address: 0x62 is not an address a scd30"));
  EXPECT_TRUE(configRejects("  - driver: scd30\n    measurement_interval: 1s\n",
                            "sensors[0].measurement_interval"));
  EXPECT_TRUE(configRejects("  - driver: scd30\n    pressure_compensation: 2000\n",
                            "sensors[0].pressure_compensation"));
}

}  // namespace
}  // namespace sckd::testing
