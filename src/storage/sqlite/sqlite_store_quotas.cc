// SqliteStore: quotas, issued licences and the enterprise's device list
// (enterprise-api.md §4.2, E12, E14–E16). total -1 = unlimited.
#include <algorithm>

#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::FirstInt64;
using sqlite::FirstText;
using sqlite::Statement;

namespace {

Quota ReadQuota(const Statement& s) {
  Quota q;
  q.pid = s.Text(0);
  q.mid = s.Text(1);
  q.kind = s.Text(2);
  q.total = s.Int64(3);
  q.used = s.Int64(4);
  return q;
}

// What one row may still give; a missing row gives nothing.
int64_t Left(const std::optional<Quota>& q) { return q ? q->Remaining() : 0; }

}  // namespace

StoreStatus SqliteStore::SetQuota(const Quota& q) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("SetQuota", q.pid,
            "INSERT INTO quotas (pid, mid, kind, total, used) VALUES (?1, ?2, ?3, ?4, 0) "
            "ON CONFLICT (pid, mid, kind) DO UPDATE SET total = excluded.total",
            q.pid, q.mid, q.kind, q.total)
      .status();
}

StoreResult<std::vector<Quota>> SqliteStore::ListQuotas(const std::string& pid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListQuotas", pid,
                       "SELECT pid, mid, kind, total, used FROM quotas WHERE pid = ? "
                       "ORDER BY CASE mid WHEN '*' THEN 0 ELSE 1 END, mid, kind",
                       ReadQuota, pid);
}

StoreResult<int64_t> SqliteStore::QuotaRemaining(const std::string& pid, const std::string& mid,
                                                 const std::string& kind) {
  std::lock_guard lock(mu_);
  std::optional<Quota> rows[2];
  const std::string mids[2] = {mid, "*"};
  for (int i = 0; i < 2; ++i) {
    auto q = db_->QueryOne("QuotaRemaining", pid,
                           "SELECT pid, mid, kind, total, used FROM quotas "
                           "WHERE pid = ? AND mid = ? AND kind = ?",
                           ReadQuota, pid, mids[i], kind);
    if (q.ok()) {
      rows[i] = *q;
    } else if (!q.status().not_found()) {
      return q.status();
    }
  }
  int64_t own = Left(rows[0]), all = Left(rows[1]);
  if (own == Quota::kUnlimited || all == Quota::kUnlimited) return Quota::kUnlimited;
  return own + all;
}

StoreStatus SqliteStore::DrawQuota(const std::string& pid, const std::string& mid,
                                   const std::string& kind, int64_t n) {
  std::lock_guard lock(mu_);
  return Atomically("DrawQuota", [&]() -> StoreStatus {
    auto remaining = QuotaRemaining(pid, mid, kind);
    if (!remaining.ok()) return remaining.status();
    if (*remaining != Quota::kUnlimited && *remaining < n) {
      return StoreStatus::Conflict("DrawQuota " + pid + ": need " + std::to_string(n) + ", have " +
                                   std::to_string(*remaining));
    }
    // The product's row first (all of it when unlimited), the rest from "*".
    int64_t left = n;
    for (const std::string& m : {mid, std::string("*")}) {
      if (left == 0) break;
      auto q = db_->QueryOne("DrawQuota", pid,
                             "SELECT pid, mid, kind, total, used FROM quotas "
                             "WHERE pid = ? AND mid = ? AND kind = ?",
                             ReadQuota, pid, m, kind);
      if (q.status().not_found()) continue;
      if (!q.ok()) return q.status();
      int64_t take = q->total == Quota::kUnlimited ? left : std::min(left, Left(*q));
      if (take == 0) continue;
      auto s = db_->RunOnRow("DrawQuota", pid,
                             "UPDATE quotas SET used = used + ?4 "
                             "WHERE pid = ?1 AND mid = ?2 AND kind = ?3",
                             pid, m, kind, take);
      if (!s.ok()) return s;
      left -= take;
    }
    return {};
  });
}

StoreStatus SqliteStore::ReturnQuota(const std::string& pid, const std::string& mid,
                                     const std::string& kind) {
  std::lock_guard lock(mu_);
  return Atomically("ReturnQuota", [&]() -> StoreStatus {
    for (const std::string& m : {mid, std::string("*")}) {
      auto s = db_->Run("ReturnQuota", pid,
                        "UPDATE quotas SET used = used - 1 "
                        "WHERE pid = ? AND mid = ? AND kind = ? AND used > 0",
                        pid, m, kind);
      if (!s.ok()) return s.status();
      if (*s > 0) return {};
    }
    return {};
  });
}

StoreStatus SqliteStore::DeleteDevice(const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("DeleteDevice", dev_tid, "DELETE FROM devices WHERE dev_tid = ?", dev_tid);
}

StoreStatus SqliteStore::MarkLicenseIssued(const std::string& dev_tid, int64_t at_ms) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("MarkLicenseIssued", dev_tid,
            "INSERT OR REPLACE INTO device_licenses (dev_tid, issued_at_ms) VALUES (?, ?)", dev_tid,
            at_ms)
      .status();
}

StoreResult<bool> SqliteStore::IsLicenseIssued(const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  auto n =
      db_->QueryOne("IsLicenseIssued", dev_tid,
                    "SELECT COUNT(*) FROM device_licenses WHERE dev_tid = ?", FirstInt64, dev_tid);
  if (!n.ok()) return n.status();
  return *n > 0;
}

StoreResult<std::vector<std::string>> SqliteStore::ListEnterpriseDevices(const std::string& pid,
                                                                         const std::string& mid,
                                                                         std::optional<bool> online,
                                                                         int64_t offset,
                                                                         int64_t limit) {
  std::lock_guard lock(mu_);
  // ?3: -1 = any, else the online flag.
  return db_->QueryAll("ListEnterpriseDevices", pid,
                       "SELECT d.dev_tid FROM devices d JOIN products p ON p.mid = d.mid "
                       "WHERE (p.pid = ?1 OR EXISTS (SELECT 1 FROM product_authorizations a "
                       "WHERE a.mid = p.mid AND a.pid = ?1)) AND (?2 = '' OR d.mid = ?2) "
                       "AND (?3 = -1 OR d.online = ?3) ORDER BY d.dev_tid LIMIT ?4 OFFSET ?5",
                       FirstText, pid, mid, online ? int64_t{*online ? 1 : 0} : int64_t{-1}, limit,
                       offset);
}

}  // namespace krypton::storage
