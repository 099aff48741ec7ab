// SqliteStore: devices, binding, shares and folders.
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::FirstInt;
using sqlite::FirstInt64;
using sqlite::FirstText;
using sqlite::NullIfEmpty;
using sqlite::Statement;

namespace {

constexpr char kRootFolder[] = "0";

#define KRYPTON_DEVICE_COLUMNS                                                              \
  "dev_tid, mid, bind_key, ctrl_key, token_hash, last_token_hash, owner_uid, bound_at_ms, " \
  "device_name, registered, online, last_seen_ms, first_login_ms, info_json, state_json, "  \
  "state_at_ms, created_at_ms, license_revoked"

#define KRYPTON_SHARE_COLUMNS                                                        \
  "id, dev_tid, grantor, grantee, mode, instruction_expire_json, enable_scheduler, " \
  "enable_ifttt, description, grant_time_ms, update_time_ms, expire_at_ms"

Device ReadDevice(const Statement& s) {
  Device d;
  d.dev_tid = s.Text(0);
  d.mid = s.Text(1);
  d.bind_key = s.Text(2);
  d.ctrl_key = s.Text(3);
  d.token_hash = s.Text(4);
  d.last_token_hash = s.Text(5);
  d.owner_uid = s.Text(6);  // NULL (unbound) reads as ""
  d.bound_at_ms = s.Int64(7);
  d.device_name = s.Text(8);
  d.registered = s.Bool(9);
  d.online = s.Bool(10);
  d.last_seen_ms = s.Int64(11);
  d.first_login_ms = s.Int64(12);
  d.info_json = s.Text(13);
  d.state_json = s.Text(14);
  d.state_at_ms = s.Int64(15);
  d.created_at_ms = s.Int64(16);
  d.license_revoked = s.Bool(17);
  return d;
}

Share ReadShare(const Statement& s) {
  Share sh;
  sh.id = s.Int64(0);
  sh.dev_tid = s.Text(1);
  sh.grantor = s.Text(2);
  sh.grantee = s.Text(3);
  sh.mode = s.Text(4);
  sh.instruction_expire_json = s.Text(5);
  sh.enable_scheduler = s.Bool(6);
  sh.enable_ifttt = s.Bool(7);
  sh.desc = s.Text(8);
  sh.grant_time_ms = s.Int64(9);
  sh.update_time_ms = s.Int64(10);
  sh.expire_at_ms = s.Int64(11);
  return sh;
}

Folder ReadFolder(const Statement& s) {
  Folder f;
  f.folder_id = s.Text(0);
  f.uid = s.Text(1);
  f.name = s.Text(2);
  f.created_at_ms = s.Int64(3);
  return f;
}

}  // namespace

// ---- Devices --------------------------------------------------------------------------

StoreStatus SqliteStore::CreateDevice(const Device& d) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateDevice", d.dev_tid,
            "INSERT INTO devices (" KRYPTON_DEVICE_COLUMNS
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            d.dev_tid, d.mid, d.bind_key, d.ctrl_key, d.token_hash, d.last_token_hash,
            NullIfEmpty{d.owner_uid}, d.bound_at_ms, d.device_name, d.registered, d.online,
            d.last_seen_ms, d.first_login_ms, d.info_json, d.state_json, d.state_at_ms,
            d.created_at_ms, d.license_revoked)
      .status();
}

StoreResult<Device> SqliteStore::GetDevice(const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetDevice", dev_tid,
                       "SELECT " KRYPTON_DEVICE_COLUMNS " FROM devices WHERE dev_tid = ?",
                       ReadDevice, dev_tid);
}

StoreResult<Device> SqliteStore::FindDeviceByCtrlKey(const std::string& ctrl_key) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("FindDeviceByCtrlKey", "(ctrlKey)",
                       "SELECT " KRYPTON_DEVICE_COLUMNS " FROM devices WHERE ctrl_key = ?",
                       ReadDevice, ctrl_key);
}

StoreStatus SqliteStore::UpdateDeviceTokens(const std::string& dev_tid,
                                            const std::string& token_hash,
                                            const std::string& last_token_hash) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("UpdateDeviceTokens", dev_tid,
                       "UPDATE devices SET token_hash = ?, last_token_hash = ? WHERE dev_tid = ?",
                       token_hash, last_token_hash, dev_tid);
}

