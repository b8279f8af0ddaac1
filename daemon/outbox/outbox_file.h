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
inline constexpr std::int64_t kSchemaVersion = 2;  // PRAGMA user_version; 1 upgrades in place

// The directory must already exist and be writable: creating it is the packaging's job,
// and a typo in outbox.path should be an error, not a new directory somewhere.
Status checkDirectory(const std::string& path);

// How many readings an outbox holds, counted at open.
struct Counts {
  std::uint64_t queued = 0;     // in the publishing queue
  std::uint64_t unstamped = 0;  // waiting for the clock to sync
};

// Opens the outbox read-write, ready for use, and counts what it holds: a file that is
// corrupt or not ours is renamed aside first (never deleted) and a fresh one created. Its
// checks cost the same whatever the backlog, but for the counts.
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
