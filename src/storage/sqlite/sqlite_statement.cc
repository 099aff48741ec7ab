#include "storage/sqlite/sqlite_statement.h"

namespace krypton::storage::sqlite {

void Statement::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so callers may bind temporaries.
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::Bind(int index, NullIfEmpty value) {
  if (!value.value.empty()) {
    Bind(index, value.value);
    return;
  }
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

int Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

void Statement::Reset() {
  // sqlite3_reset repeats the last step's error; it was already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::string Statement::Text(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

StoreResult<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: SqliteStore's mutex already serialises every call on this handle.
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail =
        Detail("open", path, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return StoreStatus::Failed(std::move(detail));
  }
  // Extended codes tell a UNIQUE violation from a FOREIGN KEY one.
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  cache_.clear();  // every statement must be finalized before the handle closes
  sqlite3_close(db_);
}

Statement* Connection::Prepare(std::string_view sql, StoreStatus* error) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second.get();
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    *error = Error(rc, "prepare", "");
    return nullptr;
  }
  auto stmt = std::make_unique<Statement>(raw);
  Statement* result = stmt.get();
  cache_.emplace(std::string(sql), std::move(stmt));
  return result;
}

StoreStatus Connection::Exec(const char* sql, std::string_view op) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, op, "");
  return {};
}

StoreStatus Connection::Error(int rc, std::string_view op, std::string_view key) const {
  std::string detail = Detail(op, key, sqlite3_errmsg(db_));
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return StoreStatus::Conflict(std::move(detail));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return StoreStatus::NotFound(std::move(detail));
    default:
      return StoreStatus::Failed(std::move(detail));
  }
}

std::string Connection::Detail(std::string_view op, std::string_view key, std::string_view what) {
  std::string s(op);
  if (!key.empty()) {
    s += ' ';
    s += key;
  }
  s += ": ";
  s += what;
  return s;
}

}  // namespace krypton::storage::sqlite
