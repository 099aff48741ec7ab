#include "hub/access.h"

#include <simdjson.h>

#include "common/secrets.h"
#include "devices/sharing.h"

namespace krypton::hub {
namespace {

// A PARTIAL share's instructions, shared by every decision made from one snapshot.
std::shared_ptr<const std::vector<std::pair<std::string, int64_t>>> PartialInstructions(
    const storage::Share& s) {
  return std::make_shared<const std::vector<std::pair<std::string, int64_t>>>(
      devices::PartialInstructions(s));
}

}  // namespace

StoreAccessPolicy::StoreAccessPolicy(storage::Store& store, const Clock& clock, int ttl_ms,
                                     size_t max_entries, size_t loops, bus::Bus* bus)
    : store_(store),
      clock_(clock),
      cache_(clock, ttl_ms, max_entries, loops),
      watch_(bus, bus::ChangeEvent::Kind::kAccess,
             [this](const bus::ChangeEvent&) { cache_.Invalidate(); }) {}

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
    for (const auto& s : *shares) {
      Grantee g{s.grantee, s.expire_at_ms, nullptr, s.enable_scheduler};
      if (s.mode == "PARTIAL") g.instructions = PartialInstructions(s);
      snap->grantees.push_back(std::move(g));
    }
  }
  return snap;
}

std::shared_ptr<const StoreAccessPolicy::Snapshot> StoreAccessPolicy::Get(
    const std::string& dev_tid, Status* error, bool keep) {
  return cache_.Get(
      dev_tid, error, [this](const std::string& key, Status* e) { return Load(key, e); }, keep);
}

std::vector<std::string> StoreAccessPolicy::AudienceOf(const Snapshot& snap) {
  std::vector<std::string> uids;
  if (!snap.owner.empty()) uids.push_back(snap.owner);
  int64_t now = clock_.NowMs();
  for (const auto& g : snap.grantees) {
    if (g.expire_at_ms != 0 && g.expire_at_ms <= now) continue;
    if (g.uid != snap.owner) uids.push_back(g.uid);
  }
  return uids;
}

std::vector<std::string> StoreAccessPolicy::Audience(const std::string& dev_tid,
                                                     std::string* ctrl_key) {
  Status error;
  auto snap = Get(dev_tid, &error);
  if (!snap) return {};
  if (ctrl_key != nullptr) *ctrl_key = snap->ctrl_key;
  return AudienceOf(*snap);
}

std::vector<std::string> StoreAccessPolicy::PresenceAudience(const std::string& dev_tid) {
  Status error;
  auto snap = Get(dev_tid, &error, /*keep=*/false);
  return snap ? AudienceOf(*snap) : std::vector<std::string>();
}

Status StoreAccessPolicy::CheckCommand(const std::string& uid, const std::string& dev_tid,
                                       const std::string& ctrl_key, Grant* grant) {
  Status error;
  auto snap = Get(dev_tid, &error);
  if (!snap) return error.ok() ? Status(Code::kHubDeviceNotFound) : error;
  bool allowed = !snap->owner.empty() && snap->owner == uid;
  std::shared_ptr<const std::vector<std::pair<std::string, int64_t>>> instructions;
  bool scheduler = true;
  if (!allowed) {
    int64_t now = clock_.NowMs();
    for (const auto& g : snap->grantees) {
      if (g.uid == uid && (g.expire_at_ms == 0 || g.expire_at_ms > now)) {
        allowed = true;
        instructions = g.instructions;
        scheduler = g.enable_scheduler;
      }
    }
  }
  if (!allowed || !ConstantTimeEqual(ctrl_key, snap->ctrl_key)) {
    return Status(Code::kHubDeviceNotOwned);
  }
  if (grant != nullptr) *grant = Grant{snap->mid, std::move(instructions), scheduler};
  return Status();
}

}  // namespace krypton::hub
