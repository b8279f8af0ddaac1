// Runs the Bosch/ROHM/ST decoder fuzz target over seeded pseudo-random inputs and boundary
// frames, so plain gcc builds exercise it.

#include <gtest/gtest.h>

#include <algorithm>
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
  const auto nvm = sckd::testing::SimBme280::calibrationNvm(c);
  std::vector<std::uint8_t> input(50, 0);
  std::copy(nvm.tp.begin(), nvm.tp.end(), input.begin());
  std::copy(nvm.h.begin(), nvm.h.end(), input.begin() + 26);
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
