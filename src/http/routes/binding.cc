// Device binding beyond the QR bind of devices.cc (user-api.md §5.1.3, §5.1.4; D9, D22).
//   POST /deviceBindStatus [{devTid, bindKey}, …]  → 200 [{devTid, bindToUser, forceBind,
//        deviceName, logo, cid, cidName, productBand}] for the pairs whose bindKey is right
//   POST /queryOwner {devTid, bindKey}             → 200 {"message": owner's phone or e-mail}
//        devTid missing → 5400017; unknown devTid or wrong bindKey → 5400012 (as the QR
//        bind). An unbound device has no owner: 200 {"message":""} — the client compares
//        message with its own account name, so "" reads as "not mine", and
//        deviceBindStatus already says bindToUser=false (our choice; no Hekr source).
//   GET /getPINCode?ssid=                          → 200 {"PINCode":"123456"}; a new PIN
//        replaces the caller's previous one for that ssid (one per (uid, ssid)), valid
//        limits.pin_ttl_s (10 min). Only its SHA-256 is stored. ssid missing → 6400017.
//   GET /getNewDeviceList?pinCode=&ssid=           → 200 [Device + bindResultCode/Msg] for
//        every device that presented the PIN (the hub records them, hub/actions/pin_bind.cc);
//        pinCode missing, unknown or not the caller's, or ssid ≠ the PIN's → 6400017.
//        A device the caller does not own (a failed bind) is shown without its ctrlKey.
#include "devices/binding.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/secrets.h"
#include "http/routes/api.h"
#include "http/routes/device_json.h"
#include "http/routes/guard.h"

namespace krypton::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr size_t kPinLength = 6;   // the Android SDK rejects any other length
constexpr size_t kMaxBatch = 100;  // pairs per deviceBindStatus call

std::string Text(const rapidjson::StringBuffer& buf) {
  return std::string(buf.GetString(), buf.GetSize());
}

Result<Response> BindStatus(api::Call& call) {
  ApiContext& ctx = call.ctx;
  simdjson::dom::parser parser;
  simdjson::dom::array pairs;
  if (parser.parse(call.req.body).get_array().get(pairs) != simdjson::SUCCESS) {
    return Status(Code::kUserJsonBody);  // an array, not Call::Body()'s object
  }
  if (pairs.size() > kMaxBatch) return Status(Code::kUserInvalidParam, "size");
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (simdjson::dom::element item : pairs) {
    std::string_view dev_tid, bind_key;
    if (item["devTid"].get_string().get(dev_tid) != simdjson::SUCCESS ||
        item["bindKey"].get_string().get(bind_key) != simdjson::SUCCESS) {
      continue;
    }
    auto d = ctx.store.GetDevice(std::string(dev_tid));
    if (!d.ok() || !ConstantTimeEqual(bind_key, d->bind_key)) continue;
    auto p = ctx.store.GetProduct(d->mid);
    storage::Product product = p.ok() ? *p : storage::Product{};
    w.StartObject();
    w.Key("devTid");
    api::WriteString(w, d->dev_tid);
    w.Key("bindToUser");
    w.Bool(!d->owner_uid.empty());
    w.Key("forceBind");
    w.Bool(product.force_bind);
    w.Key("deviceName");
    api::WriteString(w, d->device_name.empty() ? product.name : d->device_name);
    // Krypton keeps no product logo, category (cid/cidName) or brand: empty strings.
    for (const char* key : {"logo", "cid", "cidName", "productBand"}) {
      w.Key(key);
      api::WriteString(w, "");
    }
    w.EndObject();
  }
  w.EndArray();
  return api::Json(200, Text(buf));
}

Result<Response> QueryOwner(api::Call& call) {
  ApiContext& ctx = call.ctx;
  auto body = call.Body();
  if (!body.ok()) return body.status();
  std::string dev_tid = api::Str(*body, "devTid"), bind_key = api::Str(*body, "bindKey");
  if (dev_tid.empty()) return Status(Code::kUserDevTidEmpty);
  auto d = ctx.store.GetDevice(dev_tid);
  if (!d.ok() || !ConstantTimeEqual(bind_key, d->bind_key)) {
    return Status(Code::kUserBindInternalError);
  }
  std::string message;
  if (!d->owner_uid.empty()) {
    auto owner = ctx.store.GetUser(d->owner_uid);
    if (owner.ok()) message = owner->phone.empty() ? owner->email : owner->phone;
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("message");
  api::WriteString(w, message);
  w.EndObject();
  return api::Json(200, Text(buf));
}

Result<Response> GetPinCode(api::Call& call) {
  devices::Env env = DevicesEnv(call.ctx);
  auto code = devices::IssuePin(env, DevicesCaller(call), call.Query("ssid"), call.NowMs());
  if (!code.ok()) return code.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("PINCode");
  api::WriteString(w, *code);
  w.EndObject();
  return api::Json(200, Text(buf));
}

Result<Response> NewDeviceList(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& uid = call.uid();
  std::string code = call.Query("pinCode"), ssid = call.Query("ssid");
  if (code.size() != kPinLength) return Status(Code::kUserInvalidParam, "pinCode");
  // Guesses are limited per account and per IP, reserved before the lookup (guard.h).
  guard::Ticket ticket = guard::Reserve(ctx, call.req, guard::Secret::kCode, "pin:" + uid);
  if (!ticket) return guard::RateLimited(ctx, call.req, "PIN guesses");
  auto pin = ctx.store.GetPinCode(Sha256Hex(code));
  if (!pin.ok() || !ConstantTimeEqual(pin->uid, uid)) {
    guard::Failed(ticket, "binding PIN (getNewDeviceList)");
    return Status(Code::kUserInvalidParam, "pinCode");
  }
  guard::Succeeded(ticket);
  if (!ssid.empty() && ssid != pin->ssid) return Status(Code::kUserInvalidParam, "ssid");
  auto results = ctx.store.ListBindResults(pin->pin_hash);
  if (!results.ok()) return storage::Internal(results.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const storage::BindResult& r : *results) {
    auto d = ctx.store.GetDevice(r.dev_tid);
    if (!d.ok()) continue;
    storage::Device device = std::move(d).value();
    if (device.owner_uid != uid) {  // a failed bind: nothing of another owner's
      device.ctrl_key.clear();
      device.owner_uid.clear();
    }
    auto p = ctx.store.GetProduct(device.mid);
    auto shares = ctx.store.ListSharesByDevice(device.dev_tid);
    int share_count = shares.ok() && !device.owner_uid.empty() ? int(shares->size()) : 0;
    BindOutcome outcome{r.code, r.msg};
    WriteDevice(ctx, w, device, p.ok() ? *p : storage::Product{}, uid, share_count, &outcome);
  }
  w.EndArray();
  return api::Json(200, Text(buf));
}

}  // namespace

void AddBindingRoutes(Router& router, ApiContext& ctx) {
  using api::Auth;
  api::Add(router, ctx, "POST", "/deviceBindStatus", Auth::kUser, BindStatus);
  api::Add(router, ctx, "POST", "/queryOwner", Auth::kUser, QueryOwner);
  api::Add(router, ctx, "GET", "/getPINCode", Auth::kUser, GetPinCode);
  api::Add(router, ctx, "GET", "/getNewDeviceList", Auth::kUser, NewDeviceList);
}

}  // namespace krypton::http
