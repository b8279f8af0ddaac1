// What a tick writes: acknowledged rows leave with the next tick's commit (no transaction
// of their own), are never fetched again meanwhile, come back after a kill -9 (a duplicate,
// never a loss), and the file with its WAL stays within a tenth of max_size.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "daemon/outbox/outbox.h"
#include "tests/outbox/outbox_test_util.h"
#include "tests/support/temp_dir.h"

namespace sckd::testing {
namespace {

std::vector<std::int64_t> idsOf(Outbox& outbox, std::int64_t after = 0,
                                std::size_t limit = 1000000) {
  auto rows = outbox.fetchAfter(after, limit);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  std::vector<std::int64_t> ids;
  if (rows.ok()) {
    for (const auto& r : *rows) ids.push_back(r.rowId);
  }
  return ids;
}

// Rows in the file as another process (`sckd status`) sees them.
std::uint64_t queuedInFile(const std::string& path) {
  auto stats = Outbox::readStats(path);
  EXPECT_TRUE(stats.ok()) << stats.error().message;
  return stats.ok() ? stats->queued : 0;
}

// Runs `body` in a child; `body` ends with _exit, closing nothing, as kill -9 would.
template <typename Body>
void inAChildThatDiesAbruptly(Body body) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    body();
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(OutboxWrites, AcknowledgedRowsAreNeverFetchedAgain) {
  TempDir dir;
  auto outbox = openOrDie(dir.file("outbox.db"));
  ASSERT_TRUE(outbox);
  ASSERT_TRUE(outbox->commit(makeTick(100, 50)).ok());
  ASSERT_TRUE(outbox->acknowledge(11, 20, 1).ok());
  ASSERT_TRUE(outbox->acknowledge(31, 40, 1).ok());
  EXPECT_EQ(outbox->queuedCount(), 30u);
  const auto ids = idsOf(*outbox);
  ASSERT_EQ(ids.size(), 30u);
  for (auto id : ids) EXPECT_TRUE(id <= 10 || (id > 20 && id <= 30) || id > 40) << id;
  // Paging across the held ranges: each page is full and starts where the last one ended.
  EXPECT_EQ(idsOf(*outbox, 8, 5), (std::vector<std::int64_t>{9, 10, 21, 22, 23}));
  EXPECT_EQ(idsOf(*outbox, 28, 4), (std::vector<std::int64_t>{29, 30, 41, 42}));
  EXPECT_EQ(idsOf(*outbox, 50, 4), std::vector<std::int64_t>{});
}

TEST(OutboxWrites, AcknowledgedRowsLeaveTheFileWithTheNextCommit) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  auto outbox = openOrDie(path);
  ASSERT_TRUE(outbox);
  ASSERT_TRUE(outbox->commit(makeTick(100, 10)).ok());
  ASSERT_TRUE(outbox->acknowledge(1, 10, 4242).ok());
  EXPECT_EQ(outbox->queuedCount(), 0u);
  EXPECT_EQ(queuedInFile(path), 10u) << "no write of its own for a PUBACK";
  ASSERT_TRUE(outbox->commit(makeTick(101, 10)).ok());
  EXPECT_EQ(queuedInFile(path), 10u);  // the ten new ones
  EXPECT_EQ(idsOf(*outbox).front(), 11);
  auto stats = Outbox::readStats(path);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->delivered, 10u) << "the first delivery of a run is written at once";
  EXPECT_EQ(stats->lastDeliveryAt, 4242);
}

TEST(OutboxWrites, AKillBeforeTheNextCommitSendsThemAgainNeverLosesThem) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  inAChildThatDiesAbruptly([&] {
    auto outbox = Outbox::open(path, 256u << 20);
    if (!outbox.ok() || !(*outbox)->commit(makeTick(100, 10)).ok()) ::_exit(2);
    if (!(*outbox)->acknowledge(1, 10, 5).ok()) ::_exit(3);
    ::_exit(0);  // before anything is closed
  });
  auto outbox = openOrDie(path);
  ASSERT_TRUE(outbox);
  EXPECT_EQ(outbox->queuedCount(), 10u);
  auto rows = outbox->fetchAfter(0, 100);
  ASSERT_TRUE(rows.ok());
  const auto tick = makeTick(100, 10);
  ASSERT_EQ(rows->size(), tick.size());
  for (std::size_t i = 0; i < tick.size(); ++i) {
    EXPECT_EQ((*rows)[i].value, tick[i].value);  // the same reading, to go again
    EXPECT_EQ((*rows)[i].recordedAt, tick[i].recordedAt);
  }
}

TEST(OutboxWrites, ACleanCloseDeletesThemAndKeepsTheCount) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(outbox->commit(makeTick(100, 10)).ok());
    ASSERT_TRUE(outbox->commit(makeTick(101, 10)).ok());
    ASSERT_TRUE(outbox->acknowledge(1, 10, 7).ok());
    ASSERT_TRUE(outbox->commit(makeTick(102, 10)).ok());  // writes the first delivery
    ASSERT_TRUE(outbox->acknowledge(11, 30, 8).ok());     // counters wait for a minute
  }
  auto stats = Outbox::readStats(path);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->queued, 0u);
  EXPECT_EQ(stats->delivered, 30u);
  EXPECT_EQ(stats->lastDeliveryAt, 8);
}

TEST(OutboxWrites, ManyAcknowledgedRowsBetweenTwoTicksAreDeletedWithoutWaiting) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  auto outbox = openOrDie(path);
  ASSERT_TRUE(outbox);
  for (int t = 0; t < 20; ++t) ASSERT_TRUE(outbox->commit(makeTick(1000 + t, 500)).ok());
  // A backlog drains between two ticks: a crash then would resend at most a few thousand.
  for (std::int64_t first = 1; first <= 10000; first += 100)
    ASSERT_TRUE(outbox->acknowledge(first, first + 99, 9).ok());
  EXPECT_LT(queuedInFile(path), 5000u);
}

// From 1 MB up, whatever the tick size: the database and its WAL on disk, measured after
// every commit, never pass max_size by more than a tenth.
TEST(OutboxWrites, TheFileWithItsWalStaysWithinATenthOfMaxSize) {
  const std::pair<std::uint64_t, int> cases[] = {{1u << 20, 40}, {1u << 20, 400}, {3u << 20, 400}};
  for (const auto& [cap, perTick] : cases) {
    {
      TempDir dir;
      const std::string path = dir.file("outbox.db");
      auto outbox = openOrDie(path, cap);
      ASSERT_TRUE(outbox);
      std::uint64_t highest = 0, dropped = 0;
      // A row takes ~30 bytes: twice the cap's worth of rows.
      const int ticks = static_cast<int>(2 * cap / 30 / static_cast<std::uint64_t>(perTick));
      for (int t = 0; t < ticks; ++t) {
        ASSERT_TRUE(outbox->commit(makeTick(1000 + t, perTick)).ok());
        const std::uint64_t onDisk =
            std::filesystem::file_size(path) + (std::filesystem::exists(path + "-wal")
                                                    ? std::filesystem::file_size(path + "-wal")
                                                    : 0);
        highest = std::max(highest, onDisk);
        dropped += outbox->takeDroppedCount();
      }
      EXPECT_GT(dropped, 0u) << "the test must reach the cap";
      EXPECT_LE(highest, cap + cap / 10) << "cap " << cap << ", " << perTick << " per tick";
    }
  }
}

}  // namespace
}  // namespace sckd::testing
