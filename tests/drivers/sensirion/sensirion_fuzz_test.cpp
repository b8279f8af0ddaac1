// Runs the Sensirion decoder fuzz target under gtest: seeded pseudo-random frames (raw, and
// with valid CRCs so the decoding itself is reached) plus boundary frames, the same inputs on
// every build. The target aborts on a crash-worthy result; the checks here say what passed.

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "drivers/sensirion/scd30.h"
#include "drivers/sensirion/scd4x.h"
#include "drivers/sensirion/sensirion_crc.h"
#include "drivers/sensirion/sht3x.h"
#include "drivers/sensirion/sht4x.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sckd::testing {
namespace {

void run(const std::vector<std::uint8_t>& input) {
  EXPECT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
}

// 18 bytes of Sensirion words with correct CRCs: enough for every decoder.
std::vector<std::uint8_t> framed(const std::array<std::uint16_t, 6>& words) {
  std::vector<std::uint8_t> bytes;
  for (std::uint16_t w : words) {
    auto msb = static_cast<std::uint8_t>(w >> 8), lsb = static_cast<std::uint8_t>(w & 0xFF);
    bytes.insert(bytes.end(), {msb, lsb, sensirion::crc8(msb, lsb)});
  }
  return bytes;
}

TEST(SensirionFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(20261125);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 24);
  for (int i = 0; i < 4000; ++i) {
    std::vector<std::uint8_t> input(static_cast<std::size_t>(length(rng)));
    for (auto& b : input) b = static_cast<std::uint8_t>(byte(rng));
    run(input);
  }
}

TEST(SensirionFuzz, RandomValidCrcFramesDecodeToFiniteInRangeValues) {
  std::mt19937 rng(4242);
  std::uniform_int_distribution<int> word(0, 0xFFFF);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 4000; ++i) {
    std::array<std::uint16_t, 6> words{};
    for (auto& w : words) w = static_cast<std::uint16_t>(word(rng));
    std::vector<std::uint8_t> f = framed(words);
    run(f);
    Sht3xValues v = decodeSht3x(std::span<const std::uint8_t, 6>(f.data(), 6));
    for (const Result<double>* r : {&v.temperature, &v.humidity}) {
      if (r->ok()) {
        ++accepted;
        EXPECT_TRUE(std::isfinite(**r));
      } else {
        ++rejected;
      }
    }
    Scd30Values s = decodeScd30(std::span<const std::uint8_t, 18>(f.data(), 18));
    for (const Result<double>* r : {&s.co2, &s.temperature, &s.humidity}) {
      if (r->ok()) {
        ++accepted;
        EXPECT_TRUE(std::isfinite(**r));
      } else {
        ++rejected;
      }
    }
  }
  // Both paths were exercised: valid CRCs reach the formulas, ranges reject some.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(rejected, 1000);
}

TEST(SensirionFuzz, BoundaryFrames) {
  const std::vector<std::array<std::uint16_t, 6>> cases = {
      {0, 0, 0, 0, 0, 0},
      {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF},
      {0x7FFF, 0x8000, 0x7FFF, 0x8000, 0x7FFF, 0x8000},
      {0x7F80, 0x0000, 0xFF80, 0x0000, 0x7FC0, 0x0000},  // +Inf, -Inf, NaN floats
      {0x8000, 0x0000, 0x0000, 0x0001, 0x7F7F, 0xFFFF},  // -0, denormal, FLT_MAX
      {0x471C, 0x4000, 0xC220, 0x0000, 0x42C8, 0x0001},  // 40000 ppm, -40 degC, 100.00001 %
  };
  for (const auto& words : cases) run(framed(words));
  run(std::vector<std::uint8_t>(18, 0x00));
  run(std::vector<std::uint8_t>(18, 0xFF));
  run({});

  // The SCD30 boundaries: 40000 ppm and -40 degC are in range, 100.00001 %RH is not.
  std::vector<std::uint8_t> f = framed(cases[5]);
  Scd30Values s = decodeScd30(std::span<const std::uint8_t, 18>(f.data(), 18));
  ASSERT_TRUE(s.co2.ok());
  EXPECT_EQ(*s.co2, 40000.0);
  ASSERT_TRUE(s.temperature.ok());
  EXPECT_FALSE(s.humidity.ok());
  f = framed(cases[3]);
  s = decodeScd30(std::span<const std::uint8_t, 18>(f.data(), 18));
  EXPECT_FALSE(s.co2.ok());
  EXPECT_FALSE(s.temperature.ok());
  EXPECT_FALSE(s.humidity.ok());
}

}  // namespace
}  // namespace sckd::testing
