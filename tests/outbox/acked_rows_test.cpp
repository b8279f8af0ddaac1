// The ranges of acknowledged rows that wait for the next commit: merged, counted once, and
// skipped when the publisher fetches.
#include "daemon/outbox/acked_rows.h"

#include <gtest/gtest.h>

#include <limits>

namespace sckd::testing {
namespace {

std::vector<std::pair<std::int64_t, std::int64_t>> pairs(const std::vector<AckedRows::Range>& r) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& range : r) out.emplace_back(range.first, range.last);
  return out;
}

using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

TEST(AckedRows, AddReturnsOnlyWhatWasNotHeldAndMerges) {
  AckedRows acked;
  EXPECT_EQ(pairs(acked.add(10, 19)), (Pairs{{10, 19}}));
  EXPECT_EQ(pairs(acked.add(10, 19)), Pairs{});  // a repeated PUBACK
  EXPECT_EQ(pairs(acked.add(30, 39)), (Pairs{{30, 39}}));
  EXPECT_EQ(pairs(acked.add(5, 45)), (Pairs{{5, 9}, {20, 29}, {40, 45}}));
  EXPECT_EQ(pairs(acked.ranges()), (Pairs{{5, 45}}));
  EXPECT_EQ(pairs(acked.add(46, 50)), (Pairs{{46, 50}}));  // adjacent: one range
  EXPECT_EQ(pairs(acked.ranges()), (Pairs{{5, 50}}));
  EXPECT_EQ(pairs(acked.add(7, 3)), Pairs{});  // an empty range adds nothing
}

TEST(AckedRows, SkipFromAndNextStartAfterStepOverRanges) {
  AckedRows acked;
  acked.add(11, 20);
  acked.add(31, 40);
  EXPECT_EQ(acked.skipFrom(0), 0);    // row 1 is not held
  EXPECT_EQ(acked.skipFrom(10), 20);  // rows 11..20 are
  EXPECT_EQ(acked.skipFrom(15), 20);
  EXPECT_EQ(acked.skipFrom(20), 20);
  EXPECT_EQ(acked.nextStartAfter(0), 11);
  EXPECT_EQ(acked.nextStartAfter(20), 31);
  EXPECT_EQ(acked.nextStartAfter(40), std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(acked.contains(11));
  EXPECT_TRUE(acked.contains(40));
  EXPECT_FALSE(acked.contains(21));
  acked.clear();
  EXPECT_TRUE(acked.empty());
  EXPECT_EQ(acked.skipFrom(10), 10);
}

}  // namespace
}  // namespace sckd::testing
