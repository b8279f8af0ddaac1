// SPS30: proven through the bytes of the simulated chip (Sensirion SPS30 datasheet v1.0).

#include "drivers/sensirion/sps30.h"

#include <gtest/gtest.h>

#include <bit>
#include <memory>
#include <string>

#include "drivers/sensirion/sensirion_crc.h"
#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_sps30.h"

namespace sckd::testing {
namespace {

class Sps30Test : public DriverFixture {
 protected:
  void SetUp() override {
    sim_ = std::make_shared<SimSps30>(clock_);
    bus().attach(0x69, sim_);
    const float values[10] = {3.5f, 6.25f, 8.0f, 9.5f, 20.0f, 24.5f, 25.0f, 25.25f, 25.5f, 0.625f};
    for (std::size_t i = 0; i < 10; ++i) sim_->setValue(i, values[i]);
  }

  std::unique_ptr<Driver> make(const std::string& entry = "  - driver: sps30\n") {
    return makeDriverFromYaml(entry);
  }

  // One reading as the sampler takes it, then time moves on to the next tick.
  Result<Measurement> measure(Driver& d, Millis interval = std::chrono::seconds(60)) {
    return measureEvery(d, interval);
  }

  // Runs the start-up readings (reset, configure, start) and returns the first real one.
  Result<Measurement> firstValues(Driver& d) {
    auto init = measure(d);
    if (!init.ok()) return init;
    EXPECT_TRUE(init->samples.empty());
    EXPECT_TRUE(init->failures.empty());
    return measure(d);
  }

  std::shared_ptr<SimSps30> sim_;
};

TEST_F(Sps30Test, PublishesMassNumbersPerTenthLitreAndSize) {
  auto d = make();
  ASSERT_TRUE(d);
  auto m = firstValues(*d);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->failures.empty());
  ASSERT_EQ(m->samples.size(), 10u);
  const double want[10] = {3.5, 6.25, 8.0, 9.5, 2000, 2450, 2500, 2525, 2550, 0.625};
  const DriverInfo* info = findDriver("sps30");
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(m->samples[i].quantity, i);
    EXPECT_DOUBLE_EQ(m->samples[i].value, want[i]) << info->quantities[i].name;
  }
  EXPECT_EQ(info->quantities[4].unit, "#/0.1L");
  EXPECT_EQ(config_.sensors[0].ids.at("pm2_5"), 183);
  EXPECT_EQ(config_.sensors[0].ids.at("pn0_5"), 186);
  EXPECT_EQ(config_.sensors[0].ids.at("particle_size"), 191);
  // Later readings go on without re-initialising.
  sim_->setValue(1, 12.0f);
  m = measure(*d);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->samples.at(1).value, 12.0);
  EXPECT_EQ(sim_->resets(), 1);
}

TEST_F(Sps30Test, TransferShapesAndStartUpSequence) {
  auto d = make("  - driver: sps30\n    fan_cleaning_interval: 4d\n");
  ASSERT_TRUE(d);
  auto& bus = buses_.fake(1);
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(110));  // reset takes 100 ms
  clock_.advance(*delay);
  ASSERT_TRUE(d->collect().ok());
  // 4 days = 345600 s = 0x00054600, as two words with their CRCs.
  const std::vector<std::string> init = {"w 0x69: d3 04", "w 0x69: d0 02", "r 0x69: 12",
                                         "w 0x69: 80 04 00 05 74 46 00 52"};
  EXPECT_EQ(bus.transcript(), init);
  EXPECT_EQ(sim_->cleaningInterval(), 345600u);
  clock_.advance(std::chrono::seconds(10));
  bus.clearTranscript();
  delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, Millis(1100));  // first values a second after start
  clock_.advance(*delay);
  ASSERT_TRUE(d->collect().ok());
  // Set pointer, STOP, then a separate read: never a combined write+read.
  const std::vector<std::string> reading = {"w 0x69: 00 10 03 00 ac", "w 0x69: 02 02", "r 0x69: 3",
                                            "w 0x69: 03 00", "r 0x69: 60"};
  EXPECT_EQ(bus.transcript(), reading);
  EXPECT_TRUE(sim_->measuring());
}

TEST_F(Sps30Test, ClosingTheSensorStopsTheFan) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  EXPECT_TRUE(sim_->measuring());
  bus().clearTranscript();
  d.reset();
  EXPECT_FALSE(sim_->measuring());
  EXPECT_EQ(bus().transcript(), std::vector<std::string>{"w 0x69: 01 04"});
}

