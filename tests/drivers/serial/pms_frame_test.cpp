// The Plantower frame decoder against the data manual's bytes (PMS5003 v2.3, appendix I:
// the data frame; appendix II: the host commands and their check codes).

#include "drivers/serial/pms_frame.h"

#include <gtest/gtest.h>

#include <vector>

namespace sckd::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A data frame worked out by hand: CF=1 PM 5/10/12, atmospheric PM 4/9/11 ug/m3, counts
// 1200/400/100/12/2/1 per 0.1 L, data 13 0x9700; check code 0x032D, the sum of the 30
// bytes before it.
const Bytes kFrame = {0x42, 0x4D, 0x00, 0x1C, 0x00, 0x05, 0x00, 0x0A, 0x00, 0x0C, 0x00,
                      0x04, 0x00, 0x09, 0x00, 0x0B, 0x04, 0xB0, 0x01, 0x90, 0x00, 0x64,
                      0x00, 0x0C, 0x00, 0x02, 0x00, 0x01, 0x97, 0x00, 0x03, 0x2D};
// The answer some firmwares send to "passive mode" (0xE1 0): length 4, check code 0x0174.
const Bytes kModeAnswer = {0x42, 0x4D, 0x00, 0x04, 0xE1, 0x00, 0x01, 0x74};

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<PmsFrame> readAll(PmsFrameReader& reader, const Bytes& bytes) {
  reader.feed(bytes);
  std::vector<PmsFrame> frames;
  while (auto f = reader.next()) frames.push_back(*f);
  return frames;
}

TEST(PmsFrame, CommandsAreTheDataManualsBytes) {
  EXPECT_EQ(pmsCommand(kPmsChangeMode, 0),
            (std::array<std::uint8_t, 7>{0x42, 0x4D, 0xE1, 0x00, 0x00, 0x01, 0x70}));
  EXPECT_EQ(pmsCommand(kPmsChangeMode, 1),
            (std::array<std::uint8_t, 7>{0x42, 0x4D, 0xE1, 0x00, 0x01, 0x01, 0x71}));
  EXPECT_EQ(pmsCommand(kPmsReadPassive, 0),
            (std::array<std::uint8_t, 7>{0x42, 0x4D, 0xE2, 0x00, 0x00, 0x01, 0x71}));
  EXPECT_EQ(pmsCommand(kPmsSleepSet, 0),
            (std::array<std::uint8_t, 7>{0x42, 0x4D, 0xE4, 0x00, 0x00, 0x01, 0x73}));
  EXPECT_EQ(pmsCommand(kPmsSleepSet, 1),
            (std::array<std::uint8_t, 7>{0x42, 0x4D, 0xE4, 0x00, 0x01, 0x01, 0x74}));
}

TEST(PmsFrame, DecodesTheDataFrameInFieldOrder) {
  PmsFrameReader reader;
  auto frames = readAll(reader, kFrame);
  ASSERT_EQ(frames.size(), 1u);
  auto data = decodePmsData(frames[0]);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->pmStandard, (std::array<std::uint16_t, 3>{5, 10, 12}));
  EXPECT_EQ(data->pmAtmospheric, (std::array<std::uint16_t, 3>{4, 9, 11}));
  EXPECT_EQ(data->counts, (std::array<std::uint16_t, 6>{1200, 400, 100, 12, 2, 1}));
  EXPECT_EQ(data->reserved, 0x9700);
  EXPECT_EQ(reader.skippedBytes(), 0u);
  // And back: the same values make the same bytes.
  EXPECT_EQ(encodePmsFrame(pmsDataFrame(*data)), kFrame);
}

TEST(PmsFrame, ACommandAnswerIsAFrameButNoData) {
  PmsFrameReader reader;
  auto frames = readAll(reader, cat({kModeAnswer, kFrame}));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_FALSE(decodePmsData(frames[0]).has_value());
  EXPECT_EQ(frames[0].payload, (Bytes{0xE1, 0x00}));
  EXPECT_TRUE(decodePmsData(frames[1]).has_value());
  EXPECT_EQ(encodePmsFrame(frames[0]), kModeAnswer);
}

TEST(PmsFrame, AFrameSplitAcrossReadsIsCompletedByTheNext) {
  PmsFrameReader reader;
  for (std::size_t i = 0; i + 1 < kFrame.size(); ++i) {
    reader.feed(Bytes{kFrame[i]});
    ASSERT_FALSE(reader.next().has_value()) << "a frame after byte " << i;
  }
  reader.feed(Bytes{kFrame.back()});
  EXPECT_TRUE(reader.next().has_value());
  EXPECT_EQ(reader.skippedBytes(), 0u);
}

TEST(PmsFrame, GarbageBetweenFramesIsSkipped) {
  PmsFrameReader reader;
  // Includes a lone 0x42, a 0x42 0x4D with no valid length, and bytes of a frame cut short.
  const Bytes garbage = {0x00, 0x42, 0x13, 0x42, 0x4D, 0xFF, 0xFF, 0x4D};
  const Bytes cut(kFrame.begin(), kFrame.begin() + 20);
  auto frames = readAll(reader, cat({garbage, kFrame, cut, kFrame, garbage}));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(encodePmsFrame(frames[0]), kFrame);
  EXPECT_EQ(encodePmsFrame(frames[1]), kFrame);
  EXPECT_EQ(reader.skippedBytes(), garbage.size() + cut.size() + garbage.size());
}

TEST(PmsFrame, AWrongChecksumDropsTheFrameAndTheNextOneIsFound) {
  Bytes bad = kFrame;
  bad[10] ^= 0x01;  // a bit flipped on the line: data 4 no longer matches the check code
  PmsFrameReader reader;
  auto frames = readAll(reader, cat({bad, kFrame}));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(encodePmsFrame(frames[0]), kFrame);
  EXPECT_EQ(reader.badChecksums(), 1u);
  Bytes badSum = kFrame;
  badSum.back() ^= 0x80;
  PmsFrameReader other;
  EXPECT_TRUE(readAll(other, badSum).empty());
  EXPECT_EQ(other.badChecksums(), 1u);
}

TEST(PmsFrame, AWrongLengthIsNotWaitedFor) {
  for (std::uint16_t length : {0, 2, 3, 29, 38, 0x1C00, 0xFFFF}) {
    Bytes fake = {0x42, 0x4D, static_cast<std::uint8_t>(length >> 8),
                  static_cast<std::uint8_t>(length & 0xFF)};
    PmsFrameReader reader;
    // Found at once: no frame of an impossible length holds the real one back.
    auto frames = readAll(reader, cat({fake, kFrame}));
    ASSERT_EQ(frames.size(), 1u) << "length " << length;
    EXPECT_EQ(encodePmsFrame(frames[0]), kFrame);
  }
  // A data frame whose length says 30 (possible, but not what was sent): the check code is
  // then looked for two bytes late, cannot match, and the frame is dropped.
  Bytes longer = cat({kFrame, {0x00, 0x00}});
  longer[3] = 0x1E;
  PmsFrameReader reader;
  EXPECT_TRUE(readAll(reader, longer).empty());
  EXPECT_EQ(reader.badChecksums(), 1u);
}

TEST(PmsFrame, BufferStaysBoundedWhenNobodyReads) {
  PmsFrameReader reader;
  for (int i = 0; i < 200; ++i) reader.feed(Bytes(100, 0x42));
  reader.feed(kFrame);
  auto frame = reader.next();
  ASSERT_TRUE(frame.has_value());
  EXPECT_GE(reader.skippedBytes(), 19'000u);
}

}  // namespace
}  // namespace sckd::testing
