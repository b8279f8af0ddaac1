// CheckedInt: the int64 arithmetic the BME280 compensation runs on, where a corrupt
// calibration must turn into an error instead of signed-overflow UB.

#include "drivers/checked_int.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace sckd {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(CheckedInt, ExactWhereInt64IsExact) {
  const CheckedInt r = (CheckedInt(-123456) * 789 + 42 - 7) / 5;
  EXPECT_FALSE(r.overflowed());
  EXPECT_EQ(r.value(), (-123456LL * 789 + 42 - 7) / 5);
}

TEST(CheckedInt, ShiftsAreMultiplicationAndFloorDivisionByPowersOfTwo) {
  EXPECT_EQ((CheckedInt(-3) << 4).value(), -48);
  EXPECT_EQ((CheckedInt(-17) >> 2).value(), -5);  // arithmetic: floor(-17 / 4)
  EXPECT_EQ((CheckedInt(17) >> 2).value(), 4);
}

TEST(CheckedInt, EachOverflowIsRecorded) {
  EXPECT_TRUE((CheckedInt(kMax) + 1).overflowed());
  EXPECT_TRUE((CheckedInt(kMin) - 1).overflowed());
  EXPECT_TRUE((CheckedInt(std::int64_t{1} << 32) * (std::int64_t{1} << 31)).overflowed());
  EXPECT_TRUE((CheckedInt(1) << 63).overflowed());
  EXPECT_TRUE((CheckedInt(-(std::int64_t{1} << 40)) << 30).overflowed());
  EXPECT_TRUE((CheckedInt(5) / 0).overflowed());
  EXPECT_TRUE((CheckedInt(kMin) / -1).overflowed());
  EXPECT_FALSE((CheckedInt(kMax - 1) + 1).overflowed());
}

TEST(CheckedInt, AnOverflowSticksThroughLaterOperations) {
  const CheckedInt bad = CheckedInt(kMax) * 2;
  ASSERT_TRUE(bad.overflowed());
  EXPECT_TRUE(((bad >> 60) - (bad >> 60)).overflowed());
  EXPECT_TRUE((CheckedInt(1) + bad * 0).overflowed());
}

}  // namespace
}  // namespace sckd
