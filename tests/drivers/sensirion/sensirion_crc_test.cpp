#include "drivers/sensirion/sensirion_crc.h"

#include <gtest/gtest.h>

namespace sckd::sensirion {
namespace {

TEST(SensirionCrc, DatasheetCheckValue) {
  // Every Sensirion I2C datasheet gives this example: CRC(0xBEEF) = 0x92.
  EXPECT_EQ(crc8(0xBE, 0xEF), 0x92);
}

TEST(SensirionCrc, DecodeWordsAcceptsGoodFramesAndRejectsBadOnes) {
  const std::uint8_t good[] = {0xBE, 0xEF, 0x92, 0x00, 0x00, crc8(0, 0)};
  auto words = decodeWords(good);
  ASSERT_TRUE(words);
  EXPECT_EQ((*words)[0], 0xBEEF);
  EXPECT_EQ((*words)[1], 0x0000);

  std::uint8_t bad[] = {0xBE, 0xEF, 0x92, 0x00, 0x00, static_cast<std::uint8_t>(crc8(0, 0) ^ 1)};
  std::size_t which = 99;
  EXPECT_FALSE(decodeWords(bad, &which));
  EXPECT_EQ(which, 1u);

  const std::uint8_t ragged[] = {0xBE, 0xEF};
  EXPECT_FALSE(decodeWords(ragged));
}

TEST(SensirionCrc, CommandCarriesEachArgumentWithItsCrc) {
  const std::uint16_t args[] = {0xBEEF};
  EXPECT_EQ(command(0x0010, args), (std::vector<std::uint8_t>{0x00, 0x10, 0xBE, 0xEF, 0x92}));
  EXPECT_EQ(command(0x2400), (std::vector<std::uint8_t>{0x24, 0x00}));
}

}  // namespace
}  // namespace sckd::sensirion
