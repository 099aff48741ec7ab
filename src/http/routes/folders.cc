// Folders of the user API (user-api.md §5.2). Every user has the implicit root "0"; a
// device the user owns or holds an unexpired share of is in exactly one of the user's
// folders, the root unless moved. Limits (D12): limits.folders_per_user (6400008),
// limits.devices_per_folder, root included (6400005). Folder = {folderId, folderName,
// devTidList}.
//   POST   /folder {folderName}                        → 201 Folder (6400006, 6400008, 6400017)
//   GET    /folder?folderId=a,b&page=0&size=20         → 200 [Folder], root first
//   PUT    /folder/{folderId} {newFolderName}          → 204 (6400007, 6400010, 6400006, 6400017)
//   DELETE /folder/{folderId}                          → 204, its devices back to root
//                                                        (6400007, 6400009)
//   DELETE /folder                                     → 204, every folder but the root gone
//   POST   /folder/{folderId} {devTid, ctrlKey}        → 201 Folder (6400007, 6400005, 6400004,
//                                                        5400014)
//   POST   /folder/{folderId} [{devTid, ctrlKey}, …]   → 200 {results:[{devTid, code, desc}],
//                                                        success, failure} (6400007 whole)
//   DELETE /folder/{folderId}/{devTid}?ctrlKey=        → 204, device back to root (6400007,
//                                                        6400004, 5400014)
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/secrets.h"
#include "http/routes/api.h"

namespace krypton::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr char kRoot[] = "0";
constexpr char kRootName[] = "root";
constexpr size_t kMaxNameChars = 128;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

int IntQuery(const Request& req, std::string_view key, int fallback) {
  std::string v = api::Query(req, key);
  if (v.empty() || !std::all_of(v.begin(), v.end(), ::isdigit) || v.size() > 9) return fallback;
  return std::stoi(v);
}

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
std::set<std::string> Visible(ApiContext& ctx, const std::string& uid) {
  std::set<std::string> out;
  if (auto owned = ctx.store.ListDevicesByOwner(uid); owned.ok()) {
    for (const auto& d : *owned) out.insert(d.dev_tid);
  }
  if (auto shares = ctx.store.ListSharesByGrantee(uid); shares.ok()) {
    int64_t now = ctx.clock.NowMs();
    for (const auto& s : *shares) {
      if (api::LiveShare(s, now)) out.insert(s.dev_tid);
    }
  }
  return out;
}

// The visible devices in the user's folder (sorted); 6400007 for an unknown folder.
Result<std::set<std::string>> Members(ApiContext& ctx, const std::string& uid,
                                      const std::string& folder_id,
                                      const std::set<std::string>& visible) {
  auto listed = ctx.store.ListFolderDevices(uid, folder_id);
  if (!listed.ok()) {
    return storage::ToStatus(listed.status(), Code::kUserFolderNotExist, Code::kUserInternal,
                             Code::kUserInternal);
  }
  std::set<std::string> out;
  for (auto& dev_tid : *listed) {
    if (visible.count(dev_tid)) out.insert(std::move(dev_tid));
  }
  return out;
}

// The user's folder `folder_id` ("0" = the root); 6400007 when the user has none such.
Result<storage::Folder> Find(ApiContext& ctx, const std::string& uid,
                             const std::string& folder_id) {
  if (folder_id == kRoot) return storage::Folder{kRoot, uid, kRootName, 0};
  auto folders = ctx.store.ListFolders(uid);
  if (!folders.ok()) return Status(Code::kUserInternal).WithDetail(folders.status().ToString());
  for (auto& f : *folders) {
    if (f.folder_id == folder_id) return std::move(f);
  }
  return Status(Code::kUserFolderNotExist);
}

// 6400006 when `name` is the root's or another folder's of the user.
Status NameFree(ApiContext& ctx, const std::string& uid, const std::string& name,
                const std::string& except_id = "") {
  if (name == kRootName) return Status(Code::kUserDuplicateFolder);
  auto folders = ctx.store.ListFolders(uid);
  if (!folders.ok()) return Status(Code::kUserInternal).WithDetail(folders.status().ToString());
  for (const auto& f : *folders) {
    if (f.name == name && f.folder_id != except_id) return Status(Code::kUserDuplicateFolder);
  }
  return Status::Ok();
}

void WriteFolder(Writer& w, const std::string& id, const std::string& name,
                 const std::set<std::string>& dev_tids) {
  w.StartObject();
  w.Key("folderId");
  Str(w, id);
  w.Key("folderName");
  Str(w, name);
  w.Key("devTidList");
  w.StartArray();
  for (const auto& t : dev_tids) Str(w, t);
  w.EndArray();
  w.EndObject();
}

std::string FolderJson(const storage::Folder& f, const std::set<std::string>& dev_tids) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteFolder(w, f.folder_id, f.name, dev_tids);
  return std::string(buf.GetString(), buf.GetSize());
}

