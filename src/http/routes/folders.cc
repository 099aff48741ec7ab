// Folders of the user API (user-api.md §5.2): the wire side of devices/folders.h.
// Folder = {folderId, folderName, devTidList}.
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
#include "devices/folders.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "http/routes/api.h"

namespace krypton::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

devices::Env EnvOf(ApiContext& ctx) { return devices::Env{ctx.store, ctx.bus, ctx.config}; }
devices::Caller CallerOf(const api::Call& call) {
  return devices::Caller{call.uid(), call.claims().isolation};
}

int IntQuery(const api::Call& call, std::string_view key, int fallback) {
  std::string v = call.Query(key);
  if (v.empty() || !std::all_of(v.begin(), v.end(), ::isdigit) || v.size() > 9) return fallback;
  return std::stoi(v);
}

void WriteFolder(Writer& w, const devices::FolderView& f) {
  w.StartObject();
  w.Key("folderId");
  api::WriteString(w, f.folder.folder_id);
  w.Key("folderName");
  api::WriteString(w, f.folder.name);
  w.Key("devTidList");
  w.StartArray();
  for (const auto& t : f.dev_tids) api::WriteString(w, t);
  w.EndArray();
  w.EndObject();
}

std::string FolderJson(const devices::FolderView& f) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteFolder(w, f);
  return std::string(buf.GetString(), buf.GetSize());
}

Result<Response> Create(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  devices::Env env = EnvOf(call.ctx);
  auto f = devices::CreateFolder(env, CallerOf(call), api::Str(*body, "folderName"), call.NowMs());
  if (!f.ok()) return f.status();
  return api::Json(201, FolderJson(*f));
}

Result<Response> List(api::Call& call) {
  std::set<std::string> wanted;
  std::string filter = call.Query("folderId");
  for (std::string_view id : api::SplitList(filter)) wanted.emplace(id);
  devices::Env env = EnvOf(call.ctx);
  auto folders = devices::ListFolders(env, CallerOf(call), wanted, IntQuery(call, "page", 0),
                                      IntQuery(call, "size", 20), call.NowMs());
  if (!folders.ok()) return folders.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& f : *folders) WriteFolder(w, f);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Rename(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  devices::Env env = EnvOf(call.ctx);
  Status st = devices::RenameFolder(env, CallerOf(call), call.Param("folderId"),
                                    api::Str(*body, "newFolderName"));
  if (!st.ok()) return st;
  return api::NoContent();
}

Result<Response> Delete(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  if (Status st = devices::DeleteFolder(env, CallerOf(call), call.Param("folderId")); !st.ok()) {
    return st;
  }
  return api::NoContent();
}

Result<Response> DeleteAll(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  if (Status st = devices::DeleteAllFolders(env, CallerOf(call)); !st.ok()) return st;
  return api::NoContent();
}

// One {devTid, ctrlKey} object → 201 Folder; an array of them → 200 per-item results.
Result<Response> AddDevices(api::Call& call) {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(call.req.body).get(body) != simdjson::SUCCESS ||
      (!body.is_object() && !body.is_array())) {
    return Status(Code::kUserJsonBody);
  }
  std::vector<devices::FolderItem> items;
  if (body.is_object()) {
    items.push_back(
        {api::Str(body.get_object(), "devTid"), api::Str(body.get_object(), "ctrlKey")});
  } else {
    for (simdjson::dom::element e : body.get_array()) {
      simdjson::dom::object item;
      if (e.get_object().get(item) != simdjson::SUCCESS) return Status(Code::kUserJsonBody);
      items.push_back({api::Str(item, "devTid"), api::Str(item, "ctrlKey")});
    }
  }
  devices::Env env = EnvOf(call.ctx);
  devices::FolderView after;
  auto results = devices::FileDevices(env, CallerOf(call), call.Param("folderId"), items,
                                      call.NowMs(), &after);
  if (!results.ok()) return results.status();
  if (body.is_object()) {
    if (!(*results)[0].ok()) return (*results)[0];
    return api::Json(201, FolderJson(after));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  int success = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const Status& s = (*results)[i];
    Status shown = s.ok() ? Status(Code::kUserFolderSuccess) : s;
    success += s.ok() ? 1 : 0;
    w.StartObject();
    w.Key("devTid");
    api::WriteString(w, items[i].dev_tid);
    w.Key("code");
    w.Int(shown.number());
    w.Key("desc");
    api::WriteString(w, shown.Message());
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

Result<Response> RemoveDevice(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  Status st = devices::UnfileDevice(env, CallerOf(call), call.Param("folderId"),
                                    {call.Param("devTid"), call.Query("ctrlKey")}, call.NowMs());
  if (!st.ok()) return st;
  return api::NoContent();
}

}  // namespace

void AddFolderRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "POST", "/folder", api::Auth::kUser, Create);
  api::Add(router, ctx, "GET", "/folder", api::Auth::kUser, List);
  api::Add(router, ctx, "DELETE", "/folder", api::Auth::kUser, DeleteAll);
  api::Add(router, ctx, "PUT", "/folder/{folderId}", api::Auth::kUser, Rename);
  api::Add(router, ctx, "POST", "/folder/{folderId}", api::Auth::kUser, AddDevices);
  api::Add(router, ctx, "DELETE", "/folder/{folderId}", api::Auth::kUser, Delete);
  api::Add(router, ctx, "DELETE", "/folder/{folderId}/{devTid}", api::Auth::kUser, RemoveDevice);
}

}  // namespace krypton::http
