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

Response Fail(const ApiContext& ctx, const Request& req, const Status& error) {
  return ent::Fail(ctx, req, error);
}


void Str(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

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
  Str(w, "devTid", d.dev_tid);
  Str(w, "mid", d.mid);
  Str(w, "productPublicKey", p.ok() ? p->product_public_key : "");
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

Response GetOne(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto d = ReadableDevice(ctx, *pid, req.params.at("devTid"));
  if (!d.ok()) return Fail(ctx, req, d.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteDevice(ctx, w, d->device);
  return JsonOf(buf);
}

// A non-negative integer query parameter; `fallback` when absent, nullopt when invalid.
std::optional<int64_t> IntQuery(const Request& req, std::string_view key, int64_t fallback) {
  std::string v = api::Query(req, key);
  if (v.empty()) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
  return n;
}

Response List(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  std::string mid = api::Query(req, "mid");
  if (!mid.empty()) {  // own or authorized
    if (auto p = ent::Visible(ctx, *pid, mid); !p.ok()) return Fail(ctx, req, p.status());
  }
  std::string online_text = api::Query(req, "online");
  std::optional<bool> online;
  if (online_text == "true") online = true;
  if (online_text == "false") online = false;
  auto page = IntQuery(req, "page", 0), size = IntQuery(req, "size", 20);
  if ((!online_text.empty() && !online) || !page || !size || *size < 1 || *size > 100 ||
      *page > 1000000) {
    return Fail(ctx, req, Status(Code::kEntIllegalArgument));
  }
  auto tids = ctx.store.ListEnterpriseDevices(*pid, mid, online, *page * *size, *size);
  if (!tids.ok()) return Fail(ctx, req, Internal(tids.status()));
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

Response GetCode(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  std::string allocate = api::Query(req, "allocate");
  if (!allocate.empty() && allocate != "true" && allocate != "false") {
    return Fail(ctx, req, Status(Code::kEntIllegalArgument));
  }
  auto readable = ReadableDevice(ctx, *pid, req.params.at("devTid"));
  if (!readable.ok()) return Fail(ctx, req, readable.status());
  const storage::Device* d = &readable->device;
  Result<std::string> code = Status(Code::kEntCodeInfoNotFound);
  if (auto existing = ctx.store.GetDeviceShortCode(d->dev_tid); existing.ok()) {
    code = *existing;
  } else if (!existing.status().not_found()) {
    return Fail(ctx, req, Internal(existing.status()));
  } else if (allocate == "true" && readable->owner) {  // allocating is the owner's
    code = catalog::ShortCodeOf(ctx.store, ctx.config.limits.short_code_pool, ctx.clock.NowMs(),
                                d->dev_tid);
  }
  if (!code.ok()) return Fail(ctx, req, code.status());
  std::string password = catalog::ShortCodePassword(ctx.store, *d, *code);
  if (password.empty()) {
    return Fail(ctx, req, Status(Code::kUserInternal).WithDetail("the manufacturer has no secret"));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "devTid", d->dev_tid);
  Str(w, "longCode", LongCode(*d));
  Str(w, "shortCode", *code);
  Str(w, "shortCodePassword", password);
  w.EndObject();
  return JsonOf(buf);
}

Response Delete(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  const std::string& dev_tid = req.params.at("devTid");
  if (Status s = catalog::DeleteDevice(ctx.store, *pid, dev_tid); !s.ok()) {
    return Fail(ctx, req, s);
  }
  if (ctx.access_changed) ctx.access_changed();
  return api::NoContent();
}

Response Quotas(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto quotas = ctx.store.ListQuotas(*pid);
  if (!quotas.ok()) return Fail(ctx, req, Internal(quotas.status()));
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const storage::Quota& q : *quotas) {
    w.StartObject();
    Str(w, "mid", q.mid);
    Str(w, "kind", q.kind);
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
  router.Add("GET", "/api/v1/enterprise/device/{devTid}",
             [&ctx](const Request& r) { return GetOne(ctx, r); });
  router.Add("GET", "/api/v1/enterprise/device", [&ctx](const Request& r) { return List(ctx, r); });
  router.Add("DELETE", "/api/v1/enterprise/device/{devTid}",
             [&ctx](const Request& r) { return Delete(ctx, r); });
  router.Add("GET", "/api/v1/enterprise/device/{devTid}/code",
             [&ctx](const Request& r) { return GetCode(ctx, r); });
  router.Add("GET", "/api/v1/enterprise/quota",
             [&ctx](const Request& r) { return Quotas(ctx, r); });
  router.AddAsync("POST", "/api/v1/enterprise/product/{mid}/device/import",
                  [&ctx](Request r, Responder respond) { Import(ctx, std::move(r), respond); });
  router.AddAsync(
      "POST", "/api/v1/enterprise/product/{mid}/license",
      [&ctx](Request r, Responder respond) { IssueLicenses(ctx, std::move(r), respond); });
  router.Add("DELETE", "/api/v1/enterprise/product/{mid}/license/{devTid}",
             [&ctx](const Request& r) { return RevokeLicense(ctx, r); });
}

}  // namespace krypton::http
