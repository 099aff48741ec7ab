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

#include "catalog/registry.h"
#include "common/json_object.h"
#include "common/secrets.h"
#include "devices/binding.h"
#include "http/routes/device_json.h"
#include "http/routes/guard.h"

namespace krypton::http {
namespace {

std::string Password(ApiContext& ctx, const storage::Device& d, const std::string& code) {
  return catalog::ShortCodePassword(ctx.store, d, code);
}

Result<std::string> ShortCodeOf(ApiContext& ctx, const storage::Device& d) {
  return catalog::ShortCodeOf(ctx.store, ctx.config.limits.short_code_pool, ctx.clock.NowMs(),
                              d.dev_tid);
}

Result<Response> Get(api::Call& call) {
  ApiContext& ctx = call.ctx;
  std::string dev_tid = call.Query("devTid");
  if (dev_tid.empty()) return Status(Code::kUserDevTidEmpty);
  auto d = ctx.store.GetDevice(dev_tid);
  if (!d.ok()) return Status(Code::kUserDeviceNotExist);
  if (d->owner_uid != call.uid()) {
    auto share = ctx.store.GetShare(dev_tid, call.uid());
    bool grantee = share.ok() && api::LiveShare(*share, call.NowMs());
    return Status(grantee ? Code::kUserDeviceBoundByOther : Code::kUserDeviceNotOwned);
  }
  std::string ctrl_key = call.Query("ctrlKey");
  if (!ctrl_key.empty() && !ConstantTimeEqual(ctrl_key, d->ctrl_key)) {
    return Status(Code::kUserDeviceNotOwned);
  }
  auto code = ShortCodeOf(ctx, *d);
  if (!code.ok()) return code.status();
  std::string password = Password(ctx, *d, *code);
  if (password.empty()) {
    return Status(Code::kUserInternal).WithDetail("the manufacturer has no secret");
  }
  return api::Json(200, JsonObject()
                            .Add("devTid", d->dev_tid)
                            .Add("shortCode", *code)
                            .Add("password", password)
                            .AddNull("expireAt")
                            .Finish());
}

// The short code and its password prove the caller holds the device; the rules are the
// QR bind's, in the device domain (devices/binding.h).
Result<Response> Bind(api::Call& call) {
  ApiContext& ctx = call.ctx;
  auto body = call.Body();
  if (!body.ok()) return body.status();
  std::string code = api::Str(*body, "shortCode"), password = api::Str(*body, "password");
  std::string name = api::Str(*body, "deviceName");
  if (name.size() > 128) return Status(Code::kUserInvalidParam, "deviceName");
  // The password has 4 digits: guesses are limited per short code and per IP, reserved
  // before the check (routes/guard.h); over either → 429 400016.
  guard::Ticket ticket = guard::Reserve(ctx, call.req, guard::Secret::kCode, "short:" + code);
  if (!ticket) return guard::RateLimited(ctx, call.req, "short-code password guesses");
  std::optional<storage::Device> d;
  if (auto dev_tid = ctx.store.FindShortCode(code); !code.empty() && dev_tid.ok()) {
    if (auto found = ctx.store.GetDevice(*dev_tid); found.ok()) d = std::move(found).value();
  }
  std::string expected = d ? Password(ctx, *d, code) : "";
  if (!d || expected.empty() || !ConstantTimeEqual(password, expected)) {
    guard::Failed(ticket, "short-code password");
    return Status(Code::kUserShortCodeWrong);
  }
  guard::Succeeded(ticket);
  devices::Env env = DevicesEnv(ctx);
  auto bound = devices::Bind(env, DevicesCaller(call), d->dev_tid, name, call.NowMs());
  if (!bound.ok()) return bound.status();
  return api::Json(201, DeviceJsonFor(ctx, *bound, call.uid()));
}

}  // namespace

void AddShortCodeRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "GET", "/device/shortCode", api::Auth::kUser, Get);
  api::Add(router, ctx, "POST", "/device/shortCode/bind", api::Auth::kUser, Bind);
}

}  // namespace krypton::http
