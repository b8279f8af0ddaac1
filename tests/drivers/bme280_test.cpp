// BME280 / BMP280: proven through the simulator's register bytes and the datasheet example.

#include "drivers/bme280.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_bme280.h"

namespace sckd {
namespace {

using testing::BusFault;
using ::testing::HasSubstr;
using testing::SimBme280;

constexpr std::uint8_t kAddr = 0x76;

SensorConfig bmeConfig(std::string driver, DriverOptions options = {}) {
  SensorConfig c = testing::i2cSensor(
      std::move(driver), kAddr,
      {{"oversampling_temperature", std::string("1")}, {"oversampling_pressure", std::string("1")}},
      "outdoor");
  if (c.driver == "bme280") c.options["oversampling_humidity"] = std::string("1");
  for (auto& [k, v] : options) c.options[k] = v;
  return c;
}

class Bme280Test : public testing::DriverFixture {
 protected:
  void attach(SimBme280::Model model) {
    sim_ = std::make_shared<SimBme280>(clock_, model);
    bus().attach(kAddr, sim_);
  }

  std::unique_ptr<Driver> make(const std::string& driver, DriverOptions options = {}) {
    config_ = bmeConfig(driver, std::move(options));
    return makeDriver(config_);
  }

  std::shared_ptr<SimBme280> sim_;
  SensorConfig config_;
};

TEST(Bme280Registry, RowsDescribeBothChips) {
  const DriverInfo* bme = findDriver("bme280");
  const DriverInfo* bmp = findDriver("bmp280");
  ASSERT_NE(bme, nullptr);
  ASSERT_NE(bmp, nullptr);
  EXPECT_TRUE(bme->onI2cBus);
  EXPECT_EQ(bme->addresses, (std::vector<int>{0x76, 0x77}));
  EXPECT_EQ(bmp->addresses, (std::vector<int>{0x76, 0x77}));
  ASSERT_EQ(bme->quantities.size(), 3u);
  ASSERT_EQ(bmp->quantities.size(), 2u);
  // No public id: the generic ones, flagged as such.
  EXPECT_EQ(bme->quantities[0].name, "temperature");
  EXPECT_EQ(bme->quantities[0].unit, "degC");
  EXPECT_EQ(bme->quantities[0].defaultId, 55);
  EXPECT_EQ(bme->quantities[1].name, "pressure");
  EXPECT_EQ(bme->quantities[1].unit, "kPa");
  EXPECT_EQ(bme->quantities[1].defaultId, 58);
  EXPECT_EQ(bme->quantities[2].name, "humidity");
  EXPECT_EQ(bme->quantities[2].unit, "%RH");
  EXPECT_EQ(bme->quantities[2].defaultId, 56);
  for (const Quantity& q : bme->quantities) EXPECT_TRUE(q.genericId) << q.name;
  for (const Quantity& q : bmp->quantities) EXPECT_TRUE(q.genericId) << q.name;
}

// BMP280 datasheet rev 1.14 §3.12 (shared by the BME280 for temperature and pressure):
// example trimming, adc_T = 519888 -> 25.08 degC (t_fine 128422), adc_P = 415148 ->
// 100653.27 Pa. The table prints 25767236 (Q24.8) for the 64-bit formula, but the formula
// as published evaluates to 25767233 (0.01 Pa lower), as other implementations also find.
TEST(Bme280Compensation, DatasheetExample) {
  Bme280Calibration cal = SimBme280::defaultCalibration();
  Bme280Raw raw;
  raw.temperature = 519888;
  raw.pressure = 415148;
  Bme280Values v = compensateBme280(cal, raw);
  ASSERT_TRUE(v.temperature.ok()) << v.temperature.error().message;
  EXPECT_DOUBLE_EQ(*v.temperature, 25.08);
  ASSERT_TRUE(v.pressure.ok()) << v.pressure.error().message;
  EXPECT_DOUBLE_EQ(*v.pressure, 25767233 / 256.0 / 1000.0);
  EXPECT_NEAR(*v.pressure, 100.65327, 0.00002);
  EXPECT_FALSE(v.humidity.ok());  // not read: a BMP280 frame
}

TEST(Bme280Compensation, FrameSplitAndHumidityPacking) {
  const std::uint8_t frame[8] = {0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x6B, 0x2C};
  Bme280Raw raw = splitBme280Frame(frame);
  EXPECT_EQ(raw.pressure, 415148);
  EXPECT_EQ(raw.temperature, 519888);
  EXPECT_EQ(raw.humidity, 0x6B2C);
  std::uint8_t tp[26] = {};
  tp[25] = 75;
  // dig_H4 = 0x13 << 4 | 0x9 = 313; dig_H5 = (int8)0xFD << 4 | 0x3 = -45.
  const std::uint8_t h[7] = {0x6A, 0x01, 0x00, 0x13, 0x39, 0xFD, 0x1E};
  Bme280Calibration c = parseBme280Calibration(tp, h);
  EXPECT_EQ(c.h1, 75);
  EXPECT_EQ(c.h2, 362);
  EXPECT_EQ(c.h3, 0);
  EXPECT_EQ(c.h4, 313);
  EXPECT_EQ(c.h5, -45);
  EXPECT_EQ(c.h6, 30);
}

TEST(Bme280Compensation, SkippedValuesAreNoData) {
  Bme280Calibration cal = SimBme280::defaultCalibration();
  Bme280Values v = compensateBme280(cal, Bme280Raw{0x80000, 519888, 0x8000});
  EXPECT_TRUE(v.temperature.ok());
  EXPECT_THAT(v.pressure.error().message, HasSubstr("no data"));
  EXPECT_THAT(v.humidity.error().message, HasSubstr("no data"));
  v = compensateBme280(cal, Bme280Raw{415148, 0x80000, 20000});
  EXPECT_FALSE(v.temperature.ok());
  EXPECT_FALSE(v.pressure.ok());  // needs t_fine
  EXPECT_FALSE(v.humidity.ok());
}

TEST(Bme280Compensation, MeasurementTimeIsTheDatasheetMaximum) {
  EXPECT_EQ(bme280MaxMeasurementTime(1, 1, 1), Millis(10));      // 9.3 ms
  EXPECT_EQ(bme280MaxMeasurementTime(16, 16, 16), Millis(113));  // 112.8 ms
  EXPECT_EQ(bme280MaxMeasurementTime(1, 1, 0), Millis(7));       // BMP280 table 13: 6.4
  EXPECT_EQ(bme280MaxMeasurementTime(2, 16, 0), Millis(44));     // BMP280 table 13: 43.2
}

TEST_F(Bme280Test, ReadsAllThreeQuantitiesInPlatformUnits) {
  attach(SimBme280::Model::Bme280);
  sim_->setTemperature(21.5);
  sim_->setPressure(98.765);
  sim_->setHumidity(63.0);
  auto d = make("bme280");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->failures.empty());
  ASSERT_EQ(m->samples.size(), 3u);
  EXPECT_NEAR(*value(*m, 0), 21.5, 0.01);
  EXPECT_NEAR(*value(*m, 1), 98.765, 0.002);  // kPa, not Pa or hPa
  EXPECT_NEAR(*value(*m, 2), 63.0, 0.05);
}

TEST_F(Bme280Test, TransferShapeIsSmbusAndCtrlHumComesBeforeCtrlMeas) {
  attach(SimBme280::Model::Bme280);
  auto d = make("bme280", {{"oversampling_humidity", std::string("4")},
                           {"oversampling_pressure", std::string("16")}});
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  const auto& t = bus().transcript();
  ASSERT_GE(t.size(), 6u);
  EXPECT_EQ(t[0], "wr 0x76: d0 -> 1");
  EXPECT_EQ(t[1], "w 0x76: e0 b6");
  EXPECT_EQ(t[2], "wr 0x76: f3 -> 1");
  EXPECT_EQ(t[3], "wr 0x76: 88 -> 26");
  EXPECT_EQ(t[4], "wr 0x76: e1 -> 7");
  EXPECT_EQ(t[5], "w 0x76: f5 00");
  EXPECT_EQ(t[6], "w 0x76: f2 03");  // x4
  EXPECT_EQ(t[7], "w 0x76: f4 35");  // T x1, P x16, forced
  EXPECT_EQ(*delay, Millis(51));     // 1.25 + 2.3 + 37.375 + 9.775 = 50.7
  bus().clearTranscript();
  clock_.advance(*delay);
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->samples.size(), 3u);  // humidity measured: ctrl_hum took effect
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"wr 0x76: f3 -> 1", "wr 0x76: f7 -> 8"}));
  // The second reading needs no init: ctrl_hum, ctrl_meas only.
  bus().clearTranscript();
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  EXPECT_EQ(bus().transcript(), (std::vector<std::string>{"w 0x76: f2 03", "w 0x76: f4 35"}));
}

