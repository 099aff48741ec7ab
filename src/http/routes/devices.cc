// Devices of the user API (user-api.md §5.1): list, QR bind, rename, unbind.
//   GET /device, GET /devices           owned + shared devices (bare array, 0-based pages)
//   POST /device {devTid, bindKey, deviceName?, desc?}   → 201 Device (D9 codes)
//   PATCH|PUT /device/{devTid} {deviceName, ctrlKey}     → 204 (owner only)
//   DELETE /device/{devTid}?bindKey=                     → 204 (owner only)
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/json_object.h"
#include "common/secrets.h"
#include "http/routes/api.h"
#include "http/routes/device_json.h"

namespace krypton::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// The params of the devSync pushed after a bind change (hub-protocol.md §3.10).
std::string DevSyncParams(const std::string& dev_tid, const std::string& ctrl_key,
                          const std::string& bind_key, bool bind) {
  return JsonObject()
      .Add("devTid", dev_tid)
      .Add("ctrlKey", ctrl_key)
      .Add("bindKey", bind_key)
      .Add("bind", bind)
      .Finish();
}

// A string of the device's last reportDevInfo, trying each key in turn (devices report
// both casings, hub-protocol.md §3.3); null when none.
void InfoField(Writer& w, simdjson::dom::element info, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    std::string_view v;
    if (info[k].get_string().get(v) == simdjson::SUCCESS) return Str(w, v);
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

std::string FolderOf(const std::map<std::string, std::string>& folders, const std::string& dev_tid) {
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
  w.Key("devTid"); Str(w, d.dev_tid);
  w.Key("ctrlKey"); Str(w, d.ctrl_key);
  w.Key("bindKey"); Str(w, d.owner_uid == caller ? d.bind_key : "");
  w.Key("deviceName"); Str(w, d.device_name.empty() ? p.name : d.device_name);
  w.Key("desc"); Str(w, "");
  w.Key("logo"); Str(w, "");
  w.Key("ownerUid"); Str(w, d.owner_uid);
  w.Key("granted"); w.Bool(!d.owner_uid.empty() && d.owner_uid != caller);
  w.Key("forceBind"); w.Bool(p.force_bind);
  w.Key("devShareNum"); w.Int(shares);
  w.Key("maxDevShareNum"); w.Int(p.max_dev_share_num);
  w.Key("folderId"); Str(w, folder_id);
  w.Key("productPublicKey"); Str(w, p.product_public_key);
  w.Key("mid"); Str(w, p.mid);
  w.Key("model"); Str(w, p.mid);
  w.Key("productName");
  w.StartObject();
  w.Key("zh_CN"); Str(w, p.name);
  w.Key("en_US"); Str(w, p.name);
  w.EndObject();
  w.Key("workModeType"); Str(w, p.work_mode_type);
  w.Key("tokenType"); w.Int(p.device_auth == "LICENSE" ? 1 : 2);
  w.Key("binVersion"); InfoField(w, info, {"binVer"});
  w.Key("binType"); InfoField(w, info, {"binType"});
  w.Key("sdkVer"); InfoField(w, info, {"SDKVer", "sdkver"});
  w.Key("mac"); InfoField(w, info, {"MAC", "mac"});
  w.Key("ssid"); InfoField(w, info, {"SSID", "ssid"});
  w.Key("lanIp"); InfoField(w, info, {"lanIp"});
  w.Key("online"); w.Bool(d.online);
  w.Key("firstLoginTime"); d.first_login_ms ? w.Int64(d.first_login_ms) : w.Null();
  w.Key("lastLoginTime"); d.last_seen_ms ? w.Int64(d.last_seen_ms) : w.Null();
  w.Key("androidH5Page"); Str(w, h5.android_page);
  w.Key("iosH5Page"); Str(w, h5.ios_page);
  w.Key("androidPageZipURL"); Str(w, h5.android_zip);
  w.Key("iosPageZipURL"); Str(w, h5.ios_zip);
  w.Key("devType"); Str(w, "INDEPENDENT");
  w.Key("subDevices"); w.StartArray(); w.EndArray();
  w.Key("dcInfo");
  w.StartObject();
  w.Key("fromDC"); Str(w, "krypton");
  w.Key("dc"); Str(w, "krypton");
  w.Key("area"); Str(w, "local");
  w.Key("fromArea"); Str(w, "local");
  w.Key("connectHost"); Str(w, app_host);
  w.Key("opTimestamp"); w.Int64(ctx.clock.NowMs());
  w.EndObject();
  w.Key("bindResultCode"); outcome ? w.Int(outcome->code) : w.Null();
  w.Key("bindResultMsg");
  if (outcome) Str(w, outcome->msg); else w.Null();
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

int IntQuery(const Request& req, std::string_view key, int fallback) {
  std::string v = api::Query(req, key);
  if (v.empty() || !std::all_of(v.begin(), v.end(), ::isdigit) || v.size() > 9) return fallback;
  return std::stoi(v);
}

Response List(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  std::vector<storage::Device> devices;
  auto owned = ctx.store.ListDevicesByOwner(claims->uid);
  if (owned.ok()) devices = std::move(owned).value();
  auto shares = ctx.store.ListSharesByGrantee(claims->uid);
  if (shares.ok()) {
    int64_t now = ctx.clock.NowMs();
    for (const auto& s : *shares) {
      if (s.expire_at_ms != 0 && s.expire_at_ms <= now) continue;
      auto d = ctx.store.GetDevice(s.dev_tid);
      if (d.ok()) devices.push_back(std::move(d).value());
    }
  }
  std::sort(devices.begin(), devices.end(),
            [](const auto& a, const auto& b) { return a.dev_tid < b.dev_tid; });
  std::string filter = api::Query(req, "devTid");
  std::set<std::string> wanted;
  for (size_t pos = 0; !filter.empty() && pos <= filter.size();) {
    size_t comma = filter.find(',', pos);
    wanted.insert(filter.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  int size = std::clamp(IntQuery(req, "size", 20), 1, ctx.config.limits.page_size_devices);
  int page = std::max(0, IntQuery(req, "page", 0));
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  int index = 0;
  auto folders = FoldersOf(ctx, claims->uid);
  std::map<std::string, ProductView> products;
  for (const auto& d : devices) {
    if (!wanted.empty() && !wanted.count(d.dev_tid)) continue;
    if (index++ < page * size) continue;
    if (index > (page + 1) * size) break;
    const ProductView& v = ViewOf(ctx, products, d.mid);
    WriteDeviceIn(ctx, w, d, v.product, v.h5, claims->uid, ShareCount(ctx, d.dev_tid), nullptr,
                  FolderOf(folders, d.dev_tid));
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

Result<storage::Device> BindToCaller(ApiContext& ctx, const auth::TokenClaims& caller,
                                     const storage::Device& device, const std::string& name) {
  const std::string& dev_tid = device.dev_tid;
  if (device.registered && device.first_login_ms == 0) {
    return Status(Code::kUserDeviceNeverLoggedIn);
  }
  auto product = ctx.store.GetProduct(device.mid);
  if (!product.ok()) return Status(Code::kUserBindInternalError);
  if (product->status == "DISCONTINUED") return Status(Code::kUserDeviceBadStatus);
  if (caller.isolation != "00000000000" && caller.isolation != product->pid) {
    return Status(Code::kUserBindOtherManufacturer);
  }
  if (device.owner_uid == caller.uid) return Status(Code::kUserBindRepeat);
  int64_t now = ctx.clock.NowMs();
  std::string rotated;  // the new ctrlKey of a force bind
  if (!device.owner_uid.empty()) {
    if (!product->force_bind) return Status(Code::kUserForceBindForbidden);
    // Force bind: the previous owner's shares and memberships go, the ctrlKey rotates.
    rotated = RandomHex(16);
    if (auto s = ctx.store.UnbindDevice(dev_tid, rotated); !s.ok()) {
      return Status(Code::kUserBindInternalError).WithDetail(s.ToString());
    }
  }
  if (auto s = ctx.store.BindDevice(dev_tid, caller.uid, now); !s.ok()) {
    return Status(s.conflict() ? Code::kUserForceBindForbidden : Code::kUserBindInternalError)
        .WithDetail(s.ToString());
  }
  if (!name.empty()) {
    if (auto s = ctx.store.SetDeviceName(dev_tid, name); !s.ok()) return storage::Internal(s);
  }
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, dev_tid});
  // As after an unbind, the device learns its new ctrlKey (devSync, hub-protocol.md §3.10).
  if (!rotated.empty()) {
    ctx.bus.Notify({dev_tid, "devSync", DevSyncParams(dev_tid, rotated, device.bind_key, true)});
  }
  auto bound = ctx.store.GetDevice(dev_tid);
  if (!bound.ok()) return Status(Code::kUserBindInternalError);
  return std::move(bound).value();
}

std::string DeviceJsonFor(ApiContext& ctx, const storage::Device& d, const std::string& caller) {
  return DeviceJson(ctx, d, caller);
}

namespace {

Response Bind(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  std::string dev_tid = api::Str(*body, "devTid"), bind_key = api::Str(*body, "bindKey");
  std::string name = api::Str(*body, "deviceName");
  if (dev_tid.empty()) return api::Error(ctx, req, Status(Code::kUserDevTidEmpty));
  if (name.size() > 128) return api::Error(ctx, req, Status(Code::kUserInvalidParam, "deviceName"));
  auto device = ctx.store.GetDevice(dev_tid);
  if (!device.ok() || !ConstantTimeEqual(bind_key, device->bind_key)) {
    return api::Error(ctx, req, Status(Code::kUserBindInternalError));
  }
  auto bound = BindToCaller(ctx, *claims, *device, name);
  if (!bound.ok()) return api::Error(ctx, req, bound.status());
  return api::Json(201, DeviceJson(ctx, *bound, claims->uid));
}

// The caller must own the device (grantee → 5400047, stranger → 5400014).
Result<storage::Device> Owned(ApiContext& ctx, const Request& req, const std::string& uid) {
  auto d = ctx.store.GetDevice(req.params.at("devTid"));
  if (!d.ok()) return Status(Code::kUserDeviceNotExist);
  if (d->owner_uid == uid) return std::move(d).value();
  auto share = ctx.store.GetShare(d->dev_tid, uid);
  bool grantee = share.ok() && api::LiveShare(*share, ctx.clock.NowMs());
  return Status(grantee ? Code::kUserDeviceBoundByOther : Code::kUserDeviceNotOwned);
}

Response Update(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  auto d = Owned(ctx, req, claims->uid);
  if (!d.ok()) return api::Error(ctx, req, d.status());
  std::string ctrl_key = api::Str(*body, "ctrlKey");
  if (!ctrl_key.empty() && !ConstantTimeEqual(ctrl_key, d->ctrl_key)) {
    return api::Error(ctx, req, Status(Code::kUserDeviceNotOwned));
  }
  std::string name = api::Str(*body, "deviceName");
  if (name.empty() || name.size() > 128) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "deviceName"));
  }
  if (auto s = ctx.store.SetDeviceName(d->dev_tid, name); !s.ok()) {
    return api::Error(ctx, req, storage::Internal(s));
  }
  return api::NoContent();
}

Response Unbind(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto d = Owned(ctx, req, claims->uid);
  if (!d.ok()) return api::Error(ctx, req, d.status());
  std::string bind_key = api::Query(req, "bindKey");
  if (!bind_key.empty() && !ConstantTimeEqual(bind_key, d->bind_key)) {
    return api::Error(ctx, req, Status(Code::kUserDeviceNotOwned));
  }
  // Unowned, shares and memberships gone, ctrlKey rotated: old grantees lose access.
  std::string new_ctrl_key = RandomHex(16);
  if (auto s = ctx.store.UnbindDevice(d->dev_tid, new_ctrl_key); !s.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  }
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, d->dev_tid});
  // The device learns its new ctrlKey (LAN control authenticates with it).
  ctx.bus.Notify({d->dev_tid, "devSync", DevSyncParams(d->dev_tid, new_ctrl_key, d->bind_key, false)});
  return api::NoContent();
}

}  // namespace

void AddDeviceRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/device", [&ctx](const Request& r) { return List(ctx, r); });
  router.Add("GET", "/devices", [&ctx](const Request& r) { return List(ctx, r); });
  router.Add("POST", "/device", [&ctx](const Request& r) { return Bind(ctx, r); });
  router.Add("PATCH", "/device/{devTid}", [&ctx](const Request& r) { return Update(ctx, r); });
  router.Add("PUT", "/device/{devTid}", [&ctx](const Request& r) { return Update(ctx, r); });
  router.Add("DELETE", "/device/{devTid}", [&ctx](const Request& r) { return Unbind(ctx, r); });
}

}  // namespace krypton::http
