// SqliteStore: binding PINs and the results of the devices that presented them
// (user-api.md §5.1.4, hub-protocol.md §3.12).
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::Statement;

namespace {

#define KRYPTON_PIN_COLUMNS "pin_hash, uid, pid, ssid, created_at_ms, expires_at_ms"
#define KRYPTON_RESULT_COLUMNS "pin_hash, dev_tid, code, msg, at_ms"

constexpr int kBound = 5200000;  // a recorded success is never replaced (D22)

PinCode ReadPin(const Statement& s) {
  PinCode p;
  p.pin_hash = s.Text(0);
  p.uid = s.Text(1);
  p.pid = s.Text(2);
  p.ssid = s.Text(3);
  p.created_at_ms = s.Int64(4);
  p.expires_at_ms = s.Int64(5);
  return p;
}

BindResult ReadResult(const Statement& s) {
  BindResult r;
  r.pin_hash = s.Text(0);
  r.dev_tid = s.Text(1);
  r.code = s.Int(2);
  r.msg = s.Text(3);
  r.at_ms = s.Int64(4);
  return r;
}

}  // namespace

StoreStatus SqliteStore::PutPinCode(const PinCode& pin, int64_t purge_before_ms) {
  std::lock_guard lock(mu_);
  return Atomically("PutPinCode", [&]() -> StoreStatus {
    // bind_results rows go with their PIN (ON DELETE CASCADE).
    StoreStatus s = db_->Run("PutPinCode", pin.uid, "DELETE FROM pin_codes WHERE expires_at_ms < ?",
                             purge_before_ms)
                        .status();
    if (!s.ok()) return s;
    s = db_->Run("PutPinCode", pin.uid, "DELETE FROM pin_codes WHERE uid = ? AND ssid = ?", pin.uid,
                 pin.ssid)
            .status();
    if (!s.ok()) return s;
    return db_
        ->Run("PutPinCode", pin.uid,
              "INSERT INTO pin_codes (" KRYPTON_PIN_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)",
              pin.pin_hash, pin.uid, pin.pid, pin.ssid, pin.created_at_ms, pin.expires_at_ms)
        .status();
  });
}

StoreResult<PinCode> SqliteStore::GetPinCode(const std::string& pin_hash) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetPinCode", "",
                       "SELECT " KRYPTON_PIN_COLUMNS " FROM pin_codes WHERE pin_hash = ?", ReadPin,
                       pin_hash);
}

StoreResult<std::vector<PinCode>> SqliteStore::ListLivePinCodes(const std::string& ssid,
                                                                int64_t now_ms) {
  std::lock_guard lock(mu_);
  return db_->QueryAll(
      "ListLivePinCodes", ssid,
      "SELECT " KRYPTON_PIN_COLUMNS
      " FROM pin_codes WHERE ssid = ? AND expires_at_ms > ? ORDER BY created_at_ms",
      ReadPin, ssid, now_ms);
}

StoreStatus SqliteStore::PutBindResult(const BindResult& r) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("PutBindResult", r.dev_tid,
            "INSERT INTO bind_results (" KRYPTON_RESULT_COLUMNS
            ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (pin_hash, dev_tid) DO UPDATE SET"
            " code = excluded.code, msg = excluded.msg, at_ms = excluded.at_ms"
            " WHERE bind_results.code <> ?",
            r.pin_hash, r.dev_tid, r.code, r.msg, r.at_ms, kBound)
      .status();
}

StoreResult<std::vector<BindResult>> SqliteStore::ListBindResults(const std::string& pin_hash) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListBindResults", "",
                       "SELECT " KRYPTON_RESULT_COLUMNS
                       " FROM bind_results WHERE pin_hash = ? ORDER BY at_ms, rowid",
                       ReadResult, pin_hash);
}

}  // namespace krypton::storage
