// SqliteStore: verify codes and refresh tokens (schema v3).
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::FirstInt;
using sqlite::Statement;

namespace {

#define KRYPTON_CODE_COLUMNS \
  "pid, target, purpose, code_hash, created_at_ms, expires_at_ms, attempts, check_token"

VerifyCode ReadCode(const Statement& s) {
  VerifyCode c;
  c.pid = s.Text(0);
  c.target = s.Text(1);
  c.purpose = s.Text(2);
  c.code_hash = s.Text(3);
  c.created_at_ms = s.Int64(4);
  c.expires_at_ms = s.Int64(5);
  c.attempts = s.Int(6);
  c.check_token = s.Text(7);
  return c;
}

RefreshToken ReadToken(const Statement& s) {
  RefreshToken t;
  t.jti = s.Text(0);
  t.uid = s.Text(1);
  t.exp_s = s.Int64(2);
  t.revoked = s.Bool(3);
  return t;
}

}  // namespace

StoreStatus SqliteStore::PutVerifyCode(const VerifyCode& c) {
  std::lock_guard lock(mu_);
  auto put = db_->Run("PutVerifyCode", c.target,
                      "INSERT INTO verify_codes (" KRYPTON_CODE_COLUMNS
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (pid, target, purpose) DO UPDATE SET code_hash = "
                      "excluded.code_hash, created_at_ms = excluded.created_at_ms, "
                      "expires_at_ms = excluded.expires_at_ms, attempts = 0, check_token = ''",
                      c.pid, c.target, c.purpose, c.code_hash, c.created_at_ms, c.expires_at_ms,
                      c.attempts, c.check_token);
  if (!put.ok()) return put.status();
  return db_
      ->Run("LogVerifyCode", c.target,
            "INSERT INTO verify_code_log (target, sent_at_ms) VALUES (?, ?)", c.target,
            c.created_at_ms)
      .status();
}

StoreResult<VerifyCode> SqliteStore::GetVerifyCode(const std::string& pid,
                                                   const std::string& target,
                                                   const std::string& purpose) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetVerifyCode", target,
                       "SELECT " KRYPTON_CODE_COLUMNS
                       " FROM verify_codes WHERE pid = ? AND target = ? AND purpose = ?",
                       ReadCode, pid, target, purpose);
}

StoreResult<VerifyCode> SqliteStore::GetLatestVerifyCode(const std::string& pid,
                                                         const std::string& target) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetLatestVerifyCode", target,
                       "SELECT " KRYPTON_CODE_COLUMNS
                       " FROM verify_codes WHERE pid = ? AND target = ? "
                       "ORDER BY created_at_ms DESC LIMIT 1",
                       ReadCode, pid, target);
}

StoreStatus SqliteStore::UpdateVerifyCode(const VerifyCode& c) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("UpdateVerifyCode", c.target,
                       "UPDATE verify_codes SET attempts = ?, check_token = ? "
                       "WHERE pid = ? AND target = ? AND purpose = ?",
                       c.attempts, c.check_token, c.pid, c.target, c.purpose);
}

StoreStatus SqliteStore::DeleteVerifyCode(const std::string& pid, const std::string& target,
                                          const std::string& purpose) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("DeleteVerifyCode", target,
            "DELETE FROM verify_codes WHERE pid = ? AND target = ? AND purpose = ?", pid, target,
            purpose)
      .status();
}

StoreResult<int> SqliteStore::CountVerifyCodesSince(const std::string& target, int64_t since_ms) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("CountVerifyCodesSince", target,
                       "SELECT COUNT(*) FROM verify_code_log WHERE target = ? AND sent_at_ms >= ?",
                       FirstInt, target, since_ms);
}

StoreStatus SqliteStore::PutRefreshToken(const RefreshToken& t) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("PutRefreshToken", t.uid,
            "INSERT INTO refresh_tokens (jti, uid, exp_s, revoked) VALUES (?, ?, ?, ?)", t.jti,
            t.uid, t.exp_s, t.revoked)
      .status();
}

StoreResult<RefreshToken> SqliteStore::GetRefreshToken(const std::string& jti) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetRefreshToken", "",
                       "SELECT jti, uid, exp_s, revoked FROM refresh_tokens WHERE jti = ?",
                       ReadToken, jti);
}

StoreStatus SqliteStore::RevokeRefreshToken(const std::string& jti) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("RevokeRefreshToken", "",
                       "UPDATE refresh_tokens SET revoked = 1 WHERE jti = ?", jti);
}

StoreStatus SqliteStore::RevokeUserRefreshTokens(const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("RevokeUserRefreshTokens", uid, "UPDATE refresh_tokens SET revoked = 1 WHERE uid = ?",
            uid)
      .status();
}

#undef KRYPTON_CODE_COLUMNS

}  // namespace krypton::storage
