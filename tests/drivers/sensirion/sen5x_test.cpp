// SEN50 / SEN54 / SEN55: proven through the bytes of the simulated chip (Sensirion SEN5x
// datasheet, I2C commands and Read Measured Values table).

#include "drivers/sensirion/sen5x.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "drivers/sensirion/sensirion_crc.h"
#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_sen5x.h"

namespace sckd::testing {
namespace {

// A SEN55's quantities: its 8 values, 5 particle numbers and the typical size.
constexpr std::size_t kSen55 = 14;

class Sen5xTest : public DriverFixture {
 protected:
  std::unique_ptr<Driver> make(const std::string& driver, int model) {
    sim_ = std::make_shared<SimSen5x>(clock_, model);
    sim_->setPm(1.2, 3.4, 5.6, 7.8);
    sim_->setHumidity(45.67);
    sim_->setTemperature(21.5);
    sim_->setVocIndex(100);
    sim_->setNoxIndex(1);
    sim_->setNumbers({20.0, 24.5, 25.0, 25.2, 25.5}, 0.625);
    bus().attach(0x69, sim_);
    return makeDriverFromYaml("  - driver: " + driver + "\n");
  }

  // One reading as the sampler takes it, a minute apart.
  Result<Measurement> measure(Driver& d) { return measureEvery(d, std::chrono::seconds(60)); }

  // The start-up readings publish nothing and fail nothing; the third one has values.
  Result<Measurement> firstValues(Driver& d) {
    for (int i = 0; i < 2; ++i) {
      auto init = measure(d);
      if (!init.ok()) return init;
      EXPECT_TRUE(init->samples.empty() && init->failures.empty());
    }
    return measure(d);
  }

  std::shared_ptr<SimSen5x> sim_;
};

TEST_F(Sen5xTest, Sen55PublishesEverything) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  auto m = firstValues(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->failures.empty()) << m->failures.at(0).message;
  ASSERT_EQ(m->samples.size(), kSen55);
  // Particle numbers per 0.1 L (the chip's #/cm3 x 100), as the platform wants them.
  const double want[kSen55] = {1.2, 3.4,  5.6,  7.8,  45.67, 21.5, 100,
                               1,   2000, 2450, 2500, 2520,  2550, 0.625};
  for (std::size_t i = 0; i < kSen55; ++i) {
    EXPECT_EQ(m->samples[i].quantity, i);
    EXPECT_NEAR(m->samples[i].value, want[i], 1e-9);
  }
  const auto& ids = config_.sensors[0].ids;
  EXPECT_EQ(ids.at("pn0_5"), 197);
  EXPECT_EQ(ids.at("pn1"), 198);
  EXPECT_EQ(ids.at("pn2_5"), 199);
  EXPECT_EQ(ids.at("pn4"), 200);
  EXPECT_EQ(ids.at("pn10"), 201);
  EXPECT_EQ(ids.at("particle_size"), 202);
  EXPECT_EQ(findDriver("sen55")->quantities[8].unit, "#/0.1L");
  EXPECT_EQ(findDriver("sen55")->quantities[13].unit, "um");
  EXPECT_EQ(ids.at("pm1"), 193);
  EXPECT_EQ(ids.at("pm10"), 196);
  EXPECT_EQ(ids.at("humidity"), 203);
  EXPECT_EQ(ids.at("temperature"), 204);
  EXPECT_EQ(ids.at("voc_index"), 205);
  EXPECT_EQ(ids.at("nox_index"), 206);
  EXPECT_EQ(findDriver("sen55")->quantities[5].unit, "degC");
  EXPECT_EQ(sim_->resets(), 1);
}

TEST_F(Sen5xTest, ModelsHaveOnlyTheirQuantities) {
  EXPECT_EQ(findDriver("sen50")->quantities.size(), 4u + 6);
  EXPECT_EQ(findDriver("sen54")->quantities.size(), 7u + 6);
  auto d = make("sen54", 54);
  ASSERT_TRUE(d);
  auto m = firstValues(*d);
  ASSERT_TRUE(m.ok());
  // The chip reports NOx as 0x7FFF; the SEN54 row has no NOx, so nothing fails.
  EXPECT_EQ(m->samples.size(), 7u + 6);
  EXPECT_TRUE(m->failures.empty());
  d = make("sen50", 50);
  ASSERT_TRUE(d);
  m = firstValues(*d);
  ASSERT_TRUE(measuredAll(m, 4 + 6));
  EXPECT_EQ(config_.sensors[0].ids.at("pn0_5"), 197);
  EXPECT_DOUBLE_EQ(*value(*m, 4), 2000.0);  // pn0_5 follows the SEN50's four PM values
  EXPECT_TRUE(configRejects("  - driver: sen50\n    ids: {humidity: 56}\n",
                            "sensors[0].ids.humidity: unknown key"));
}

TEST_F(Sen5xTest, TransferShapesAndTiming) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  auto& bus = buses_.fake(1);
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(210));  // reset: 200 ms
  clock_.advance(*delay);
  ASSERT_TRUE(d->collect().ok());
  clock_.advance(std::chrono::seconds(5));
  ASSERT_TRUE(measure(*d).ok());
  const std::vector<std::string> init = {"w 0x69: d3 04", "w 0x69: d0 14", "r 0x69: 48",
                                         "w 0x69: 00 21"};
  EXPECT_EQ(bus.transcript(), init);
  bus.clearTranscript();
  delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(25));  // the flag is readable 20 ms after the command
  clock_.advance(Millis(10));
  EXPECT_FALSE(bus.read(0x69, std::span<std::uint8_t>()).ok()) << "too early: NACKed";
  clock_.advance(*delay - Millis(10));
  auto m = d->collect();
  ASSERT_TRUE(measuredExactly(m, {}));
  ASSERT_EQ(m->continueAfter, Millis(25));  // the values too, 20 ms after their command
  clock_.advance(*m->continueAfter);
  m = d->collect();
  ASSERT_TRUE(measuredExactly(m, {0, 1, 2, 3, 4, 5, 6, 7}));
  ASSERT_EQ(m->continueAfter, Millis(25));  // and the numbers, 20 ms after theirs
  clock_.advance(*m->continueAfter);
  m = d->collect();
  ASSERT_TRUE(measuredExactly(m, {8, 9, 10, 11, 12, 13}));
  EXPECT_FALSE(m->continueAfter);
  const std::vector<std::string> reading = {"w 0x69: 02 02", "r 0x69: 0",  "r 0x69: 3",
                                            "w 0x69: 03 c4", "r 0x69: 24", "w 0x69: 04 13",
                                            "r 0x69: 30"};
  EXPECT_EQ(bus.transcript(), reading);
}

