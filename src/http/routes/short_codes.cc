// Short codes (user-api.md §5.1.7, enterprise-api.md §5): an 8-digit code plus a 4-digit
// password that users type instead of scanning the QR code.
//   GET  /device/shortCode?devTid=&ctrlKey=   (owner) → 200 {devTid, shortCode, password,
//   expireAt:null}
//        allocated on first call from limits.short_code_pool (all taken → 5400046)
//   POST /device/shortCode/bind {shortCode, password, deviceName?, desc?} → 201 Device
//        unknown code or wrong password → 5400045, then the QR bind rules (§5.1.2)
// The password is derived from the manufacturer's secret (auth/device_auth.h), so it is
// never stored and the owner (and the enterprise API) can show it again.
#include <optional>

#include "common/json_object.h"
#include "common/secrets.h"
#include "http/routes/device_json.h"
#include "http/routes/guard.h"
#include "catalog/registry.h"

namespace krypton::http {
namespace {

std::string Password(ApiContext& ctx, const storage::Device& d, const std::string& code) {
  return catalog::ShortCodePassword(ctx.store, d, code);
}

Result<std::string> ShortCodeOf(ApiContext& ctx, const storage::Device& d) {
  return catalog::ShortCodeOf(ctx.store, ctx.config.limits.short_code_pool, ctx.clock.NowMs(),
                           d.dev_tid);
}

Response Get(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  std::string dev_tid = api::Query(req, "devTid");
  if (dev_tid.empty()) return api::Error(ctx, req, Status(Code::kUserDevTidEmpty));
  auto d = ctx.store.GetDevice(dev_tid);
  if (!d.ok()) return api::Error(ctx, req, Status(Code::kUserDeviceNotExist));
  if (d->owner_uid != claims->uid) {
    auto share = ctx.store.GetShare(dev_tid, claims->uid);
    bool grantee = share.ok() && api::LiveShare(*share, ctx.clock.NowMs());
    return api::Error(ctx, req,
                      Status(grantee ? Code::kUserDeviceBoundByOther : Code::kUserDeviceNotOwned));
  }
  std::string ctrl_key = api::Query(req, "ctrlKey");
  if (!ctrl_key.empty() && !ConstantTimeEqual(ctrl_key, d->ctrl_key)) {
    return api::Error(ctx, req, Status(Code::kUserDeviceNotOwned));
  }
  auto code = ShortCodeOf(ctx, *d);
  if (!code.ok()) return api::Error(ctx, req, code.status());
  std::string password = Password(ctx, *d, *code);
  if (password.empty()) {
    return api::Error(ctx, req,
                      Status(Code::kUserInternal).WithDetail("the manufacturer has no secret"));
  }
  return api::Json(200, JsonObject()
                            .Add("devTid", d->dev_tid)
                            .Add("shortCode", *code)
                            .Add("password", password)
                            .AddNull("expireAt")
                            .Finish());
}

Response Bind(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  std::string code = api::Str(*body, "shortCode"), password = api::Str(*body, "password");
  std::string name = api::Str(*body, "deviceName");
  if (name.size() > 128) return api::Error(ctx, req, Status(Code::kUserInvalidParam, "deviceName"));
  // The password has 4 digits: guesses are limited per short code and per IP, reserved
  // before the check (routes/guard.h); over either → 429 400016.
  guard::Ticket ticket = guard::Reserve(ctx, req, guard::Secret::kCode, "short:" + code);
  if (!ticket) return guard::RateLimited(ctx, req, "short-code password guesses");
  std::optional<storage::Device> d;
  if (auto dev_tid = ctx.store.FindShortCode(code); !code.empty() && dev_tid.ok()) {
    if (auto found = ctx.store.GetDevice(*dev_tid); found.ok()) d = std::move(found).value();
  }
  std::string expected = d ? Password(ctx, *d, code) : "";
  if (!d || expected.empty() || !ConstantTimeEqual(password, expected)) {
    guard::Failed(ticket, "short-code password");
    return api::Error(ctx, req, Status(Code::kUserShortCodeWrong));
  }
  guard::Succeeded(ticket);
  auto bound = BindToCaller(ctx, *claims, *d, name);
  if (!bound.ok()) return api::Error(ctx, req, bound.status());
  return api::Json(201, DeviceJsonFor(ctx, *bound, claims->uid));
}

}  // namespace

void AddShortCodeRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/device/shortCode", [&ctx](const Request& r) { return Get(ctx, r); });
  router.Add("POST", "/device/shortCode/bind", [&ctx](const Request& r) { return Bind(ctx, r); });
}

}  // namespace krypton::http
