// An outbox damaged where the quick checks at start do not look: sckd starts at once (the
// full check of every page runs after READY=1, off the loop), finds the damage, moves the
// file aside (never deletes it) and goes on with a fresh outbox, without a restart.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{131, 132};

// Overwrites the root page of `table` with zeros and noise, after SQLite merged the WAL.
bool damageRootPage(const std::string& path, const std::string& table, std::string& why) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  const std::string sql =
      "SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
      "FROM sqlite_schema WHERE name = '" +
      table + "'";
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK ||
      sqlite3_step(stmt) != SQLITE_ROW) {
    why = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return false;
  }
  const auto root = static_cast<std::size_t>(sqlite3_column_int64(stmt, 0));
  const auto pageSize = static_cast<std::size_t>(sqlite3_column_int64(stmt, 1));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (bytes.size() < root * pageSize) {
    why = "file too short";
    return false;
  }
  for (std::size_t i = 0; i < pageSize; ++i) {
    bytes[(root - 1) * pageSize + i] = static_cast<char>((i * 7919) & 0xff);
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return true;
}

class DamagedOutbox : public IntegrationTest {};

TEST_F(DamagedOutbox, DamageFoundAfterStartIsMovedAsideAndSckdGoesOn) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  {
    auto first = startSckd();
    ASSERT_NE(first, nullptr);
    sleepFor(2500ms);
    first->kill(SIGTERM);
    ASSERT_TRUE(first->waitExit(10s).has_value());
  }
  std::string why;
  ASSERT_TRUE(damageRootPage(config_.outboxPath, "meta", why)) << why;

  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  const std::string words = "moved it aside to " + config_.outboxPath + ".corrupt-";
  for (int i = 0; i < 200 && sckd->log().find(words) == std::string::npos; ++i) sleepFor(50ms);
  EXPECT_NE(sckd->log().find(words), std::string::npos) << sckd->log();
  EXPECT_NE(sckd->log().find("corrupt"), std::string::npos) << sckd->log();
  // Still running, with a fresh outbox that stores and delivers.
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 3, t0 + 5, 15s)) << describeMissing(kIds, t0 + 3, t0 + 5);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  bool aside = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    aside = aside || entry.path().filename().string().starts_with("outbox.db.corrupt-");
  }
  EXPECT_TRUE(aside) << "the damaged file must be kept";
  expectPlatformFormat(kIds);
}

}  // namespace
}  // namespace sckd::testing
