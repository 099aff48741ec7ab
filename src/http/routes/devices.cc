// Devices of the user API (user-api.md §5.1): list, QR bind, rename, unbind. Thin: the
// rules of bind, unbind and rename are the device domain's (devices/binding.h).
//   GET /device, GET /devices           owned + shared devices (bare array, 0-based pages)
//   POST /device {devTid, bindKey, deviceName?, desc?}   → 201 Device (D9 codes)
//   PATCH|PUT /device/{devTid} {deviceName, ctrlKey}     → 204 (owner only)
//   DELETE /device/{devTid}?bindKey=                     → 204 (owner only)
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <set>

#include "catalog/catalog.h"
#include "common/secrets.h"
#include "devices/binding.h"
#include "http/routes/api.h"
#include "http/routes/device_json.h"

namespace krypton::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// A string of the device's last reportDevInfo, trying each key in turn (devices report
// both casings, hub-protocol.md §3.3); null when none.
void InfoField(Writer& w, simdjson::dom::element info, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    std::string_view v;
    if (info[k].get_string().get(v) == simdjson::SUCCESS) return api::WriteString(w, v);
  }
  w.Null();
}

// devTid → folderId of the devices `uid` placed in one of their folders; the others are
// in the root "0" (user-api.md §5.2). One query per folder, not per device.
std::map<std::string, std::string> FoldersOf(const ApiContext& ctx, const std::string& uid) {
  std::map<std::string, std::string> out;
  auto folders = ctx.store.ListFolders(uid);
  if (!folders.ok()) return out;
  for (const auto& f : *folders) {
    auto members = ctx.store.ListFolderDevices(uid, f.folder_id);
    if (!members.ok()) continue;
    for (auto& dev_tid : *members) out[std::move(dev_tid)] = f.folder_id;
  }
  return out;
}

std::string FolderOf(const std::map<std::string, std::string>& folders,
                     const std::string& dev_tid) {
  auto it = folders.find(dev_tid);
  return it == folders.end() ? "0" : it->second;
}

// The URLs of the product's bound H5 templates (enterprise-api.md §6, E5); "" when none.
struct H5Links {
  std::string android_page, ios_page, android_zip, ios_zip;
};

H5Links H5LinksOf(const ApiContext& ctx, const std::string& mid) {
  H5Links links;
  if (mid.empty()) return links;
  if (auto a = ctx.store.GetProductH5(mid, "Android"); a.ok()) {
    links.android_page = a->h5_page;
    links.android_zip = a->page_zip_url;
  }
  if (auto i = ctx.store.GetProductH5(mid, "IOS"); i.ok()) {
    links.ios_page = i->h5_page;
    links.ios_zip = i->page_zip_url;
  }
  return links;
}

// A device's product with its H5 links, looked up once per product in a list.
struct ProductView {
  storage::Product product;
  H5Links h5;
};

const ProductView& ViewOf(const ApiContext& ctx, std::map<std::string, ProductView>& cache,
                          const std::string& mid) {
  auto it = cache.find(mid);
  if (it != cache.end()) return it->second;
  ProductView v;
  if (auto p = ctx.store.GetProduct(mid); p.ok()) v.product = std::move(*p);
  v.h5 = H5LinksOf(ctx, v.product.mid);
  return cache.emplace(mid, std::move(v)).first->second;
}

