#pragma once
// The outbox is the source of truth: every reading is committed here (SQLite, WAL) before
// anything is published, and leaves only when the broker has acknowledged the message that
// carried it. Values are stored as the exact JSON number text that will be published, so a
// resend carries the same recorded_at and the same value, byte for byte.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/base/result.h"
#include "daemon/outbox/sqlite_handle.h"

namespace sckd {

struct NewReading {
  std::int64_t recordedAt = 0;  // Unix seconds, UTC
  int sensorId = 0;             // platform sensor id
  std::string value;            // JSON number text, already formatted
};

struct StoredReading {
  std::int64_t rowId = 0;  // increases with every commit; the publish cursor
  std::int64_t recordedAt = 0;
  int sensorId = 0;
  std::string value;
};

struct OutboxStats {
  std::uint64_t queued = 0;                      // readings waiting for a PUBACK
  std::optional<std::int64_t> oldestRecordedAt;  // of the queued ones
  std::optional<std::int64_t> newestRecordedAt;
  std::uint64_t delivered = 0;                 // acknowledged readings, over the database's life
  std::optional<std::int64_t> lastDeliveryAt;  // Unix seconds of the last PUBACK
  std::uint64_t dropped = 0;                   // evicted by max_size, over the database's life
  std::uint64_t sizeBytes = 0;                 // database file plus WAL
};

class Outbox {
 public:
  // Opens or creates the outbox at `path` (WAL mode). A file that is corrupt or not an
  // sckd outbox is renamed aside ("<path>.corrupt-<unix time>"), never deleted; the error
  // is logged and a fresh outbox is started. Fails only if no outbox can be had at all.
  static Result<std::unique_ptr<Outbox>> open(const std::string& path, std::uint64_t maxSize);
  // Reads the statistics of an outbox without writing to it (safe while the daemon runs).
  static Result<OutboxStats> readStats(const std::string& path);

  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Commits the readings of one scheduler tick in one transaction. On a full disk it fails
  // with a clear error and the caller keeps the readings to try again; nothing already
  // stored is touched. Past max_size the oldest queued readings are dropped (and counted).
  Status commit(const std::vector<NewReading>& readings);

  // Up to `limit` queued readings with rowId > afterRowId, in rowId order. Never loads the
  // whole backlog.
  Result<std::vector<StoredReading>> fetchAfter(std::int64_t afterRowId, std::size_t limit);

  // The broker acknowledged the message that carried rows firstRowId..lastRowId (every
  // queued row in that range was in it): delete them and count them as delivered.
  Status acknowledge(std::int64_t firstRowId, std::int64_t lastRowId, std::int64_t nowUnix);

  Result<OutboxStats> stats();
  std::uint64_t queuedCount() const { return queued_; }  // cached, no query
  // Readings dropped by max_size since the last call (for the warning that says how many).
  std::uint64_t takeDroppedCount();

  const std::string& path() const { return path_; }

 private:
  struct Statements;
  Outbox(std::string path, std::uint64_t maxSize, SqliteDb db);
  Status prepare();
  Status enforceMaxSize();
  Result<std::uint64_t> usedBytes();  // pages in use plus the WAL
  bool checkpoint();                  // folds the WAL back; false if a reader pinned it
  Status evictOldest(std::uint64_t rows);
  // Runs `del` (parameters bound to `args`), adds the rows it deleted to meta `counter`
  // and, when given, sets last_delivery_at, all in one transaction (rolled back on failure).
  // Returns how many rows it deleted.
  Result<std::int64_t> deleteRows(sqlite3_stmt* del, std::initializer_list<std::int64_t> args,
                                  const char* counter, std::optional<std::int64_t> deliveredAt);

  std::string path_;
  std::uint64_t maxSize_;
  SqliteDb db_;  // declared before statements_, so the statements are finalized first
  std::unique_ptr<Statements> statements_;
  std::int64_t pageSize_ = 4096;
  std::uint64_t queued_ = 0;
  std::uint64_t droppedSinceTake_ = 0;
};

}  // namespace sckd