TEST_F(Bme280Test, Bmp280ReadsSixBytesAndNoHumidity) {
  attach(SimBme280::Model::Bmp280);
  sim_->setTemperature(-5.25);
  sim_->setPressure(85.0);
  auto d = make("bmp280");
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  EXPECT_EQ(*delay, Millis(7));
  for (const std::string& line : bus().transcript()) {
    EXPECT_NE(line.rfind("w 0x76: f2", 0), 0u) << "BMP280 has no ctrl_hum";
    EXPECT_NE(line, "wr 0x76: e1 -> 7");
  }
  bus().clearTranscript();
  clock_.advance(*delay);
  Result<Measurement> m = d->collect();
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(bus().transcript().back(), "wr 0x76: f7 -> 6");
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_NEAR(*value(*m, 0), -5.25, 0.01);
  EXPECT_NEAR(*value(*m, 1), 85.0, 0.002);
}

TEST_F(Bme280Test, CollectBeforeTheConversionEndsFailsInsteadOfRepublishing) {
  attach(SimBme280::Model::Bme280);
  auto d = make("bme280");
  ASSERT_TRUE(measure(*d).ok());
  Result<Millis> delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  clock_.advance(Millis(5));  // the chip needs up to 9.3 ms
  Result<Measurement> m = d->collect();
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("conversion still running"));
}

