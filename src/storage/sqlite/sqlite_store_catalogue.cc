// SqliteStore: the product catalogue — product details, deletion, H5 templates and their
// per-platform bindings, product authorizations (enterprise-api.md §2, §4.3, §6).
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::FirstInt64;
using sqlite::Statement;

namespace {

#define KRYPTON_H5_COLUMNS "id, pid, platform, h5_page, page_zip_url, version, md5, created_at_ms"

H5Template ReadH5(const Statement& s) {
  H5Template t;
  t.id = s.Text(0);
  t.pid = s.Text(1);
  t.platform = s.Text(2);
  t.h5_page = s.Text(3);
  t.page_zip_url = s.Text(4);
  t.version = s.Text(5);
  t.md5 = s.Text(6);
  t.created_at_ms = s.Int64(7);
  return t;
}

ProductDetails ReadDetails(const Statement& s) {
  ProductDetails d;
  d.mid = s.Text(0);
  d.product_type = s.Text(1);
  d.display_name_json = s.Text(2);
  d.model = s.Text(3);
  d.logo = s.Text(4);
  d.bind_type = s.Text(5);
  d.access_way_json = s.Text(6);
  d.category_json = s.Text(7);
  return d;
}

std::string ReadFirstText(const Statement& s) { return s.Text(0); }

}  // namespace

StoreStatus SqliteStore::PutProductDetails(const ProductDetails& d) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("PutProductDetails", d.mid,
            "INSERT OR REPLACE INTO product_details (mid, product_type, display_name_json, model, "
            "logo, bind_type, access_way_json, category_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            d.mid, d.product_type, d.display_name_json, d.model, d.logo, d.bind_type,
            d.access_way_json, d.category_json)
      .status();
}

StoreResult<ProductDetails> SqliteStore::GetProductDetails(const std::string& mid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetProductDetails", mid,
                       "SELECT mid, product_type, display_name_json, model, logo, bind_type, "
                       "access_way_json, category_json FROM product_details WHERE mid = ?",
                       ReadDetails, mid);
}

StoreStatus SqliteStore::DeleteProduct(const std::string& mid) {
  std::lock_guard lock(mu_);
  return Atomically("DeleteProduct", [&]() -> StoreStatus {
    auto devices = db_->QueryOne("DeleteProduct", mid, "SELECT COUNT(*) FROM devices WHERE mid = ?",
                                 FirstInt64, mid);
    if (!devices.ok()) return devices.status();
    if (*devices > 0) return StoreStatus::Conflict("DeleteProduct " + mid + ": has devices");
    // Templates, details, H5 bindings and authorizations go with the product (CASCADE).
    return db_->RunOnRow("DeleteProduct", mid, "DELETE FROM products WHERE mid = ?", mid);
  });
}

StoreStatus SqliteStore::CreateH5Template(const H5Template& t) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateH5Template", t.id,
            "INSERT INTO h5_templates (" KRYPTON_H5_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            t.id, t.pid, t.platform, t.h5_page, t.page_zip_url, t.version, t.md5, t.created_at_ms)
      .status();
}

StoreResult<H5Template> SqliteStore::GetH5Template(const std::string& id) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetH5Template", id,
                       "SELECT " KRYPTON_H5_COLUMNS " FROM h5_templates WHERE id = ?", ReadH5, id);
}

StoreStatus SqliteStore::UpdateH5Template(const H5Template& t) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow(
      "UpdateH5Template", t.id,
      "UPDATE h5_templates SET h5_page = ?, page_zip_url = ?, version = ?, md5 = ? "
      "WHERE id = ?",
      t.h5_page, t.page_zip_url, t.version, t.md5, t.id);
}

StoreStatus SqliteStore::BindProductH5(const std::string& mid, const std::string& platform,
                                       const std::string& h5_id) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("BindProductH5", mid,
            "INSERT OR REPLACE INTO product_h5 (mid, platform, h5_template_id) VALUES (?, ?, ?)",
            mid, platform, h5_id)
      .status();
}

StoreResult<H5Template> SqliteStore::GetProductH5(const std::string& mid,
                                                  const std::string& platform) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetProductH5", mid,
                       "SELECT h.id, h.pid, h.platform, h.h5_page, h.page_zip_url, h.version, "
                       "h.md5, h.created_at_ms FROM product_h5 b JOIN h5_templates h "
                       "ON h.id = b.h5_template_id WHERE b.mid = ? AND b.platform = ?",
                       ReadH5, mid, platform);
}

StoreStatus SqliteStore::AuthorizeProduct(const std::string& mid, const std::string& pid,
                                          int64_t at_ms) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("AuthorizeProduct", mid,
            "INSERT OR IGNORE INTO product_authorizations (mid, pid, created_at_ms) "
            "VALUES (?, ?, ?)",
            mid, pid, at_ms)
      .status();
}

StoreStatus SqliteStore::UnauthorizeProduct(const std::string& mid, const std::string& pid) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("UnauthorizeProduct", mid,
            "DELETE FROM product_authorizations WHERE mid = ? AND pid = ?", mid, pid)
      .status();
}

StoreResult<std::vector<std::string>> SqliteStore::ListProductAuthorizations(
    const std::string& mid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListProductAuthorizations", mid,
                       "SELECT pid FROM product_authorizations WHERE mid = ? ORDER BY pid",
                       ReadFirstText, mid);
}

StoreResult<std::vector<Product>> SqliteStore::ListAuthorizedProducts(const std::string& pid) {
  std::vector<Product> out;
  std::vector<std::string> mids;
  {
    std::lock_guard lock(mu_);
    auto r = db_->QueryAll("ListAuthorizedProducts", pid,
                           "SELECT mid FROM product_authorizations WHERE pid = ? ORDER BY mid",
                           ReadFirstText, pid);
    if (!r.ok()) return r.status();
    mids = std::move(*r);
  }
  for (const auto& mid : mids) {
    auto p = GetProduct(mid);
    if (!p.ok()) return p.status();
    out.push_back(std::move(*p));
  }
  return out;
}

#undef KRYPTON_H5_COLUMNS

}  // namespace krypton::storage