void WriteDeviceIn(const ApiContext& ctx, Writer& w, const storage::Device& d,
                   const storage::Product& p, const H5Links& h5, const std::string& caller,
                   int shares, const BindOutcome* outcome, const std::string& folder_id) {
  simdjson::dom::parser parser;
  simdjson::dom::element info;
  static const std::string kEmpty = "{}";
  if (parser.parse(d.info_json).get(info) != simdjson::SUCCESS &&
      parser.parse(kEmpty).get(info) != simdjson::SUCCESS) {
    return;  // unreachable: "{}" parses
  }
  const auto& hub = ctx.config.hub;
  std::string app_host = hub.public_app_host.empty() ? hub.public_host : hub.public_app_host;
  if (app_host.empty()) app_host = "localhost";
  w.StartObject();
  w.Key("devTid");
  api::WriteString(w, d.dev_tid);
  w.Key("ctrlKey");
  api::WriteString(w, d.ctrl_key);
  w.Key("bindKey");
  api::WriteString(w, d.owner_uid == caller ? d.bind_key : "");
  w.Key("deviceName");
  api::WriteString(w, d.device_name.empty() ? p.name : d.device_name);
  w.Key("desc");
  api::WriteString(w, "");
  w.Key("logo");
  api::WriteString(w, "");
  w.Key("ownerUid");
  api::WriteString(w, d.owner_uid);
  w.Key("granted");
  w.Bool(!d.owner_uid.empty() && d.owner_uid != caller);
  w.Key("forceBind");
  w.Bool(p.force_bind);
  w.Key("devShareNum");
  w.Int(shares);
  w.Key("maxDevShareNum");
  w.Int(p.max_dev_share_num);
  w.Key("folderId");
  api::WriteString(w, folder_id);
  w.Key("productPublicKey");
  api::WriteString(w, p.product_public_key);
  w.Key("mid");
  api::WriteString(w, p.mid);
  w.Key("model");
  api::WriteString(w, p.mid);
  w.Key("productName");
  w.StartObject();
  w.Key("zh_CN");
  api::WriteString(w, p.name);
  w.Key("en_US");
  api::WriteString(w, p.name);
  w.EndObject();
  w.Key("workModeType");
  api::WriteString(w, p.work_mode_type);
  w.Key("tokenType");
  w.Int(catalog::DeviceAuthOf(p) == catalog::DeviceAuth::kLicense ? 1 : 2);
  w.Key("binVersion");
  InfoField(w, info, {"binVer"});
  w.Key("binType");
  InfoField(w, info, {"binType"});
  w.Key("sdkVer");
  InfoField(w, info, {"SDKVer", "sdkver"});
  w.Key("mac");
  InfoField(w, info, {"MAC", "mac"});
  w.Key("ssid");
  InfoField(w, info, {"SSID", "ssid"});
  w.Key("lanIp");
  InfoField(w, info, {"lanIp"});
  w.Key("online");
  w.Bool(d.online);
  w.Key("firstLoginTime");
  d.first_login_ms ? w.Int64(d.first_login_ms) : w.Null();
  w.Key("lastLoginTime");
  d.last_seen_ms ? w.Int64(d.last_seen_ms) : w.Null();
  w.Key("androidH5Page");
  api::WriteString(w, h5.android_page);
  w.Key("iosH5Page");
  api::WriteString(w, h5.ios_page);
  w.Key("androidPageZipURL");
  api::WriteString(w, h5.android_zip);
  w.Key("iosPageZipURL");
  api::WriteString(w, h5.ios_zip);
  w.Key("devType");
  api::WriteString(w, "INDEPENDENT");
  w.Key("subDevices");
  w.StartArray();
  w.EndArray();
  w.Key("dcInfo");
  w.StartObject();
  w.Key("fromDC");
  api::WriteString(w, "krypton");
  w.Key("dc");
  api::WriteString(w, "krypton");
  w.Key("area");
  api::WriteString(w, "local");
  w.Key("fromArea");
  api::WriteString(w, "local");
  w.Key("connectHost");
  api::WriteString(w, app_host);
  w.Key("opTimestamp");
  w.Int64(ctx.clock.NowMs());
  w.EndObject();
  w.Key("bindResultCode");
  outcome ? w.Int(outcome->code) : w.Null();
  w.Key("bindResultMsg");
  if (outcome)
    api::WriteString(w, outcome->msg);
  else
    w.Null();
  w.EndObject();
}

}  // namespace

void WriteDevice(const ApiContext& ctx, Writer& w, const storage::Device& d,
                 const storage::Product& p, const std::string& caller, int shares,
                 const BindOutcome* outcome) {
  WriteDeviceIn(ctx, w, d, p, H5LinksOf(ctx, p.mid), caller, shares, outcome,
                FolderOf(FoldersOf(ctx, caller), d.dev_tid));
}

namespace {

int ShareCount(ApiContext& ctx, const std::string& dev_tid) {
  auto shares = ctx.store.ListSharesByDevice(dev_tid);
  return shares.ok() ? static_cast<int>(shares->size()) : 0;
}

std::string DeviceJson(ApiContext& ctx, const storage::Device& d, const std::string& caller) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  auto p = ctx.store.GetProduct(d.mid);
  WriteDevice(ctx, w, d, p.ok() ? *p : storage::Product{}, caller, ShareCount(ctx, d.dev_tid));
  return std::string(buf.GetString(), buf.GetSize());
}

int IntQuery(const api::Call& call, std::string_view key, int fallback) {
  std::string v = call.Query(key);
  if (v.empty() || !std::all_of(v.begin(), v.end(), ::isdigit) || v.size() > 9) return fallback;
  return std::stoi(v);
}

