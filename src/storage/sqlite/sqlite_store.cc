// SqliteStore: opening, pragmas, migrations, transactions, users and manufacturers.
// Products and templates live in sqlite_store_products.cc; devices, shares and folders
// in sqlite_store_devices.cc.
#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <cctype>

#include "storage/migrations/migrations.h"
#include "storage/sqlite/sqlite_statement.h"

namespace krypton::storage {

using sqlite::Connection;
using sqlite::FirstInt;
using sqlite::FirstText;
using sqlite::Statement;

namespace {

// Savepoint used by Atomically() inside an open transaction. Savepoints with the same
// name nest (the innermost one is released first), so one name is enough.
constexpr char kSavepoint[] = "SAVEPOINT krypton_op";
constexpr char kRelease[] = "RELEASE krypton_op";
constexpr char kRollbackTo[] = "ROLLBACK TO krypton_op";

#define KRYPTON_USER_COLUMNS                                                             \
  "uid, pid, phone, email, email_verified, password_hash, profile_json, created_at_ms, " \
  "token_epoch"

User ReadUser(const Statement& s) {
  User u;
  u.uid = s.Text(0);
  u.pid = s.Text(1);
  u.phone = s.Text(2);
  u.email = s.Text(3);
  u.email_verified = s.Bool(4);
  u.password_hash = s.Text(5);
  u.profile_json = s.Text(6);
  u.created_at_ms = s.Int64(7);
  u.token_epoch = s.Int64(8);
  return u;
}

Manufacturer ReadManufacturer(const Statement& s) {
  Manufacturer m;
  m.pid = s.Text(0);
  m.name = s.Text(1);
  m.created_at_ms = s.Int64(2);
  m.auth_secret = s.Text(3);
  m.license_secret = s.Text(4);
  m.server_key_hash = s.Text(5);
  return m;
}

// E-mail addresses compare case-insensitively (ASCII); they are stored lower-case.
std::string LowerAscii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

// ---- Opening --------------------------------------------------------------------------

StoreResult<std::unique_ptr<Store>> SqliteStore::Open(const StoreOptions& options) {
  StoreResult<std::unique_ptr<Connection>> db = Connection::Open(options.path);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  if (StoreStatus s = store->Configure(options); !s.ok()) return s;
  if (StoreStatus s = store->Migrate(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

SqliteStore::~SqliteStore() = default;

StoreStatus SqliteStore::Configure(const StoreOptions& options) {
  sqlite3* handle = db_->handle();
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);

  StoreResult<std::string> mode =
      db_->QueryOne("open", options.path, "PRAGMA journal_mode = WAL", FirstText);
  if (!mode.ok()) return mode.status();
  // An in-memory database has no file name and stays in "memory" journal mode.
  const char* file = sqlite3_db_filename(handle, "main");
  if (file != nullptr && *file != '\0' && *mode != "wal") {
    return StoreStatus::Failed(
        Connection::Detail("open", options.path, "cannot enable WAL (journal_mode " + *mode + ")"));
  }
  if (StoreStatus s = db_->Exec("PRAGMA synchronous = NORMAL", "open"); !s.ok()) return s;
  if (StoreStatus s = db_->Exec("PRAGMA foreign_keys = ON", "open"); !s.ok()) return s;
  // A build without foreign-key support ignores the pragma; the schema relies on it.
  StoreResult<int> fk = db_->QueryOne("open", options.path, "PRAGMA foreign_keys", FirstInt);
  if (!fk.ok() || *fk != 1) {
    return StoreStatus::Failed(
        Connection::Detail("open", options.path, "foreign keys cannot be enabled"));
  }
  return {};
}

StoreResult<int> SqliteStore::ReadUserVersion() {
  return db_->QueryOne("SchemaVersion", "", "PRAGMA user_version", FirstInt);
}

StoreStatus SqliteStore::Migrate() {
  std::lock_guard lock(mu_);
  StoreResult<int> version = ReadUserVersion();
  if (!version.ok()) return version.status();
  if (*version > LatestSchemaVersion()) return StoreStatus::Failed(SchemaTooNewDetail(*version));

  for (const Migration& m : PendingMigrations(*version)) {
    const std::string op = "migration " + std::to_string(m.version) + " (" + m.description + ")";
    StoreStatus s = Atomically(op, [&]() -> StoreStatus {
      // Re-read under the write lock: another process may have migrated meanwhile.
      StoreResult<int> now = ReadUserVersion();
      if (!now.ok()) return now.status();
      if (*now > LatestSchemaVersion()) return StoreStatus::Failed(SchemaTooNewDetail(*now));
      if (*now >= m.version) return {};
      if (StoreStatus e = db_->Exec(m.sql, op); !e.ok()) return e;
      // user_version lives in the database header, so it commits with the schema.
      const std::string bump = "PRAGMA user_version = " + std::to_string(m.version);
      return db_->Exec(bump.c_str(), op);
    });
    if (!s.ok()) return s;
  }
  return {};
}

int SqliteStore::SchemaVersion() {
  std::lock_guard lock(mu_);
  StoreResult<int> version = ReadUserVersion();
  return version.ok() ? *version : -1;
}

// ---- Transactions ---------------------------------------------------------------------

StoreStatus SqliteStore::EndTransaction(bool savepoint, bool commit, std::string_view op) {
  --tx_depth_;
  if (savepoint) {
    if (commit) return db_->Run(op, "", kRelease).status();
    // ROLLBACK TO keeps the savepoint open; RELEASE then closes it.
    StoreStatus s = db_->Run(op, "", kRollbackTo).status();
    StoreStatus r = db_->Run(op, "", kRelease).status();
    return s.ok() ? r : s;
  }
  StoreStatus s;
  if (commit) {
    s = db_->Run(op, "", "COMMIT").status();
    if (s.ok()) return s;
  }
  // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled back.
  if (sqlite3_get_autocommit(db_->handle()) == 0) {
    StoreStatus r = db_->Run(op, "", "ROLLBACK").status();
    if (s.ok()) s = r;
  }
  return s;
}

namespace {

// Rolls back a transaction whose body left by an exception (callers' bodies may throw).
template <typename End>
class EndOnUnwind {
 public:
  explicit EndOnUnwind(End end) : end_(std::move(end)) {}
  ~EndOnUnwind() {
    if (armed_) end_();
  }
  void Disarm() { armed_ = false; }

 private:
  End end_;
  bool armed_ = true;
};

}  // namespace

StoreStatus SqliteStore::Atomically(std::string_view op, const std::function<StoreStatus()>& fn) {
  const bool savepoint = tx_depth_ > 0;
  StoreStatus begin = db_->Run(op, "", savepoint ? kSavepoint : "BEGIN IMMEDIATE").status();
  if (!begin.ok()) return begin;
  ++tx_depth_;
  // On an exception the rollback's own failure has nowhere to go: the exception wins.
  EndOnUnwind guard([&] { (void)EndTransaction(savepoint, false, op); });
  StoreStatus result = fn();
  guard.Disarm();
  StoreStatus end = EndTransaction(savepoint, result.ok(), op);
  return result.ok() ? end : result;
}

StoreStatus SqliteStore::InTransaction(const std::function<StoreStatus(Store&)>& body) {
  std::lock_guard lock(mu_);
  if (tx_depth_ > 0) return StoreStatus::Failed("InTransaction: transactions do not nest");
  return Atomically("InTransaction", [&] { return body(*this); });
}

StoreStatus SqliteStore::Checkpoint() {
  std::lock_guard lock(mu_);
  // TRUNCATE also empties the -wal file, so a stopped server leaves a compact database.
  int rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                     nullptr);
  if (rc != SQLITE_OK) return db_->Error(rc, "Checkpoint", "");
  return {};
}

// ---- Users ----------------------------------------------------------------------------

StoreStatus SqliteStore::CreateUser(const User& user) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateUser", user.uid,
            "INSERT INTO users (" KRYPTON_USER_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            user.uid, user.pid, user.phone, LowerAscii(user.email), user.email_verified,
            user.password_hash, user.profile_json, user.created_at_ms, user.token_epoch)
      .status();
}

StoreResult<User> SqliteStore::GetUser(const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetUser", uid, "SELECT " KRYPTON_USER_COLUMNS " FROM users WHERE uid = ?",
                       ReadUser, uid);
}

