// A power cut at any point of a commit, through the real binary: a preloaded shim copies the
// outbox just before every sync of its WAL, once as written so far and once cut at a random
// byte of the writes not yet synced (docs/durability.md). Opened as SQLite would after the
// cut, every copy holds whole ticks only, and none loses a tick a previous sync made durable.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{141, 142, 143};

// recorded_at -> readings stored for it, as SQLite recovers the copy in `dir`.
bool ticksIn(const std::string& dir, std::map<std::int64_t, int>& ticks, std::string& why) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  const std::string path = dir + "/outbox.db";
  bool ok =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT recorded_at, count(*) FROM readings GROUP BY recorded_at", -1,
                         &stmt, nullptr) == SQLITE_OK;
  int rc = SQLITE_OK;
  while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    ticks[sqlite3_column_int64(stmt, 0)] = sqlite3_column_int(stmt, 1);
  }
  ok = ok && rc == SQLITE_DONE;
  // A cut before the first commit (the schema) leaves an empty database: no ticks.
  if (!ok && std::string(sqlite3_errmsg(db)).starts_with("no such table")) ok = true;
  if (!ok) why = dir + ": " + sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ok;
}

class PowerCut : public IntegrationTest {};

TEST_F(PowerCut, EveryDurableTickSurvivesACutAtAnyPointOfTheNextCommit) {
  const char* shim = std::getenv("SCKD_FSYNC_SHIM");
  ASSERT_NE(shim, nullptr) << "SCKD_FSYNC_SHIM is not set (meson test sets it)";
  ASSERT_NO_FATAL_FAILURE(startBroker());
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->pause();  // nothing leaves the outbox: every tick stays to be checked
  config_.port = proxy->port();
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::string snapshots = dir_.file("snapshots");
  std::filesystem::create_directory(snapshots);

  const std::string log = dir_.file("sckd-shim.log");
  logPaths_.push_back(log);
  auto sckd = SckdProcess::spawn(
      {"run", "--config", configPath()}, log,
      {std::string("LD_PRELOAD=") + shim, "SCKD_TEST_SNAPSHOT_DIR=" + snapshots});
  ASSERT_NE(sckd, nullptr);
  sleepFor(6500ms);
  sckd->kill(SIGKILL);
  ASSERT_TRUE(sckd->waitExit(5s).has_value());

  std::vector<std::string> points;
  for (const auto& entry : std::filesystem::directory_iterator(snapshots)) {
    points.push_back(entry.path().string());
  }
  std::sort(points.begin(), points.end());
  ASSERT_GE(points.size(), 5u) << "too few WAL syncs seen:\n" << sckd->log();

  std::map<std::int64_t, int> durable;  // what the previous sync made durable
  std::size_t ticksSeen = 0;
  for (const std::string& point : points) {
    std::map<std::int64_t, int> torn, full;
    std::string why;
    ASSERT_TRUE(ticksIn(point + "/torn", torn, why)) << why;
    ASSERT_TRUE(ticksIn(point + "/full", full, why)) << why;
    for (const auto* copy : {&torn, &full}) {
      for (const auto& [at, readings] : *copy) {
        EXPECT_EQ(readings, static_cast<int>(kIds.size()))
            << point << ": tick " << at << " is not whole";
      }
    }
    for (const auto& [at, readings] : durable) {
      EXPECT_EQ(torn.count(at), 1u) << point << ": lost tick " << at << ", durable before";
    }
    for (const auto& [at, readings] : torn) {
      EXPECT_EQ(full.count(at), 1u) << point << ": tick " << at << " from nowhere";
    }
    durable = full;
    ticksSeen = std::max(ticksSeen, full.size());
  }
  EXPECT_GE(ticksSeen, 4u) << "the test saw too few ticks to mean anything";
  std::printf("power cut: %zu cut points, up to %zu ticks each\n", points.size(), ticksSeen);
}

}  // namespace
}  // namespace sckd::testing