TEST_F(Sps30Test, FanCleaningCanBeTurnedOff) {
  auto d = make("  - driver: sps30\n    fan_cleaning_interval: 0\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  EXPECT_EQ(sim_->cleaningInterval(), 0u);
  EXPECT_EQ(optionInt(config_.sensors[0], "fan_cleaning_interval"), 0);
  Config defaults = *parseConfig(kConfigHead + "  - driver: sps30\n", "t.yaml", driverSchemas());
  EXPECT_EQ(optionInt(defaults.sensors[0], "fan_cleaning_interval"), 604800);
}

TEST_F(Sps30Test, NoNewDataFailsInsteadOfRepublishing) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  ASSERT_TRUE(measure(*d, Millis(100)).ok());
  // A second reading within the same second of the chip: nothing new.
  auto m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::NotReady));
}

TEST_F(Sps30Test, BadCrcFailsOnlyThatValue) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  // The data-ready read comes first; corrupt the values frame: word 3 is pm2_5's low half.
  bus().clearTranscript();
  auto delay = d->start(SampleContext{clock_.wall()});
  ASSERT_TRUE(delay.ok());
  clock_.advance(*delay);
  // The flag read is frame one; corrupt word 3 of the next frame after it.
  struct CorruptAfterFlag : ChipSimulator {
    std::shared_ptr<SimSps30> chip;
    int reads = 0;
    Status onWrite(std::span<const std::uint8_t> b) override { return chip->onWrite(b); }
    Status onRead(std::span<std::uint8_t> b) override {
      if (++reads == 2) chip->corruptNextCrc(3);
      return chip->onRead(b);
    }
  };
  auto wrapper = std::make_shared<CorruptAfterFlag>();
  wrapper->chip = sim_;
  bus().attach(0x69, wrapper);
  auto m = d->collect();
  ASSERT_TRUE(measuredExactly(m, {0, 2, 3, 4, 5, 6, 7, 8, 9}, {{ErrorCode::Crc, "pm2_5"}}));
}

TEST_F(Sps30Test, NonFiniteAndOutOfRangeValuesAreNotPublished) {
  auto d = make();
  ASSERT_TRUE(d);
  sim_->setRawValue(0, 0x7FC00000);  // NaN
  sim_->setValue(3, 1500.0f);        // beyond 1000 ug/m3
  sim_->setValue(5, -1.0f);
  auto m = firstValues(*d);
  ASSERT_TRUE(measuredExactly(
      m, {1, 2, 4, 6, 7, 8, 9},
      {{ErrorCode::Invalid, "pm1"}, {ErrorCode::Invalid, "pm10"}, {ErrorCode::Invalid, "pn1"}}));
}

TEST_F(Sps30Test, UnpluggedAndPowerCycledRecoversAfterReinit) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  bus().inject(0x69, BusFault::Nack);
  auto m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Absent, "command 0x0202"));
  // Plugged back in: it powers up idle, so measuring needs the init sequence again.
  sim_->powerCycle();
  bus().inject(0x69, BusFault::None);
  m = firstValues(*d);
  ASSERT_TRUE(measuredAll(m, 10));
  EXPECT_EQ(sim_->resets(), 2);
}

TEST_F(Sps30Test, ChipThatStopsMeasuringIsInitialisedAgain) {
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(firstValues(*d).ok());
  sim_->powerCycle();  // a brown-out: idle, values command now NACKed, flag stays 0
  // The first not-ready reading may be a fan cleaning; a minute later it cannot be.
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::NotReady, "data-ready flag 0"));
  EXPECT_TRUE(failsWith(measure(*d), ErrorCode::NotReady, "longer than a fan cleaning (10 s)"));
  EXPECT_TRUE(firstValues(*d).ok());
  EXPECT_EQ(sim_->resets(), 2);
}

