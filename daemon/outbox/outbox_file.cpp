#include "daemon/outbox/outbox_file.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>

#include "daemon/base/log.h"

namespace sckd::outbox_file {
namespace {

bool exists(const std::string& path) {
  struct stat st = {};
  return ::lstat(path.c_str(), &st) == 0;
}

// SQLITE_CORRUPT / SQLITE_NOTADB mean the bytes are bad; anything else (permissions, I/O,
// locks) is not the file's fault and must never make us move it aside.
bool lastErrorIsCorruption(sqlite3* db) {
  const int primary = sqlite3_errcode(db) & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

struct Verdict {
  enum Kind { Fresh, Ours, Rejected } kind = Fresh;
  std::string reason;        // why it was rejected
  std::int64_t version = 0;  // of an outbox of ours
};

Result<Verdict> classify(sqlite3* db) {
  auto fail = [&](const Error& error) -> Result<Verdict> {
    if (lastErrorIsCorruption(db)) return Verdict{Verdict::Rejected, "corrupt: " + error.message};
    return error;
  };
  auto appId = sqliteQueryInt(db, "PRAGMA application_id");
  if (!appId) return fail(appId.error());
  auto tables = sqliteQueryText(
      db,
      "SELECT count(*) || ':' || coalesce(group_concat(name, ', '), '') FROM sqlite_schema "
      "WHERE type = 'table' AND name NOT IN ('readings', 'meta', 'unstamped', 'sqlite_sequence')");
  if (!tables) return fail(tables.error());
  auto anyTable = sqliteQueryInt(db, "SELECT count(*) FROM sqlite_schema");
  if (!anyTable) return fail(anyTable.error());
  const std::int64_t id = appId->value_or(0);
  const std::string foreignTables = tables->substr(tables->find(':') + 1);
  if (id == 0 && anyTable->value_or(0) == 0) return Verdict{Verdict::Fresh, {}};
  if (id != kApplicationId) {
    return Verdict{Verdict::Rejected,
                   "not an sckd outbox (application_id " + std::to_string(id) +
                       (foreignTables.empty() ? "" : ", tables " + foreignTables) + ")"};
  }
  if (!foreignTables.empty()) {
    return Verdict{Verdict::Rejected, "not an sckd outbox (foreign tables " + foreignTables + ")"};
  }
  auto version = sqliteQueryInt(db, "PRAGMA user_version");
  if (!version) return fail(version.error());
  if (version->value_or(0) > kSchemaVersion) {
    return Verdict{Verdict::Rejected, "schema version " + std::to_string(version->value_or(0)) +
                                          " is newer than this sckd's (" +
                                          std::to_string(kSchemaVersion) + ")"};
  }
  // Costs that do not grow with the backlog: the header and schema above, both ends of the
  // queue. The full check (every page) runs after start, off the loop (fullCheck()).
  for (const char* probe :
       {"SELECT id FROM readings ORDER BY id LIMIT 1",
        "SELECT id FROM readings ORDER BY id DESC LIMIT 1", "SELECT count(*) FROM meta"}) {
    auto row = sqliteQueryInt(db, probe);
    if (!row) return fail(row.error());
  }
  return Verdict{Verdict::Ours, {}, version->value_or(0)};
}

Result<SqliteDb> openConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);  // owns the handle even when the open failed
  if (rc != SQLITE_OK)
    return makeError(ErrorCode::Storage, "cannot open " + path + ": " + sqliteMessage(raw));
  sqlite3_extended_result_codes(raw, 1);
  // A reader (`sckd status`) or checkpoint may hold a lock briefly; waiting a few seconds
  // beats failing a tick.
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// "<path>.corrupt-<unix seconds>", with a counter if that name is taken (two in a second).
std::string asideName(const std::string& path) {
  const std::string base = path + ".corrupt-" + std::to_string(std::time(nullptr));
  std::string name = base;
  for (int n = 1; exists(name) || exists(name + "-wal"); ++n) name = base + "." + std::to_string(n);
  return name;
}

}  // namespace

Status moveAside(const std::string& path, const std::string& reason) {
  const std::string target = asideName(path);
  if (::rename(path.c_str(), target.c_str()) != 0) {
    return makeError(ErrorCode::Corrupt, "outbox " + path + " is unusable (" + reason +
                                             ") and could not be moved to " + target + ": " +
                                             std::strerror(errno));
  }
  // Its WAL may hold the newest pages: it belongs with the file it was written for.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string from = path + suffix;
    if (exists(from) && ::rename(from.c_str(), (target + suffix).c_str()) != 0) {
      log::error(log::Category::Outbox,
                 "could not move " + from + " to " + target + suffix + ": " + std::strerror(errno));
    }
  }
  log::error(log::Category::Outbox, "outbox " + path + " is unusable (" + reason +
                                        "); moved it aside to " + target +
                                        " and started a fresh outbox");
  return {};
}