TEST_F(Bme280Test, WrongChipNamesTheRightDriver) {
  attach(SimBme280::Model::Bmp280);
  auto d = make("bme280");
  Result<Millis> r = d->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "chip id 0x58 at 0xD0 is not a BME280 (0x60): is this a BMP280? use driver: bmp280");

  sim_ = std::make_shared<SimBme280>(clock_, SimBme280::Model::Bme280);
  bus().attach(kAddr, sim_);
  auto p = make("bmp280");
  r = p->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("is this a BME280? use driver: bme280"));

  sim_->setChipId(0x33);
  r = make("bme280")->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("chip id 0x33 at 0xD0 is not a BME280"));
}

TEST_F(Bme280Test, UnpluggedThenBackReinitialises) {
  attach(SimBme280::Model::Bme280);
  auto d = make("bme280");
  ASSERT_TRUE(measure(*d).ok());
  EXPECT_EQ(sim_->resets(), 1);
  bus().inject(kAddr, BusFault::Nack);
  Result<Millis> r = d->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("Remote I/O error"));
  bus().inject(kAddr, BusFault::None);
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->samples.size(), 3u);
  EXPECT_EQ(sim_->resets(), 2);  // soft reset, id and calibration again
}

TEST_F(Bme280Test, IoErrorOnTheDataReadFailsAndRecovers) {
  attach(SimBme280::Model::Bme280);
  auto d = make("bme280");
  ASSERT_TRUE(d->start(SampleContext{clock_.wall()}).ok());
  clock_.advance(Millis(10));
  bus().inject(kAddr, BusFault::Io, 1);  // the status read
  Result<Measurement> m = d->collect();
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("Input/output error"));
  m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->samples.size(), 3u);
  EXPECT_EQ(sim_->resets(), 2);
}

