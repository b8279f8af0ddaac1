// The queue side of the outbox: what goes in comes out byte for byte, in order, and leaves
// only when acknowledged or evicted by max_size (and then it is counted).
#include "daemon/outbox/outbox.h"

#include <gtest/gtest.h>

#include "tests/outbox/outbox_test_util.h"

namespace sckd::testing {
namespace {

std::vector<StoredReading> fetchAll(Outbox& outbox) {
  auto rows = outbox.fetchAfter(0, 10'000'000);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  return rows.ok() ? *rows : std::vector<StoredReading>{};
}

TEST(Outbox, CommitThenFetchReturnsTheSameBytes) {
  TempDir dir;
  auto outbox = openOrDie(dir.file("outbox.db"));
  ASSERT_TRUE(outbox);
  const std::vector<NewReading> tick = {{1700000000, 55, "21.50"},
                                        {1700000000, 56, "-0.001"},
                                        {1700000000, 14, "1.5e-7"},
                                        {1700000000, 7, "12345678901234567890.0000000001"}};
  ASSERT_TRUE(outbox->commit(tick).ok());
  EXPECT_EQ(outbox->queuedCount(), 4u);
  const auto rows = fetchAll(*outbox);
  ASSERT_EQ(rows.size(), tick.size());
  for (std::size_t i = 0; i < tick.size(); ++i) {
    EXPECT_EQ(rows[i].value, tick[i].value);  // text, not a double round trip
    EXPECT_EQ(rows[i].sensorId, tick[i].sensorId);
    EXPECT_EQ(rows[i].recordedAt, tick[i].recordedAt);
    if (i > 0) {
      EXPECT_GT(rows[i].rowId, rows[i - 1].rowId);
    }
  }
}

TEST(Outbox, FetchAfterPagesThroughTenThousandRowsInOrder) {
  TempDir dir;
  auto outbox = openOrDie(dir.file("outbox.db"));
  ASSERT_TRUE(outbox);
  for (int t = 0; t < 100; ++t) ASSERT_TRUE(outbox->commit(makeTick(1000 + t, 100)).ok());
  ASSERT_EQ(outbox->queuedCount(), 10'000u);
  std::vector<StoredReading> all;
  std::int64_t cursor = 0;
  for (;;) {
    auto page = outbox->fetchAfter(cursor, 333);
    ASSERT_TRUE(page.ok()) << page.error().message;
    if (page->empty()) break;
    ASSERT_LE(page->size(), 333u);
    cursor = page->back().rowId;
    all.insert(all.end(), page->begin(), page->end());
  }
  ASSERT_EQ(all.size(), 10'000u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto expected = makeTick(1000 + static_cast<int>(i / 100), 100)[i % 100];
    ASSERT_EQ(all[i].value, expected.value) << "row " << i;
    ASSERT_EQ(all[i].recordedAt, expected.recordedAt);
    if (i > 0) {
      ASSERT_GT(all[i].rowId, all[i - 1].rowId);
    }
  }
}

TEST(Outbox, AcknowledgeDeletesExactlyTheRangeAndCountsDelivered) {
  TempDir dir;
  auto outbox = openOrDie(dir.file("outbox.db"));
  ASSERT_TRUE(outbox);
  ASSERT_TRUE(outbox->commit(makeTick(100, 10)).ok());
  const auto before = fetchAll(*outbox);
  ASSERT_EQ(before.size(), 10u);
  ASSERT_TRUE(outbox->acknowledge(before[2].rowId, before[5].rowId, 4242).ok());
  const auto after = fetchAll(*outbox);
  ASSERT_EQ(after.size(), 6u);
  for (const auto& r : after) {
    EXPECT_TRUE(r.rowId < before[2].rowId || r.rowId > before[5].rowId) << r.rowId;
  }
  EXPECT_EQ(outbox->queuedCount(), 6u);
  auto stats = outbox->stats();
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->delivered, 4u);
  EXPECT_EQ(stats->lastDeliveryAt, 4242);
  EXPECT_EQ(stats->queued, 6u);
  // A duplicate PUBACK (or a range already evicted) is not an error and counts nothing.
  ASSERT_TRUE(outbox->acknowledge(before[2].rowId, before[5].rowId, 4243).ok());
  stats = outbox->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->delivered, 4u);
  EXPECT_EQ(outbox->queuedCount(), 6u);
}

// The publisher's cursor relies on a new row sorting after every row it has sent, for as
// long as the outbox is open; a reopened outbox starts after the highest row it holds.
TEST(Outbox, RowIdsOnlyGrowWhileOpenEvenWhenTheNewestRowsAreDeleted) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  std::int64_t highest = 0;
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(outbox->commit(makeTick(1, 5)).ok());
    const auto rows = fetchAll(*outbox);
    highest = rows.back().rowId;
    ASSERT_TRUE(outbox->acknowledge(rows[3].rowId, rows[4].rowId, 2).ok());  // the newest
    ASSERT_TRUE(outbox->commit(makeTick(3, 1)).ok());
    auto again = fetchAll(*outbox);
    EXPECT_GT(again.back().rowId, highest);
    highest = again.back().rowId;
    ASSERT_TRUE(outbox->acknowledge(0, highest, 4).ok());  // everything
    ASSERT_TRUE(outbox->commit(makeTick(5, 1)).ok());      // deletes them all, adds one
    again = fetchAll(*outbox);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_GT(again[0].rowId, highest);
    highest = again[0].rowId;
  }
  auto reopened = openOrDie(path);
  ASSERT_TRUE(reopened);
  ASSERT_TRUE(reopened->commit(makeTick(7, 1)).ok());
  const auto rows = fetchAll(*reopened);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rowId, highest);
  EXPECT_EQ(rows[1].rowId, highest + 1);
}

