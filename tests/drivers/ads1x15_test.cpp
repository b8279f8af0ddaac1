// ADS1115 / ADS1015: proven through the bytes of the simulated chip (TI SBAS444 / SBAS473).

#include "drivers/ads1x15.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_ads1x15.h"

namespace sckd::testing {
namespace {

// measure() takes the reading as the sampler does: one collect() step per input.
class Ads1x15Test : public DriverFixture {
 protected:
  // Parses one sensor entry with the real registry and creates its driver.
  std::unique_ptr<Driver> make(const std::string& entry, bool twelveBit = false,
                               int address = 0x48) {
    sim_ = std::make_shared<SimAds1x15>(clock_, twelveBit);
    bus().attach(static_cast<std::uint8_t>(address), sim_);
    return makeDriverFromYaml(entry);
  }

  std::shared_ptr<SimAds1x15> sim_;
};

TEST_F(Ads1x15Test, EveryInputIsReadInOneMeasurement) {
  auto d = make("  - driver: ads1115\n    inputs: \"0,1,2,3\"\n");
  ASSERT_TRUE(d);
  sim_->setVoltage(0, 0.5);
  sim_->setVoltage(1, 1.25);
  sim_->setVoltage(2, 3.3);
  sim_->setVoltage(3, 0.0);
  const double expected[] = {0.5, 1.25, 3.3, 0.0};
  for (int round = 0; round < 2; ++round) {
    auto m = measure(*d);
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_EQ(m->samples.size(), 4u);
    EXPECT_TRUE(m->failures.empty());
    for (std::size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(m->samples[i].quantity, i);
      // One LSB at ±4.096 V is 125 uV.
      EXPECT_NEAR(m->samples[i].value, expected[i], 0.000125);
    }
  }
  EXPECT_EQ(sim_->conversions(), 8);
}

TEST_F(Ads1x15Test, TransferShapeIsConfigWriteThenRegisterReads) {
  auto d = make("  - driver: ads1115\n    inputs: \"2\"\n    gain: \"2.048\"\n");
  ASSERT_TRUE(d);
  bus().clearTranscript();
  ASSERT_TRUE(measure(*d).ok());
  // OS=1, MUX=110 (AIN2/GND), PGA=010, MODE=1 | DR=100 (128 SPS), comparator off.
  const std::vector<std::string> want = {"w 0x48: 01 e5 83", "wr 0x48: 01 -> 2",
                                         "wr 0x48: 00 -> 2"};
  EXPECT_EQ(bus().transcript(), want);
}

TEST_F(Ads1x15Test, ConversionTimeFollowsTheDataRate) {
  EXPECT_EQ(ads1x15ConversionTime(128), Millis(10));
  EXPECT_EQ(ads1x15ConversionTime(8), Millis(139));
  EXPECT_EQ(ads1x15ConversionTime(860), Millis(3));
  EXPECT_EQ(ads1x15ConversionTime(3300), Millis(2));

  auto d = make("  - driver: ads1115\n    data_rate: 8\n    inputs: \"1\"\n");
  ASSERT_TRUE(d);
  sim_->setVoltage(1, 1.0);
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(139));
  clock_.advance(Millis(100));  // 8 SPS needs 125 ms: too early
  auto early = d->collect();
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->samples.empty());
  ASSERT_EQ(early->failures.size(), 1u);
  EXPECT_NE(early->failures[0].message.find("conversion not finished"), std::string::npos);
  // The next reading, waited out properly, works.
  auto m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_NEAR(m->samples[0].value, 1.0, 0.000125);
}

TEST_F(Ads1x15Test, DifferentialInputsPublishUnderTheirFirstPin) {
  auto d = make("  - driver: ads1115\n    inputs: \"0-1, 2-3\"\n    gain: \"0.256\"\n");
  ASSERT_TRUE(d);
  sim_->setVoltage(0, 1.100);
  sim_->setVoltage(1, 1.000);
  sim_->setVoltage(2, 2.000);
  sim_->setVoltage(3, 2.150);
  auto m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_EQ(m->samples[0].quantity, 0u);
  EXPECT_NEAR(m->samples[0].value, 0.100, 0.00001);
  EXPECT_EQ(m->samples[1].quantity, 2u);
  EXPECT_NEAR(m->samples[1].value, -0.150, 0.00001);
}