TEST_F(Bme280Test, StuckDataRegistersFailEveryQuantity) {
  attach(SimBme280::Model::Bme280);
  sim_->setStuck(true);
  auto d = make("bme280");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->samples.empty());
  ASSERT_EQ(m->failures.size(), 3u);
  EXPECT_THAT(m->failures[0].message, HasSubstr("no data (raw 0x80000"));
}

TEST_F(Bme280Test, OneBadQuantityLeavesTheOthers) {
  attach(SimBme280::Model::Bme280);
  sim_->setRaw(std::nullopt, std::nullopt, 0x8000);
  auto d = make("bme280");
  Result<Measurement> m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->samples.size(), 2u);
  EXPECT_FALSE(value(*m, 2).has_value());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_THAT(m->failures[0].message, HasSubstr("humidity: no data"));

  sim_->setRaw(std::nullopt, std::nullopt, std::nullopt);
  sim_->setPressure(20.0);  // below the chip's 300 hPa
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(value(*m, 1).has_value());
  EXPECT_TRUE(value(*m, 0).has_value());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_THAT(m->failures[0].message, HasSubstr("outside the chip's range 30..110"));

  sim_->setPressure(101.0);
  sim_->setTemperature(95.0);  // beyond 85 degC
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(value(*m, 0).has_value());
  EXPECT_THAT(m->failures.at(0).message, HasSubstr("outside the chip's range -40..85"));
}

TEST_F(Bme280Test, WaitsForTheCalibrationCopyAfterReset) {
  attach(SimBme280::Model::Bme280);
  sim_->setBusyAfterReset(3);
  auto d = make("bme280");
  ASSERT_TRUE(measure(*d).ok());

  sim_->setBusyAfterReset(1000);
  bus().inject(kAddr, BusFault::Nack, 1);
  ASSERT_FALSE(measure(*d).ok());  // forces a re-init
  Result<Millis> r = d->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("not ready after soft reset"));
  sim_->setBusyAfterReset(0);
  EXPECT_TRUE(measure(*d).ok());
}

TEST(Bme280Config, ValidatesAddressAndOversampling) {
  const std::string head = "platform:\n  token: abc123\n  tls: false\nsensors:\n";
  Result<Config> c = parseConfig(head +
                                     "  - name: garden\n    driver: bme280\n    bus: 1\n"
                                     "    address: 0x77\n    oversampling_humidity: 4\n",
                                 "/etc/sckd.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  const SensorConfig& s = c->sensors.at(0);
  EXPECT_EQ(s.ids.at("temperature"), 55);
  EXPECT_EQ(s.ids.at("pressure"), 58);
  EXPECT_EQ(s.ids.at("humidity"), 56);
  EXPECT_EQ(optionString(s, "oversampling_humidity"), "4");
  EXPECT_EQ(optionString(s, "oversampling_pressure"), "1");

  c = parseConfig(head + "  - name: garden\n    driver: bme280\n    bus: 1\n    address: 0x44\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("sensors[garden].address"));
  EXPECT_THAT(c.error().message, HasSubstr("0x44"));

  c = parseConfig(head +
                      "  - name: garden\n    driver: bmp280\n    bus: 1\n    address: 0x76\n"
                      "    oversampling_pressure: 3\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("sensors[garden].oversampling_pressure"));

  c = parseConfig(head +
                      "  - name: garden\n    driver: bmp280\n    bus: 1\n    address: 0x76\n"
                      "    oversampling_humidity: 2\n",
                  "/etc/sckd.yaml", driverSchemas());
  ASSERT_FALSE(c.ok()) << "a BMP280 has no humidity";
}

}  // namespace
}  // namespace sckd
