// SqliteStore: reverse authorization templates and requests (user-api.md §5.4) and short
// codes (§5.1.7).
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::Statement;

namespace {

#define KRYPTON_TEMPLATE_COLUMNS "id, dev_tid, grantor, params_json, created_at_ms, expires_at_ms"
#define KRYPTON_REQUEST_COLUMNS \
  "register_id, template_id, dev_tid, grantor, grantee, params_json, status, created_at_ms"

ReverseTemplate ReadTemplate(const Statement& s) {
  ReverseTemplate t;
  t.id = s.Text(0);
  t.dev_tid = s.Text(1);
  t.grantor = s.Text(2);
  t.params_json = s.Text(3);
  t.created_at_ms = s.Int64(4);
  t.expires_at_ms = s.Int64(5);
  return t;
}

ReverseRequest ReadRequest(const Statement& s) {
  ReverseRequest r;
  r.register_id = s.Text(0);
  r.template_id = s.Text(1);
  r.dev_tid = s.Text(2);
  r.grantor = s.Text(3);
  r.grantee = s.Text(4);
  r.params_json = s.Text(5);
  r.status = s.Text(6);
  r.created_at_ms = s.Int64(7);
  return r;
}

}  // namespace

StoreStatus SqliteStore::CreateReverseTemplate(const ReverseTemplate& t) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateReverseTemplate", t.id,
            "INSERT INTO reverse_auth_templates (" KRYPTON_TEMPLATE_COLUMNS
            ") VALUES (?, ?, ?, ?, ?, ?)",
            t.id, t.dev_tid, t.grantor, t.params_json, t.created_at_ms, t.expires_at_ms)
      .status();
}

StoreResult<ReverseTemplate> SqliteStore::GetReverseTemplate(const std::string& id) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetReverseTemplate", id,
                       "SELECT " KRYPTON_TEMPLATE_COLUMNS
                       " FROM reverse_auth_templates WHERE id = ?",
                       ReadTemplate, id);
}

StoreResult<std::vector<ReverseTemplate>> SqliteStore::ListReverseTemplates(
    const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll(
      "ListReverseTemplates", dev_tid,
      "SELECT " KRYPTON_TEMPLATE_COLUMNS
      " FROM reverse_auth_templates WHERE dev_tid = ? ORDER BY created_at_ms, rowid",
      ReadTemplate, dev_tid);
}

StoreStatus SqliteStore::CreateReverseRequest(const ReverseRequest& r) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateReverseRequest", r.register_id,
            "INSERT INTO reverse_auth_requests (" KRYPTON_REQUEST_COLUMNS
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            r.register_id, r.template_id, r.dev_tid, r.grantor, r.grantee, r.params_json, r.status,
            r.created_at_ms)
      .status();
}

StoreResult<ReverseRequest> SqliteStore::GetReverseRequest(const std::string& register_id) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetReverseRequest", register_id,
                       "SELECT " KRYPTON_REQUEST_COLUMNS
                       " FROM reverse_auth_requests WHERE register_id = ?",
                       ReadRequest, register_id);
}

StoreResult<std::vector<ReverseRequest>> SqliteStore::ListReverseRequests(
    const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll(
      "ListReverseRequests", dev_tid,
      "SELECT " KRYPTON_REQUEST_COLUMNS
      " FROM reverse_auth_requests WHERE dev_tid = ? ORDER BY created_at_ms, rowid",
      ReadRequest, dev_tid);
}

StoreStatus SqliteStore::SetReverseRequestStatus(const std::string& register_id,
                                                 const std::string& status) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("SetReverseRequestStatus", register_id,
                       "UPDATE reverse_auth_requests SET status = ? WHERE register_id = ?", status,
                       register_id);
}

StoreStatus SqliteStore::AllocateShortCode(const std::string& short_code,
                                           const std::string& dev_tid, int64_t at_ms) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("AllocateShortCode", dev_tid,
            "INSERT INTO short_codes (short_code, dev_tid, allocated_at_ms) VALUES (?, ?, ?)",
            short_code, dev_tid, at_ms)
      .status();
}

StoreResult<std::string> SqliteStore::FindShortCode(const std::string& short_code) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("FindShortCode", "(code)",
                       "SELECT dev_tid FROM short_codes WHERE short_code = ?", sqlite::FirstText,
                       short_code);
}

StoreResult<std::string> SqliteStore::GetDeviceShortCode(const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetDeviceShortCode", dev_tid,
                       "SELECT short_code FROM short_codes WHERE dev_tid = ?", sqlite::FirstText,
                       dev_tid);
}

StoreResult<int64_t> SqliteStore::CountShortCodes() {
  std::lock_guard lock(mu_);
  return db_->QueryOne("CountShortCodes", "", "SELECT COUNT(*) FROM short_codes",
                       sqlite::FirstInt64);
}

}  // namespace krypton::storage
