#include "daemon/outbox/outbox.h"

#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "daemon/base/log.h"
#include "daemon/outbox/outbox_file.h"

namespace sckd {

// Made once per connection: a tick must not re-parse SQL.
struct Outbox::Statements {
  SqliteStmt begin, commit, rollback;
  SqliteStmt insert, insertUnstamped, stamp, deleteStamped, dropOtherBoots;
  SqliteStmt fetch, countRange, deleteRange, evict, evictUnstamped;
  SqliteStmt addMeta, setMeta, pageCount, freelistCount;
};

namespace {

// What a failed step said, captured before a ROLLBACK overwrites the connection's error.
struct Failure {
  int code = SQLITE_OK;
  std::string message;
};

Failure failureOf(sqlite3* db) {
  return {sqlite3_extended_errcode(db), sqliteMessage(db)};
}

// Steps a statement that returns no rows; resets it whatever happens.
bool run(sqlite3_stmt* stmt) {
  StmtReset reset(stmt);
  const int rc = sqlite3_step(stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

bool bindMeta(sqlite3_stmt* stmt, const char* key, std::int64_t value) {
  return sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_int64(stmt, 2, value) == SQLITE_OK;
}

Result<std::int64_t> queryOne(sqlite3* db, sqlite3_stmt* stmt) {
  StmtReset reset(stmt);
  if (sqlite3_step(stmt) != SQLITE_ROW) return makeError(ErrorCode::Storage, sqliteMessage(db));
  return sqlite3_column_int64(stmt, 0);
}

// Delivery counters are statistics, not readings: written with a tick at most this often,
// so a tick at 1 s touches the counters' page once a minute rather than every second.
constexpr std::int64_t kCounterSavePeriodS = 60;
// Acknowledged rows wait for the next tick's commit, unless this many have piled up (a
// backlog draining between two ticks): then they go at once, so a crash resends few.
constexpr std::uint64_t kFlushAfterRows = 5000;

std::int64_t monotonicSeconds() {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec;
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, std::uint64_t maxSize) {
  outbox_file::Counts counts;
  auto db = outbox_file::openReadWrite(path, &counts);
  if (!db) return withContext("outbox", db.error());
  std::unique_ptr<Outbox> outbox(new Outbox(path, maxSize, std::move(*db)));
  outbox->queued_ = counts.queued;
  outbox->unstamped_ = counts.unstamped;
  outbox->nextRowId_ = counts.highestRowId + 1;
  if (auto ok = outbox->prepare(); !ok) return withContext("outbox " + path, ok.error());
  // A lowered max_size applies from the start, not only after the next tick.
  if (auto ok = outbox->enforceMaxSize(); !ok) {
    log::warning(log::Category::Outbox,
                 "enforcing max_size on " + path + ": " + ok.error().message);
  }
  return outbox;
}

Result<std::string> Outbox::check(const std::string& path) {
  return outbox_file::fullCheck(path);
}

Status Outbox::moveAside(const std::string& path, const std::string& reason) {
  return outbox_file::moveAside(path, reason);
}

Result<OutboxStats> Outbox::readStats(const std::string& path) {
  auto db = outbox_file::openReadOnly(path);
  if (!db) return db.error();
  return outbox_file::queryStats(db->get(), path);
}

Outbox::Outbox(std::string path, std::uint64_t maxSize, SqliteDb db)
    : path_(std::move(path)), maxSize_(maxSize), db_(std::move(db)) {}

Outbox::~Outbox() {
  if (!statements_) return;
  if (Status flushed = flush(); !flushed.ok()) {
    // Nothing is lost: the rows stay queued and go again, as after a kill -9.
    log::warning(log::Category::Outbox, flushed.error().message);
  }
}

Status Outbox::prepare() {
  sqlite3* db = db_.get();
  auto s = std::make_unique<Statements>();
  const std::pair<SqliteStmt*, const char*> sql[] = {
      {&s->begin, "BEGIN IMMEDIATE"},
      {&s->commit, "COMMIT"},
      {&s->rollback, "ROLLBACK"},
      {&s->insert, "INSERT INTO readings(id, recorded_at, sensor_id, value) VALUES (?, ?, ?, ?)"},
      {&s->insertUnstamped,
       "INSERT INTO unstamped(boot_id, since_boot_ms, sensor_id, value, value_is_time) "
       "VALUES (?, ?, ?, ?, ?)"},
      {&s->stamp,
       "INSERT INTO readings(id, recorded_at, sensor_id, value) "
       "SELECT ?3 + row_number() OVER (ORDER BY id) - 1, "
       "(since_boot_ms * 1000 + ?1) / 1000000, sensor_id, "
       "CASE WHEN value_is_time THEN CAST((since_boot_ms * 1000 + ?1) / 1000000 AS TEXT) "
       "ELSE value END "
       "FROM unstamped WHERE boot_id = ?2 ORDER BY id"},
      {&s->deleteStamped, "DELETE FROM unstamped WHERE boot_id = ?"},
      {&s->dropOtherBoots, "DELETE FROM unstamped WHERE boot_id <> ?"},
      {&s->fetch,
       "SELECT id, recorded_at, sensor_id, value FROM readings WHERE id > ? AND id < ? "
       "ORDER BY id LIMIT ?"},
      {&s->countRange, "SELECT count(*) FROM readings WHERE id BETWEEN ? AND ?"},
      {&s->deleteRange, "DELETE FROM readings WHERE id BETWEEN ? AND ?"},
      {&s->evict, "DELETE FROM readings WHERE id IN (SELECT id FROM readings ORDER BY id LIMIT ?)"},
      {&s->evictUnstamped,
       "DELETE FROM unstamped WHERE id IN (SELECT id FROM unstamped ORDER BY id LIMIT ?)"},
      {&s->addMeta,
       "INSERT INTO meta(key, value) VALUES (?1, ?2) "
       "ON CONFLICT(key) DO UPDATE SET value = coalesce(value, 0) + excluded.value"},
      {&s->setMeta,
       "INSERT INTO meta(key, value) VALUES (?1, ?2) "
       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"},
      {&s->pageCount, "PRAGMA page_count"},
      {&s->freelistCount, "PRAGMA freelist_count"},
  };
  for (const auto& [slot, text] : sql) {
    auto stmt = sqlitePrepare(db, text);
    if (!stmt) return stmt.error();
    *slot = std::move(*stmt);
  }
  statements_ = std::move(s);
  auto pageSize = sqliteQueryInt(db, "PRAGMA page_size");
  if (!pageSize) return pageSize.error();
  pageSize_ = pageSize->value_or(4096);
  // The WAL is part of max_size: checkpoint often enough that it stays a twentieth of the
  // cap, and cut it back to that size should one large transaction have grown it. Below
  // SQLite's default of 1000 pages only for caps under ~20 MB.
  const std::int64_t walPages =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(maxSize_ / 20) / pageSize_, 16, 1000);
  const std::int64_t walBytes = 32 + walPages * (pageSize_ + 24);
  return sqliteExec(db, "PRAGMA wal_autocheckpoint = " + std::to_string(walPages) +
                            "; PRAGMA journal_size_limit = " + std::to_string(walBytes) + ";");
}

Status Outbox::commit(const std::vector<NewReading>& readings) {
  if (readings.empty()) return {};
  sqlite3* db = db_.get();
  Statements& s = *statements_;
  Failure failure;
  bool ok = run(s.begin.get());
  if (!ok) failure = failureOf(db);
  std::uint64_t queued = 0;
  std::int64_t rowId = nextRowId_;
  for (std::size_t i = 0; ok && i < readings.size(); ++i) {
    const NewReading& r = readings[i];
    if (r.boot) {
      sqlite3_stmt* insert = s.insertUnstamped.get();
      StmtReset reset(insert);
      ok = sqlite3_bind_text(insert, 1, r.boot->bootId.data(),
                             static_cast<int>(r.boot->bootId.size()), SQLITE_STATIC) == SQLITE_OK &&
           sqlite3_bind_int64(insert, 2, r.boot->sinceBootMs) == SQLITE_OK &&
           sqlite3_bind_int(insert, 3, r.sensorId) == SQLITE_OK &&
           sqlite3_bind_text(insert, 4, r.value.data(), static_cast<int>(r.value.size()),
                             SQLITE_STATIC) == SQLITE_OK &&
           sqlite3_bind_int(insert, 5, r.valueIsRecordedAt ? 1 : 0) == SQLITE_OK &&
           sqlite3_step(insert) == SQLITE_DONE;
    } else {
      sqlite3_stmt* insert = s.insert.get();
      StmtReset reset(insert);
      ok = sqlite3_bind_int64(insert, 1, rowId++) == SQLITE_OK &&
           sqlite3_bind_int64(insert, 2, r.recordedAt) == SQLITE_OK &&
           sqlite3_bind_int(insert, 3, r.sensorId) == SQLITE_OK &&
           sqlite3_bind_text(insert, 4, r.value.data(), static_cast<int>(r.value.size()),
                             SQLITE_STATIC) == SQLITE_OK &&
           sqlite3_step(insert) == SQLITE_DONE;
      ++queued;
    }
    if (!ok) failure = failureOf(db);
  }
  const bool saveCounters = countersDue();
  if (ok) {
    ok = writeAcknowledged(saveCounters);
    if (!ok) failure = failureOf(db);
  }
  if (ok) {
    ok = run(s.commit.get());
    if (!ok) failure = failureOf(db);
  }
  if (!ok) {
    // SQLite may already have rolled back (it does for some SQLITE_FULL cases); only the
    // uncommitted rows go, everything committed before stays readable.
    if (sqlite3_get_autocommit(db) == 0) (void)run(s.rollback.get());
    const std::string what = "cannot store " + std::to_string(readings.size()) + " readings in " +
                             path_ + " (" + failure.message + ")";
    const std::string retry = "; they are kept in memory and retried";
    const int primary = failure.code & 0xff;
    if (primary == SQLITE_FULL) return makeError(ErrorCode::Full, "disk full: " + what + retry);
    if (primary == SQLITE_IOERR) return makeError(ErrorCode::Io, "I/O error: " + what + retry);
    return makeError(ErrorCode::Storage, what + retry);
  }
  if (queued > 0) newestTickFirstRowId_ = nextRowId_;
  nextRowId_ = rowId;
  acknowledgedWritten(saveCounters);
  queued_ += queued;
  unstamped_ += readings.size() - queued;
  if (auto cap = enforceMaxSize(); !cap) {
    // The readings are committed; a failed eviction is retried after the next tick.
    log::warning(log::Category::Outbox,
                 "enforcing max_size on " + path_ + ": " + cap.error().message);
  }
  return {};
}

Result<std::uint64_t> Outbox::stampBoot(const std::string& bootId, std::int64_t offsetUs) {
  sqlite3* db = db_.get();
  Statements& s = *statements_;
  std::int64_t stamped = 0;
  bool ok = run(s.begin.get());
  if (ok) {
    StmtReset reset(s.stamp.get());
    ok = sqlite3_bind_int64(s.stamp.get(), 1, offsetUs) == SQLITE_OK &&
         sqlite3_bind_text(s.stamp.get(), 2, bootId.data(), static_cast<int>(bootId.size()),
                           SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_int64(s.stamp.get(), 3, nextRowId_) == SQLITE_OK &&
         sqlite3_step(s.stamp.get()) == SQLITE_DONE;
    stamped = sqlite3_changes64(db);
  }
  if (ok) {
    StmtReset reset(s.deleteStamped.get());
    ok = sqlite3_bind_text(s.deleteStamped.get(), 1, bootId.data(), static_cast<int>(bootId.size()),
                           SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_step(s.deleteStamped.get()) == SQLITE_DONE;
  }
  ok = ok && run(s.commit.get());
  if (!ok) {
    const Failure failure = failureOf(db);
    if (sqlite3_get_autocommit(db) == 0) (void)run(s.rollback.get());
    return makeError(ErrorCode::Storage,
                     "outbox: stamping the readings taken before the clock "
                     "synced in " +
                         path_ + ": " + failure.message);
  }
  nextRowId_ += stamped;
  queued_ += static_cast<std::uint64_t>(stamped);
  unstamped_ -= std::min<std::uint64_t>(unstamped_, static_cast<std::uint64_t>(stamped));
  return static_cast<std::uint64_t>(stamped);
}

Result<std::uint64_t> Outbox::dropOtherBoots(const std::string& bootId) {
  sqlite3_stmt* del = statements_->dropOtherBoots.get();
  if (sqlite3_bind_text(del, 1, bootId.data(), static_cast<int>(bootId.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    return makeError(ErrorCode::Storage, sqliteMessage(db_.get()));
  }
  // dropRows binds integers only; the text is bound above and survives its reset.
  Result<std::int64_t> deleted = dropRows(del, {});
  sqlite3_clear_bindings(del);
  if (!deleted.ok()) {
    return makeError(ErrorCode::Storage, "outbox: dropping readings of earlier boots in " + path_ +
                                             ": " + deleted.error().message);
  }
  unstamped_ -= std::min<std::uint64_t>(unstamped_, static_cast<std::uint64_t>(*deleted));
  return static_cast<std::uint64_t>(*deleted);
}

Result<std::vector<StoredReading>> Outbox::fetchAfter(std::int64_t afterRowId, std::size_t limit,
                                                      std::int64_t beforeRowId) {
  std::vector<StoredReading> rows;
  rows.reserve(std::min<std::size_t>(limit, 4096));
  sqlite3_stmt* fetch = statements_->fetch.get();
  std::int64_t after = afterRowId;
  // Between the ranges acknowledged but still in the file: each query stops where the
  // next such range starts, and the next one starts after it.
  while (rows.size() < limit) {
    after = acked_.skipFrom(after);
    if (after >= beforeRowId - 1) break;
    const std::int64_t before = std::min(beforeRowId, acked_.nextStartAfter(after));
    const std::size_t want = limit - rows.size();
    StmtReset reset(fetch);
    sqlite3_bind_int64(fetch, 1, after);
    sqlite3_bind_int64(fetch, 2, before);
    sqlite3_bind_int64(fetch, 3,
                       static_cast<std::int64_t>(std::min<std::uint64_t>(want, INT64_MAX)));
    std::size_t got = 0;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(fetch)) == SQLITE_ROW) {
      StoredReading r;
      r.rowId = sqlite3_column_int64(fetch, 0);
      r.recordedAt = sqlite3_column_int64(fetch, 1);
      r.sensorId = sqlite3_column_int(fetch, 2);
      const auto* text = static_cast<const char*>(sqlite3_column_blob(fetch, 3));
      r.value.assign(text != nullptr ? text : "",
                     static_cast<std::size_t>(sqlite3_column_bytes(fetch, 3)));
      rows.push_back(std::move(r));
      ++got;
    }
    if (rc != SQLITE_DONE) {
      return makeError(ErrorCode::Storage,
                       "outbox: reading " + path_ + ": " + sqliteMessage(db_.get()));
    }
    if (got == want) break;
    if (before == beforeRowId) break;  // the end of the queue, or of what was asked for
    after = before - 1;                // past this range next time round
  }
  return rows;
}

Result<std::int64_t> Outbox::dropRows(sqlite3_stmt* del, std::initializer_list<std::int64_t> args) {
  sqlite3* db = db_.get();
  Statements& s = *statements_;
  std::int64_t deleted = 0;
  bool ok = run(s.begin.get());
  if (ok) {
    StmtReset reset(del);
    int index = 1;
    for (std::int64_t arg : args) ok = ok && sqlite3_bind_int64(del, index++, arg) == SQLITE_OK;
    ok = ok && sqlite3_step(del) == SQLITE_DONE;
    deleted = sqlite3_changes64(db);
  }
  ok = ok && bindMeta(s.addMeta.get(), "dropped", deleted) && run(s.addMeta.get());
  ok = ok && run(s.commit.get());
  if (!ok) {
    const Failure failure = failureOf(db);
    if (sqlite3_get_autocommit(db) == 0) (void)run(s.rollback.get());
    return makeError(ErrorCode::Storage, failure.message);
  }
  return deleted;
}

bool Outbox::countersDue() const {
  return unsavedDelivered_ > 0 &&
         (!countersSavedAt_ || monotonicSeconds() - *countersSavedAt_ >= kCounterSavePeriodS);
}

bool Outbox::writeAcknowledged(bool saveCounters) {
  Statements& s = *statements_;
  for (const AckedRows::Range& range : acked_.ranges()) {
    StmtReset reset(s.deleteRange.get());
    if (sqlite3_bind_int64(s.deleteRange.get(), 1, range.first) != SQLITE_OK ||
        sqlite3_bind_int64(s.deleteRange.get(), 2, range.last) != SQLITE_OK ||
        sqlite3_step(s.deleteRange.get()) != SQLITE_DONE) {
      return false;
    }
  }
  if (!saveCounters || unsavedDelivered_ == 0) return true;
  return bindMeta(s.addMeta.get(), "delivered", static_cast<std::int64_t>(unsavedDelivered_)) &&
         run(s.addMeta.get()) &&
         (!unsavedLastDelivery_ ||
          (bindMeta(s.setMeta.get(), "last_delivery_at", *unsavedLastDelivery_) &&
           run(s.setMeta.get())));
}

void Outbox::acknowledgedWritten(bool countersSaved) {
  acked_.clear();
  ackedRows_ = 0;
  if (!countersSaved) return;
  unsavedDelivered_ = 0;
  unsavedLastDelivery_.reset();
  countersSavedAt_ = monotonicSeconds();
}

Status Outbox::flush() {
  if (acked_.empty() && unsavedDelivered_ == 0) return {};
  sqlite3* db = db_.get();
  Statements& s = *statements_;
  const bool ok = run(s.begin.get()) && writeAcknowledged(true) && run(s.commit.get());
  if (!ok) {
    const Failure failure = failureOf(db);
    if (sqlite3_get_autocommit(db) == 0) (void)run(s.rollback.get());
    return makeError(ErrorCode::Storage,
                     "outbox: removing delivered readings from " + path_ + ": " + failure.message);
  }
  acknowledgedWritten(true);
  return {};
}

Status Outbox::acknowledge(std::int64_t firstRowId, std::int64_t lastRowId, std::int64_t nowUnix) {
  std::uint64_t delivered = 0;
  // Only the part not acknowledged before counts: a repeated PUBACK delivers nothing new.
  for (const AckedRows::Range& fresh : acked_.add(firstRowId, lastRowId)) {
    sqlite3_stmt* count = statements_->countRange.get();
    StmtReset reset(count);
    if (sqlite3_bind_int64(count, 1, fresh.first) != SQLITE_OK ||
        sqlite3_bind_int64(count, 2, fresh.last) != SQLITE_OK ||
        sqlite3_step(count) != SQLITE_ROW) {
      // The rows still leave with the next commit; only the count would be wrong.
      return makeError(ErrorCode::Storage, "outbox: counting delivered rows " +
                                               std::to_string(fresh.first) + ".." +
                                               std::to_string(fresh.last) + " in " + path_ + ": " +
                                               sqliteMessage(db_.get()));
    }
    delivered += static_cast<std::uint64_t>(sqlite3_column_int64(count, 0));
  }
  if (delivered == 0) return {};
  queued_ -= std::min(queued_, delivered);
  ackedRows_ += delivered;
  unsavedDelivered_ += delivered;
  unsavedLastDelivery_ = nowUnix;
  if (ackedRows_ >= kFlushAfterRows) return flush();
  return {};
}

Result<std::uint64_t> Outbox::usedBytes() {
  auto pages = queryOne(db_.get(), statements_->pageCount.get());
  if (!pages) return pages.error();
  auto freePages = queryOne(db_.get(), statements_->freelistCount.get());
  if (!freePages) return freePages.error();
  // Freed pages stay in the file for reuse; they are not data, so they do not count.
  const auto used = static_cast<std::uint64_t>(std::max<std::int64_t>(0, *pages - *freePages));
  return used * static_cast<std::uint64_t>(pageSize_) + outbox_file::fileSize(path_ + "-wal");
}

bool Outbox::checkpoint() {
  int logFrames = 0, checkpointed = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                           &logFrames, &checkpointed);
  return rc == SQLITE_OK;
}

Status Outbox::evictOldest(std::uint64_t rows) {
  // The queue first: its readings are older than any still waiting for the clock, which
  // belong to this boot. A Pi with neither network nor clock for days fills only the other.
  const bool fromQueue = queued_ > 0;
  Result<std::int64_t> deleted =
      dropRows(fromQueue ? statements_->evict.get() : statements_->evictUnstamped.get(),
               {static_cast<std::int64_t>(rows)});
  if (!deleted.ok())
    return makeError(ErrorCode::Storage,
                     "dropping the oldest readings: " + deleted.error().message);
  std::uint64_t& pool = fromQueue ? queued_ : unstamped_;
  pool -= std::min<std::uint64_t>(pool, static_cast<std::uint64_t>(*deleted));
  droppedSinceTake_ += static_cast<std::uint64_t>(*deleted);
  return {};
}

// Past max_size, drops the oldest queued readings until the outbox is back under ~90% of
// it, so eviction happens in a few big steps rather than a little at every tick.
Status Outbox::enforceMaxSize() {
  auto size = usedBytes();
  if (!size) return size.error();
  if (*size <= maxSize_) return {};
  // Delivered rows go first: they are not readings to drop, and eviction counts what it
  // deletes as dropped.
  if (auto flushed = flush(); !flushed.ok()) return flushed;
  // The WAL (up to ~4 MB between checkpoints) counts too: fold it back first, it may be
  // all that is over. If a reader (`sckd status`) pins it, only the data pages can shrink.
  (void)checkpoint();
  const std::uint64_t target = maxSize_ / 10 * 9;
  for (int round = 0; round < 1000 && queued_ + unstamped_ > 0; ++round) {
    size = usedBytes();
    if (!size) return size.error();
    const std::uint64_t wal = outbox_file::fileSize(path_ + "-wal");
    const std::uint64_t data = *size > wal ? *size - wal : 0;
    if (*size <= target || data <= target) break;
    const std::uint64_t held = queued_ + unstamped_;
    const std::uint64_t perRow = std::max<std::uint64_t>(1, data / held);
    // Estimate from the average row, then re-measure: pages free only when emptied.
    std::uint64_t rows = (*size - target) / perRow + 1;
    const std::uint64_t pool = queued_ > 0 ? queued_ : unstamped_;
    rows = std::clamp<std::uint64_t>(rows, std::min<std::uint64_t>(64, pool), 100000);
    if (auto ok = evictOldest(rows); !ok) return ok;
  }
  (void)checkpoint();  // the deletes went to the WAL; leave it small
  return {};
}

Result<OutboxStats> Outbox::stats() {
  if (auto flushed = flush(); !flushed.ok()) return flushed.error();
  return outbox_file::queryStats(db_.get(), path_);
}

std::uint64_t Outbox::takeDroppedCount() {
  return std::exchange(droppedSinceTake_, 0);
}

}  // namespace sckd
