// The SDS011 frame decoder against the bytes of its control protocol (Laser Dust Sensor
// Control Protocol V1.3).

#include "drivers/serial/sds_frame.h"

#include <gtest/gtest.h>

#include <vector>

namespace sckd::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// The protocol's own example reading: PM2.5 0x04D4 = 1236 -> 123.6 ug/m3, PM10 0x0A3A =
// 2618 -> 261.8 ug/m3, device id A1 60, checksum 0x1D.
const Bytes kReading = {0xAA, 0xC0, 0xD4, 0x04, 0x3A, 0x0A, 0xA1, 0x60, 0x1D, 0xAB};
// The answer to "set query mode": checksum 02+01+01+00+A1+60 = 0x105 -> 0x05.
const Bytes kModeReply = {0xAA, 0xC5, 0x02, 0x01, 0x01, 0x00, 0xA1, 0x60, 0x05, 0xAB};

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<SdsFrame> readAll(SdsFrameReader& reader, const Bytes& bytes) {
  reader.feed(bytes);
  std::vector<SdsFrame> frames;
  while (auto f = reader.next()) frames.push_back(*f);
  return frames;
}

Bytes command(std::uint8_t cmd, std::initializer_list<std::uint8_t> data = {}) {
  const auto c = sdsCommand(cmd, std::span(data.begin(), data.size()));
  return {c.begin(), c.end()};
}

TEST(SdsFrame, CommandsAreTheProtocolsBytes) {
  const Bytes zeros(10, 0x00);
  // Set query mode: AA B4 02 01 01 00.. FF FF 02 AB.
  EXPECT_EQ(command(kSdsReportingMode, {1, 1}),
            cat({{0xAA, 0xB4, 0x02, 0x01, 0x01}, zeros, {0xFF, 0xFF, 0x02, 0xAB}}));
  // Query data: AA B4 04 00.. FF FF 02 AB.
  EXPECT_EQ(command(kSdsQueryData),
            cat({{0xAA, 0xB4, 0x04, 0x00, 0x00}, zeros, {0xFF, 0xFF, 0x02, 0xAB}}));
  // Sleep: AA B4 06 01 00.. FF FF 05 AB; work: .. 06 01 01 .. FF FF 06 AB.
  EXPECT_EQ(command(kSdsSleepWork, {1, 0}),
            cat({{0xAA, 0xB4, 0x06, 0x01, 0x00}, zeros, {0xFF, 0xFF, 0x05, 0xAB}}));
  EXPECT_EQ(command(kSdsSleepWork, {1, 1}),
            cat({{0xAA, 0xB4, 0x06, 0x01, 0x01}, zeros, {0xFF, 0xFF, 0x06, 0xAB}}));
}

TEST(SdsFrame, DecodesTheProtocolsExample) {
  SdsFrameReader reader;
  auto frames = readAll(reader, kReading);
  ASSERT_EQ(frames.size(), 1u);
  auto data = decodeSdsData(frames[0]);
  ASSERT_TRUE(data.has_value());
  EXPECT_DOUBLE_EQ(data->pm25, 123.6);
  EXPECT_DOUBLE_EQ(data->pm10, 261.8);
  EXPECT_EQ(data->deviceId, 0xA160);
  EXPECT_EQ(
      encodeSdsFrame(sdsDataFrame(1236, 2618, 0xA160)),
      (std::array<std::uint8_t, 10>{0xAA, 0xC0, 0xD4, 0x04, 0x3A, 0x0A, 0xA1, 0x60, 0x1D, 0xAB}));
}

TEST(SdsFrame, ACommandReplyIsAFrameButNoData) {
  SdsFrameReader reader;
  auto frames = readAll(reader, cat({kModeReply, kReading}));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].kind, kSdsReply);
  EXPECT_FALSE(decodeSdsData(frames[0]).has_value());
  EXPECT_TRUE(decodeSdsData(frames[1]).has_value());
}

TEST(SdsFrame, AFrameSplitAcrossReadsIsCompletedByTheNext) {
  SdsFrameReader reader;
  for (std::size_t i = 0; i + 1 < kReading.size(); ++i) {
    reader.feed(Bytes{kReading[i]});
    ASSERT_FALSE(reader.next().has_value()) << "a frame after byte " << i;
  }
  reader.feed(Bytes{kReading.back()});
  EXPECT_TRUE(reader.next().has_value());
  EXPECT_EQ(reader.skippedBytes(), 0u);
}

TEST(SdsFrame, GarbageBetweenFramesIsSkipped) {
  const Bytes garbage = {0x00, 0xAA, 0x13, 0xAB, 0xAA, 0xAA};
  const Bytes cut(kReading.begin(), kReading.begin() + 6);
  SdsFrameReader reader;
  auto frames = readAll(reader, cat({garbage, kReading, cut, kReading}));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(encodeSdsFrame(frames[1]), encodeSdsFrame(frames[0]));
  EXPECT_EQ(reader.skippedBytes(), garbage.size() + cut.size());
}

TEST(SdsFrame, AWrongChecksumOrTailOrKindDropsTheFrame) {
  Bytes badSum = kReading;
  badSum[3] ^= 0x10;
  Bytes badTail = kReading;
  badTail[9] = 0xAC;
  Bytes badKind = kReading;
  badKind[1] = 0xC1;
  for (const Bytes& bad : {badSum, badTail, badKind}) {
    SdsFrameReader reader;
    auto frames = readAll(reader, cat({bad, kReading}));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(
        encodeSdsFrame(frames[0]),
        (std::array<std::uint8_t, 10>{0xAA, 0xC0, 0xD4, 0x04, 0x3A, 0x0A, 0xA1, 0x60, 0x1D, 0xAB}));
  }
  SdsFrameReader reader;
  EXPECT_TRUE(readAll(reader, badSum).empty());
  EXPECT_EQ(reader.badChecksums(), 1u);
}

}  // namespace
}  // namespace sckd::testing
