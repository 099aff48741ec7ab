// devLogin (§3.2, enterprise-api.md §4.1): product key, device registration, device
// authentication (prodKey / authKey / license), token rules, then ONLINE.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "auth/device_auth.h"
#include "catalog/registry.h"
#include "common/secrets.h"
#include "hub/device_actions.h"
#include "hub/device_connection.h"

namespace krypton::hub {
namespace {

constexpr size_t kMaxDevTid = 32;
constexpr size_t kMaxProdKey = 64;
constexpr size_t kMaxSecret = 128;

Status Internal(const storage::StoreStatus& s) {
  return Status(Code::kHubInternal).WithDetail(s.ToString());
}

// The stored device, or std::nullopt for a devTid never seen (which a pre-registering
// product refuses: 1400022).
Result<std::optional<storage::Device>> Find(HubContext& ctx, const storage::Product& product,
                                            const std::string& dev_tid) {
  auto device = ctx.store.GetDevice(dev_tid);
  if (device.ok()) {
    if (device->mid != product.mid) {
      return Status(Code::kHubProductKeyInvalid).WithDetail("device belongs to another product");
    }
    return std::optional<storage::Device>(std::move(device).value());
  }
  if (!device.status().not_found()) return Internal(device.status());
  if (product.pre_register) return Status(Code::kHubDeviceNotFound);
  return std::optional<storage::Device>();
}

// Registers a device on its first (authenticated) login.
Result<storage::Device> Register(HubContext& ctx, const storage::Product& product,
                                 const std::string& dev_tid) {
  storage::Device d;
  d.dev_tid = dev_tid;
  d.mid = product.mid;
  d.bind_key = RandomHex(16);
  d.ctrl_key = RandomHex(16);
  d.created_at_ms = ctx.clock.NowMs();
  storage::StoreStatus s = ctx.store.CreateDevice(d);
  if (s.conflict()) {  // registered meanwhile
    auto again = ctx.store.GetDevice(dev_tid);
    if (!again.ok()) return Internal(again.status());
    if (again->mid != product.mid) return Status(Code::kHubProductKeyInvalid);
    return std::move(again).value();
  }
  if (!s.ok()) return Internal(s);
  return d;
}

// AUTHKEY and LICENSE products (enterprise-api.md §4.1). PRODKEY needs nothing more.
// The secret is checked before a new device is registered, so failed logins leave no
// rows; `device` is registered here when it is new (nullopt) and the check passes.
Result<storage::Device> Authenticate(HubContext& ctx, const Envelope& e,
                                     const storage::Product& product,
                                     std::optional<storage::Device> device,
                                     const std::string& dev_tid) {
  if (product.device_auth != "PRODKEY") {
    auto m = ctx.store.GetManufacturer(product.pid);
    if (!m.ok()) return Internal(m.status());
    if (product.device_auth == "AUTHKEY") {
      auto key = OptionalString(e, "authKey", kMaxSecret);
      if (!key.ok() || !key->has_value() ||
          !ConstantTimeEqual(**key, auth::DeriveAuthKey(m->auth_secret, dev_tid))) {
        return Status(Code::kHubAuthKeyInvalid);
      }
    } else {
      // The right licence (derived), issued by E14/E15 or auto-issued now, not revoked.
      auto license = OptionalString(e, "license", kMaxSecret);
      if (!license.ok() || !license->has_value() || (device && device->license_revoked) ||
          !ConstantTimeEqual(**license,
                             auth::DeriveLicense(m->license_secret, product.mid, dev_tid))) {
        return Status(Code::kHubLicenseInvalid);
      }
      if (!device && !product.auto_issue_license) {
        return Status(Code::kHubLicenseInvalid).WithDetail("licence not issued");
      }
    }
  }
  if (!device) {
    auto registered = Register(ctx, product, dev_tid);
    if (!registered.ok()) return registered.status();
    device = std::move(registered).value();
  }
  if (product.device_auth == "LICENSE") {
    auto live = catalog::LicenseLive(ctx.store, product, *device, ctx.clock.NowMs());
    if (!live.ok()) return Status(Code::kHubInternal).WithDetail(live.status().ToString());
    if (!*live) return Status(Code::kHubLicenseInvalid).WithDetail("licence not issued");
  }
  return std::move(*device);
}

// Token rules (§3.2): returns the token to hand back (new or unchanged).
Result<std::string> CheckToken(HubContext& ctx, const Envelope& e, const storage::Device& device) {
  auto presented = OptionalString(e, "token", kMaxSecret);
  if (!presented.ok()) return presented.status();
  std::string_view token = presented->value_or(std::string_view());
  if (token.empty()) {
    // A device without a token yet, or an unbound one, may (re-)register.
    if (!device.token_hash.empty() && !device.owner_uid.empty()) {
      return Status(Code::kHubDeviceTokenInvalid).WithDetail("bound device sent no token");
    }
    // The replaced token becomes the "last token": presenting it later is 1400015.
    std::string fresh = RandomHex(16);
    auto s = ctx.store.UpdateDeviceTokens(device.dev_tid, Sha256Hex(fresh), device.token_hash);
    if (!s.ok()) return Internal(s);
    return fresh;
  }
  std::string hash = Sha256Hex(token);
  if (!device.token_hash.empty() && ConstantTimeEqual(hash, device.token_hash)) {
    return std::string(token);
  }
  if (!device.last_token_hash.empty() && ConstantTimeEqual(hash, device.last_token_hash)) {
    return Status(Code::kHubLastTokenUnusable);
  }
  return Status(Code::kHubDeviceTokenInvalid);
}

std::string LoginParams(const storage::Device& device, const storage::Product& product,
                        const std::optional<std::string>& token, std::string_view license) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("devTid");
  str(device.dev_tid);
  w.Key("token");
  if (token) {
    str(*token);
  } else {
    w.Null();
  }
  w.Key("ctrlKey");
  str(device.ctrl_key);
  w.Key("bindKey");
  str(device.bind_key);
  w.Key("forceBind");
  w.Bool(product.force_bind);
  w.Key("bind");
  w.Bool(!device.owner_uid.empty());
  if (!license.empty()) {
    w.Key("license");
    str(license);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

void DevLogin(DeviceConnection& conn, const Envelope& e) {
  // A second login on a logged-in connection changes nothing (D8).
  if (conn.online()) return conn.ReplyError(e, Status(Code::kHubDeviceRepeatLogin));
  auto dev_tid = RequiredString(e, "devTid", kMaxDevTid);
  if (!dev_tid.ok()) return conn.ReplyError(e, dev_tid.status());
  // prodKey is opaque: never validate its format (enterprise-api.md §2.2).
  auto prod_key = RequiredString(e, "prodKey", kMaxProdKey);
  if (!prod_key.ok()) return conn.ReplyError(e, prod_key.status());

  HubContext& ctx = conn.ctx();
  auto product = ctx.store.FindProductByProdKey(std::string(*prod_key));
  if (!product.ok()) {
    return conn.ReplyError(e, product.status().not_found() ? Status(Code::kHubProductKeyInvalid)
                                                           : Internal(product.status()));
  }
  auto found = Find(ctx, *product, std::string(*dev_tid));
  if (!found.ok()) return conn.ReplyError(e, found.status());
  auto device = Authenticate(ctx, e, *product, std::move(*found), std::string(*dev_tid));
  if (!device.ok()) return conn.ReplyError(e, device.status());
  std::optional<std::string> token;
  std::string license;
  if (product->device_auth == "LICENSE") {
    license = std::string(OptionalString(e, "license", kMaxSecret)->value_or(""));
  } else {
    auto t = CheckToken(ctx, e, *device);
    if (!t.ok()) return conn.ReplyError(e, t.status());
    token = std::move(t).value();
  }
  conn.GoOnline(*device, *product);
  conn.Reply(e, LoginParams(*device, *product, token, license));
}

}  // namespace krypton::hub
