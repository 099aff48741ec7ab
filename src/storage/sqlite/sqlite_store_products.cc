// SqliteStore: products and their versioned protocol templates.
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::FirstInt;
using sqlite::Statement;

namespace {

#define KRYPTON_PRODUCT_COLUMNS                                                               \
  "mid, pid, name, prod_key, product_public_key, work_mode_type, device_auth, pre_register, " \
  "force_bind, status, check_mode, decorate_dev_send, max_dev_share_num, created_at_ms, "     \
  "updated_at_ms, auto_issue_license, supports_scheduler"

Product ReadProduct(const Statement& s) {
  Product p;
  p.mid = s.Text(0);
  p.pid = s.Text(1);
  p.name = s.Text(2);
  p.prod_key = s.Text(3);
  p.product_public_key = s.Text(4);
  p.work_mode_type = s.Text(5);
  p.device_auth = s.Text(6);
  p.pre_register = s.Bool(7);
  p.force_bind = s.Bool(8);
  p.status = s.Text(9);
  p.check_mode = s.Text(10);
  p.decorate_dev_send = s.Bool(11);
  p.max_dev_share_num = s.Int(12);
  p.created_at_ms = s.Int64(13);
  p.updated_at_ms = s.Int64(14);
  p.auto_issue_license = s.Bool(15);
  p.supports_scheduler = s.Bool(16);
  return p;
}

ProtocolTemplate ReadTemplate(const Statement& s) {
  ProtocolTemplate t;
  t.mid = s.Text(0);
  t.version = s.Int(1);
  t.body_json = s.Text(2);
  t.created_at_ms = s.Int64(3);
  return t;
}

}  // namespace

// ---- Products -------------------------------------------------------------------------

StoreStatus SqliteStore::CreateProduct(const Product& p) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateProduct", p.mid,
            "INSERT INTO products (" KRYPTON_PRODUCT_COLUMNS
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            p.mid, p.pid, p.name, p.prod_key, p.product_public_key, p.work_mode_type, p.device_auth,
            p.pre_register, p.force_bind, p.status, p.check_mode, p.decorate_dev_send,
            p.max_dev_share_num, p.created_at_ms, p.updated_at_ms, p.auto_issue_license,
            p.supports_scheduler)
      .status();
}

StoreStatus SqliteStore::UpdateProduct(const Product& p) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow(
      "UpdateProduct", p.mid,
      "UPDATE products SET pid = ?, name = ?, prod_key = ?, product_public_key = ?, "
      "work_mode_type = ?, device_auth = ?, pre_register = ?, force_bind = ?, status = ?, "
      "check_mode = ?, decorate_dev_send = ?, max_dev_share_num = ?, updated_at_ms = ?, "
      "auto_issue_license = ?, supports_scheduler = ? WHERE mid = ?",
      p.pid, p.name, p.prod_key, p.product_public_key, p.work_mode_type, p.device_auth,
      p.pre_register, p.force_bind, p.status, p.check_mode, p.decorate_dev_send,
      p.max_dev_share_num, p.updated_at_ms, p.auto_issue_license, p.supports_scheduler, p.mid);
}

StoreResult<Product> SqliteStore::GetProduct(const std::string& mid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetProduct", mid,
                       "SELECT " KRYPTON_PRODUCT_COLUMNS " FROM products WHERE mid = ?",
                       ReadProduct, mid);
}

StoreResult<Product> SqliteStore::FindProductByProdKey(const std::string& prod_key) {
  std::lock_guard lock(mu_);
  // The key is a secret: the detail names the operation only.
  return db_->QueryOne("FindProductByProdKey", "",
                       "SELECT " KRYPTON_PRODUCT_COLUMNS " FROM products WHERE prod_key = ?",
                       ReadProduct, prod_key);
}

StoreResult<Product> SqliteStore::FindProductByPublicKey(const std::string& ppk) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("FindProductByPublicKey", "",
                       "SELECT " KRYPTON_PRODUCT_COLUMNS
                       " FROM products WHERE product_public_key = ?",
                       ReadProduct, ppk);
}

StoreResult<std::vector<Product>> SqliteStore::ListProducts(std::optional<std::string> pid) {
  std::lock_guard lock(mu_);
  if (!pid.has_value()) {
    return db_->QueryAll("ListProducts", "",
                         "SELECT " KRYPTON_PRODUCT_COLUMNS " FROM products ORDER BY mid",
                         ReadProduct);
  }
  return db_->QueryAll("ListProducts", *pid,
                       "SELECT " KRYPTON_PRODUCT_COLUMNS
                       " FROM products WHERE pid = ? ORDER BY mid",
                       ReadProduct, *pid);
}

// ---- Protocol templates ---------------------------------------------------------------

StoreResult<int> SqliteStore::AddTemplate(const std::string& mid, const std::string& body_json,
                                          int64_t now_ms) {
  std::lock_guard lock(mu_);
  // One statement computes and claims the next version, so two writers cannot pick
  // the same number; a missing product fails the foreign key (kNotFound).
  return db_->QueryOne(
      "AddTemplate", mid,
      "INSERT INTO protocol_templates (mid, version, body_json, created_at_ms) "
      "SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3 FROM protocol_templates WHERE mid = ?1 "
      "RETURNING version",
      FirstInt, mid, body_json, now_ms);
}

StoreResult<ProtocolTemplate> SqliteStore::GetCurrentTemplate(const std::string& mid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetCurrentTemplate", mid,
                       "SELECT mid, version, body_json, created_at_ms FROM protocol_templates "
                       "WHERE mid = ? ORDER BY version DESC LIMIT 1",
                       ReadTemplate, mid);
}

StoreResult<ProtocolTemplate> SqliteStore::GetTemplate(const std::string& mid, int version) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetTemplate", mid,
                       "SELECT mid, version, body_json, created_at_ms FROM protocol_templates "
                       "WHERE mid = ? AND version = ?",
                       ReadTemplate, mid, version);
}

StoreResult<std::vector<ProtocolTemplate>> SqliteStore::ListTemplates(const std::string& mid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListTemplates", mid,
                       "SELECT mid, version, body_json, created_at_ms FROM protocol_templates "
                       "WHERE mid = ? ORDER BY version",
                       ReadTemplate, mid);
}

#undef KRYPTON_PRODUCT_COLUMNS

}  // namespace krypton::storage
