// Runs the SDS011 frame fuzz target under plain gtest: seeded pseudo-random streams (the
// same on every build, so a failure reproduces), streams of real frames mixed with garbage
// and flipped bits, and boundary frames.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "drivers/serial/sds_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sckd::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

int run(const Bytes& input) {
  return LLVMFuzzerTestOneInput(input.data(), input.size());
}

Bytes frame(std::mt19937& rng) {
  SdsFrame f = sdsDataFrame(static_cast<std::uint16_t>(rng()), static_cast<std::uint16_t>(rng()));
  if (rng() % 3 == 0) f.kind = kSdsReply;
  const auto bytes = encodeSdsFrame(f);
  return {bytes.begin(), bytes.end()};
}

TEST(SdsFuzz, SeededRandomStreams) {
  std::mt19937 rng(20261203);
  for (int i = 0; i < 5000; ++i) {
    Bytes in(rng() % 60);
    for (auto& b : in) b = static_cast<std::uint8_t>(rng());
    if (in.size() > 10 && i % 2 == 0) {
      in[1] = kSdsHead;
      in[2] = kSdsData;
      in[10] = kSdsTail;
    }
    ASSERT_EQ(run(in), 0);
  }
}

TEST(SdsFuzz, RealFramesAmongGarbageAndFlippedBits) {
  std::mt19937 rng(20261204);
  for (int i = 0; i < 2000; ++i) {
    Bytes in = {static_cast<std::uint8_t>(rng())};
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int p = 0; p < parts; ++p) {
      Bytes part;
      switch (rng() % 3) {
        case 0:
          part = frame(rng);
          break;
        case 1:
          part = frame(rng);
          part[rng() % part.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        default:
          part.resize(rng() % 20);
          for (auto& b : part) b = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0xAA : rng());
          break;
      }
      in.insert(in.end(), part.begin(), part.end());
    }
    ASSERT_EQ(run(in), 0);
  }
}

TEST(SdsFuzz, BoundaryStreams) {
  EXPECT_EQ(run({}), 0);
  for (std::uint8_t fill : {0x00, 0xAA, 0xAB, 0xC0, 0xFF}) {
    for (std::size_t length : {1u, 9u, 10u, 11u, 1500u}) {
      EXPECT_EQ(run(Bytes(length, fill)), 0);
    }
  }
  // The largest values a reading can carry.
  const auto max = encodeSdsFrame(sdsDataFrame(0xFFFF, 0xFFFF));
  Bytes in(1 + max.size(), 0x00);  // a selector byte, then the frame
  std::copy(max.begin(), max.end(), in.begin() + 1);
  EXPECT_EQ(run(in), 0);
}

}  // namespace
}  // namespace sckd::testing