TEST_F(Sen5xTest, NotAvailableAndOutOfRangeFailOnlyThatQuantity) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  sim_->setRawWord(0, 0xFFFF);
  sim_->setRawWord(7, 0x7FFF);
  sim_->setRawWord(4, 15000);  // 150 %RH
  auto m = firstValues(*d);
  ASSERT_TRUE(measuredExactly(m, {1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13},
                              {{ErrorCode::Invalid, "pm1"},
                               {ErrorCode::Invalid, "humidity"},
                               {ErrorCode::Invalid, "nox_index"}}));
}

TEST_F(Sen5xTest, UnknownOrOutOfRangeNumberFailsOnlyThatQuantity) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  sim_->setRawPmWord(4, 0xFFFF);  // PM0.5 number: unknown
  sim_->setRawPmWord(9, 12000);   // 12 um: beyond the 10 um size range
  auto m = firstValues(*d);
  ASSERT_TRUE(
      measuredExactly(m, {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12},
                      {{ErrorCode::Invalid, "pn0_5"}, {ErrorCode::Invalid, "particle_size"}}));
}

TEST_F(Sen5xTest, WarmUpValuesAreNotPublished) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  // Start, then read within the first second: the chip has no values yet.
  ASSERT_TRUE(measure(*d).ok());
  auto delay = d->start(SampleContext{clock_.wall()});  // product check + start
  ASSERT_TRUE(delay.ok());
  ASSERT_TRUE(d->collect().ok());
  clock_.advance(Millis(60));
  auto m = DriverFixture::measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::NotReady, "no new data (data-ready flag 0)"));
  // A second after the start, the first values.
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(measuredAll(DriverFixture::measure(*d), kSen55));
}

// Without new data (a fan cleaning, or two readings within one of the chip's seconds), the
// chip answers with its previous values: they are not published again.
TEST_F(Sen5xTest, NoNewDataFailsInsteadOfRepublishing) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  ASSERT_TRUE(measuredAll(measureEvery(*d, Millis(100)), kSen55));
  auto m = measureEvery(*d, Millis(100));
  ASSERT_TRUE(failsWith(m, ErrorCode::NotReady, "no new data (data-ready flag 0)"));
  // Read out, then the fan cleaning begins: 10 s without a measurement, and the first one
  // after it within a second.
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(measuredAll(DriverFixture::measure(*d), kSen55));
  sim_->startFanCleaning();
  sim_->setPm(50, 60, 70, 80);
  const MonoTime cleaned = clock_.monotonic() + std::chrono::seconds(10);
  while (clock_.monotonic() < cleaned + std::chrono::seconds(1)) {
    m = measureEvery(*d, std::chrono::seconds(2));
    ASSERT_TRUE(failsWith(m, ErrorCode::NotReady, "none during its 10 s fan cleaning"));
  }
  // Cleaned: the new state's values.
  m = measureEvery(*d, std::chrono::seconds(2));
  ASSERT_TRUE(measuredAll(m, kSen55));
  EXPECT_DOUBLE_EQ(*value(*m, 0), 50.0);
  EXPECT_EQ(sim_->resets(), 1);
}

