// Runs the Bosch/ROHM/ST decoder fuzz target over seeded pseudo-random inputs and boundary
// frames, so plain gcc builds exercise it.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "tests/fakes/sim_bme280.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

TEST(BoschFuzz, SeededRandomInputs) {
  std::mt19937 rng(20261124);
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::uint8_t> input(rng() % 64);
    for (auto& b : input) b = static_cast<std::uint8_t>(rng());
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
}

// A real calibration with random raw values: the realistic path, where most values succeed.
TEST(BoschFuzz, RealCalibrationRandomRaw) {
  const sckd::Bme280Calibration c = sckd::testing::SimBme280::defaultCalibration();
  std::vector<std::uint8_t> input(50, 0);
  auto put16 = [&](int i, std::uint16_t v) {
    input[i] = static_cast<std::uint8_t>(v & 0xFF);
    input[i + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  put16(0, c.t1);
  put16(2, c.t2);
  put16(4, c.t3);
  put16(6, c.p1);
  put16(8, c.p2);
  put16(10, c.p3);
  put16(12, c.p4);
  put16(14, c.p5);
  put16(16, c.p6);
  put16(18, c.p7);
  put16(20, c.p8);
  put16(22, c.p9);
  input[25] = c.h1;
  put16(26, c.h2);
  input[28] = c.h3;
  input[29] = static_cast<std::uint8_t>(c.h4 >> 4);
  input[30] = static_cast<std::uint8_t>((c.h4 & 0x0F) | ((c.h5 & 0x0F) << 4));
  input[31] = static_cast<std::uint8_t>(c.h5 >> 4);
  input[32] = static_cast<std::uint8_t>(c.h6);
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    for (int b = 33; b < 50; ++b) input[b] = static_cast<std::uint8_t>(rng());
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
}

TEST(BoschFuzz, BoundaryFrames) {
  for (std::uint8_t fill : {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF}) {
    for (std::size_t size : {0u, 1u, 26u, 33u, 41u, 49u, 50u, 64u}) {
      std::vector<std::uint8_t> input(size, fill);
      ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
    }
  }
  // dig_P1 = 0 (division by zero in the datasheet formula), skipped raw values.
  std::vector<std::uint8_t> input(50, 0x55);
  input[6] = input[7] = 0;
  input[33] = 0x80;
  input[34] = 0;
  input[35] = 0;
  input[39] = 0x80;
  input[40] = 0;
  ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
}

}  // namespace
