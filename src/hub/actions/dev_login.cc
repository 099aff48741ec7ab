// devLogin (§3.2, enterprise-api.md §4.1, D29): identifiers, product key, the stored device
// (or, for an unknown devTid, whether the product self-registers), device authentication
// (prodKey / authKey / license), token rules, the per-IP registration rate — all read-only —
// then ONE transaction writes what the login changes (the new device, an auto-issued
// licence, a new token), then ONLINE.
//
// A failed devLogin, whatever its code, leaves the store as it was (D29): every refusal
// happens before the transaction, and a refusal inside it (licence quota empty) rolls the
// whole transaction back.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "auth/device_auth.h"
#include "catalog/catalog.h"
#include "catalog/registry.h"
#include "common/secrets.h"
#include "hub/device_actions.h"
#include "hub/device_connection.h"

namespace krypton::hub {
namespace {

Status HubInternal(const storage::StoreStatus& s) {
  return Status(Code::kHubInternal).WithDetail(s.ToString());
}

// The stored device, or std::nullopt for a devTid never seen. An unknown devTid of a
// product that does not self-register (preRegister) → 1400022; a devTid of another
// product → 1400027.
Result<std::optional<storage::Device>> Find(HubContext& ctx, const storage::Product& product,
                                            const std::string& dev_tid) {
  auto device = ctx.store.GetDevice(dev_tid);
  if (device.ok()) {
    if (device->mid != product.mid) {
      return Status(Code::kHubProductKeyInvalid).WithDetail("device belongs to another product");
    }
    return std::optional<storage::Device>(std::move(device).value());
  }
  if (!device.status().not_found()) return HubInternal(device.status());
  if (product.pre_register) return Status(Code::kHubDeviceNotFound);
  return std::optional<storage::Device>();
}

// AUTHKEY and LICENSE products (enterprise-api.md §4.1); PRODKEY needs nothing more.
// Read-only: whether a LICENSE device's licence is issued (or may be auto-issued) is
// decided in the transaction.
Status Authenticate(HubContext& ctx, const Envelope& e, const storage::Product& product,
                    const std::optional<storage::Device>& device, const std::string& dev_tid) {
  if (catalog::DeviceAuthOf(product) == catalog::DeviceAuth::kProdKey) return Status();
  auto m = ctx.store.GetManufacturer(product.pid);
  if (!m.ok()) return HubInternal(m.status());
  if (catalog::DeviceAuthOf(product) == catalog::DeviceAuth::kAuthKey) {
    auto key = OptionalId(e, "authKey", IdKind::kSecret);
    if (!key.ok()) return key.status();
    if (!key->has_value() ||
        !ConstantTimeEqual(**key, auth::DeriveAuthKey(m->auth_secret, dev_tid))) {
      return Status(Code::kHubAuthKeyInvalid);
    }
    return Status();
  }
  // The right licence (derived), not revoked; issued by E14/E15 or auto-issued.
  auto license = OptionalId(e, "license", IdKind::kSecret);
  if (!license.ok()) return license.status();
  if (!license->has_value() || (device && device->license_revoked) ||
      !ConstantTimeEqual(**license, auth::DeriveLicense(m->license_secret, product.mid, dev_tid))) {
    return Status(Code::kHubLicenseInvalid);
  }
  if (!device && !product.auto_issue_license) {
    return Status(Code::kHubLicenseInvalid).WithDetail("licence not issued");
  }
  return Status();
}

// What the token rules (§3.2, D29) decide for a token device.
struct TokenDecision {
  std::string token;       // the token to hand back
  bool issue_new = false;  // `token` is new: store its hash, the old one becomes "last"
};

// Token rules, read-only. `device` is nullopt for a devTid about to be registered.
Result<TokenDecision> CheckToken(HubContext& ctx, const Envelope& e,
                                 const std::optional<storage::Device>& device,
                                 const std::string& dev_tid) {
  auto presented = OptionalId(e, "token", IdKind::kSecret);
  if (!presented.ok()) return presented.status();
  std::string_view token = presented->value_or(std::string_view());
  if (token.empty()) {
    // A device without a token yet, or an unbound one, may (re-)register ...
    if (device && !device->token_hash.empty() && !device->owner_uid.empty()) {
      return Status(Code::kHubDeviceTokenInvalid).WithDetail("bound device sent no token");
    }
    // ... but only while it is offline: an anonymous newcomer never displaces the live
    // session of the device (D29).
    if (ctx.bus.IsOnline(dev_tid)) {
      return Status(Code::kHubLastTokenUnusable).WithDetail("device online; empty token refused");
    }
    return TokenDecision{RandomHex(16), true};
  }
  if (!device) return Status(Code::kHubDeviceTokenInvalid).WithDetail("unknown device");
  std::string hash = Sha256Hex(token);
  if (!device->token_hash.empty() && ConstantTimeEqual(hash, device->token_hash)) {
    return TokenDecision{std::string(token), false};
  }
  if (!device->last_token_hash.empty() && ConstantTimeEqual(hash, device->last_token_hash)) {
    return Status(Code::kHubLastTokenUnusable);
  }
  return Status(Code::kHubDeviceTokenInvalid);
}

// The per-IP bound on self-registrations (hub.device_registrations_per_ip_per_min).
// Breach → 1400000, logged once per IP and window.
Status RegistrationAllowed(HubContext& ctx, const std::string& ip) {
  int limit = ctx.config.hub.device_registrations_per_ip_per_min;
  std::string key = "reg:" + ip;
  int64_t now = ctx.clock.NowMs();
  if (ctx.registrations.Allow(key, limit, 60000, now)) return Status();
  if (ctx.registrations.Count(key, now) == limit + 1) {
    spdlog::warn("device registrations from {}: more than {} per minute; refusing (1400000)", ip,
                 limit);
  }
  return Status(Code::kHubError).WithDetail("device registrations per IP exceeded");
}

// The one write of a successful login: registers the new device, auto-issues a LICENSE
// device's licence, stores a new token and marks the device online — or, when any step
// refuses or fails, nothing.
Result<storage::Device> Admit(HubContext& ctx, const storage::Product& product,
                              std::optional<storage::Device> known, const std::string& dev_tid,
                              const std::optional<TokenDecision>& token) {
  int64_t now = ctx.clock.NowMs();
  if (known && !(token && token->issue_new)) {
    // Nothing to write but, for LICENSE, a licence auto-issued on this first login.
    if (catalog::DeviceAuthOf(product) == catalog::DeviceAuth::kLicense) {
      auto live = catalog::LicenseLive(ctx.store, product, *known, now);
      if (!live.ok()) return Status(Code::kHubInternal).WithDetail(live.status().ToString());
      if (!*live) return Status(Code::kHubLicenseInvalid).WithDetail("licence not issued");
    }
    // The login's one write: online since now (one statement, atomic by itself).
    if (auto o = ctx.store.SetDeviceOnline(dev_tid, true, now); !o.ok()) return HubInternal(o);
    return std::move(*known);
  }
  storage::Device device;
  Status refused;
  storage::StoreStatus s = ctx.store.InTransaction([&](storage::Store& tx) {
    if (known) {
      device = *known;
    } else {
      device = storage::Device();
      device.dev_tid = dev_tid;
      device.mid = product.mid;
      device.bind_key = RandomHex(16);
      device.ctrl_key = RandomHex(16);
      device.created_at_ms = now;
      storage::StoreStatus c = tx.CreateDevice(device);
      if (c.conflict()) {
        // Registered meanwhile by a concurrent login. A token device's first token went to
        // that login (this one would displace it: 1400015, as for an online device); a
        // LICENSE device proved its licence and goes on with the stored row.
        auto again = tx.GetDevice(dev_tid);
        if (!again.ok()) return again.status();
        if (again->mid != product.mid) {
          refused = Status(Code::kHubProductKeyInvalid);
        } else if (token) {
          refused = Status(Code::kHubLastTokenUnusable).WithDetail("registered meanwhile");
        }
        if (!refused.ok()) return storage::StoreStatus::Conflict("refused");
        device = std::move(again).value();
      } else if (!c.ok()) {
        return c;
      }
    }
    if (catalog::DeviceAuthOf(product) == catalog::DeviceAuth::kLicense) {
      auto live = catalog::LicenseLiveIn(tx, product, device, now);
      if (!live.ok() || !*live) {
        refused = live.ok() ? Status(Code::kHubLicenseInvalid).WithDetail("licence not issued")
                            : Status(Code::kHubInternal).WithDetail(live.status().ToString());
        return storage::StoreStatus::Conflict("refused");
      }
    }
    if (token && token->issue_new) {
      std::string hash = Sha256Hex(token->token);
      // The replaced token becomes the "last token": presenting it later is 1400015.
      storage::StoreStatus u = tx.UpdateDeviceTokens(dev_tid, hash, device.token_hash);
      if (!u.ok()) return u;
      device.last_token_hash = device.token_hash;
      device.token_hash = hash;
    }
    // Online since now, in the same transaction: a login that answers 1500000 leaves no
    // registration, token or online mark behind.
    return tx.SetDeviceOnline(dev_tid, true, now);
  });
  if (!refused.ok()) return refused;
  if (!s.ok()) return HubInternal(s);
  return device;
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
  auto dev_tid_view = RequiredId(e, "devTid", IdKind::kDevTid);
  if (!dev_tid_view.ok()) return conn.ReplyError(e, dev_tid_view.status());
  // prodKey is opaque: never validate its format (enterprise-api.md §2.2), only that it
  // is visible ASCII of at most 64 characters.
  auto prod_key = RequiredId(e, "prodKey", IdKind::kProdKey);
  if (!prod_key.ok()) return conn.ReplyError(e, prod_key.status());
  std::string dev_tid(*dev_tid_view);

  HubContext& ctx = conn.ctx();
  auto product = ctx.store.FindProductByProdKey(std::string(*prod_key));
  if (!product.ok()) {
    return conn.ReplyError(e, product.status().not_found() ? Status(Code::kHubProductKeyInvalid)
                                                           : HubInternal(product.status()));
  }
  auto found = Find(ctx, *product, dev_tid);
  if (!found.ok()) return conn.ReplyError(e, found.status());
  if (Status s = Authenticate(ctx, e, *product, *found, dev_tid); !s.ok()) {
    return conn.ReplyError(e, s);
  }
  std::optional<TokenDecision> token;
  std::string license;
  if (catalog::DeviceAuthOf(*product) == catalog::DeviceAuth::kLicense) {
    license = std::string(OptionalId(e, "license", IdKind::kSecret)->value_or(""));
  } else {
    auto t = CheckToken(ctx, e, *found, dev_tid);
    if (!t.ok()) return conn.ReplyError(e, t.status());
    token = std::move(t).value();
  }
  if (!*found) {
    if (Status s = RegistrationAllowed(ctx, conn.remote_ip()); !s.ok()) {
      return conn.ReplyError(e, s);
    }
  }
  bool registered = !*found;
  auto device = Admit(ctx, *product, std::move(*found), dev_tid, token);
  if (!device.ok()) return conn.ReplyError(e, device.status());
  if (registered) spdlog::info("device {} registered from {}", dev_tid, conn.remote_ip());
  conn.GoOnline(*device, *product);
  std::optional<std::string> token_out;
  if (token) token_out = token->token;
  conn.Reply(e, LoginParams(*device, *product, token_out, license));
}

}  // namespace krypton::hub
