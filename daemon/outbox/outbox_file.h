#pragma once
// The file side of the outbox, kept apart from the queue logic in outbox.cpp: checking the
// directory, opening and vetting the database (moving a bad one aside), the schema, and
// the statistics query shared by Outbox::stats() and Outbox::readStats().

#include <cstdint>
#include <string>

#include "daemon/base/result.h"
#include "daemon/outbox/outbox.h"
#include "daemon/outbox/sqlite_handle.h"

namespace sckd::outbox_file {

// 'SCKD' in ASCII: marks a database as an sckd outbox (PRAGMA application_id).
inline constexpr std::int64_t kApplicationId = 0x53434B44;
// PRAGMA user_version. 3: row ids given by the outbox (no AUTOINCREMENT counter to rewrite
// at every commit) and 1 KiB pages. Earlier versions upgrade in place (see openReadWrite).
inline constexpr std::int64_t kSchemaVersion = 3;
// The page size of a new outbox. A tick's commit rewrites the page the newest rows are in
// (and now and then the counters' page); the smaller the page, the fewer bytes reach the
// SD card. 1 KiB holds ~35 readings, a tick of ten in one page; bench/sd_bench measures it.
inline constexpr std::int64_t kPageSize = 1024;
// An outbox of an earlier version is rebuilt at open only while it holds at most this many
// readings (~50 ms); a larger backlog keeps its layout, and a later start rebuilds it.
inline constexpr std::uint64_t kRebuildMaxRows = 50000;

// The directory must already exist and be writable: creating it is the packaging's job,
// and a typo in outbox.path should be an error, not a new directory somewhere.
Status checkDirectory(const std::string& path);

// How many readings an outbox holds, counted at open.
struct Counts {
  std::uint64_t queued = 0;       // in the publishing queue
  std::uint64_t unstamped = 0;    // waiting for the clock to sync
  std::int64_t highestRowId = 0;  // of the queue; the next row's id is one more
};

// Opens the outbox read-write, ready for use, and counts what it holds: a file that is
// corrupt or not ours is renamed aside first (never deleted) and a fresh one created. Its
// checks cost the same whatever the backlog, but for the counts. Opening a current outbox
// writes nothing; one of an earlier version is upgraded (and rebuilt when it is small).
Result<SqliteDb> openReadWrite(const std::string& path, Counts* counts);

// Reads every page of the outbox on a read-only connection of its own (safe beside the
// daemon's writes): an empty string when it is sound, else what is wrong.
Result<std::string> fullCheck(const std::string& path);

// Renames a bad outbox (with its -wal and -shm) to "<path>.corrupt-<unix time>" and logs it.
Status moveAside(const std::string& path, const std::string& reason);

// Opens an existing outbox without writing anything, not even side files: for `sckd
// status` while the daemon runs. A missing or foreign file is an error, never renamed.
Result<SqliteDb> openReadOnly(const std::string& path);

// Size of a file in bytes, 0 when it does not exist.
std::uint64_t fileSize(const std::string& path);

// Database file plus WAL, as `sckd status` shows it.
std::uint64_t onDiskSize(const std::string& path);

Result<OutboxStats> queryStats(sqlite3* db, const std::string& path);

}  // namespace sckd::outbox_file
