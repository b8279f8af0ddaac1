#include "daemon/outbox/sqlite_handle.h"

#include <sqlite3.h>

namespace sckd {

void SqliteCloser::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}
void StmtFinalizer::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

StmtReset::~StmtReset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string sqliteMessage(sqlite3* db) {
  if (db == nullptr) return "out of memory";
  return std::string(sqlite3_errmsg(db)) + " (" + std::to_string(sqlite3_extended_errcode(db)) +
         ")";
}

Status sqliteExec(sqlite3* db, std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message != nullptr ? message : sqliteMessage(db);
    sqlite3_free(message);
    return makeError(ErrorCode::Storage, why + " (in \"" + text + "\")");
  }
  return {};
}

Result<SqliteStmt> sqlitePrepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: these statements live as long as the connection.
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &raw, nullptr) != SQLITE_OK) {
    return makeError(ErrorCode::Storage,
                     sqliteMessage(db) + " (preparing \"" + std::string(sql) + "\")");
  }
  return SqliteStmt(raw);
}

Result<std::optional<std::int64_t>> sqliteQueryInt(sqlite3* db, std::string_view sql) {
  auto stmt = sqlitePrepare(db, sql);
  if (!stmt) return stmt.error();
  const int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
  if (rc != SQLITE_ROW) return makeError(ErrorCode::Storage, sqliteMessage(db));
  if (sqlite3_column_type(stmt->get(), 0) == SQLITE_NULL) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(sqlite3_column_int64(stmt->get(), 0));
}

Result<std::string> sqliteQueryText(sqlite3* db, std::string_view sql) {
  auto stmt = sqlitePrepare(db, sql);
  if (!stmt) return stmt.error();
  const int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return makeError(ErrorCode::Storage, sqliteMessage(db));
  const auto* text = sqlite3_column_text(stmt->get(), 0);
  return std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "");
}

}  // namespace sckd