namespace {

Status configure(sqlite3* db, const std::string& path) {
  auto mode = sqliteQueryText(db, "PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (*mode != "wal")
    return makeError(ErrorCode::Storage, "cannot use WAL mode on " + path + " (got " + *mode + ")");
  // FULL: the WAL is fsynced at every commit, so a reading acknowledged to the sampler
  // survives a power cut (Pis lose power). One fsync per tick (~1/min) is affordable.
  // secure_delete off: readings are published anyway, and zeroing freed pages doubles the
  // writes to an SD card. journal_size_limit keeps a checkpointed WAL from staying large.
  return sqliteExec(db,
                    "PRAGMA synchronous = FULL;"
                    "PRAGMA secure_delete = OFF;"
                    "PRAGMA journal_size_limit = 4194304;");
}

// The queue. Ids are given by the outbox (one more than the highest at open), so no
// AUTOINCREMENT counter page is rewritten at every commit; they only grow while it is open.
std::string createReadingsTable(const std::string& name) {
  return "CREATE TABLE " + name +
         "(id INTEGER PRIMARY KEY,"
         " recorded_at INTEGER NOT NULL, sensor_id INTEGER NOT NULL, value TEXT NOT NULL);";
}
// Version 2 on: readings taken before the clock synced, by boot, until they are stamped.
constexpr const char* kUnstampedAndMeta =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER);"
    "CREATE TABLE IF NOT EXISTS unstamped(id INTEGER PRIMARY KEY, boot_id TEXT NOT NULL,"
    " since_boot_ms INTEGER NOT NULL, sensor_id INTEGER NOT NULL, value TEXT NOT NULL,"
    " value_is_time INTEGER NOT NULL DEFAULT 0);"
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('delivered', 0), ('dropped', 0);";

Status createSchema(sqlite3* db) {
  return sqliteExec(db, "BEGIN IMMEDIATE;" + createReadingsTable("readings") + kUnstampedAndMeta +
                            "PRAGMA application_id = " + std::to_string(kApplicationId) +
                            ";"
                            "PRAGMA user_version = " +
                            std::to_string(kSchemaVersion) + ";COMMIT;");
}

// Brings an outbox of an earlier version up to this one, keeping every row and its id.
// Version 1 lacks the table of unstamped readings. Before version 3 the queue had an
// AUTOINCREMENT counter and 4 KiB pages: a small queue is copied into the new table and
// the file rebuilt at 1 KiB pages (VACUUM, under a rollback journal, so a crash in between
// leaves the old file whole); a large one keeps its layout until a later start.
Status upgrade(sqlite3* db, const std::string& path, std::int64_t version, const Counts& counts) {
  const bool rebuild = counts.queued + counts.unstamped <= kRebuildMaxRows;
  std::string sql = std::string("BEGIN IMMEDIATE;") + kUnstampedAndMeta;
  if (rebuild) {
    sql += createReadingsTable("readings_v3");
    sql +=
        "INSERT INTO readings_v3 SELECT id, recorded_at, sensor_id, value FROM readings;"
        "DROP TABLE readings;"
        "ALTER TABLE readings_v3 RENAME TO readings;";
  }
  sql += "PRAGMA user_version = " + std::to_string(rebuild ? kSchemaVersion : 2) + ";COMMIT;";
  if (auto ok = sqliteExec(db, sql); !ok) {
    (void)sqliteExec(db, "ROLLBACK");
    return withContext("upgrading from version " + std::to_string(version), ok.error());
  }
  if (!rebuild) {
    log::notice(log::Category::Outbox, path + " keeps its earlier layout while it holds " +
                                           std::to_string(counts.queued + counts.unstamped) +
                                           " readings; it is rebuilt at a start when it holds " +
                                           std::to_string(kRebuildMaxRows) + " or fewer");
    return {};
  }
  // A page size changes only outside WAL mode, which needs the file to ourselves; with a
  // reader in it (`sckd status`), the new table is kept and the pages wait for a later start.
  auto mode = sqliteQueryText(db, "PRAGMA journal_mode = DELETE");
  if (!mode || *mode != "delete") {
    log::notice(log::Category::Outbox,
                "another process is reading " + path + "; its pages are resized at a later start");
    return {};
  }
  if (auto ok = sqliteExec(db, "PRAGMA page_size = " + std::to_string(kPageSize) + "; VACUUM;");
      !ok) {
    return withContext("rebuilding at " + std::to_string(kPageSize) + "-byte pages", ok.error());
  }
  log::notice(log::Category::Outbox, "upgraded " + path + " from version " +
                                         std::to_string(version) + " to " +
                                         std::to_string(kSchemaVersion));
  return {};
}

}  // namespace

