// Runs the payload fuzz target over seeded pseudo-random inputs, so gcc builds exercise it.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

TEST(PayloadFuzz, SeededInputsKeepEveryInvariant) {
  std::mt19937 rng(20261124);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> input(rng() % 2048);
    for (auto& b : input) b = static_cast<std::uint8_t>(rng());
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
}

TEST(PayloadFuzz, EdgeInputs) {
  const std::vector<std::vector<std::uint8_t>> inputs = {{},
                                                         {0},
                                                         {0xff, 0xff, 0xff},
                                                         std::vector<std::uint8_t>(64, 0),
                                                         std::vector<std::uint8_t>(512, 0xff),
                                                         std::vector<std::uint8_t>(300, 0x7f)};
  for (const auto& input : inputs) {
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
}

}  // namespace