StoreStatus SqliteStore::SetDeviceOnline(const std::string& dev_tid, bool online, int64_t at_ms) {
  std::lock_guard lock(mu_);
  // The first time a device comes online also records its first login.
  return db_->RunOnRow(
      "SetDeviceOnline", dev_tid,
      "UPDATE devices SET online = ?1, last_seen_ms = ?2, first_login_ms = CASE "
      "WHEN ?1 = 1 AND first_login_ms = 0 THEN ?2 ELSE first_login_ms END WHERE dev_tid = ?3",
      online, at_ms, dev_tid);
}

StoreStatus SqliteStore::SetAllDevicesOffline() {
  std::lock_guard lock(mu_);
  return db_->Run("SetAllDevicesOffline", "", "UPDATE devices SET online = 0 WHERE online <> 0")
      .status();
}

StoreStatus SqliteStore::SaveDeviceInfo(const std::string& dev_tid, const std::string& info_json) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("SaveDeviceInfo", dev_tid,
                       "UPDATE devices SET info_json = ? WHERE dev_tid = ?", info_json, dev_tid);
}

StoreStatus SqliteStore::SetDeviceName(const std::string& dev_tid, const std::string& name) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("SetDeviceName", dev_tid,
                       "UPDATE devices SET device_name = ? WHERE dev_tid = ?", name, dev_tid);
}

StoreStatus SqliteStore::SetDeviceLicenseRevoked(const std::string& dev_tid, bool revoked) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("SetDeviceLicenseRevoked", dev_tid,
                       "UPDATE devices SET license_revoked = ? WHERE dev_tid = ?", revoked,
                       dev_tid);
}

StoreStatus SqliteStore::SaveDeviceState(const std::string& dev_tid, const std::string& state_json,
                                         int64_t at_ms) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("SaveDeviceState", dev_tid,
                       "UPDATE devices SET state_json = ?, state_at_ms = ? WHERE dev_tid = ?",
                       state_json, at_ms, dev_tid);
}

StoreResult<std::vector<Device>> SqliteStore::ListDevicesByOwner(const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListDevicesByOwner", uid,
                       "SELECT " KRYPTON_DEVICE_COLUMNS
                       " FROM devices WHERE owner_uid = ? ORDER BY dev_tid",
                       ReadDevice, uid);
}

// ---- Binding --------------------------------------------------------------------------

StoreStatus SqliteStore::BindDevice(const std::string& dev_tid, const std::string& uid,
                                    int64_t at_ms) {
  std::lock_guard lock(mu_);
  // Re-binding to the same owner keeps the original bound_at_ms. An unknown uid fails
  // the foreign key (kNotFound).
  StoreResult<int64_t> changed =
      db_->Run("BindDevice", dev_tid,
               "UPDATE devices SET owner_uid = ?2, "
               "bound_at_ms = CASE WHEN owner_uid IS NULL THEN ?3 ELSE bound_at_ms END "
               "WHERE dev_tid = ?1 AND (owner_uid IS NULL OR owner_uid = ?2)",
               dev_tid, uid, at_ms);
  if (!changed.ok()) return changed.status();
  if (*changed > 0) return {};
  // No row changed: either there is no such device or another user owns it.
  StoreResult<int> exists = db_->QueryOne(
      "BindDevice", dev_tid, "SELECT 1 FROM devices WHERE dev_tid = ?", FirstInt, dev_tid);
  if (!exists.ok()) return exists.status();
  return StoreStatus::Conflict("BindDevice " + dev_tid + ": bound to another user");
}

