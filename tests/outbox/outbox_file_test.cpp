// The file side of the outbox: bad files are moved aside (never deleted), `sckd status`
// reads without writing, and a full disk fails a commit loudly without losing stored rows.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <random>

#include "daemon/outbox/outbox.h"
#include "tests/outbox/outbox_test_util.h"

namespace sckd::testing {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string randomBytes(std::size_t n) {
  std::mt19937 gen(1234);
  std::string bytes(n, '\0');
  for (auto& c : bytes) c = static_cast<char>(gen() & 0xff);
  return bytes;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void sqlite(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// Opens `path` expecting it to be moved aside; returns the name it was moved to.
std::string expectMovedAside(TempDir& dir, const std::string& name) {
  const std::string path = dir.file(name);
  ::testing::internal::CaptureStderr();
  auto outbox = Outbox::open(path, 1 << 20);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(outbox.ok()) << (outbox.ok() ? "" : outbox.error().message);
  if (!outbox.ok()) return {};
  std::vector<std::string> aside;  // the file itself; its -wal/-shm may go along
  for (const auto& e : dir.entries(name + ".corrupt-")) {
    if (!e.ends_with("-wal") && !e.ends_with("-shm")) aside.push_back(e);
  }
  EXPECT_EQ(aside.size(), 1u);
  if (aside.size() != 1) return {};
  EXPECT_TRUE(contains(log, path)) << log;
  EXPECT_TRUE(contains(log, dir.file(aside[0]))) << log;
  // The fresh outbox works.
  EXPECT_EQ((*outbox)->queuedCount(), 0u);
  EXPECT_TRUE((*outbox)->commit(makeTick(1, 3)).ok());
  auto rows = (*outbox)->fetchAfter(0, 10);
  EXPECT_TRUE(rows.ok() && rows->size() == 3u);
  return dir.file(aside[0]);
}

TEST(OutboxFile, GarbageFileIsMovedAsideUntouched) {
  TempDir dir;
  const std::string garbage = randomBytes(8192);
  writeFile(dir.file("outbox.db"), garbage);
  const std::string aside = expectMovedAside(dir, "outbox.db");
  ASSERT_FALSE(aside.empty());
  EXPECT_EQ(readFile(aside), garbage);
}

TEST(OutboxFile, OutboxWithDamagedPagesIsMovedAside) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    for (int t = 0; t < 50; ++t) ASSERT_TRUE(outbox->commit(makeTick(t, 100)).ok());
  }
  std::string bytes = readFile(path);
  ASSERT_GT(bytes.size(), 20u * 4096);
  const std::string noise = randomBytes(3 * 4096);
  bytes.replace(10 * 4096, noise.size(), noise);  // three b-tree pages, header intact
  writeFile(path, bytes);
  const std::string aside = expectMovedAside(dir, "outbox.db");
  ASSERT_FALSE(aside.empty());
  EXPECT_EQ(readFile(aside), bytes);
}

// Overwrites the root page of `table` with noise (after SQLite has merged the WAL).
void damageRootPage(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql =
      "SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
      "FROM sqlite_schema WHERE name = '" +
      table + "'";
  ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const auto root = static_cast<std::size_t>(sqlite3_column_int64(stmt, 0));
  const auto pageSize = static_cast<std::size_t>(sqlite3_column_int64(stmt, 1));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::string bytes = readFile(path);
  ASSERT_GE(bytes.size(), root * pageSize);
  bytes.replace((root - 1) * pageSize, pageSize, randomBytes(pageSize));
  writeFile(path, bytes);
}

// Damage that open() does not read (its checks cost the same whatever the backlog) is
// found by the full check the daemon runs after start; the file is then moved aside.
TEST(OutboxFile, TheFullCheckFindsDamageThatOpenDoesNotRead) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    for (int t = 0; t < 20; ++t) ASSERT_TRUE(outbox->commit(makeTick(t, 100)).ok());
  }
  auto sound = Outbox::check(path);
  ASSERT_TRUE(sound.ok()) << sound.error().message;
  EXPECT_EQ(*sound, "");
  damageRootPage(path, "meta");
  {
    auto outbox = Outbox::open(path, 1 << 30);
    ASSERT_TRUE(outbox.ok()) << outbox.error().message;
    EXPECT_EQ((*outbox)->queuedCount(), 2000u);
  }
  EXPECT_TRUE(dir.entries("outbox.db.corrupt-").empty());
  auto damaged = Outbox::check(path);
  ASSERT_TRUE(damaged.ok()) << damaged.error().message;
  EXPECT_TRUE(contains(*damaged, "corrupt")) << *damaged;
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(Outbox::moveAside(path, *damaged).ok());
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(log, "moved it aside")) << log;
  EXPECT_FALSE(dir.entries("outbox.db.corrupt-").empty());  // with its -wal and -shm
}