TEST_F(Ads1x15Test, Ads1015ReadsTwelveBits) {
  auto d = make("  - driver: ads1015\n    address: 0x4b\n    inputs: \"3\"\n", true, 0x4B);
  ASSERT_TRUE(d);
  sim_->setVoltage(3, 2.5);
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(2));  // 1600 SPS by default
  clock_.advance(*delay);
  auto m = d->collect();
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_EQ(m->samples[0].quantity, 3u);
  EXPECT_NEAR(m->samples[0].value, 2.5, 0.002);  // one LSB is 2 mV at ±4.096 V
  EXPECT_EQ(config_.sensors[0].ids.at("a3"), 151);
}

// Known frames: SBAS444 table 3 / SBAS473 table 4 give the LSB per full-scale range
// (ADS1115 at ±4.096 V: 125 uV; ADS1015: 2 mV) and the clipping codes 7FFFh / 8000h.
TEST(Ads1x15Decode, KnownFrames) {
  const std::uint8_t half[2] = {0x40, 0x00};
  EXPECT_DOUBLE_EQ(*decodeAds1x15(Ads1x15Chip::Ads1115, half, 4.096), 2.048);
  const std::uint8_t oneLsb[2] = {0x00, 0x01};
  EXPECT_DOUBLE_EQ(*decodeAds1x15(Ads1x15Chip::Ads1115, oneLsb, 4.096), 0.000125);
  const std::uint8_t minusOne[2] = {0xFF, 0xFF};
  EXPECT_DOUBLE_EQ(*decodeAds1x15(Ads1x15Chip::Ads1115, minusOne, 4.096), -0.000125);
  const std::uint8_t twelveLsb[2] = {0x00, 0x10};
  EXPECT_DOUBLE_EQ(*decodeAds1x15(Ads1x15Chip::Ads1015, twelveLsb, 4.096), 0.002);
  const std::uint8_t twelveNeg[2] = {0xFF, 0xF0};
  EXPECT_DOUBLE_EQ(*decodeAds1x15(Ads1x15Chip::Ads1015, twelveNeg, 4.096), -0.002);
  for (auto frame :
       {std::array<std::uint8_t, 2>{0x7F, 0xFF}, std::array<std::uint8_t, 2>{0x80, 0x00}}) {
    auto r = decodeAds1x15(Ads1x15Chip::Ads1115, frame, 2.048);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("beyond the ±2.048 V full-scale range"), std::string::npos)
        << r.error().message;
  }
  const std::uint8_t clipped1015[2] = {0x7F, 0xF0};
  EXPECT_FALSE(decodeAds1x15(Ads1x15Chip::Ads1015, clipped1015, 6.144).ok());
}

TEST_F(Ads1x15Test, SaturatedInputFailsInsteadOfPublishingTheBound) {
  auto d = make("  - driver: ads1115\n    inputs: \"0\"\n    gain: \"1.024\"\n");
  ASSERT_TRUE(d);
  sim_->setVoltage(0, 3.3);
  auto m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->samples.empty());
  ASSERT_EQ(m->failures.size(), 1u);
  EXPECT_NE(m->failures[0].message.find("a0 (AIN0): input beyond the ±1.024 V"), std::string::npos)
      << m->failures[0].message;
}

TEST_F(Ads1x15Test, UnpluggedThenBackRecovers) {
  auto d = make("  - driver: ads1115\n    inputs: \"0\"\n");
  ASSERT_TRUE(d);
  sim_->setVoltage(0, 1.5);
  bus().inject(0x48, BusFault::Nack);
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_FALSE(delay.ok());
  EXPECT_EQ(delay.error().code, ErrorCode::Absent);
  bus().inject(0x48, BusFault::None);
  auto m = measure(*d);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 1u);
  EXPECT_NEAR(m->samples[0].value, 1.5, 0.000125);
}

TEST_F(Ads1x15Test, IoErrorWhileReadingFailsTheReading) {
  auto d = make("  - driver: ads1115\n    inputs: \"0\"\n");
  ASSERT_TRUE(d);
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  clock_.advance(*delay);
  bus().inject(0x48, BusFault::Io, 1);
  auto m = d->collect();
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("read config: write+read: Input/output error"),
            std::string::npos)
      << m.error().message;
  EXPECT_TRUE(measure(*d).ok());
}

