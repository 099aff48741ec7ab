// Private to storage/sqlite: a thin RAII layer over the SQLite C API.
//
// Connection owns one sqlite3 handle and a cache of prepared statements keyed by SQL
// text; Statement owns one sqlite3_stmt (finalized on destruction). Neither is
// thread-safe: SqliteStore serialises every use under its mutex.
//
// The Run/QueryOne/QueryAll helpers bind their arguments to ?1, ?2, … in order, step
// the statement, and always reset it before returning, so a cached statement never
// keeps a read snapshot open (that would stall WAL checkpoints).
//
// Errors map to StoreStatus as store.h promises: UNIQUE/PRIMARY KEY → kConflict,
// FOREIGN KEY → kNotFound (a missing parent row), anything else → kFailed. The detail
// is "<op> <key>: <sqlite message>"; SQLite's messages name columns, never values.
#ifndef KRYPTON_STORAGE_SQLITE_SQLITE_STATEMENT_H_
#define KRYPTON_STORAGE_SQLITE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/store.h"

namespace krypton::storage::sqlite {

// Binds SQL NULL when the string is empty (devices.owner_uid: '' = unbound).
struct NullIfEmpty {
  std::string_view value;
};

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameter `index` is 1-based. A failed bind is remembered and returned by Step().
  void Bind(int index, std::string_view value);
  void Bind(int index, const char* value) { Bind(index, std::string_view(value)); }
  void Bind(int index, const std::string& value) { Bind(index, std::string_view(value)); }
  void Bind(int index, int64_t value);
  void Bind(int index, int value) { Bind(index, static_cast<int64_t>(value)); }
  void Bind(int index, bool value) { Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  void Bind(int index, NullIfEmpty value);

  template <typename... Args>
  void BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
  }

  // SQLITE_ROW, SQLITE_DONE or an (extended) error code.
  int Step();
  // Back to the start with every parameter unbound.
  void Reset();

  // Column readers for the current row; NULL reads as "" / 0 / false.
  std::string Text(int col) const;
  int64_t Int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  int Int(int col) const { return sqlite3_column_int(stmt_, col); }
  bool Bool(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }

 private:
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// Readers for single-column results (PRAGMA values, RETURNING id, existence checks).
inline std::string FirstText(const Statement& s) { return s.Text(0); }
inline int FirstInt(const Statement& s) { return s.Int(0); }
inline int64_t FirstInt64(const Statement& s) { return s.Int64(0); }

class Connection {
 public:
  // Opens (creating) the database file; no pragma is set yet.
  static StoreResult<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }

  // The cached statement for `sql`, prepared on first use; nullptr with *error set
  // when SQLite rejects the text.
  Statement* Prepare(std::string_view sql, StoreStatus* error);

  // Runs one or more parameterless statements (pragmas, DDL, BEGIN/COMMIT).
  StoreStatus Exec(const char* sql, std::string_view op);

  // The StoreStatus for SQLite result code `rc` (see the file comment).
  StoreStatus Error(int rc, std::string_view op, std::string_view key) const;

  // Runs a statement that returns no rows; the number of rows it changed.
  template <typename... Args>
  StoreResult<int64_t> Run(std::string_view op, std::string_view key, std::string_view sql,
                           const Args&... args) {
    StoreStatus error;
    Statement* stmt = Prepare(sql, &error);
    if (stmt == nullptr) return error;
    ResetOnExit reset{stmt};
    stmt->BindAll(args...);
    int rc;
    while ((rc = stmt->Step()) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Error(rc, op, key);
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  // Run() for an UPDATE/DELETE by key: OK when it changed a row, else kNotFound.
  template <typename... Args>
  StoreStatus RunOnRow(std::string_view op, std::string_view key, std::string_view sql,
                       const Args&... args) {
    StoreResult<int64_t> changed = Run(op, key, sql, args...);
    if (!changed.ok()) return changed.status();
    if (*changed == 0) return StoreStatus::NotFound(Detail(op, key, "not found"));
    return {};
  }

  // The first row read by `read` (any further rows are stepped over); kNotFound
  // "<op> <key>: not found" without rows.
  template <typename T, typename... Args>
  StoreResult<T> QueryOne(std::string_view op, std::string_view key, std::string_view sql,
                          T (*read)(const Statement&), const Args&... args) {
    StoreStatus error;
    Statement* stmt = Prepare(sql, &error);
    if (stmt == nullptr) return error;
    ResetOnExit reset{stmt};
    stmt->BindAll(args...);
    int rc = stmt->Step();
    if (rc == SQLITE_DONE) return StoreStatus::NotFound(Detail(op, key, "not found"));
    if (rc != SQLITE_ROW) return Error(rc, op, key);
    T row = read(*stmt);
    // Step to the end: an INSERT … RETURNING is only complete at SQLITE_DONE.
    while ((rc = stmt->Step()) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Error(rc, op, key);
    return row;
  }

  // Every row, each read by `read`.
  template <typename T, typename... Args>
  StoreResult<std::vector<T>> QueryAll(std::string_view op, std::string_view key,
                                       std::string_view sql, T (*read)(const Statement&),
                                       const Args&... args) {
    StoreStatus error;
    Statement* stmt = Prepare(sql, &error);
    if (stmt == nullptr) return error;
    ResetOnExit reset{stmt};
    stmt->BindAll(args...);
    std::vector<T> rows;
    int rc;
    while ((rc = stmt->Step()) == SQLITE_ROW) rows.push_back(read(*stmt));
    if (rc != SQLITE_DONE) return Error(rc, op, key);
    return rows;
  }

  // "<op> <key>: <what>" (key omitted when empty).
  static std::string Detail(std::string_view op, std::string_view key, std::string_view what);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct ResetOnExit {
    Statement* stmt;
    ~ResetOnExit() { stmt->Reset(); }
  };
  // Transparent hash: look statements up by string_view without building a string.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

}  // namespace krypton::storage::sqlite

#endif  // KRYPTON_STORAGE_SQLITE_SQLITE_STATEMENT_H_