Response Create(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  std::string name = api::Str(*body, "folderName");
  if (!ValidName(name)) return api::Error(ctx, req, Status(Code::kUserInvalidParam, "folderName"));
  if (Status taken = NameFree(ctx, claims->uid, name); !taken.ok())
    return api::Error(ctx, req, taken);
  auto folders = ctx.store.ListFolders(claims->uid);
  if (!folders.ok()) return api::Error(ctx, req, Status(Code::kUserInternal));
  if (static_cast<int>(folders->size()) >= ctx.config.limits.folders_per_user) {
    return api::Error(ctx, req, Status(Code::kUserFolderLimit));
  }
  // Listed by creation time: keep it strictly increasing per user, even within one ms.
  int64_t now = ctx.clock.NowMs();
  if (!folders->empty()) now = std::max(now, folders->back().created_at_ms + 1);
  storage::Folder f{RandomHex(12), claims->uid, name, now};
  if (auto s = ctx.store.CreateFolder(f); !s.ok()) {
    // A conflict is the name taken meanwhile (a 96-bit id does not collide).
    return api::Error(
        ctx, req,
        storage::ToStatus(s, Code::kUserInternal, Code::kUserDuplicateFolder, Code::kUserInternal));
  }
  return api::Json(201, FolderJson(f, {}));
}

Response List(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto stored = ctx.store.ListFolders(claims->uid);
  if (!stored.ok()) return api::Error(ctx, req, Status(Code::kUserInternal));
  std::vector<storage::Folder> folders{{kRoot, claims->uid, kRootName, 0}};
  folders.insert(folders.end(), stored->begin(), stored->end());
  std::set<std::string> wanted;
  std::string filter = api::Query(req, "folderId");
  for (size_t pos = 0; pos < filter.size();) {
    size_t comma = std::min(filter.find(',', pos), filter.size());
    if (comma > pos) wanted.insert(filter.substr(pos, comma - pos));
    pos = comma + 1;
  }
  int size = std::clamp(IntQuery(req, "size", 20), 1, ctx.config.limits.folders_per_user + 1);
  int page = std::max(0, IntQuery(req, "page", 0));
  std::set<std::string> visible = Visible(ctx, claims->uid);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  int index = 0;
  for (const auto& f : folders) {
    if (!wanted.empty() && !wanted.count(f.folder_id)) continue;
    if (index++ < page * size) continue;
    if (index > (page + 1) * size) break;
    auto members = Members(ctx, claims->uid, f.folder_id, visible);
    WriteFolder(w, f.folder_id, f.name, members.ok() ? *members : std::set<std::string>{});
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Response Rename(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  const std::string& id = req.params.at("folderId");
  if (id == kRoot) return api::Error(ctx, req, Status(Code::kUserCannotRenameRootFolder));
  auto folder = Find(ctx, claims->uid, id);
  if (!folder.ok()) return api::Error(ctx, req, folder.status());
  std::string name = api::Str(*body, "newFolderName");
  if (!ValidName(name)) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "newFolderName"));
  }
  if (name == folder->name) return api::NoContent();
  if (Status taken = NameFree(ctx, claims->uid, name, id); !taken.ok()) {
    return api::Error(ctx, req, taken);
  }
  if (auto s = ctx.store.RenameFolder(claims->uid, id, name); !s.ok()) {
    return api::Error(ctx, req,
                      storage::ToStatus(s, Code::kUserFolderNotExist, Code::kUserDuplicateFolder,
                                        Code::kUserInternal));
  }
  return api::NoContent();
}

Response Delete(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  const std::string& id = req.params.at("folderId");
  if (id == kRoot) return api::Error(ctx, req, Status(Code::kUserCannotRemoveRootFolder));
  if (auto s = ctx.store.DeleteFolder(claims->uid, id); !s.ok()) {
    return api::Error(
        ctx, req,
        storage::ToStatus(s, Code::kUserFolderNotExist, Code::kUserInternal, Code::kUserInternal));
  }
  return api::NoContent();
}

Response DeleteAll(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto s = ctx.store.InTransaction([&](storage::Store& store) -> storage::StoreStatus {
    auto folders = store.ListFolders(claims->uid);
    if (!folders.ok()) return folders.status();
    for (const auto& f : *folders) {
      if (auto d = store.DeleteFolder(claims->uid, f.folder_id); !d.ok()) return d;
    }
    return {};
  });
  if (!s.ok()) return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  return api::NoContent();
}

// Whether `uid` may file the device: owner, or holder of an unexpired share, with the
// device's ctrlKey. 6400004 unknown device, 5400014 otherwise.
Result<storage::Device> Fileable(ApiContext& ctx, const std::string& uid,
                                 const std::string& dev_tid, const std::string& ctrl_key) {
  auto d = ctx.store.GetDevice(dev_tid);
  if (!d.ok()) {
    return storage::ToStatus(d.status(), Code::kUserDeviceNotExist, Code::kUserInternal,
                             Code::kUserInternal);
  }
  bool mine = d->owner_uid == uid;
  if (!mine) {
    auto share = ctx.store.GetShare(dev_tid, uid);
    int64_t now = ctx.clock.NowMs();
    mine = share.ok() && api::LiveShare(*share, now);
  }
  if (!mine || ctrl_key.empty() || !ConstantTimeEqual(ctrl_key, d->ctrl_key)) {
    return Status(Code::kUserDeviceNotOwned);
  }
  return std::move(d).value();
}

