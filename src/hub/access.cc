#include "hub/access.h"

#include "common/secrets.h"

namespace krypton::hub {

StoreAccessPolicy::StoreAccessPolicy(storage::Store& store, const Clock& clock, int ttl_ms,
                                     size_t max_entries, size_t loops)
    : store_(store), clock_(clock), cache_(clock, ttl_ms, max_entries, loops) {}

StoreAccessPolicy::~StoreAccessPolicy() = default;

std::shared_ptr<const StoreAccessPolicy::Snapshot> StoreAccessPolicy::Load(
    const std::string& dev_tid, Status* error) {
  auto device = store_.GetDevice(dev_tid);
  if (!device.ok()) {
    if (!device.status().not_found()) {
      *error = Status(Code::kHubInternal).WithDetail(device.status().ToString());
    }
    return nullptr;
  }
  auto snap = std::make_shared<Snapshot>();
  snap->owner = device->owner_uid;
  snap->mid = device->mid;
  snap->ctrl_key = device->ctrl_key;
  auto shares = store_.ListSharesByDevice(dev_tid);
  if (shares.ok()) {
    for (const auto& s : *shares) snap->grantees.emplace_back(s.grantee, s.expire_at_ms);
  }
  return snap;
}

std::shared_ptr<const StoreAccessPolicy::Snapshot> StoreAccessPolicy::Get(
    const std::string& dev_tid, Status* error) {
  return cache_.Get(dev_tid, error,
                    [this](const std::string& key, Status* e) { return Load(key, e); });
}

std::vector<std::string> StoreAccessPolicy::Audience(const std::string& dev_tid) {
  std::vector<std::string> uids;
  Status error;
  auto snap = Get(dev_tid, &error);
  if (!snap) return uids;
  if (!snap->owner.empty()) uids.push_back(snap->owner);
  int64_t now = clock_.NowMs();
  for (const auto& [grantee, expire_at] : snap->grantees) {
    if (expire_at != 0 && expire_at <= now) continue;
    if (grantee != snap->owner) uids.push_back(grantee);
  }
  return uids;
}

Status StoreAccessPolicy::CheckCommand(const std::string& uid, const std::string& dev_tid,
                                       const std::string& ctrl_key, std::string* mid) {
  Status error;
  auto snap = Get(dev_tid, &error);
  if (!snap) return error.ok() ? Status(Code::kHubDeviceNotFound) : error;
  bool allowed = !snap->owner.empty() && snap->owner == uid;
  if (!allowed) {
    int64_t now = clock_.NowMs();
    for (const auto& [grantee, expire_at] : snap->grantees) {
      if (grantee == uid && (expire_at == 0 || expire_at > now)) allowed = true;
    }
  }
  if (!allowed || !ConstantTimeEqual(ctrl_key, snap->ctrl_key)) {
    return Status(Code::kHubDeviceNotOwned);
  }
  if (mid != nullptr) *mid = snap->mid;
  return Status();
}

}  // namespace krypton::hub
