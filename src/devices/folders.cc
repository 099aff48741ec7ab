#include "devices/folders.h"

#include <algorithm>
#include <cctype>

#include "common/secrets.h"
#include "devices/sharing.h"
#include "devices/sharing_internal.h"

namespace krypton::devices {
namespace {

using internal::Transact;

constexpr size_t kMaxNameChars = 128;

bool Chinese(char32_t c) {  // CJK unified and compatibility ideographs, all extensions
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

// 1..128 characters, each an English letter, a digit or a Chinese character (§5.2);
// the name must be valid UTF-8.
bool ValidName(std::string_view s) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++chars) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!std::isalnum(b)) return false;
      ++i;
      continue;
    }
    size_t len = b > 0xF4 ? 0 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 0;  // ideographs: 3 or 4
    if (len == 0 || i + len > s.size()) return false;
    char32_t c = b & (len == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return false;
      c = (c << 6) | (cont & 0x3F);
    }
    if (!Chinese(c) || (len == 4 && c < 0x10000)) return false;  // overlong forms too
    i += len;
  }
  return chars >= 1 && chars <= kMaxNameChars;
}

// The devices the user may see: owned, or shared and not expired.
Result<std::set<std::string>> Visible(storage::Store& tx, const std::string& uid, int64_t now_ms) {
  std::set<std::string> out;
  auto owned = tx.ListDevicesByOwner(uid);
  if (!owned.ok()) return storage::Internal(owned.status());
  for (const auto& d : *owned) out.insert(d.dev_tid);
  auto shares = tx.ListSharesByGrantee(uid);
  if (!shares.ok()) return storage::Internal(shares.status());
  for (const auto& s : *shares) {
    if (LiveShare(s, now_ms)) out.insert(s.dev_tid);
  }
  return out;
}

// The visible devices in the user's folder; 6400007 for an unknown folder.
Result<std::set<std::string>> Members(storage::Store& tx, const std::string& uid,
                                      const std::string& folder_id,
                                      const std::set<std::string>& visible) {
  auto listed = tx.ListFolderDevices(uid, folder_id);
  if (!listed.ok()) {
    return storage::ToStatus(listed.status(), Code::kUserFolderNotExist, Code::kUserInternal,
                             Code::kUserInternal);
  }
  std::set<std::string> out;
  for (auto& dev_tid : *listed) {
    if (visible.count(dev_tid) > 0) out.insert(std::move(dev_tid));
  }
  return out;
}

// The user's folder `folder_id` ("0" = the root); 6400007 when the user has none such.
Result<storage::Folder> Find(storage::Store& tx, const std::string& uid,
                             const std::string& folder_id) {
  if (folder_id == kRootFolder) return storage::Folder{kRootFolder, uid, kRootFolderName, 0};
  auto folders = tx.ListFolders(uid);
  if (!folders.ok()) return storage::Internal(folders.status());
  for (auto& f : *folders) {
    if (f.folder_id == folder_id) return std::move(f);
  }
  return Status(Code::kUserFolderNotExist);
}

// 6400006 when `name` is the root's or another folder's of the user.
Status NameFree(const std::vector<storage::Folder>& folders, const std::string& name,
                const std::string& except_id = "") {
  if (name == kRootFolderName) return Status(Code::kUserDuplicateFolder);
  for (const auto& f : folders) {
    if (f.name == name && f.folder_id != except_id) return Status(Code::kUserDuplicateFolder);
  }
  return Status::Ok();
}

// Whether `uid` may file the device: owner, or holder of a live share, with the device's
// ctrlKey. 6400004 unknown device, 5400014 otherwise.
Status Fileable(storage::Store& tx, const std::string& uid, const FolderItem& item,
                int64_t now_ms) {
  auto d = tx.GetDevice(item.dev_tid);
  if (!d.ok()) {
    return storage::ToStatus(d.status(), Code::kUserDeviceNotExist, Code::kUserInternal,
                             Code::kUserInternal);
  }
  bool mine = d->owner_uid == uid;
  if (!mine) {
    auto share = tx.GetShare(item.dev_tid, uid);
    if (!share.ok() && !share.status().not_found()) return storage::Internal(share.status());
    mine = share.ok() && LiveShare(*share, now_ms);
  }
  if (!mine || item.ctrl_key.empty() || !ConstantTimeEqual(item.ctrl_key, d->ctrl_key)) {
    return Status(Code::kUserDeviceNotOwned);
  }
  return Status::Ok();
}

}  // namespace