StoreStatus SqliteStore::UnbindDevice(const std::string& dev_tid, const std::string& new_ctrl_key) {
  std::lock_guard lock(mu_);
  return Atomically("UnbindDevice", [&]() -> StoreStatus {
    StoreStatus s = db_->RunOnRow(
        "UnbindDevice", dev_tid,
        "UPDATE devices SET owner_uid = NULL, bound_at_ms = 0, ctrl_key = ? WHERE dev_tid = ?",
        new_ctrl_key, dev_tid);
    if (!s.ok()) return s;
    for (const char* sql : {"DELETE FROM shares WHERE dev_tid = ?",
                            "DELETE FROM reverse_auth_templates WHERE dev_tid = ?",
                            "DELETE FROM reverse_auth_requests WHERE dev_tid = ?",
                            "DELETE FROM scheduler_tasks WHERE dev_tid = ?"}) {
      s = db_->Run("UnbindDevice", dev_tid, sql, dev_tid).status();
      if (!s.ok()) return s;
    }
    return db_
        ->Run("UnbindDevice", dev_tid, "DELETE FROM folder_members WHERE dev_tid = ?", dev_tid)
        .status();
  });
}

// ---- Shares ---------------------------------------------------------------------------

StoreResult<int64_t> SqliteStore::CreateShare(const Share& s) {
  std::lock_guard lock(mu_);
  // s.id is ignored: the database assigns it.
  return db_->QueryOne(
      "CreateShare", s.dev_tid,
      "INSERT INTO shares (dev_tid, grantor, grantee, mode, instruction_expire_json, "
      "enable_scheduler, enable_ifttt, description, grant_time_ms, update_time_ms, "
      "expire_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      FirstInt64, s.dev_tid, s.grantor, s.grantee, s.mode, s.instruction_expire_json,
      s.enable_scheduler, s.enable_ifttt, s.desc, s.grant_time_ms, s.update_time_ms,
      s.expire_at_ms);
}

StoreStatus SqliteStore::UpdateShare(const Share& s) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow(
      "UpdateShare", std::to_string(s.id),
      "UPDATE shares SET mode = ?, instruction_expire_json = ?, enable_scheduler = ?, "
      "enable_ifttt = ?, description = ?, update_time_ms = ?, expire_at_ms = ? WHERE id = ?",
      s.mode, s.instruction_expire_json, s.enable_scheduler, s.enable_ifttt, s.desc,
      s.update_time_ms, s.expire_at_ms, s.id);
}

StoreResult<Share> SqliteStore::GetShare(const std::string& dev_tid, const std::string& grantee) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetShare", dev_tid,
                       "SELECT " KRYPTON_SHARE_COLUMNS
                       " FROM shares WHERE dev_tid = ? AND grantee = ?",
                       ReadShare, dev_tid, grantee);
}

StoreResult<std::vector<Share>> SqliteStore::ListSharesByDevice(const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListSharesByDevice", dev_tid,
                       "SELECT " KRYPTON_SHARE_COLUMNS " FROM shares WHERE dev_tid = ? ORDER BY id",
                       ReadShare, dev_tid);
}

StoreResult<std::vector<Share>> SqliteStore::ListSharesByGrantee(const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListSharesByGrantee", uid,
                       "SELECT " KRYPTON_SHARE_COLUMNS " FROM shares WHERE grantee = ? ORDER BY id",
                       ReadShare, uid);
}

StoreStatus SqliteStore::DeleteShare(const std::string& dev_tid, const std::string& grantee) {
  std::lock_guard lock(mu_);
  // The grantee no longer sees the device, so it leaves the grantee's folders too.
  return Atomically("DeleteShare", [&]() -> StoreStatus {
    StoreStatus s =
        db_->RunOnRow("DeleteShare", dev_tid,
                      "DELETE FROM shares WHERE dev_tid = ? AND grantee = ?", dev_tid, grantee);
    if (!s.ok()) return s;
    // Nor do its scheduler tasks on the device fire any more (issue 16).
    s = db_->Run("DeleteShare", dev_tid,
                 "DELETE FROM scheduler_tasks WHERE uid = ? AND dev_tid = ?", grantee, dev_tid)
            .status();
    if (!s.ok()) return s;
    return db_
        ->Run("DeleteShare", dev_tid, "DELETE FROM folder_members WHERE uid = ? AND dev_tid = ?",
              grantee, dev_tid)
        .status();
  });
}

// ---- Folders --------------------------------------------------------------------------