TEST(Outbox, ReopenKeepsRowsAndCounters) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  std::vector<StoredReading> kept;
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(outbox->commit(makeTick(50, 10)).ok());
    const auto rows = fetchAll(*outbox);
    ASSERT_TRUE(outbox->acknowledge(rows[0].rowId, rows[2].rowId, 777).ok());
    kept = fetchAll(*outbox);
  }
  auto outbox = openOrDie(path);
  ASSERT_TRUE(outbox);
  EXPECT_EQ(outbox->queuedCount(), 7u);
  const auto rows = fetchAll(*outbox);
  ASSERT_EQ(rows.size(), kept.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].rowId, kept[i].rowId);
    EXPECT_EQ(rows[i].value, kept[i].value);
  }
  auto stats = outbox->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->delivered, 3u);
  EXPECT_EQ(stats->lastDeliveryAt, 777);
  EXPECT_EQ(stats->oldestRecordedAt, 50);
  EXPECT_EQ(stats->newestRecordedAt, 50);
  EXPECT_EQ(stats->dropped, 0u);
}

TEST(Outbox, PastMaxSizeTheOldestAreDroppedAndCounted) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  const std::uint64_t maxSize = 512 * 1024;
  const int ticks = 40, perTick = 1000;  // ~40 000 rows: well over 512 KiB
  std::uint64_t taken = 0;
  {
    auto outbox = openOrDie(path, maxSize);
    ASSERT_TRUE(outbox);
    for (int t = 0; t < ticks; ++t) {
      ASSERT_TRUE(outbox->commit(makeTick(10'000 + t, perTick)).ok());
      taken += outbox->takeDroppedCount();
    }
    EXPECT_EQ(outbox->takeDroppedCount(), 0u);  // taking resets it
    const std::uint64_t total = static_cast<std::uint64_t>(ticks) * perTick;
    ASSERT_GT(taken, 0u);
    EXPECT_EQ(outbox->queuedCount() + taken, total);
    auto stats = outbox->stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->dropped, taken);
    EXPECT_EQ(stats->queued, outbox->queuedCount());
    EXPECT_LE(stats->sizeBytes, maxSize + maxSize / 5) << "file plus WAL stays near the cap";
    // What is left is exactly the newest rows, none missing in between.
    const auto rows = fetchAll(*outbox);
    ASSERT_EQ(rows.size(), outbox->queuedCount());
    EXPECT_EQ(rows.back().value, makeTick(10'000 + ticks - 1, perTick).back().value);
    for (std::size_t i = 1; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].rowId, rows[i - 1].rowId + 1);
    }
    EXPECT_EQ(rows.front().rowId, static_cast<std::int64_t>(taken) + 1);
  }
  auto reopened = openOrDie(path, maxSize);
  ASSERT_TRUE(reopened);
  auto stats = reopened->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->dropped, taken);  // persisted
  EXPECT_EQ(reopened->takeDroppedCount(), 0u);
}

// A Pi with neither network nor a synchronised clock for days: everything it takes waits
// for the clock, and the cap holds for that too.
TEST(Outbox, MaxSizeHoldsForReadingsWaitingForTheClock) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  const std::uint64_t maxSize = 512 * 1024;
  auto outbox = openOrDie(path, maxSize);
  ASSERT_TRUE(outbox);
  std::uint64_t dropped = 0;
  for (int t = 0; t < 40; ++t) {
    std::vector<NewReading> tick = makeTick(10'000 + t, 1000);
    for (std::size_t i = 0; i < tick.size(); ++i) {
      tick[i].boot = BootStamp{"this-boot", t * 1000 + static_cast<std::int64_t>(i)};
    }
    ASSERT_TRUE(outbox->commit(tick).ok());
    dropped += outbox->takeDroppedCount();
  }
  auto stats = outbox->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(stats->unstamped + dropped, 40'000u);
  EXPECT_EQ(stats->dropped, dropped);
  EXPECT_LE(stats->sizeBytes, maxSize + maxSize / 5) << "file plus WAL stays near the cap";
  // The newest are what is left: stamping them queues the last tick's readings.
  auto stamped = outbox->stampBoot("this-boot", 0);
  ASSERT_TRUE(stamped.ok());
  EXPECT_EQ(*stamped, stats->unstamped);
  const auto rows = fetchAll(*outbox);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().value, makeTick(10'039, 1000).back().value);
}

TEST(Outbox, OpenCreatesAMissingDirectory) {
  TempDir dir;
  const std::string path = dir.file("new/data/outbox.db");
  auto outbox = Outbox::open(path, 1 << 20);
  ASSERT_TRUE(outbox.ok()) << outbox.error().message;
  EXPECT_TRUE((*outbox)->commit({{1'795'000'000, 55, "21.5"}}).ok());
}

TEST(Outbox, OpenFailsClearlyWhenTheDirectoryCannotBeMade) {
  TempDir dir;
  ASSERT_TRUE(writeFile(dir.file("plainfile"), "x"));
  const std::string path = dir.file("plainfile/sub/outbox.db");  // a file stands in the way
  auto outbox = Outbox::open(path, 1 << 20);
  ASSERT_FALSE(outbox.ok());
  EXPECT_NE(outbox.error().message.find(dir.file("plainfile/sub")), std::string::npos)
      << outbox.error().message;
  EXPECT_NE(outbox.error().message.find("cannot be created"), std::string::npos)
      << outbox.error().message;
}

}  // namespace
}  // namespace sckd::testing