Result<Response> List(api::Call& call) {
  ApiContext& ctx = call.ctx;
  std::vector<storage::Device> devices;
  auto owned = ctx.store.ListDevicesByOwner(call.uid());
  if (owned.ok()) devices = std::move(owned).value();
  auto shares = ctx.store.ListSharesByGrantee(call.uid());
  if (shares.ok()) {
    int64_t now = call.NowMs();
    for (const auto& s : *shares) {
      if (s.expire_at_ms != 0 && s.expire_at_ms <= now) continue;
      auto d = ctx.store.GetDevice(s.dev_tid);
      if (d.ok()) devices.push_back(std::move(d).value());
    }
  }
  std::sort(devices.begin(), devices.end(),
            [](const auto& a, const auto& b) { return a.dev_tid < b.dev_tid; });
  std::string filter = call.Query("devTid");
  std::set<std::string> wanted;
  for (size_t pos = 0; !filter.empty() && pos <= filter.size();) {
    size_t comma = filter.find(',', pos);
    wanted.insert(filter.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  int size = std::clamp(IntQuery(call, "size", 20), 1, ctx.config.limits.page_size_devices);
  int page = std::max(0, IntQuery(call, "page", 0));
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  int index = 0;
  auto folders = FoldersOf(ctx, call.uid());
  std::map<std::string, ProductView> products;
  for (const auto& d : devices) {
    if (!wanted.empty() && !wanted.count(d.dev_tid)) continue;
    if (index++ < page * size) continue;
    if (index > (page + 1) * size) break;
    const ProductView& v = ViewOf(ctx, products, d.mid);
    WriteDeviceIn(ctx, w, d, v.product, v.h5, call.uid(), ShareCount(ctx, d.dev_tid), nullptr,
                  FolderOf(folders, d.dev_tid));
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

std::string DeviceJsonFor(ApiContext& ctx, const storage::Device& d, const std::string& caller) {
  return DeviceJson(ctx, d, caller);
}

namespace {

// The QR bind (§5.1.2): the bindKey proves the caller holds the device; the rules are the
// domain's (devices/binding.h).
Result<Response> Bind(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  std::string dev_tid = api::Str(*body, "devTid"), bind_key = api::Str(*body, "bindKey");
  std::string name = api::Str(*body, "deviceName");
  if (dev_tid.empty()) return Status(Code::kUserDevTidEmpty);
  if (name.size() > 128) return Status(Code::kUserInvalidParam, "deviceName");
  auto device = call.ctx.store.GetDevice(dev_tid);
  if (!device.ok() || !ConstantTimeEqual(bind_key, device->bind_key)) {
    return Status(Code::kUserBindInternalError);
  }
  devices::Env env = DevicesEnv(call.ctx);
  auto bound = devices::Bind(env, DevicesCaller(call), dev_tid, name, call.NowMs());
  if (!bound.ok()) return bound.status();
  return api::Json(201, DeviceJson(call.ctx, *bound, call.uid()));
}

Result<Response> Update(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  devices::Env env = DevicesEnv(call.ctx);
  Status s =
      devices::Rename(env, DevicesCaller(call), call.Param("devTid"), api::Str(*body, "deviceName"),
                      api::Str(*body, "ctrlKey"), call.NowMs());
  if (!s.ok()) return s;
  return api::NoContent();
}

Result<Response> Unbind(api::Call& call) {
  devices::Env env = DevicesEnv(call.ctx);
  Status s = devices::Unbind(env, DevicesCaller(call), call.Param("devTid"), call.Query("bindKey"),
                             call.NowMs());
  if (!s.ok()) return s;
  return api::NoContent();
}

}  // namespace

void AddDeviceRoutes(Router& router, ApiContext& ctx) {
  using api::Auth;
  api::Add(router, ctx, "GET", "/device", Auth::kUser, List);
  api::Add(router, ctx, "GET", "/devices", Auth::kUser, List);
  api::Add(router, ctx, "POST", "/device", Auth::kUser, Bind);
  api::Add(router, ctx, "PATCH", "/device/{devTid}", Auth::kUser, Update);
  api::Add(router, ctx, "PUT", "/device/{devTid}", Auth::kUser, Update);
  api::Add(router, ctx, "DELETE", "/device/{devTid}", Auth::kUser, Unbind);
}

}  // namespace krypton::http