StoreResult<User> SqliteStore::FindUserByEmail(const std::string& pid, const std::string& email) {
  // '' means "no e-mail" and must not match every user without one.
  if (email.empty()) return StoreStatus::NotFound("FindUserByEmail " + pid + ": empty e-mail");
  std::lock_guard lock(mu_);
  return db_->QueryOne("FindUserByEmail", pid,
                       "SELECT " KRYPTON_USER_COLUMNS " FROM users WHERE pid = ? AND email = ?",
                       ReadUser, pid, LowerAscii(email));
}

StoreResult<User> SqliteStore::FindUserByPhone(const std::string& pid, const std::string& phone) {
  if (phone.empty()) return StoreStatus::NotFound("FindUserByPhone " + pid + ": empty phone");
  std::lock_guard lock(mu_);
  return db_->QueryOne("FindUserByPhone", pid,
                       "SELECT " KRYPTON_USER_COLUMNS " FROM users WHERE pid = ? AND phone = ?",
                       ReadUser, pid, phone);
}

StoreStatus SqliteStore::UpdateUserPassword(const std::string& uid, const std::string& hash) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow(
      "UpdateUserPassword", uid,
      "UPDATE users SET password_hash = ?, token_epoch = token_epoch + 1 WHERE uid = ?", hash, uid);
}