TEST_F(Ads1x15Test, AnotherChipAtTheAddressIsReported) {
  auto d = make("  - driver: ads1115\n    inputs: \"0\"\n");
  ASSERT_TRUE(d);
  sim_->setIgnoresConfig(true);
  auto m = measure(*d);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("config register reads 0x8583 after writing 0xc383: is "
                                   "this an ADS1x15"),
            std::string::npos)
      << m.error().message;
}

TEST_F(Ads1x15Test, StuckConversionFails) {
  auto d = make("  - driver: ads1115\n    inputs: \"0\"\n");
  ASSERT_TRUE(d);
  sim_->setStuckConverting(true);
  auto m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->samples.empty());
  EXPECT_EQ(m->failures.size(), 1u);
}

TEST(Ads1x15Inputs, ParsesAndRejectsClearly) {
  auto r = parseAds1x15Inputs("0,1,2,3");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 4u);
  r = parseAds1x15Inputs("0-3,1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].negative, 3);
  for (const char* bad : {"", "4", "0,,1", "1-2", "a0", "0,0-1", "0 1"}) {
    EXPECT_FALSE(parseAds1x15Inputs(bad).ok()) << bad;
  }
  EXPECT_EQ(parseAds1x15Inputs("1-2").error().message,
            "'1-2' is not a differential pair the chip can measure; pairs: 0-1, 0-3, 1-3, 2-3");
}

TEST_F(Ads1x15Test, ConfigIdsFollowTheAddress) {
  Result<Config> c = parseConfig(kConfigHead +
                                     "  - driver: ads1115\n    address: 0x49\n    inputs: \"0\"\n"
                                     "  - driver: ads1115\n    address: 0x4a\n    inputs: \"1\"\n"
                                     "    ids: {a1: 900}\n",
                                 "t.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sensors[0].ids.at("a0"), 138);
  EXPECT_EQ(c->sensors[0].ids.at("a3"), 141);
  EXPECT_EQ(c->sensors[1].ids.at("a0"), 143);
  EXPECT_EQ(c->sensors[1].ids.at("a1"), 900);
  EXPECT_EQ(c->sensors[1].ids.at("a3"), 146);
  EXPECT_EQ(optionString(c->sensors[0], "gain"), "4.096");
  EXPECT_EQ(optionInt(c->sensors[0], "data_rate"), 128);

  c = parseConfig(kConfigHead + "  - driver: ads1115\n", "t.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("sensors[0].inputs: missing: driver 'ads1115' needs it"),
            std::string::npos)
      << c.error().message;
  c = parseConfig(kConfigHead + "  - driver: ads1115\n    address: 0x50\n    inputs: \"0\"\n",
                  "t.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("sensors[0].address"), std::string::npos);
  c = parseConfig(kConfigHead + "  - driver: ads1015\n    inputs: \"0\"\n    gain: \"5\"\n",
                  "t.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("sensors[0].gain"), std::string::npos);
  c = parseConfig(kConfigHead + "  - driver: ads1115\n    inputs: \"0\"\n    data_rate: 2000\n",
                  "t.yaml", driverSchemas());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("sensors[0].data_rate"), std::string::npos);
}

TEST_F(Ads1x15Test, CreateRejectsBadInputsAndRates) {
  Result<Config> c =
      parseConfig(kConfigHead +
                      "  - driver: ads1015\n    inputs: \"0\"\n    data_rate: 860\n"
                      "  - driver: ads1115\n    address: 0x49\n    inputs: \"0-2\"\n",
                  "t.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto d = findDriver("ads1015")->create(DriverContext{c->sensors[0], clock_, buses_});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "data_rate: 860 is not a rate of the ADS1015; one of: 128, 250, "
            "490, 920, 1600, 2400, 3300");
  d = findDriver("ads1115")->create(DriverContext{c->sensors[1], clock_, buses_});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("inputs: '0-2' is not a differential pair"), std::string::npos)
      << d.error().message;
}

}  // namespace
}  // namespace sckd::testing
