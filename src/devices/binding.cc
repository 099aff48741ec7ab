#include "devices/binding.h"

#include "catalog/catalog.h"
#include "common/identifiers.h"
#include "common/json_object.h"
#include "common/secrets.h"

namespace krypton::devices {
namespace {

constexpr size_t kMaxName = 128;

// Rolls a transaction back after a refusal: its Status travels beside the StoreStatus.
storage::StoreStatus Refuse(Status* out, Status why) {
  *out = std::move(why);
  return storage::StoreStatus::Failed("refused: " + out->ToString());
}

// The params of the devSync after a ctrlKey rotation (hub-protocol.md §3.10).
void SyncDevice(Env& env, const std::string& dev_tid, const std::string& ctrl_key,
                const std::string& bind_key, bool bind) {
  env.bus.Notify({dev_tid, "devSync",
                  JsonObject()
                      .Add("devTid", dev_tid)
                      .Add("ctrlKey", ctrl_key)
                      .Add("bindKey", bind_key)
                      .Add("bind", bind)
                      .Finish()});
}

// The caller must own the device: unknown → 6400004, grantee → 5400047, stranger → 5400014.
Result<storage::Device> Owned(storage::Store& st, const Caller& caller, const std::string& dev_tid,
                              int64_t now_ms) {
  auto d = st.GetDevice(dev_tid);
  if (!d.ok()) {
    if (d.status().not_found()) return Status(Code::kUserDeviceNotExist);
    return storage::Internal(d.status());
  }
  if (d->owner_uid == caller.uid) return std::move(d).value();
  auto share = st.GetShare(dev_tid, caller.uid);
  bool grantee = share.ok() && (share->expire_at_ms == 0 || share->expire_at_ms > now_ms);
  return Status(grantee ? Code::kUserDeviceBoundByOther : Code::kUserDeviceNotOwned);
}

}  // namespace

Result<storage::Device> Bind(Env& env, const Caller& caller, const std::string& dev_tid,
                             const std::string& name, int64_t now_ms) {
  Status refused;
  storage::Device bound;
  std::string old_owner, rotated;  // rotated: the new ctrlKey of a force bind
  storage::StoreStatus s = env.store.InTransaction([&](storage::Store& st) {
    auto device = st.GetDevice(dev_tid);
    if (!device.ok()) {
      return Refuse(&refused,
                    Status(Code::kUserBindInternalError).WithDetail(device.status().ToString()));
    }
    if (device->registered && device->first_login_ms == 0) {
      return Refuse(&refused, Status(Code::kUserDeviceNeverLoggedIn));
    }
    auto product = st.GetProduct(device->mid);
    if (!product.ok()) {
      return Refuse(&refused,
                    Status(Code::kUserBindInternalError).WithDetail(product.status().ToString()));
    }
    if (catalog::ProductStatusOf(*product) == catalog::ProductStatus::kDiscontinued) {
      return Refuse(&refused, Status(Code::kUserDeviceBadStatus));
    }
    if (caller.pid != kPublicPid && caller.pid != product->pid) {
      return Refuse(&refused, Status(Code::kUserBindOtherManufacturer));
    }
    if (device->owner_uid == caller.uid) return Refuse(&refused, Status(Code::kUserBindRepeat));
    if (!device->owner_uid.empty()) {
      if (!product->force_bind) return Refuse(&refused, Status(Code::kUserForceBindForbidden));
      // Force bind: the previous owner's shares and memberships go, the ctrlKey rotates.
      old_owner = device->owner_uid;
      rotated = RandomHex(16);
      if (auto u = st.UnbindDevice(dev_tid, rotated); !u.ok()) return u;
    }
    if (auto b = st.BindDevice(dev_tid, caller.uid, now_ms); !b.ok()) {
      // A conflict here means another bind won the device first.
      if (b.conflict()) return Refuse(&refused, Status(Code::kUserForceBindForbidden));
      return b;
    }
    if (!name.empty()) {
      if (auto n = st.SetDeviceName(dev_tid, name); !n.ok()) return n;
    }
    auto now = st.GetDevice(dev_tid);
    if (!now.ok()) return now.status();
    bound = std::move(now).value();
    return storage::StoreStatus();
  });
  if (!refused.ok()) return refused;
  if (!s.ok()) return Status(Code::kUserBindInternalError).WithDetail(s.ToString());
  AccessChanged(env, dev_tid);
  // The device learns its new ctrlKey (LAN control authenticates with it).
  if (!rotated.empty()) SyncDevice(env, dev_tid, bound.ctrl_key, bound.bind_key, true);
  return bound;
}

Status Unbind(Env& env, const Caller& caller, const std::string& dev_tid,
              const std::string& bind_key, int64_t now_ms) {
  Status refused;
  std::string rotated = RandomHex(16), device_bind_key;
  storage::StoreStatus s = env.store.InTransaction([&](storage::Store& st) {
    auto d = Owned(st, caller, dev_tid, now_ms);
    if (!d.ok()) return Refuse(&refused, d.status());
    if (!bind_key.empty() && !ConstantTimeEqual(bind_key, d->bind_key)) {
      return Refuse(&refused, Status(Code::kUserDeviceNotOwned));
    }
    device_bind_key = d->bind_key;
    // Unowned, shares and memberships gone, ctrlKey rotated: old grantees lose access.
    return st.UnbindDevice(dev_tid, rotated);
  });
  if (!refused.ok()) return refused;
  if (!s.ok()) return storage::Internal(s);
  AccessChanged(env, dev_tid);
  SyncDevice(env, dev_tid, rotated, device_bind_key, false);
  return Status();
}

Status Rename(Env& env, const Caller& caller, const std::string& dev_tid, const std::string& name,
              const std::string& ctrl_key, int64_t now_ms) {
  Status refused;
  storage::StoreStatus s = env.store.InTransaction([&](storage::Store& st) {
    auto d = Owned(st, caller, dev_tid, now_ms);
    if (!d.ok()) return Refuse(&refused, d.status());
    if (!ctrl_key.empty() && !ConstantTimeEqual(ctrl_key, d->ctrl_key)) {
      return Refuse(&refused, Status(Code::kUserDeviceNotOwned));
    }
    if (name.empty() || name.size() > kMaxName) {
      return Refuse(&refused, Status(Code::kUserInvalidParam, "deviceName"));
    }
    return st.SetDeviceName(dev_tid, name);
  });
  if (!refused.ok()) return refused;
  return storage::Internal(s);
}

Status HubCodeOfBind(const Status& user) {
  switch (user.code()) {
    case Code::kOk:
    case Code::kUserBindRepeat:
      return Status();
    case Code::kUserBindOtherManufacturer:
      return Status(Code::kHubBindOtherManufacturer);
    case Code::kUserForceBindForbidden:
      return Status(Code::kHubForceBindForbidden);
    case Code::kUserDeviceBadStatus:
      return Status(Code::kHubDeviceNotFound);
    case Code::kUserDeviceNeverLoggedIn:
      return Status(Code::kHubDeviceNotLoggedIn);
    default:
      return Status(Code::kHubInternal).WithDetail(user.ToString());
  }
}

bool IsRecordedBindOutcome(const Status& user) {
  switch (user.code()) {
    case Code::kOk:
    case Code::kUserBindRepeat:
    case Code::kUserBindOtherManufacturer:
    case Code::kUserForceBindForbidden:
    case Code::kUserDeviceBadStatus:
    case Code::kUserDeviceNeverLoggedIn:
      return true;
    default:
      return false;
  }
}

Result<std::string> IssuePin(Env& env, const Caller& caller, const std::string& ssid,
                             int64_t now_ms) {
  constexpr size_t kPinLength = 6;  // the Android SDK rejects any other length
  constexpr size_t kMaxSsid = 64;
  constexpr int64_t kKeepExpiredMs = 86'400'000;  // expired PINs stay readable a day (5400007)
  if (ssid.empty() || ssid.size() > kMaxSsid) return Status(Code::kUserInvalidParam, "ssid");
  storage::PinCode pin;
  pin.uid = caller.uid;
  pin.pid = caller.pid;
  pin.ssid = ssid;
  pin.created_at_ms = now_ms;
  pin.expires_at_ms = now_ms + int64_t{env.config.limits.pin_ttl_s} * 1000;
  // A PIN must name one owner: draw again on the rare clash with another user's PIN.
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string code = RandomDigits(kPinLength);
    pin.pin_hash = Sha256Hex(code);
    storage::StoreStatus s = env.store.PutPinCode(pin, now_ms - kKeepExpiredMs);
    if (s.conflict()) continue;
    if (!s.ok()) return storage::Internal(s);
    return code;
  }
  return Status(Code::kUserInternal).WithDetail("no free PIN");
}

}  // namespace krypton::devices