StoreStatus SqliteStore::CreateFolder(const Folder& f) {
  std::lock_guard lock(mu_);
  if (f.folder_id.empty() || f.folder_id == kRootFolder) {
    return StoreStatus::Failed("CreateFolder " + f.uid + ": folder id \"" + f.folder_id +
                               "\" is reserved");
  }
  return db_
      ->Run("CreateFolder", f.folder_id,
            "INSERT INTO folders (folder_id, uid, name, created_at_ms) VALUES (?, ?, ?, ?)",
            f.folder_id, f.uid, f.name, f.created_at_ms)
      .status();
}

StoreResult<std::vector<Folder>> SqliteStore::ListFolders(const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListFolders", uid,
                       "SELECT folder_id, uid, name, created_at_ms FROM folders WHERE uid = ? "
                       "ORDER BY created_at_ms, folder_id",
                       ReadFolder, uid);
}

StoreStatus SqliteStore::RenameFolder(const std::string& uid, const std::string& folder_id,
                                      const std::string& name) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("RenameFolder", folder_id,
                       "UPDATE folders SET name = ? WHERE uid = ? AND folder_id = ?", name, uid,
                       folder_id);
}

StoreStatus SqliteStore::DeleteFolder(const std::string& uid, const std::string& folder_id) {
  std::lock_guard lock(mu_);
  // Devices go back to the root by losing their membership row. The foreign key would
  // cascade too; deleting explicitly keeps the rule visible and backend-independent.
  return Atomically("DeleteFolder", [&]() -> StoreStatus {
    StoreStatus s =
        db_->Run("DeleteFolder", folder_id,
                 "DELETE FROM folder_members WHERE uid = ? AND folder_id = ?", uid, folder_id)
            .status();
    if (!s.ok()) return s;
    return db_->RunOnRow("DeleteFolder", folder_id,
                         "DELETE FROM folders WHERE uid = ? AND folder_id = ?", uid, folder_id);
  });
}

StoreStatus SqliteStore::SetDeviceFolder(const std::string& uid, const std::string& dev_tid,
                                         const std::string& folder_id) {
  std::lock_guard lock(mu_);
  if (folder_id == kRootFolder) {
    StoreResult<int> exists = db_->QueryOne(
        "SetDeviceFolder", dev_tid, "SELECT 1 FROM devices WHERE dev_tid = ?", FirstInt, dev_tid);
    if (!exists.ok()) return exists.status();
    return db_
        ->Run("SetDeviceFolder", dev_tid,
              "DELETE FROM folder_members WHERE uid = ? AND dev_tid = ?", uid, dev_tid)
        .status();
  }
  // A folder of another user, or an unknown device, fails a foreign key (kNotFound).
  return db_
      ->Run("SetDeviceFolder", dev_tid,
            "INSERT INTO folder_members (uid, dev_tid, folder_id) VALUES (?, ?, ?) "
            "ON CONFLICT (uid, dev_tid) DO UPDATE SET folder_id = excluded.folder_id",
            uid, dev_tid, folder_id)
      .status();
}

StoreResult<std::vector<std::string>> SqliteStore::ListFolderDevices(const std::string& uid,
                                                                     const std::string& folder_id) {
  std::lock_guard lock(mu_);
  if (folder_id == kRootFolder) {
    // The user's devices (owned or shared with them) that are in no other folder.
    return db_->QueryAll("ListFolderDevices", uid,
                         "SELECT dev_tid FROM devices WHERE owner_uid = ?1 "
                         "UNION SELECT dev_tid FROM shares WHERE grantee = ?1 "
                         "EXCEPT SELECT dev_tid FROM folder_members WHERE uid = ?1 "
                         "ORDER BY dev_tid",
                         FirstText, uid);
  }
  StoreResult<int> exists = db_->QueryOne("ListFolderDevices", folder_id,
                                          "SELECT 1 FROM folders WHERE uid = ? AND folder_id = ?",
                                          FirstInt, uid, folder_id);
  if (!exists.ok()) return exists.status();
  return db_->QueryAll("ListFolderDevices", folder_id,
                       "SELECT dev_tid FROM folder_members WHERE uid = ? AND folder_id = ? "
                       "ORDER BY dev_tid",
                       FirstText, uid, folder_id);
}

#undef KRYPTON_DEVICE_COLUMNS
#undef KRYPTON_SHARE_COLUMNS

}  // namespace krypton::storage