StoreStatus SqliteStore::UpdateUserProfile(const std::string& uid, const std::string& json) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("UpdateUserProfile", uid, "UPDATE users SET profile_json = ? WHERE uid = ?",
                       json, uid);
}

StoreStatus SqliteStore::UpdateUserContact(const std::string& uid, const std::string& phone,
                                           const std::string& email, bool email_verified) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("UpdateUserContact", uid,
                       "UPDATE users SET phone = ?, email = ?, email_verified = ? WHERE uid = ?",
                       phone, LowerAscii(email), email_verified, uid);
}

// ---- Manufacturers --------------------------------------------------------------------

StoreStatus SqliteStore::UpsertManufacturer(const Manufacturer& m) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("UpsertManufacturer", m.pid,
            "INSERT INTO manufacturers (pid, name, created_at_ms, auth_secret, license_secret) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (pid) DO UPDATE SET name = excluded.name, "
            // Secrets, once set, are kept: devices in the field derive from them.
            "auth_secret = CASE WHEN manufacturers.auth_secret = '' "
            "THEN excluded.auth_secret ELSE manufacturers.auth_secret END, "
            "license_secret = CASE WHEN manufacturers.license_secret = '' "
            "THEN excluded.license_secret ELSE manufacturers.license_secret END",
            m.pid, m.name, m.created_at_ms, m.auth_secret, m.license_secret)
      .status();
}

StoreResult<Manufacturer> SqliteStore::GetManufacturer(const std::string& pid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetManufacturer", pid,
                       "SELECT pid, name, created_at_ms, auth_secret, license_secret, "
                       "server_key_hash FROM manufacturers WHERE pid = ?",
                       ReadManufacturer, pid);
}

StoreStatus SqliteStore::SetManufacturerServerKey(const std::string& pid,
                                                  const std::string& key_hash) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("SetManufacturerServerKey", pid,
                       "UPDATE manufacturers SET server_key_hash = ? WHERE pid = ?", key_hash, pid);
}

StoreResult<Manufacturer> SqliteStore::FindManufacturerByServerKey(const std::string& key_hash) {
  std::lock_guard lock(mu_);
  if (key_hash.empty()) return StoreStatus::NotFound("FindManufacturerByServerKey: empty");
  return db_->QueryOne("FindManufacturerByServerKey", "(key)",
                       "SELECT pid, name, created_at_ms, auth_secret, license_secret, "
                       "server_key_hash FROM manufacturers WHERE server_key_hash = ?",
                       ReadManufacturer, key_hash);
}

#undef KRYPTON_USER_COLUMNS

}  // namespace krypton::storage
