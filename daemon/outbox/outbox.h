#pragma once
// The outbox is the source of truth: every reading is committed here (SQLite, WAL) before
// anything is published, and leaves only when the broker has acknowledged the message that
// carried it. Values are stored as the exact JSON number text that will be published, so a
// resend carries the same recorded_at and the same value, byte for byte.

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/base/result.h"
#include "daemon/outbox/acked_rows.h"
#include "daemon/outbox/sqlite_handle.h"

namespace sckd {

// Where a reading sits in the boot's own time, for one taken before the wall clock was
// synchronised (a Pi without a real-time clock boots in 1970 until NTP answers).
struct BootStamp {
  std::string bootId;
  std::int64_t sinceBootMs = 0;  // CLOCK_BOOTTIME
};

struct NewReading {
  NewReading() = default;
  NewReading(std::int64_t at, int id, std::string text)
      : recordedAt(at), sensorId(id), value(std::move(text)) {}

  std::int64_t recordedAt = 0;  // Unix seconds, UTC; unused while `boot` is set
  int sensorId = 0;             // platform sensor id
  std::string value;            // JSON number text, already formatted
  // Set: taken before the clock was synchronised. Kept aside, never published, until
  // stampBoot() gives it its recorded_at.
  std::optional<BootStamp> boot;
  // The value is the Unix seconds of its own recorded_at (the sim counter): a reading
  // stamped later gets its final recorded_at as its value too.
  bool valueIsRecordedAt = false;
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
  std::uint64_t unstamped = 0;                 // taken before the clock synced, not yet stamped
};

class Outbox {
 public:
  // Opens or creates the outbox at `path` (WAL mode). A file that is corrupt or not an
  // sckd outbox is renamed aside ("<path>.corrupt-<unix time>"), never deleted; the error
  // is logged and a fresh outbox is started. Fails only if no outbox can be had at all.
  static Result<std::unique_ptr<Outbox>> open(const std::string& path, std::uint64_t maxSize);
  // open() checks what costs the same whatever the backlog (header, schema, both ends of
  // the queue, and the count, which reads the queue's pages). check() reads every page,
  // on a connection of its own, so the daemon runs it after start, off its loop: an empty
  // string when the file is sound, else what is wrong. A file found bad is closed by its
  // owner and handed to moveAside(), which renames it (never deletes) and logs it.
  static Result<std::string> check(const std::string& path);
  static Status moveAside(const std::string& path, const std::string& reason);
  // Reads the statistics of an outbox without writing to it (safe while the daemon runs).
  static Result<OutboxStats> readStats(const std::string& path);

  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Commits the readings of one scheduler tick in one transaction (one fsync), which also
  // deletes the rows acknowledged since the last one and, at most once a minute, writes
  // the delivery counters: an SD card sees one small write per tick. On a full disk it
  // fails with a clear error and the caller keeps the readings to try again; nothing
  // already stored is touched. Past max_size the oldest queued readings are dropped (and
  // counted), then, if the queue is empty, the oldest of those waiting for the clock.
  Status commit(const std::vector<NewReading>& readings);

  // The wall clock is synchronised: every reading of boot `bootId` kept aside gets its
  // recorded_at, (sinceBootMs * 1000 + offsetUs) / 1e6 with offsetUs = wall - CLOCK_BOOTTIME
  // in microseconds at the sync, and is queued for publishing after everything queued so
  // far, in one transaction. Returns how many.
  Result<std::uint64_t> stampBoot(const std::string& bootId, std::int64_t offsetUs);
  // Drops the readings kept aside by boots other than `bootId`: their boot ended before
  // the clock synced, so they can never be given a true time. Counted as dropped; returns
  // how many.
  Result<std::uint64_t> dropOtherBoots(const std::string& bootId);

  // Up to `limit` queued readings with afterRowId < rowId < beforeRowId, in rowId order.
  // Never loads the whole backlog.
  Result<std::vector<StoredReading>> fetchAfter(
      std::int64_t afterRowId, std::size_t limit,
      std::int64_t beforeRowId = std::numeric_limits<std::int64_t>::max());
  // The id the next queued reading will get: every row now queued has a smaller one.
  std::int64_t nextRowId() const { return nextRowId_; }
  // The first row of the newest tick committed since open (nextRowId() before the first):
  // from there on the rows are the freshest, which go out before any backlog.
  std::int64_t newestTickFirstRowId() const {
    return newestTickFirstRowId_ > 0 ? newestTickFirstRowId_ : nextRowId_;
  }

  // The broker acknowledged the message that carried rows firstRowId..lastRowId (every
  // queued row in that range was in it): they count as delivered at once and are never
  // fetched again, and leave the file with the next commit() or flush(). A kill -9 before
  // then sends them again (a duplicate, which the platform overwrites); it never loses one.
  Status acknowledge(std::int64_t firstRowId, std::int64_t lastRowId, std::int64_t nowUnix);
  // Deletes the acknowledged rows and writes the counters now, in one transaction: on a
  // clean stop, before max_size evicts anything, and when many rows are waiting.
  Status flush();

  // Flushes first, so the figures are the file's own.
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
  // Runs `del` (parameters bound to `args`) and adds the rows it deleted to the `dropped`
  // counter, in one transaction (rolled back on failure). Returns how many rows it
  // deleted; the caller keeps its counts right.
  Result<std::int64_t> dropRows(sqlite3_stmt* del, std::initializer_list<std::int64_t> args);
  // A minute has passed since the delivery counters were last written and they changed.
  bool countersDue() const;
  // Inside a transaction: deletes the acknowledged rows and, with `saveCounters`, writes
  // the delivery counters. False on a failed step.
  bool writeAcknowledged(bool saveCounters);
  void acknowledgedWritten(bool countersSaved);  // after that transaction committed

  std::string path_;
  std::uint64_t maxSize_;
  SqliteDb db_;  // declared before statements_, so the statements are finalized first
  std::unique_ptr<Statements> statements_;
  std::int64_t pageSize_ = 4096;
  std::uint64_t queued_ = 0;
  std::uint64_t unstamped_ = 0;  // kept aside until the clock syncs; under max_size too
  std::uint64_t droppedSinceTake_ = 0;
  std::int64_t nextRowId_ = 1;  // ids are given here, so they only grow while it is open
  std::int64_t newestTickFirstRowId_ = 0;
  AckedRows acked_;  // acknowledged, not yet deleted from the file
  std::uint64_t ackedRows_ = 0;
  // Delivered since the counters were last written, and when that was.
  std::uint64_t unsavedDelivered_ = 0;
  std::optional<std::int64_t> unsavedLastDelivery_;
  // CLOCK_MONOTONIC seconds; none yet: the first delivery of a run is written at once, so a
  // status read from the file never says "nothing delivered" for a minute after a start.
  std::optional<std::int64_t> countersSavedAt_;
};

}  // namespace sckd
