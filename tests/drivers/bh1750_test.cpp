// BH1750: proven through the simulator's opcodes and the datasheet's example.

#include "drivers/bh1750.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_bh1750.h"

namespace sckd {
namespace {

using testing::BusFault;
using ::testing::HasSubstr;
using testing::SimBh1750;

constexpr std::uint8_t kAddr = 0x23;

class Bh1750Test : public testing::DriverFixture {
 protected:
  Bh1750Test() : sim_(std::make_shared<SimBh1750>(clock_)) { bus().attach(kAddr, sim_); }

  std::unique_ptr<Driver> make(std::int64_t mt = 69) {
    config_ = testing::i2cSensor("bh1750", kAddr, {{"measurement_time", mt}}, "window");
    return makeDriver(config_);
  }

  // The lux of one reading: its only sample, or its error.
  Result<double> readLux(Driver& d) {
    Result<Measurement> m = measure(d);
    if (!m.ok()) return m.error();
    if (!m->failures.empty()) return m->failures[0];
    EXPECT_EQ(m->samples.size(), 1u);
    if (m->samples.empty()) return makeError(ErrorCode::NotReady, "no sample");
    EXPECT_EQ(m->samples[0].quantity, 0u);
    return m->samples[0].value;
  }

  std::shared_ptr<SimBh1750> sim_;
  SensorConfig config_;
};

TEST(Bh1750Registry, LightInLuxWithTheGenericId) {
  const DriverInfo* info = findDriver("bh1750");
  ASSERT_NE(info, nullptr);
  EXPECT_TRUE(info->onI2cBus);
  EXPECT_EQ(info->addresses, (std::vector<int>{0x23, 0x5C}));
  ASSERT_EQ(info->quantities.size(), 1u);
  EXPECT_EQ(info->quantities[0].name, "light");
  EXPECT_EQ(info->quantities[0].unit, "lux");
  EXPECT_EQ(info->quantities[0].defaultId, 14);  // the urban board's light sensor
  EXPECT_TRUE(info->quantities[0].genericId);
}

// BH1750FVI datasheet (ROHM, 2011.11 rev. D) p.7 measurement example: high byte
// 1000_0011, low byte 1001_0000 -> (2^15 + 2^9 + 2^8 + 2^7 + 2^4) / 1.2 = 28067 lx.
TEST(Bh1750Decode, DatasheetExample) {
  const std::uint8_t frame[2] = {0x83, 0x90};
  Result<double> lux = decodeBh1750(frame);
  ASSERT_TRUE(lux.ok());
  EXPECT_NEAR(*lux, 28066.67, 0.01);
  // MTreg 138 doubles the sensitivity: the same count is half the light.
  lux = decodeBh1750(frame, 138);
  ASSERT_TRUE(lux.ok());
  EXPECT_NEAR(*lux, 14033.33, 0.01);
  const std::uint8_t saturated[2] = {0xFF, 0xFF};
  EXPECT_FALSE(decodeBh1750(saturated).ok());
  const std::uint8_t dark[2] = {0, 0};
  EXPECT_EQ(*decodeBh1750(dark), 0.0);
}

TEST(Bh1750Decode, TimeScalesWithMtreg) {
  EXPECT_EQ(bh1750MeasurementTime(69), Millis(180));
  EXPECT_EQ(bh1750MeasurementTime(138), Millis(360));
  EXPECT_EQ(bh1750MeasurementTime(31), Millis(81));    // 80.9
  EXPECT_EQ(bh1750MeasurementTime(254), Millis(663));  // 662.6
}

TEST_F(Bh1750Test, ReadsLuxWithPlainWritesAndARead) {
  sim_->setLux(250.0);
  auto d = make();
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  EXPECT_EQ(*delay, Millis(180));
  clock_.advance(*delay);
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_NEAR(m->samples[0].value, 250.0, 0.5);
  // Power on, MTreg 69 (0x42, 0x65), one-time H-resolution; then a plain 2-byte read.
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x23: 01", "w 0x23: 42", "w 0x23: 65",
                                                          "w 0x23: 20", "r 0x23: 2"}));
}

TEST_F(Bh1750Test, EachReadingIsAFreshConversion) {
  auto d = make();
  sim_->setLux(100.0);
  ASSERT_NEAR(*readLux(*d), 100.0, 0.5);
  EXPECT_FALSE(sim_->poweredOn());  // one-time mode powered down
  sim_->setLux(3000.0);
  ASSERT_NEAR(*readLux(*d), 3000.0, 0.5);
  EXPECT_EQ(sim_->conversions(), 2);
}

TEST_F(Bh1750Test, MeasurementTimeOptionSetsMtregAndScales) {
  sim_->setLux(10.0);
  auto d = make(138);
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(360));
  EXPECT_EQ(sim_->mt(), 138);
  EXPECT_EQ(bus().transcript()[1], "w 0x23: 44");
  EXPECT_EQ(bus().transcript()[2], "w 0x23: 6a");
  clock_.advance(*delay);
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_NEAR(m->samples[0].value, 10.0, 0.25);
}

TEST_F(Bh1750Test, SaturationFailsInsteadOfClipping) {
  sim_->setLux(80000.0);  // beyond 65535 / 1.2
  auto d = make();
  Result<double> lux = readLux(*d);
  ASSERT_FALSE(lux.ok());
  EXPECT_THAT(lux.error().message, HasSubstr("saturated"));
}

TEST_F(Bh1750Test, UnpluggedAndIoErrorsFailThenRecover) {
  auto d = make();
  bus().inject(kAddr, BusFault::Nack);
  Result<double> lux = readLux(*d);
  ASSERT_FALSE(lux.ok());
  EXPECT_EQ(lux.error().code, ErrorCode::Absent);
  bus().inject(kAddr, BusFault::None);
  sim_->setLux(42.0);
  EXPECT_NEAR(*readLux(*d), 42.0, 0.5);

  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(180));
  bus().inject(kAddr, BusFault::Io, 1);
  Result<Measurement> m = d->collect();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::Io);
  EXPECT_NEAR(*readLux(*d), 42.0, 0.5);
}

TEST(Bh1750Config, ValidatesAddressAndMeasurementTime) {
  const std::string head = "platform:\n  token: abc123\n  tls: false\nsensors:\n";
  Result<Config> c =
      parseConfig(head +
                      "  - name: window\n    driver: bh1750\n    bus: 1\n    address: 0x5c\n"
                      "    measurement_time: 138\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sensors.at(0).ids.at("light"), 14);
  EXPECT_EQ(optionInt(c->sensors.at(0), "measurement_time"), 138);

  c = parseConfig(head +
                      "  - name: window\n    driver: bh1750\n    bus: 1\n    address: 0x23\n"
                      "    measurement_time: 300\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("sensors[window].measurement_time"));

  c = parseConfig(head + "  - name: window\n    driver: bh1750\n    bus: 1\n    address: 0x44\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("sensors[window].address"));
}

}  // namespace
}  // namespace sckd
