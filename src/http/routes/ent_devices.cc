// The enterprise device registry (enterprise-api.md §3.2 E11–E13, E16, §4.3, §5):
//   GET /api/v1/enterprise/device/{devTid}              → 200 registry + runtime info
//   GET /api/v1/enterprise/device?mid=&online=&page=&size= → 200 bare array of the same
//   GET /api/v1/enterprise/device/{devTid}/code[?allocate=true]
//                              → 200 {devTid, longCode, shortCode, shortCodePassword}
//   GET /api/v1/enterprise/quota → 200 [{mid, kind, total, used, remaining}] (-1 = unlimited)
// Imports and licences (E14, E15) are in ent_device_import.cc.
//   DELETE /api/v1/enterprise/device/{devTid}           → 204 (owner; not online or bound)
// Reads (E11–E13) are open to the owner and to enterprises the product is authorized
// for (§4.3); allocating a short code and deleting are the owner's
// (docs/decisions/0008-enterprise-registry.md).
#include <charconv>

#include "catalog/catalog.h"
#include "catalog/registry.h"
#include "http/routes/ent_devices_internal.h"
#include "http/routes/ent_internal.h"

namespace krypton::http::entdev {

std::string LongCode(const storage::Device& d) {
  return "http://www.hekr.me?action=bind&devTid=" + d.dev_tid + "&bindKey=" + d.bind_key;
}

namespace {

// A device `pid` may read (its product is own or authorized, §4.3) and whether `pid`
// owns it: 6400004 unknown, 8400029 another's.
struct Readable {
  storage::Device device;
  bool owner = false;
};
Result<Readable> ReadableDevice(ApiContext& ctx, const std::string& pid,
                                const std::string& dev_tid) {
  auto d = ctx.store.GetDevice(dev_tid);
  if (!d.ok()) {
    return d.status().not_found() ? Status(Code::kUserDeviceNotExist) : Internal(d.status());
  }
  auto p = ctx.store.GetProduct(d->mid);
  if (!p.ok()) return Internal(p.status());
  auto may = catalog::MayRead(ctx.store, *p, pid);
  if (!may.ok()) return may.status();
  if (!*may) return Status(Code::kEntNoRightToViewDevice);
  return Readable{std::move(d).value(), p->pid == pid};
}

void WriteDevice(ApiContext& ctx, Writer& w, const storage::Device& d) {
  auto p = ctx.store.GetProduct(d.mid);
  w.StartObject();
  w.Key("devTid");
  api::WriteString(w, d.dev_tid);
  w.Key("mid");
  api::WriteString(w, d.mid);
  w.Key("productPublicKey");
  api::WriteString(w, p.ok() ? p->product_public_key : "");
  w.Key("registered");
  w.Bool(d.registered);
  w.Key("bound");
  w.Bool(!d.owner_uid.empty());
  w.Key("online");
  w.Bool(d.online);
  w.Key("licenseRevoked");
  w.Bool(d.license_revoked);
  w.Key("createTime");
  w.Int64(d.created_at_ms);
  w.Key("firstLoginTime");
  w.Int64(d.first_login_ms);
  w.Key("lastLoginTime");  // last time the device came online or went offline
  w.Int64(d.last_seen_ms);
  w.Key("devInfo");  // the last reportDevInfo params: versions, mac, ssid, …
  w.RawValue(d.info_json.data(), d.info_json.size(), rapidjson::kObjectType);
  w.EndObject();
}

Response JsonOf(const rapidjson::StringBuffer& buf) {
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> GetOne(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto d = ReadableDevice(ctx, pid, call.Param("devTid"));
  if (!d.ok()) return d.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteDevice(ctx, w, d->device);
  return JsonOf(buf);
}

// A non-negative integer query parameter; `fallback` when absent, nullopt when invalid.
std::optional<int64_t> IntQuery(const api::Call& call, std::string_view key, int64_t fallback) {
  std::string v = call.Query(key);
  if (v.empty()) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
  return n;
}

Result<Response> List(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  std::string mid = call.Query("mid");
  if (!mid.empty()) {  // own or authorized
    if (auto p = ent::Visible(ctx, pid, mid); !p.ok()) return p.status();
  }
  std::string online_text = call.Query("online");
  std::optional<bool> online;
  if (online_text == "true") online = true;
  if (online_text == "false") online = false;
  auto page = IntQuery(call, "page", 0), size = IntQuery(call, "size", 20);
  if ((!online_text.empty() && !online) || !page || !size || *size < 1 || *size > 100 ||
      *page > 1000000) {
    return Status(Code::kEntIllegalArgument);
  }
  auto tids = ctx.store.ListEnterpriseDevices(pid, mid, online, *page * *size, *size);
  if (!tids.ok()) return Internal(tids.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const std::string& tid : *tids) {
    auto d = ctx.store.GetDevice(tid);
    if (d.ok()) WriteDevice(ctx, w, *d);  // deleted meanwhile: left out
  }
  w.EndArray();
  return JsonOf(buf);
}

Result<Response> GetCode(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  std::string allocate = call.Query("allocate");
  if (!allocate.empty() && allocate != "true" && allocate != "false") {
    return Status(Code::kEntIllegalArgument);
  }
  auto readable = ReadableDevice(ctx, pid, call.Param("devTid"));
  if (!readable.ok()) return readable.status();
  const storage::Device* d = &readable->device;
  Result<std::string> code = Status(Code::kEntCodeInfoNotFound);
  if (auto existing = ctx.store.GetDeviceShortCode(d->dev_tid); existing.ok()) {
    code = *existing;
  } else if (!existing.status().not_found()) {
    return Internal(existing.status());
  } else if (allocate == "true" && readable->owner) {  // allocating is the owner's
    code = catalog::ShortCodeOf(ctx.store, ctx.config.limits.short_code_pool, ctx.clock.NowMs(),
                                d->dev_tid);
  }
  if (!code.ok()) return code.status();
  std::string password = catalog::ShortCodePassword(ctx.store, *d, *code);
  if (password.empty()) {
    return Status(Code::kUserInternal).WithDetail("the manufacturer has no secret");
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("devTid");
  api::WriteString(w, d->dev_tid);
  w.Key("longCode");
  api::WriteString(w, LongCode(*d));
  w.Key("shortCode");
  api::WriteString(w, *code);
  w.Key("shortCodePassword");
  api::WriteString(w, password);
  w.EndObject();
  return JsonOf(buf);
}

Result<Response> Delete(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  const std::string dev_tid = call.Param("devTid");
  if (Status s = catalog::DeleteDevice(ctx.store, pid, dev_tid); !s.ok()) return s;
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, dev_tid});
  return api::NoContent();
}

Result<Response> Quotas(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto quotas = ctx.store.ListQuotas(pid);
  if (!quotas.ok()) return Internal(quotas.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const storage::Quota& q : *quotas) {
    w.StartObject();
    w.Key("mid");
    api::WriteString(w, q.mid);
    w.Key("kind");
    api::WriteString(w, q.kind);
    w.Key("total");
    w.Int64(q.total);
    w.Key("used");
    w.Int64(q.used);
    w.Key("remaining");
    w.Int64(q.Remaining());
    w.EndObject();
  }
  w.EndArray();
  return JsonOf(buf);
}

}  // namespace
}  // namespace krypton::http::entdev

namespace krypton::http {

void AddEnterpriseDeviceRoutes(Router& router, ApiContext& ctx) {
  using namespace entdev;
  constexpr api::Auth kEnt = api::Auth::kEnterprise;
  api::Add(router, ctx, "GET", "/api/v1/enterprise/device/{devTid}", kEnt, GetOne);
  api::Add(router, ctx, "GET", "/api/v1/enterprise/device", kEnt, List);
  api::Add(router, ctx, "DELETE", "/api/v1/enterprise/device/{devTid}", kEnt, Delete);
  api::Add(router, ctx, "GET", "/api/v1/enterprise/device/{devTid}/code", kEnt, GetCode);
  api::Add(router, ctx, "GET", "/api/v1/enterprise/quota", kEnt, Quotas);
  api::AddAsync(router, ctx, "POST", "/api/v1/enterprise/product/{mid}/device/import", kEnt,
                Import);
  api::AddAsync(router, ctx, "POST", "/api/v1/enterprise/product/{mid}/license", kEnt,
                IssueLicenses);
  api::Add(router, ctx, "DELETE", "/api/v1/enterprise/product/{mid}/license/{devTid}", kEnt,
           RevokeLicense);
}

}  // namespace krypton::http
