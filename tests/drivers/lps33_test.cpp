// LPS33HW: proven through the simulator's register bytes and the datasheet's scaling.

#include "drivers/lps33.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_lps33.h"

namespace sckd {
namespace {

using testing::BusFault;
using ::testing::HasSubstr;
using testing::SimLps33;

constexpr std::uint8_t kAddr = 0x5D;

class Lps33Test : public testing::DriverFixture {
 protected:
  Lps33Test() : sim_(std::make_shared<SimLps33>(clock_)) { bus().attach(kAddr, sim_); }

  std::unique_ptr<Driver> make(bool temperature = false) {
    config_ = testing::i2cSensor("lps33hw", kAddr, {{"temperature", temperature}}, "roof");
    return makeDriver(config_);
  }

  std::shared_ptr<SimLps33> sim_;
  SensorConfig config_;
};

TEST(Lps33Registry, PressureHasItsOwnIdTemperatureIsGeneric) {
  const DriverInfo* info = findDriver("lps33hw");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->addresses, (std::vector<int>{0x5D, 0x5C}));
  ASSERT_EQ(info->quantities.size(), 2u);
  EXPECT_EQ(info->quantities[0].name, "pressure");
  EXPECT_EQ(info->quantities[0].unit, "kPa");
  EXPECT_EQ(info->quantities[0].defaultId, 227);
  EXPECT_FALSE(info->quantities[0].genericId);
  EXPECT_EQ(info->quantities[1].name, "temperature");
  EXPECT_EQ(info->quantities[1].defaultId, 55);
  EXPECT_TRUE(info->quantities[1].genericId);
}

// LPS33HW datasheet (DocID030112) §4: 4096 LSB/hPa, two's complement over 24 bits;
// temperature 100 LSB/degC. 0x3F5000 = 4149248 -> 1013.0 hPa = 101.3 kPa; 0x0866 = 2150 ->
// 21.5 degC.
TEST(Lps33Decode, KnownFrames) {
  const std::uint8_t frame[6] = {0x03, 0x00, 0x50, 0x3F, 0x66, 0x08};
  Lps33Values v = decodeLps33(frame);
  ASSERT_TRUE(v.pressure.ok()) << v.pressure.error().message;
  EXPECT_DOUBLE_EQ(*v.pressure, 101.3);
  ASSERT_TRUE(v.temperature.ok());
  EXPECT_DOUBLE_EQ(*v.temperature, 21.5);
  // -5.25 degC: 0xFDF3 = -525.
  const std::uint8_t cold[6] = {0x03, 0x00, 0x50, 0x3F, 0xF3, 0xFD};
  EXPECT_DOUBLE_EQ(*decodeLps33(cold).temperature, -5.25);
  // Negative pressure (bit 23 set) is outside the range, not a huge positive number.
  const std::uint8_t negative[6] = {0x03, 0x00, 0x00, 0x80, 0x66, 0x08};
  EXPECT_THAT(decodeLps33(negative).pressure.error().message, HasSubstr("outside"));
  const std::uint8_t stale[6] = {0x02, 0x00, 0x50, 0x3F, 0x66, 0x08};
  EXPECT_THAT(decodeLps33(stale).pressure.error().message, HasSubstr("P_DA clear"));
  EXPECT_TRUE(decodeLps33(stale).temperature.ok());
}

TEST_F(Lps33Test, PublishesOnlyPressureByDefault) {
  sim_->setPressure(99.87);
  auto d = make();
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->failures.empty());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_EQ(m->samples[0].quantity, 0u);
  EXPECT_NEAR(m->samples[0].value, 99.87, 0.0001);
}

TEST_F(Lps33Test, TemperatureWhenAskedFor) {
  sim_->setPressure(101.0);
  sim_->setTemperature(-12.34);
  auto d = make(true);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_NEAR(*value(*m, 0), 101.0, 0.0001);
  EXPECT_NEAR(*value(*m, 1), -12.34, 1e-9);
}

TEST_F(Lps33Test, TransferShapeAndTiming) {
  auto d = make();
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  EXPECT_EQ(*delay, Millis(20));
  EXPECT_EQ(bus().transcript(),
            (std::vector<std::string>{"wr 0x5d: 0f -> 1", "w 0x5d: 11 14", "wr 0x5d: 11 -> 1",
                                      "w 0x5d: 10 02", "w 0x5d: 11 11"}));
  bus().clearTranscript();
  clock_.advance(*delay);
  ASSERT_TRUE(d->collect().ok());
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"wr 0x5d: 27 -> 6"}));
}

TEST_F(Lps33Test, EarlyCollectFailsInsteadOfRepublishing) {
  auto d = make(true);
  ASSERT_TRUE(measure(*d).ok());
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(5));  // the conversion takes 13.3 ms
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->samples.empty());
  ASSERT_EQ(m->failures.size(), 2u);
  EXPECT_THAT(m->failures[0].message, HasSubstr("no new data"));
}

TEST_F(Lps33Test, StuckConversionFails) {
  sim_->setStuck(true);
  auto d = make();
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->samples.empty());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_THAT(m->failures[0].message, HasSubstr("P_DA clear"));
}

TEST_F(Lps33Test, OutOfRangePressureFailsTemperatureStands) {
  sim_->setRaw(0, std::nullopt);  // 0 hPa: no barometer reads that
  auto d = make(true);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(value(*m, 0).has_value());
  EXPECT_TRUE(value(*m, 1).has_value());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_THAT(m->failures[0].message, HasSubstr("outside the chip's range 26..126"));
}

TEST_F(Lps33Test, WrongChipId) {
  sim_->setWhoAmI(0xB3);
  auto d = make();
  Result<Millis> r = d->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("WHO_AM_I 0xB3 at 0x0F is not an LPS33HW (0xB1)"));
}

TEST_F(Lps33Test, UnpluggedThenBackReinitialises) {
  auto d = make();
  ASSERT_TRUE(measure(*d).ok());
  EXPECT_EQ(sim_->resets(), 1);
  bus().inject(kAddr, BusFault::Nack);
  Result<Measurement> m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("Remote I/O error"));
  bus().inject(kAddr, BusFault::None);
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(20));
  bus().inject(kAddr, BusFault::Io, 1);
  m = d->collect();
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("read data"));
  m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->samples.size(), 1u);
  EXPECT_EQ(sim_->resets(), 3);  // re-initialised after each failure
}

TEST(Lps33Config, ValidatesAddressAndOptions) {
  const std::string head = "platform:\n  token: abc123\n  tls: false\nsensors:\n";
  Result<Config> c =
      parseConfig(head +
                      "  - name: roof\n    driver: lps33hw\n    bus: 1\n    address: 0x5c\n"
                      "    temperature: true\n    ids: { temperature: 79 }\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sensors.at(0).ids.at("pressure"), 227);
  EXPECT_EQ(c->sensors.at(0).ids.at("temperature"), 79);
  EXPECT_TRUE(optionBool(c->sensors.at(0), "temperature"));

  c = parseConfig(head + "  - name: roof\n    driver: lps33hw\n    bus: 1\n    address: 0x5d\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(optionBool(c->sensors.at(0), "temperature"));

  c = parseConfig(head +
                      "  - name: roof\n    driver: lps33hw\n    bus: 1\n    address: 0x5d\n"
                      "    temperature: maybe\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("sensors[roof].temperature"));

  c = parseConfig(head + "  - name: roof\n    driver: lps33hw\n    bus: 1\n    address: 0x77\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("sensors[roof].address"));
}

}  // namespace
}  // namespace sckd