Result<FolderView> CreateFolder(Env& env, const Caller& caller, const std::string& name,
                                int64_t now_ms) {
  if (!ValidName(name)) return Status(Code::kUserInvalidParam, "folderName");
  FolderView view;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto folders = tx.ListFolders(caller.uid);
    if (!folders.ok()) return storage::Internal(folders.status());
    if (Status taken = NameFree(*folders, name); !taken.ok()) return taken;
    if (static_cast<int>(folders->size()) >= env.config.limits.folders_per_user) {
      return Status(Code::kUserFolderLimit);
    }
    // Listed by creation time: keep it strictly increasing per user, even within one ms.
    int64_t created = now_ms;
    if (!folders->empty()) created = std::max(created, folders->back().created_at_ms + 1);
    view.folder = storage::Folder{RandomHex(12), caller.uid, name, created};
    if (auto s = tx.CreateFolder(view.folder); !s.ok()) {
      // A conflict is the name taken (a 96-bit id does not collide).
      return storage::ToStatus(s, Code::kUserInternal, Code::kUserDuplicateFolder,
                               Code::kUserInternal);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return view;
}

Result<std::vector<FolderView>> ListFolders(Env& env, const Caller& caller,
                                            const std::set<std::string>& wanted, int page, int size,
                                            int64_t now_ms) {
  size = std::clamp(size, 1, env.config.limits.folders_per_user + 1);
  page = std::max(0, page);
  std::vector<FolderView> out;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    out.clear();
    auto stored = tx.ListFolders(caller.uid);
    if (!stored.ok()) return storage::Internal(stored.status());
    std::vector<storage::Folder> folders{{kRootFolder, caller.uid, kRootFolderName, 0}};
    folders.insert(folders.end(), stored->begin(), stored->end());
    auto visible = Visible(tx, caller.uid, now_ms);
    if (!visible.ok()) return visible.status();
    int index = 0;
    for (auto& f : folders) {
      if (!wanted.empty() && wanted.count(f.folder_id) == 0) continue;
      if (index++ < page * size) continue;
      if (index > (page + 1) * size) break;
      auto members = Members(tx, caller.uid, f.folder_id, *visible);
      if (!members.ok()) return members.status();
      out.push_back({std::move(f), std::move(members).value()});
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status RenameFolder(Env& env, const Caller& caller, const std::string& folder_id,
                    const std::string& new_name) {
  if (folder_id == kRootFolder) return Status(Code::kUserCannotRenameRootFolder);
  return Transact(env.store, [&](storage::Store& tx) -> Status {
    auto folders = tx.ListFolders(caller.uid);
    if (!folders.ok()) return storage::Internal(folders.status());
    auto folder = std::find_if(folders->begin(), folders->end(),
                               [&](const storage::Folder& f) { return f.folder_id == folder_id; });
    if (folder == folders->end()) return Status(Code::kUserFolderNotExist);
    if (!ValidName(new_name)) return Status(Code::kUserInvalidParam, "newFolderName");
    if (new_name == folder->name) return Status::Ok();
    if (Status taken = NameFree(*folders, new_name, folder_id); !taken.ok()) return taken;
    if (auto s = tx.RenameFolder(caller.uid, folder_id, new_name); !s.ok()) {
      return storage::ToStatus(s, Code::kUserFolderNotExist, Code::kUserDuplicateFolder,
                               Code::kUserInternal);
    }
    return Status::Ok();
  });
}

Status DeleteFolder(Env& env, const Caller& caller, const std::string& folder_id) {
  if (folder_id == kRootFolder) return Status(Code::kUserCannotRemoveRootFolder);
  return Transact(env.store, [&](storage::Store& tx) -> Status {
    if (auto s = tx.DeleteFolder(caller.uid, folder_id); !s.ok()) {
      return storage::ToStatus(s, Code::kUserFolderNotExist, Code::kUserInternal,
                               Code::kUserInternal);
    }
    return Status::Ok();
  });
}

Status DeleteAllFolders(Env& env, const Caller& caller) {
  return Transact(env.store, [&](storage::Store& tx) -> Status {
    auto folders = tx.ListFolders(caller.uid);
    if (!folders.ok()) return storage::Internal(folders.status());
    for (const auto& f : *folders) {
      if (auto d = tx.DeleteFolder(caller.uid, f.folder_id); !d.ok()) return storage::Internal(d);
    }
    return Status::Ok();
  });
}

Result<std::vector<Status>> FileDevices(Env& env, const Caller& caller,
                                        const std::string& folder_id,
                                        const std::vector<FolderItem>& items, int64_t now_ms,
                                        FolderView* after) {
  std::vector<Status> results;
  FolderView view;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    results.clear();
    auto folder = Find(tx, caller.uid, folder_id);
    if (!folder.ok()) return folder.status();
    auto visible = Visible(tx, caller.uid, now_ms);
    if (!visible.ok()) return visible.status();
    auto members = Members(tx, caller.uid, folder->folder_id, *visible);
    if (!members.ok()) return members.status();
    for (const FolderItem& item : items) {
      Status s = Fileable(tx, caller.uid, item, now_ms);
      if (s.code() == Code::kUserInternal) return s;
      if (s.ok() && members->count(item.dev_tid) == 0) {
        if (static_cast<int>(members->size()) >= env.config.limits.devices_per_folder) {
          s = Status(Code::kUserFolderFull);
        } else if (auto w = tx.SetDeviceFolder(caller.uid, item.dev_tid, folder->folder_id);
                   !w.ok()) {
          if (!w.not_found()) return storage::Internal(w);
          s = Status(Code::kUserDeviceNotExist);
        } else {
          members->insert(item.dev_tid);
        }
      }
      results.push_back(std::move(s));
    }
    view = FolderView{std::move(folder).value(), std::move(members).value()};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (after != nullptr) *after = std::move(view);
  return results;
}

Status UnfileDevice(Env& env, const Caller& caller, const std::string& folder_id,
                    const FolderItem& item, int64_t now_ms) {
  return Transact(env.store, [&](storage::Store& tx) -> Status {
    auto folder = Find(tx, caller.uid, folder_id);
    if (!folder.ok()) return folder.status();
    if (Status s = Fileable(tx, caller.uid, item, now_ms); !s.ok()) return s;
    if (folder->folder_id == kRootFolder) return Status::Ok();  // already at the root
    auto listed = tx.ListFolderDevices(caller.uid, folder->folder_id);
    if (!listed.ok()) return storage::Internal(listed.status());
    // Only a device in this folder moves; one filed elsewhere stays where it is.
    if (std::find(listed->begin(), listed->end(), item.dev_tid) != listed->end()) {
      if (auto s = tx.SetDeviceFolder(caller.uid, item.dev_tid, kRootFolder); !s.ok()) {
        return storage::Internal(s);
      }
    }
    return Status::Ok();
  });
}

}  // namespace krypton::devices