TEST_F(Sen5xTest, ClosingTheSensorStopsMeasuring) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  EXPECT_TRUE(sim_->measuring());
  d.reset();
  EXPECT_FALSE(sim_->measuring());
}

TEST_F(Sen5xTest, BadCrcFailsOnlyThatWord) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  sim_->corruptNextCrc(5);
  auto m = measure(*d);
  ASSERT_TRUE(measuredExactly(m, {0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13},
                              {{ErrorCode::Crc, "temperature"}}));
}

TEST_F(Sen5xTest, UnpluggedThenPowerCycledRecovers) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  bus().inject(0x69, BusFault::Nack);
  auto m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent, "command 0x0202"));
  sim_->powerCycle();
  bus().inject(0x69, BusFault::None);
  m = firstValues(*d);
  ASSERT_TRUE(measuredAll(m, kSen55));
  EXPECT_EQ(sim_->resets(), 2);
}

TEST_F(Sen5xTest, IoErrorOnReadReinitialises) {
  auto d = make("sen55", 55);
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  clock_.advance(*delay);
  auto flag = d->collect();
  ASSERT_TRUE(flag.ok() && flag->continueAfter);
  clock_.advance(*flag->continueAfter);
  bus().inject(0x69, BusFault::Io, 1);
  auto m = d->collect();
  ASSERT_TRUE(failsWith(m, ErrorCode::Io, "read 0x03C4"));
  clock_.advance(std::chrono::seconds(60));
  EXPECT_TRUE(firstValues(*d).ok());
  EXPECT_EQ(sim_->resets(), 2);
}

TEST_F(Sen5xTest, WrongModelIsNamed) {
  auto d = make("sen55", 54);
  ASSERT_TRUE(d);
  ASSERT_TRUE(measure(*d).ok());
  auto m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "product name 'SEN54' is not SEN55: use driver: sen54");
  sim_->setProductName(std::string(1, '\0'));
  ASSERT_TRUE(measure(*d).ok());
  m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Invalid, "is this an SPS30? use driver: sps30"));
}

// Known words, scaled as the datasheet's Read Measured Values table says: PM 0x0064 = 100
// -> 10.0 ug/m3; RH 0x1194 = 4500 -> 45.00 %; T 0x1068 = 4200 -> 21.0 degC; T 0xFF38 = -200
// -> -1.0 degC; VOC 0x03E8 = 1000 -> 100; NOx 0x000A = 10 -> 1.
TEST(Sen5xDecode, KnownFrame) {
  const std::uint16_t words[8] = {0x0064, 0x0064, 0x0064, 0x0064, 0x1194, 0xFF38, 0x03E8, 0x000A};
  std::array<std::uint8_t, kSen5xFrameSize> frame{};
  for (std::size_t w = 0; w < 8; ++w) {
    frame[w * 3] = static_cast<std::uint8_t>(words[w] >> 8);
    frame[w * 3 + 1] = static_cast<std::uint8_t>(words[w] & 0xFF);
    frame[w * 3 + 2] = sensirion::crc8(frame[w * 3], frame[w * 3 + 1]);
  }
  auto v = decodeSen5x(frame);
  ASSERT_EQ(v.size(), 8u);
  for (const auto& x : v) EXPECT_TRUE(x.ok()) << (x.error ? x.error->message : "");
  EXPECT_DOUBLE_EQ(v[0].value, 10.0);
  EXPECT_DOUBLE_EQ(v[4].value, 45.0);
  EXPECT_DOUBLE_EQ(v[5].value, -1.0);
  EXPECT_DOUBLE_EQ(v[6].value, 100.0);
  EXPECT_DOUBLE_EQ(v[7].value, 1.0);
  frame[5 * 3] = 0x10;
  frame[5 * 3 + 1] = 0x68;
  frame[5 * 3 + 2] = sensirion::crc8(0x10, 0x68);
  EXPECT_DOUBLE_EQ(decodeSen5x(frame)[5].value, 21.0);
}

