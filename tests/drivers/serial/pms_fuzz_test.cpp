// Runs the Plantower frame fuzz target under plain gtest: seeded pseudo-random streams (the
// same on every build, so a failure reproduces), streams of real frames mixed with garbage
// and flipped bits, and boundary frames.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "drivers/serial/pms_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sckd::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

int run(const Bytes& input) {
  return LLVMFuzzerTestOneInput(input.data(), input.size());
}

Bytes dataFrame(std::mt19937& rng) {
  PmsData d;
  for (auto& v : d.pmAtmospheric) v = static_cast<std::uint16_t>(rng());
  for (auto& v : d.counts) v = static_cast<std::uint16_t>(rng());
  return encodePmsFrame(pmsDataFrame(d));
}

TEST(PmsFuzz, SeededRandomStreams) {
  std::mt19937 rng(20261201);
  for (int i = 0; i < 5000; ++i) {
    Bytes in(rng() % 120);
    for (auto& b : in) b = static_cast<std::uint8_t>(rng());
    // Half of them start at a frame header, so the length and sum paths are reached.
    if (in.size() > 4 && i % 2 == 0) {
      in[1] = kPmsStart1;
      in[2] = kPmsStart2;
      in[3] = 0;
    }
    ASSERT_EQ(run(in), 0);
  }
}

TEST(PmsFuzz, RealFramesAmongGarbageAndFlippedBits) {
  std::mt19937 rng(20261202);
  for (int i = 0; i < 2000; ++i) {
    Bytes in = {static_cast<std::uint8_t>(rng())};
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int p = 0; p < parts; ++p) {
      Bytes part;
      switch (rng() % 4) {
        case 0:
          part = dataFrame(rng);
          break;
        case 1: {
          const auto c = pmsCommand(static_cast<std::uint8_t>(rng()), 0);
          part = encodePmsFrame(PmsFrame{{c[2], c[4]}});  // a command's answer
          break;
        }
        case 2:
          part = dataFrame(rng);
          part[rng() % part.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        default:
          part.resize(rng() % 40);
          for (auto& b : part) b = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0x42 : rng());
          break;
      }
      in.insert(in.end(), part.begin(), part.end());
    }
    ASSERT_EQ(run(in), 0);
  }
}

TEST(PmsFuzz, BoundaryStreams) {
  EXPECT_EQ(run({}), 0);
  EXPECT_EQ(run({0x00}), 0);
  for (std::uint8_t fill : {0x00, 0x42, 0x4D, 0xFF}) {
    for (std::size_t length : {1u, 2u, 3u, 4u, 31u, 32u, 33u, 1500u}) {
      EXPECT_EQ(run(Bytes(length, fill)), 0);
    }
  }
  // Every possible length field after a header, with enough bytes behind it.
  for (unsigned length = 0; length < 64; ++length) {
    Bytes in = {0x05, 0x42, 0x4D, 0x00, static_cast<std::uint8_t>(length)};
    in.resize(in.size() + 70, 0x00);
    EXPECT_EQ(run(in), 0);
  }
}

}  // namespace
}  // namespace sckd::testing
