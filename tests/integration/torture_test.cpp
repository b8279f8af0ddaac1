// kill -9 a hundred times at random points of sckd's work (starting, sampling, committing,
// publishing, handling PUBACKs, stamping readings when the clock syncs), then let it drain:
// every reading ever seen stored in the outbox arrives at the broker, and a reading that
// arrives twice carries the same value both times.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <time.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{121, 122, 123, 124};

std::int64_t bootTimeMs() {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What the outbox file holds between two lives (no sckd running).
struct Snapshot {
  std::map<std::pair<int, std::int64_t>, std::string> queued;  // (id, recorded_at) -> value
  std::vector<std::pair<int, std::int64_t>> unstamped;         // (id, since_boot_ms)
};

class Torture : public IntegrationTest {
 protected:
  // Reads the outbox with SQLite itself (recovering its WAL, as sckd would on start).
  bool snapshot(Snapshot& out, std::string& why) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(config_.outboxPath.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
        SQLITE_OK) {
      why = sqlite3_errmsg(db);
      sqlite3_close(db);
      return false;  // not created yet: killed before it opened the outbox
    }
    auto query = [&](const char* sql, auto&& row) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) return false;
      int rc;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
      sqlite3_finalize(stmt);
      return rc == SQLITE_DONE;
    };
    bool ok = query("SELECT sensor_id, recorded_at, value FROM readings", [&](sqlite3_stmt* s) {
      const std::pair<int, std::int64_t> key{sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1)};
      const std::string value = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
      out.queued.emplace(key, value);
    });
    ok = ok && query("SELECT sensor_id, since_boot_ms FROM unstamped", [&](sqlite3_stmt* s) {
           out.unstamped.emplace_back(sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1));
         });
    if (!ok) why = sqlite3_errmsg(db);
    sqlite3_close(db);
    return ok;
  }
};

TEST_F(Torture, AHundredKillsLoseNoStoredReading) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  // The broker comes and goes between lives, so readings also pile up in the outbox.
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  config_.port = proxy->port();
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
  config_.requireSync = true;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  std::bernoulli_distribution flipBroker(0.2);
  bool brokerUp = true;

  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> lifeMs(0, 1300);
  std::bernoulli_distribution flipSync(0.15);
  bool synced = false;
  setSynced(false);

  std::map<std::pair<int, std::int64_t>, std::string> everQueued;
  // (id, since_boot_ms), one per reading however many snapshots saw it -> approximate stamp.
  std::map<std::pair<int, std::int64_t>, std::int64_t> everUnstamped;
  int snapshots = 0;
  for (int life = 0; life < 100; ++life) {
    if (flipSync(rng)) setSynced(synced = !synced);
    if (flipBroker(rng)) {
      brokerUp = !brokerUp;
      if (brokerUp) {
        ASSERT_TRUE(proxy->resume());
      } else {
        proxy->pause();
      }
    }
    auto sckd = startSckdWithClockShim();
    ASSERT_NE(sckd, nullptr);
    sleepFor(std::chrono::milliseconds(lifeMs(rng)));
    ASSERT_TRUE(sckd->running()) << "died by itself in life " << life << ":\n" << sckd->log();
    sckd->kill(SIGKILL);
    ASSERT_TRUE(sckd->waitExit(5s).has_value());

    Snapshot snap;
    std::string why;
    if (!snapshot(snap, why)) continue;
    ++snapshots;
    for (const auto& [key, value] : snap.queued) {
      auto [it, fresh] = everQueued.emplace(key, value);
      EXPECT_EQ(it->second, value)
          << "id " << key.first << " at " << key.second << " changed value while stored";
    }
    // The offset the daemon will stamp with is wall - boot time at the sync; the wall clock
    // here is true, so that is (nearly) today's offset.
    const std::int64_t offset = wallMs() - bootTimeMs();
    for (const auto& [id, sinceBoot] : snap.unstamped) {
      everUnstamped.emplace(std::pair{id, sinceBoot}, (sinceBoot + offset) / 1000);
    }
  }
  ASSERT_GT(snapshots, 50) << "the outbox was rarely there to read";

  // A last life, synchronised and with the broker there, until everything has drained.
  setSynced(true);
  ASSERT_TRUE(proxy->resume());
  auto sckd = startSckdWithClockShim();
  ASSERT_NE(sckd, nullptr);
  Snapshot left;
  const auto received = [&] {
    std::set<std::pair<int, std::int64_t>> got;
    for (const auto& r : this->received().readings)
      got.emplace(static_cast<int>(r.id), r.recordedAt);
    return got;
  };
  // Each reading seen before its stamp must match a delivered one of its sensor within a
  // second of where the stamp puts it, and no delivered reading may match two of them.
  const auto unmatchedUnstamped = [&](const std::set<std::pair<int, std::int64_t>>& got) {
    std::set<std::pair<int, std::int64_t>> used;
    std::vector<std::pair<int, std::int64_t>> unmatched;
    for (const auto& [reading, approx] : everUnstamped) {
      const int id = reading.first;
      bool found = false;
      for (std::int64_t at : {approx, approx - 1, approx + 1}) {
        if (!found && got.count({id, at}) > 0 && used.emplace(id, at).second) found = true;
      }
      if (!found) unmatched.emplace_back(id, approx);
    }
    return unmatched;
  };
  // At least a few ticks, so the first synchronised one has stamped what waited.
  sleepFor(3s);
  bool drained = false;
  for (int i = 0; i < 300 && !drained; ++i) {
    sleepFor(100ms);
    const auto got = received();
    drained = std::all_of(everQueued.begin(), everQueued.end(),
                          [&](const auto& entry) { return got.count(entry.first) > 0; }) &&
              unmatchedUnstamped(got).empty();
  }
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(10s).has_value());
  std::string why;
  ASSERT_TRUE(snapshot(left, why)) << why;
  EXPECT_TRUE(left.unstamped.empty()) << left.unstamped.size() << " readings never stamped";

  const auto got = received();
  std::size_t lost = 0;
  for (const auto& [key, value] : everQueued) {
    if (got.count(key) == 0 && ++lost <= 10) {
      ADD_FAILURE() << "stored but never delivered: id " << key.first << " at " << key.second;
    }
  }
  EXPECT_EQ(lost, 0u) << "of " << everQueued.size() << " readings seen stored";
  // A reading seen before its stamp arrives within a second of where the stamp puts it.
  const auto unmatched = unmatchedUnstamped(got);
  for (std::size_t i = 0; i < unmatched.size() && i < 10; ++i) {
    ADD_FAILURE() << "seen unstamped, never delivered: id " << unmatched[i].first << " near "
                  << unmatched[i].second;
  }
  EXPECT_EQ(unmatched.size(), 0u) << "of " << everUnstamped.size() << " readings seen unstamped";
  // Each counter value equals its own recorded_at: duplicates carry identical values.
  expectPlatformFormat(kIds);
  std::printf("torture: %zu readings seen stored, %zu seen unstamped, %zu delivered\n",
              everQueued.size(), everUnstamped.size(), got.size());
}

}  // namespace
}  // namespace sckd::testing
