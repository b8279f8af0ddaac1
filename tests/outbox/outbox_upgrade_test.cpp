// An outbox written by an earlier sckd (schema version 2: an AUTOINCREMENT queue, 4 KiB
// pages) is upgraded in place at open: every row keeps its id and its bytes, the counters
// stay, and new rows follow the old ones.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "daemon/outbox/outbox.h"
#include "tests/outbox/outbox_test_util.h"

namespace sckd::testing {
namespace {

// The version 2 schema, as sckd wrote it, with `rows` readings of which the first
// `delivered` were acknowledged (so the AUTOINCREMENT counter is ahead of the oldest row).
void writeVersionTwo(const std::string& path, int rows, int delivered) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; BEGIN;"
      "CREATE TABLE readings(id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " recorded_at INTEGER NOT NULL, sensor_id INTEGER NOT NULL, value TEXT NOT NULL);"
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER);"
      "CREATE TABLE unstamped(id INTEGER PRIMARY KEY, boot_id TEXT NOT NULL,"
      " since_boot_ms INTEGER NOT NULL, sensor_id INTEGER NOT NULL, value TEXT NOT NULL,"
      " value_is_time INTEGER NOT NULL DEFAULT 0);"
      "INSERT INTO unstamped(boot_id, since_boot_ms, sensor_id, value) VALUES ('b', 5, 9, '1.5');"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
      std::to_string(rows) +
      ") INSERT INTO readings(recorded_at, sensor_id, value) "
      "SELECT 1700000000 + i, 55, i || '.25' FROM n;"
      "DELETE FROM readings WHERE id <= " +
      std::to_string(delivered) +
      ";"
      "INSERT INTO meta VALUES ('delivered', " +
      std::to_string(delivered) +
      "), ('dropped', 0), ('last_delivery_at', 1700000100);"
      "PRAGMA application_id = 1396919108; PRAGMA user_version = 2; COMMIT;";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_close(db);
}

std::int64_t queryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  std::int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

TEST(OutboxUpgrade, ASmallVersionTwoOutboxIsRebuiltKeepingEveryRow) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  ASSERT_NO_FATAL_FAILURE(writeVersionTwo(path, 100, 4));
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    EXPECT_EQ(outbox->queuedCount(), 96u);
    auto rows = outbox->fetchAfter(0, 1000);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 96u);
    EXPECT_EQ(rows->front().rowId, 5);
    EXPECT_EQ(rows->front().value, "5.25");
    EXPECT_EQ(rows->back().rowId, 100);
    ASSERT_TRUE(outbox->commit(makeTick(1800000000, 1)).ok());
    rows = outbox->fetchAfter(100, 10);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->front().rowId, 101);
    auto stats = outbox->stats();
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_EQ(stats->delivered, 4u);
    EXPECT_EQ(stats->lastDeliveryAt, 1700000100);
    EXPECT_EQ(stats->unstamped, 1u);
  }
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 3);
  EXPECT_EQ(queryInt(path, "PRAGMA page_size"), 1024);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%AUTOINCREMENT%'"),
            0);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM readings"), 97);
}

// A backlog too large to copy at start (kRebuildMaxRows) keeps its layout and works.
TEST(OutboxUpgrade, ALargeVersionTwoOutboxKeepsItsLayoutAndWorks) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  ASSERT_NO_FATAL_FAILURE(writeVersionTwo(path, 60000, 10));
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    EXPECT_EQ(outbox->queuedCount(), 59990u);
    ASSERT_TRUE(outbox->commit(makeTick(1800000000, 2)).ok());
    auto rows = outbox->fetchAfter(60000, 10);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ(rows->front().rowId, 60001);
    ASSERT_TRUE(outbox->acknowledge(11, 60002, 1800000001).ok());
  }
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 2);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM readings"), 0);
  // Now small, it is rebuilt at the next start.
  auto outbox = openOrDie(path);
  ASSERT_TRUE(outbox);
  outbox.reset();
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 3);
  EXPECT_EQ(queryInt(path, "PRAGMA page_size"), 1024);
}

}  // namespace
}  // namespace sckd::testing
