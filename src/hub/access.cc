#include "hub/access.h"

#include "common/secrets.h"

namespace krypton::hub {

std::vector<std::string> StoreAccessPolicy::Audience(const std::string& dev_tid) {
  std::vector<std::string> uids;
  auto device = store_.GetDevice(dev_tid);
  if (!device.ok()) return uids;
  if (!device->owner_uid.empty()) uids.push_back(device->owner_uid);
  auto shares = store_.ListSharesByDevice(dev_tid);
  if (shares.ok()) {
    int64_t now = clock_.NowMs();
    for (const auto& s : *shares) {
      if (s.expire_at_ms != 0 && s.expire_at_ms <= now) continue;
      if (s.grantee != device->owner_uid) uids.push_back(s.grantee);
    }
  }
  return uids;
}

Status StoreAccessPolicy::CheckCommand(const std::string& uid, const std::string& dev_tid,
                                       const std::string& ctrl_key) {
  auto device = store_.GetDevice(dev_tid);
  if (!device.ok()) {
    return device.status().not_found()
               ? Status(Code::kHubDeviceNotFound)
               : Status(Code::kHubInternal).WithDetail(device.status().ToString());
  }
  bool allowed = !device->owner_uid.empty() && device->owner_uid == uid;
  if (!allowed) {
    auto share = store_.GetShare(dev_tid, uid);
    allowed = share.ok() && (share->expire_at_ms == 0 || share->expire_at_ms > clock_.NowMs());
  }
  if (!allowed || !ConstantTimeEqual(ctrl_key, device->ctrl_key)) {
    return Status(Code::kHubDeviceNotOwned);
  }
  return Status();
}

}  // namespace krypton::hub