// The fan cleaning (10 s without new data, datasheet §4) at the shortest interval the docs
// allow: the readings during it fail as not ready, no reset interrupts it, and the first
// reading after it has values.
TEST_F(Sps30Test, FanCleaningAtAShortIntervalIsWaitedOut) {
  const Millis interval = std::chrono::seconds(2);
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(measure(*d, interval).ok());  // reset and configure
  ASSERT_TRUE(measuredAll(measure(*d, interval), 10));
  sim_->startFanCleaning();
  const MonoTime cleaned = clock_.monotonic() + std::chrono::seconds(10);
  int duringCleaning = 0;
  while (clock_.monotonic() < cleaned) {
    ASSERT_TRUE(failsWith(measure(*d, interval), ErrorCode::NotReady, "data-ready flag 0"));
    ++duringCleaning;
  }
  EXPECT_EQ(duringCleaning, 5);
  ASSERT_TRUE(measuredAll(measure(*d, interval), 10));
  EXPECT_EQ(sim_->resets(), 1);
}

// Not ready for longer than a cleaning and its slack (15 s): the chip lost its state, and
// the next reading resets it.
TEST_F(Sps30Test, NoDataLongerThanACleaningResetsTheChip) {
  const Millis interval = std::chrono::seconds(2);
  auto d = make();
  ASSERT_TRUE(d);
  ASSERT_TRUE(measure(*d, interval).ok());
  ASSERT_TRUE(measuredAll(measure(*d, interval), 10));
  sim_->powerCycle();  // idle now: the data-ready flag stays 0
  const MonoTime firstNotReady = clock_.monotonic();
  while (clock_.monotonic() - firstNotReady <= std::chrono::seconds(15)) {
    ASSERT_TRUE(failsWith(measure(*d, interval), ErrorCode::NotReady, "data-ready flag 0"));
  }
  EXPECT_EQ(sim_->resets(), 1);
  EXPECT_TRUE(failsWith(measure(*d, interval), ErrorCode::NotReady,
                        "no new data for 16 s, longer than a fan cleaning (10 s)"));
  auto init = measure(*d, interval);
  ASSERT_TRUE(init.ok()) << init.error().message;
  EXPECT_EQ(sim_->resets(), 2);
  ASSERT_TRUE(measuredAll(measure(*d, interval), 10));
}

TEST_F(Sps30Test, IoErrorAndWrongProduct) {
  auto d = make();
  ASSERT_TRUE(d);
  bus().inject(0x69, BusFault::Io, 1);
  auto m = measure(*d);
  ASSERT_TRUE(failsWith(m, ErrorCode::Io));
  sim_->setProductType("SEN55");
  auto init = measure(*d);
  ASSERT_TRUE(
      failsWith(init, ErrorCode::Invalid, "product type 'SEN55' is not an SPS30 ('00080000')"));
}

// A known frame: big-endian IEEE754 floats as the datasheet (§6.3.4) specifies, each word
// followed by its CRC (datasheet §6.2.3: CRC of 0xBEEF is 0x92). 0x41200000 is 10.0 and
// 0x3F800000 is 1.0.
TEST(Sps30Decode, KnownFrame) {
  std::array<std::uint8_t, kSps30FrameSize> frame{};
  for (std::size_t w = 0; w < 20; ++w) {
    const std::uint16_t word = (w % 2 == 0) ? (w == 18 ? 0x3F80 : 0x4120) : 0x0000;
    frame[w * 3] = static_cast<std::uint8_t>(word >> 8);
    frame[w * 3 + 1] = static_cast<std::uint8_t>(word & 0xFF);
    frame[w * 3 + 2] = sensirion::crc8(frame[w * 3], frame[w * 3 + 1]);
  }
  EXPECT_EQ(frame[5], 0x81);  // CRC of 0x0000
  EXPECT_EQ(sensirion::crc8(0xBE, 0xEF), 0x92);
  auto values = decodeSps30(frame);
  ASSERT_EQ(values.size(), 10u);
  for (std::size_t i = 0; i < 9; ++i) EXPECT_DOUBLE_EQ(values[i].value, 10.0);
  EXPECT_DOUBLE_EQ(values[9].value, 1.0);
}

TEST(Sps30Config, RejectsWrongAddressAndBadInterval) {
  EXPECT_TRUE(configRejects("  - driver: sps30\n    address: 0x68\n", "sensors[0].address"));
  EXPECT_TRUE(configRejects("  - driver: sps30\n    fan_cleaning_interval: -1\n",
                            "sensors[0].fan_cleaning_interval"));
  Result<Config> c = parseConfig(kConfigHead + "  - driver: sps30\n    ids: {pm2_5: 87}\n",
                                 "t.yaml", driverSchemas());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sensors[0].ids.at("pm2_5"), 87);
}

}  // namespace
}  // namespace sckd::testing
