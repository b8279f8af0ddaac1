// Runs the adcpm fuzz target under plain gtest: seeded pseudo-random frames (the same on
// every build, so a failure reproduces) plus boundary frames.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sckd::testing {
namespace {

int run(const std::vector<std::uint8_t>& input) {
  return LLVMFuzzerTestOneInput(input.data(), input.size());
}

TEST(AdcpmFuzz, BoundaryFrames) {
  for (int selector = 0; selector < 64; ++selector) {
    for (std::uint8_t fill : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      for (std::size_t length : {0u, 1u, 2u, 3u, 23u, 24u, 25u, 59u, 60u, 61u}) {
        std::vector<std::uint8_t> in(length + 1, fill);
        in[0] = static_cast<std::uint8_t>(selector);
        EXPECT_EQ(run(in), 0);
      }
    }
  }
  // Float specials in every SPS30 slot, with repaired CRCs: NaN, +Inf, -Inf, denormal, -0.
  for (std::uint32_t bits : {0x7FC00000u, 0x7F800000u, 0xFF800000u, 0x00000001u, 0x80000000u,
                             0x7F7FFFFFu, 0x447A0001u}) {
    std::vector<std::uint8_t> in(61, 0);
    in[0] = 0x05;  // SPS30, CRCs repaired by the target
    for (std::size_t v = 0; v < 10; ++v) {
      in[1 + v * 6] = static_cast<std::uint8_t>(bits >> 24);
      in[2 + v * 6] = static_cast<std::uint8_t>(bits >> 16);
      in[4 + v * 6] = static_cast<std::uint8_t>(bits >> 8);
      in[5 + v * 6] = static_cast<std::uint8_t>(bits);
    }
    EXPECT_EQ(run(in), 0);
  }
  for (const char* text :
       {"", ",", "0,", "0-1,0", "3-3", "0,1,2,3,0", "1-3,2-3,0-1", "\xff", "0-", "-1", "00"}) {
    std::vector<std::uint8_t> in(1 + std::char_traits<char>::length(text), 0x03);
    for (std::size_t i = 1; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>(text[i - 1]);
    EXPECT_EQ(run(in), 0);
  }
}

TEST(AdcpmFuzz, SeededRandomFrames) {
  std::mt19937 rng(20261125);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 70);
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::uint8_t> in(length(rng) + 1);
    for (auto& b : in) b = static_cast<std::uint8_t>(byte(rng));
    ASSERT_EQ(run(in), 0);
  }
}

}  // namespace
}  // namespace sckd::testing
