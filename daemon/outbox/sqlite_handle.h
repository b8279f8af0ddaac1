#pragma once
// RAII for the SQLite C API (every handle owned, none leaked on an error path) plus the few
// helpers the outbox needs. Only a forward declaration of sqlite3 leaks to includers;
// <sqlite3.h> stays in the .cpp files.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sckd {

struct SqliteCloser {
  void operator()(sqlite3* db) const;  // sqlite3_close_v2
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const;  // sqlite3_finalize
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// "database disk image is malformed (11)": message and extended code of the last failure.
std::string sqliteMessage(sqlite3* db);

// Runs one or more statements that return no rows we need.
Status sqliteExec(sqlite3* db, std::string_view sql);
Result<SqliteStmt> sqlitePrepare(sqlite3* db, std::string_view sql);
// First column of the first row as an integer; nullopt when there is no row or it is NULL.
Result<std::optional<std::int64_t>> sqliteQueryInt(sqlite3* db, std::string_view sql);
Result<std::string> sqliteQueryText(sqlite3* db, std::string_view sql);

// Resets a statement after use on every path, so a failed step never leaves it half run
// (which would keep a read transaction open and pin the WAL).
class StmtReset {
 public:
  explicit StmtReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtReset();
  StmtReset(const StmtReset&) = delete;
  StmtReset& operator=(const StmtReset&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace sckd