TEST(OutboxFile, ForeignSqliteDatabaseIsMovedAsideWithItsWal) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  sqlite(path, "CREATE TABLE photos(name TEXT); INSERT INTO photos VALUES ('cat.jpg');");
  const std::string aside = expectMovedAside(dir, "outbox.db");
  ASSERT_FALSE(aside.empty());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(aside.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM photos", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "cat.jpg");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(OutboxFile, OurTablesUnderAnotherApplicationIdAreForeign) {
  TempDir dir;
  sqlite(dir.file("outbox.db"),
         "PRAGMA application_id = 42; CREATE TABLE readings(id INTEGER PRIMARY KEY, x);");
  EXPECT_FALSE(expectMovedAside(dir, "outbox.db").empty());
}

TEST(OutboxFile, ReadStatsOfAMissingFileSaysSo) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  auto stats = Outbox::readStats(path);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().code, ErrorCode::Absent);
  EXPECT_EQ(stats.error().message, "no outbox at " + path + ": has sckd run yet?");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(OutboxFile, ReadStatsOfAForeignFileIsAnErrorAndRenamesNothing) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  writeFile(path, randomBytes(4096));
  EXPECT_FALSE(Outbox::readStats(path).ok());
  sqlite(dir.file("other.db"), "CREATE TABLE photos(name TEXT);");
  EXPECT_FALSE(Outbox::readStats(dir.file("other.db")).ok());
  EXPECT_EQ(dir.entries().size(), 2u);
  EXPECT_EQ(readFile(path).size(), 4096u);
}

TEST(OutboxFile, ReadStatsOfAStoppedOutboxLeavesNoSideFiles) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  {
    auto outbox = openOrDie(path);
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(outbox->commit(makeTick(99, 4)).ok());
  }
  ASSERT_EQ(dir.entries(), std::vector<std::string>{"outbox.db"});
  auto stats = Outbox::readStats(path);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->queued, 4u);
  EXPECT_EQ(stats->oldestRecordedAt, 99);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"outbox.db"});
}

// The daemon is another process holding the database open in WAL mode and writing.
TEST(OutboxFile, ReadStatsWorksWhileAnotherProcessWrites) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  int toParent[2], toChild[2];
  ASSERT_EQ(::pipe(toParent), 0);
  ASSERT_EQ(::pipe(toChild), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto outbox = Outbox::open(path, 256u << 20);
    char go = 0;
    for (int round = 0; round < 3 && outbox.ok(); ++round) {
      if (!(*outbox)->commit(makeTick(1000 + round, 100)).ok()) ::_exit(2);
      // Acknowledged rows leave the file with the next tick's commit, not a write of their own.
      if (round == 1) (void)(*outbox)->acknowledge(1, 50, 5000);
      if (::write(toParent[1], "x", 1) != 1 || ::read(toChild[0], &go, 1) != 1) ::_exit(3);
    }
    ::_exit(outbox.ok() ? 0 : 1);
  }
  const std::uint64_t expectQueued[] = {100, 200, 250};  // 1..50 still in the file at 200
  for (int round = 0; round < 3; ++round) {
    char ready = 0;
    ASSERT_EQ(::read(toParent[0], &ready, 1), 1) << "the writer died";
    auto stats = Outbox::readStats(path);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_EQ(stats->queued, expectQueued[round]);
    EXPECT_EQ(stats->newestRecordedAt, 1000 + round);
    EXPECT_GT(stats->sizeBytes, 0u);
    if (round == 2) {
      EXPECT_EQ(stats->delivered, 50u);
      EXPECT_EQ(stats->lastDeliveryAt, 5000);
    }
    ASSERT_EQ(::write(toChild[1], "x", 1), 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  for (int fd : {toParent[0], toParent[1], toChild[0], toChild[1]}) ::close(fd);
}

}  // namespace
}  // namespace sckd::testing