// The module's operating range is -10..60 degC (LibDriver's SEN5x driver, from the
// datasheet), narrower than its inner SHT4x's -40..125: 70 degC and -15 degC are not
// published, 60 degC is.
TEST(Sen5xDecode, TemperatureOutsideTheModulesRangeFails) {
  auto frameWithTemperature = [](std::int16_t ticks) {
    std::array<std::uint8_t, kSen5xFrameSize> frame{};
    for (std::size_t w = 0; w < 8; ++w) {
      const auto word = w == 5 ? static_cast<std::uint16_t>(ticks) : std::uint16_t{0x0064};
      frame[w * 3] = static_cast<std::uint8_t>(word >> 8);
      frame[w * 3 + 1] = static_cast<std::uint8_t>(word & 0xFF);
      frame[w * 3 + 2] = sensirion::crc8(frame[w * 3], frame[w * 3 + 1]);
    }
    return frame;
  };
  EXPECT_EQ(decodeSen5x(frameWithTemperature(70 * 200))[5].error->message,
            "70 is outside the measuring range -10..60 (raw 0x36B0)");
  EXPECT_EQ(decodeSen5x(frameWithTemperature(-15 * 200))[5].error->message,
            "-15 is outside the measuring range -10..60 (raw 0xF448)");
  auto edge = decodeSen5x(frameWithTemperature(60 * 200));
  ASSERT_TRUE(edge[5].ok()) << (edge[5].error ? edge[5].error->message : "");
  EXPECT_DOUBLE_EQ(edge[5].value, 60.0);
}

// Read Measured PM Values (0x0413), scaled as Sensirion's driver does: numbers / 10 in #/cm3,
// size / 1000 in um. Words 4..9: 0x0064 = 100 -> 10.0 #/cm3; 0x7530 = 30000 -> 3000 #/cm3,
// the top of the range; 0x01F4 = 500 -> 0.5 um.
TEST(Sen5xDecode, KnownPmValuesFrame) {
  const std::uint16_t words[10] = {0x0064, 0x0064, 0x0064, 0x0064, 0x0064,
                                   0x00C8, 0x012C, 0x0190, 0x7530, 0x01F4};
  std::array<std::uint8_t, kSen5xPmFrameSize> frame{};
  for (std::size_t w = 0; w < 10; ++w) {
    frame[w * 3] = static_cast<std::uint8_t>(words[w] >> 8);
    frame[w * 3 + 1] = static_cast<std::uint8_t>(words[w] & 0xFF);
    frame[w * 3 + 2] = sensirion::crc8(frame[w * 3], frame[w * 3 + 1]);
  }
  auto v = decodeSen5xNumbers(frame);
  ASSERT_EQ(v.size(), kSen5xNumbers);
  for (const auto& x : v) ASSERT_TRUE(x.ok()) << x.error->message;
  const double want[kSen5xNumbers] = {10.0, 20.0, 30.0, 40.0, 3000.0, 0.5};
  for (std::size_t i = 0; i < kSen5xNumbers; ++i) EXPECT_DOUBLE_EQ(v[i].value, want[i]);
  // 3000.1 #/cm3 is beyond the range; 0xFFFF is "unknown".
  frame[8 * 3 + 1] = 0x31;
  frame[8 * 3 + 2] = sensirion::crc8(frame[8 * 3], frame[8 * 3 + 1]);
  frame[9 * 3] = frame[9 * 3 + 1] = 0xFF;
  frame[9 * 3 + 2] = 0xAC;
  v = decodeSen5xNumbers(frame);
  EXPECT_EQ(v[4].error->message, "3000.1 is outside the measuring range 0..3000 (raw 0x7531)");
  EXPECT_EQ(v[5].error->message, "not available (0xFFFF)");
}

TEST(Sen5xConfig, RejectsWrongAddress) {
  EXPECT_TRUE(configRejects("  - driver: sen55\n    address: 0x6a\n",
                            "sensors[0].address: 0x6a is not an address a sen55 can "
                            "have; allowed: 0x69"));
}

// An SPS30 and a SEN5x are both fixed at 0x69: on one bus, only one of them can be there.
TEST(Sen5xConfig, RejectsAnSps30AtTheSameBusAddress) {
  EXPECT_TRUE(
      configRejects("  - driver: sps30\n  - driver: sen55\n    ids: {pm1: 1, pm2_5: 2, "
                    "pm4: 3, pm10: 4}\n",
                    "sensors[1].address: 0x69 on bus 1 is already the address of sensor "
                    "'sps30-1-0x69' (sps30, line 5, column 5), and sensor "
                    "'sen55-1-0x69' is a sen55"));
  Result<Config> c = parseConfig(kConfigHead + "  - driver: sps30\n  - driver: sen55\n    bus: 3\n",
                                 "t.yaml", driverSchemas());
  EXPECT_TRUE(c.ok()) << c.error().message;
}

}  // namespace
}  // namespace sckd::testing