// Moves one device into `folder_id`, whose visible devices are `members` (updated).
Status MoveIn(ApiContext& ctx, const std::string& uid, const std::string& folder_id,
              const std::string& dev_tid, const std::string& ctrl_key,
              std::set<std::string>& members) {
  auto d = Fileable(ctx, uid, dev_tid, ctrl_key);
  if (!d.ok()) return d.status();
  if (members.count(dev_tid)) return Status::Ok();  // already there
  if (static_cast<int>(members.size()) >= ctx.config.limits.devices_per_folder) {
    return Status(Code::kUserFolderFull);
  }
  if (auto s = ctx.store.SetDeviceFolder(uid, dev_tid, folder_id); !s.ok()) {
    return storage::ToStatus(s, Code::kUserDeviceNotExist, Code::kUserInternal,
                             Code::kUserInternal);
  }
  members.insert(dev_tid);
  return Status::Ok();
}

Response AddDevices(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(req.body).get(body) != simdjson::SUCCESS ||
      (!body.is_object() && !body.is_array())) {
    return api::Error(ctx, req, Status(Code::kUserJsonBody));
  }
  std::vector<std::pair<std::string, std::string>> items;  // (devTid, ctrlKey)
  if (body.is_object()) {
    items.emplace_back(api::Str(body.get_object(), "devTid"),
                       api::Str(body.get_object(), "ctrlKey"));
  } else {
    for (simdjson::dom::element e : body.get_array()) {
      simdjson::dom::object item;
      if (e.get_object().get(item) != simdjson::SUCCESS) {
        return api::Error(ctx, req, Status(Code::kUserJsonBody));
      }
      items.emplace_back(api::Str(item, "devTid"), api::Str(item, "ctrlKey"));
    }
  }
  auto folder = Find(ctx, claims->uid, req.params.at("folderId"));
  if (!folder.ok()) return api::Error(ctx, req, folder.status());
  auto members = Members(ctx, claims->uid, folder->folder_id, Visible(ctx, claims->uid));
  if (!members.ok()) return api::Error(ctx, req, members.status());

  if (body.is_object()) {
    Status s =
        MoveIn(ctx, claims->uid, folder->folder_id, items[0].first, items[0].second, *members);
    if (!s.ok()) return api::Error(ctx, req, s);
    return api::Json(201, FolderJson(*folder, *members));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  int success = 0;
  for (const auto& [dev_tid, ctrl_key] : items) {
    Status s = MoveIn(ctx, claims->uid, folder->folder_id, dev_tid, ctrl_key, *members);
    Status shown = s.ok() ? Status(Code::kUserFolderSuccess) : s;
    success += s.ok() ? 1 : 0;
    w.StartObject();
    w.Key("devTid");
    Str(w, dev_tid);
    w.Key("code");
    w.Int(shown.number());
    w.Key("desc");
    Str(w, shown.Message());
    w.EndObject();
  }
  w.EndArray();
  w.Key("success");
  w.Int(success);
  w.Key("failure");
  w.Int(static_cast<int>(items.size()) - success);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Response RemoveDevice(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto folder = Find(ctx, claims->uid, req.params.at("folderId"));
  if (!folder.ok()) return api::Error(ctx, req, folder.status());
  const std::string& dev_tid = req.params.at("devTid");
  auto d = Fileable(ctx, claims->uid, dev_tid, api::Query(req, "ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  if (folder->folder_id == kRoot) return api::NoContent();  // already at the root
  auto listed = ctx.store.ListFolderDevices(claims->uid, folder->folder_id);
  if (!listed.ok()) return api::Error(ctx, req, Status(Code::kUserInternal));
  // Only a device in this folder moves; one filed elsewhere stays where it is.
  if (std::find(listed->begin(), listed->end(), dev_tid) != listed->end()) {
    if (auto s = ctx.store.SetDeviceFolder(claims->uid, dev_tid, kRoot); !s.ok()) {
      return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
    }
  }
  return api::NoContent();
}

}  // namespace

void AddFolderRoutes(Router& router, ApiContext& ctx) {
  router.Add("POST", "/folder", [&ctx](const Request& r) { return Create(ctx, r); });
  router.Add("GET", "/folder", [&ctx](const Request& r) { return List(ctx, r); });
  router.Add("DELETE", "/folder", [&ctx](const Request& r) { return DeleteAll(ctx, r); });
  router.Add("PUT", "/folder/{folderId}", [&ctx](const Request& r) { return Rename(ctx, r); });
  router.Add("POST", "/folder/{folderId}", [&ctx](const Request& r) { return AddDevices(ctx, r); });
  router.Add("DELETE", "/folder/{folderId}", [&ctx](const Request& r) { return Delete(ctx, r); });
  router.Add("DELETE", "/folder/{folderId}/{devTid}",
             [&ctx](const Request& r) { return RemoveDevice(ctx, r); });
}

}  // namespace krypton::http