Status checkDirectory(const std::string& path) {
  namespace fs = std::filesystem;
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat st = {};
  if (::stat(dir.c_str(), &st) != 0) {
    // A fresh setup (a path under /tmp for a demo, a new data disk) just needs the folder;
    // under systemd, StateDirectory= has made /var/lib/sckd already.
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || ::stat(dir.c_str(), &st) != 0) {
      return makeError(errorCodeFromErrno(errno),
                       "directory " + dir + " for the outbox " + path +
                           " does not exist and cannot be created (" +
                           (ec ? ec.message() : std::string(std::strerror(errno))) +
                           "); create it or change outbox.path");
    }
  }
  if (!S_ISDIR(st.st_mode))
    return makeError(ErrorCode::Config, dir + " (for the outbox " + path + ") is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return makeError(errorCodeFromErrno(errno),
                     "directory " + dir + " for the outbox " + path + " is not writable by uid " +
                         std::to_string(::getuid()) + " (" + std::strerror(errno) + ")");
  }
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return makeError(ErrorCode::Config, "outbox path " + path + " is a directory, not a file");
  }
  return {};
}

Result<SqliteDb> openReadWrite(const std::string& path, Counts* counts) {
  if (auto dir = checkDirectory(path); !dir) return dir.error();
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  auto db = openConnection(path, flags);
  if (!db) return db.error();
  auto verdict = classify(db->get());
  if (!verdict) return withContext("cannot read " + path, verdict.error());
  if (verdict->kind == Verdict::Ours) {
    // The one full count of each: afterwards the outbox follows commits, acks, stamps and
    // evictions. They read every page of both tables, so they also find a damaged one.
    auto hasUnstamped = sqliteQueryInt(
        db->get(),
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'unstamped'");
    Result<std::optional<std::int64_t>> queued =
        sqliteQueryInt(db->get(), "SELECT count(*) FROM readings");
    Result<std::optional<std::int64_t>> unstamped = std::optional<std::int64_t>(0);
    if (queued && hasUnstamped && hasUnstamped->value_or(0) > 0) {
      unstamped = sqliteQueryInt(db->get(), "SELECT count(*) FROM unstamped");
    }
    for (const auto* count : {&hasUnstamped, &queued, &unstamped}) {
      if (count->ok() || verdict->kind == Verdict::Rejected) continue;
      if (!lastErrorIsCorruption(db->get()))
        return withContext("cannot read " + path, count->error());
      verdict = Verdict{Verdict::Rejected, "corrupt: " + count->error().message};
    }
    if (verdict->kind == Verdict::Ours) {
      counts->queued = static_cast<std::uint64_t>(queued->value_or(0));
      counts->unstamped = static_cast<std::uint64_t>(unstamped->value_or(0));
      auto highest = sqliteQueryInt(db->get(), "SELECT max(id) FROM readings");
      if (!highest) return withContext("cannot read " + path, highest.error());
      counts->highestRowId = highest->value_or(0);
    }
  }
  if (verdict->kind == Verdict::Rejected) {
    *counts = Counts{};
    // Leave a foreign WAL as it is: it goes aside with its file, unmerged.
    sqlite3_db_config(db->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    db->reset();
    if (auto moved = moveAside(path, verdict->reason); !moved) return moved.error();
    db = openConnection(path, flags);
    if (!db) return db.error();
  }
  const bool fresh = verdict->kind != Verdict::Ours;
  if (fresh) {
    // Before the first write (switching to WAL writes the header): it is fixed after that.
    if (auto ok = sqliteExec(db->get(), "PRAGMA page_size = " + std::to_string(kPageSize)); !ok) {
      return withContext(path, ok.error());
    }
  } else if (verdict->version < kSchemaVersion) {
    if (auto ok = upgrade(db->get(), path, verdict->version, *counts); !ok)
      return withContext(path, ok.error());
  }
  if (auto ok = configure(db->get(), path); !ok) return withContext(path, ok.error());
  if (fresh) {
    if (auto ok = createSchema(db->get()); !ok) return withContext(path, ok.error());
  }
  return db;
}

Result<std::string> fullCheck(const std::string& path) {
  auto db = openConnection(path, SQLITE_OPEN_READONLY);
  if (!db) return db.error();
  // quick_check reads every page once (O(size), no index cross-check); commit_bench
  // measures it on a week-long and on a 1 000 000-row backlog.
  auto check = sqliteQueryText(db->get(), "PRAGMA quick_check(1)");
  if (!check) {
    if (lastErrorIsCorruption(db->get())) return "corrupt: " + check.error().message;
    return withContext("checking " + path, check.error());
  }
  if (*check != "ok") return "corrupt: quick_check says " + *check;
  return std::string();
}

Result<SqliteDb> openReadOnly(const std::string& path) {
  struct stat st = {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return makeError(ErrorCode::Absent, "no outbox at " + path + ": has sckd run yet?");
    return makeError(errorCodeFromErrno(errno),
                     "cannot read the outbox " + path + ": " + std::strerror(errno));
  }
  // With the daemon running, its -wal and -shm exist and a read-only connection shares
  // them. Without them a read-only connection would create both (owned by whoever runs
  // `sckd status`, possibly root) and leave them behind; the file alone is then the whole
  // database, so read it as immutable: no locks, no side files.
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::strchr("/._-~", c) != nullptr) {
      uri += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      uri += hex;
    }
  }
  if (!exists(path + "-wal") || !exists(path + "-shm")) uri += "?immutable=1";
  auto db = openConnection(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  if (!db) return withContext("cannot open the outbox " + path, db.error());
  auto appId = sqliteQueryInt(db->get(), "PRAGMA application_id");
  if (!appId) return withContext("cannot read the outbox " + path, appId.error());
  if (appId->value_or(0) != kApplicationId) {
    return makeError(ErrorCode::Corrupt, path + " is not an sckd outbox (application_id " +
                                             std::to_string(appId->value_or(0)) + ")");
  }
  return db;
}

std::uint64_t fileSize(const std::string& path) {
  struct stat st = {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

std::uint64_t onDiskSize(const std::string& path) {
  return fileSize(path) + fileSize(path + "-wal");
}

Result<OutboxStats> queryStats(sqlite3* db, const std::string& path) {
  OutboxStats stats;
  // One read transaction: the numbers describe a single moment even while the daemon writes.
  if (auto ok = sqliteExec(db, "BEGIN"); !ok) return ok.error();
  auto body = [&]() -> Status {
    auto count = sqliteQueryInt(db, "SELECT count(*) FROM readings");
    if (!count) return count.error();
    stats.queued = static_cast<std::uint64_t>(count->value_or(0));
    // Rows are committed in tick order, so the ends by id are the oldest and newest: two
    // index lookups instead of a scan of the whole backlog.
    auto oldest = sqliteQueryInt(db, "SELECT recorded_at FROM readings ORDER BY id LIMIT 1");
    if (!oldest) return oldest.error();
    stats.oldestRecordedAt = *oldest;
    auto newest = sqliteQueryInt(db, "SELECT recorded_at FROM readings ORDER BY id DESC LIMIT 1");
    if (!newest) return newest.error();
    stats.newestRecordedAt = *newest;
    auto delivered = sqliteQueryInt(db, "SELECT value FROM meta WHERE key = 'delivered'");
    if (!delivered) return delivered.error();
    stats.delivered = static_cast<std::uint64_t>(delivered->value_or(0));
    auto dropped = sqliteQueryInt(db, "SELECT value FROM meta WHERE key = 'dropped'");
    if (!dropped) return dropped.error();
    stats.dropped = static_cast<std::uint64_t>(dropped->value_or(0));
    auto last = sqliteQueryInt(db, "SELECT value FROM meta WHERE key = 'last_delivery_at'");
    if (!last) return last.error();
    stats.lastDeliveryAt = *last;
    // An outbox of schema 1 (opened read-only, never upgraded) has no such table.
    auto hasUnstamped = sqliteQueryInt(
        db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'unstamped'");
    if (!hasUnstamped) return hasUnstamped.error();
    if (hasUnstamped->value_or(0) > 0) {
      auto unstamped = sqliteQueryInt(db, "SELECT count(*) FROM unstamped");
      if (!unstamped) return unstamped.error();
      stats.unstamped = static_cast<std::uint64_t>(unstamped->value_or(0));
    }
    return {};
  }();
  (void)sqliteExec(db, "COMMIT");
  if (!body) return withContext("reading " + path, body.error());
  stats.sizeBytes = onDiskSize(path);
  return stats;
}

}  // namespace sckd::outbox_file
