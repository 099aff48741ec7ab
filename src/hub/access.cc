#include "hub/access.h"

#include <unordered_map>

#include "common/secrets.h"
#include "net/io_pool.h"

namespace krypton::hub {

struct StoreAccessPolicy::Snapshot {
  std::string owner;
  std::string ctrl_key;
  std::vector<std::pair<std::string, int64_t>> grantees;  // uid, expire_at_ms (0 = never)
};

struct StoreAccessPolicy::LoopCache {
  struct Entry {
    std::shared_ptr<const Snapshot> snapshot;  // nullptr: the device does not exist
    uint64_t generation;
    int64_t fetched_ms;
  };
  std::unordered_map<std::string, Entry> entries;
};

StoreAccessPolicy::StoreAccessPolicy(storage::Store& store, const Clock& clock, int ttl_ms,
                                     size_t max_entries, size_t loops)
    : store_(store), clock_(clock), ttl_ms_(ttl_ms), max_entries_(max_entries) {
  for (size_t i = 0; i < loops; ++i) caches_.push_back(std::make_unique<LoopCache>());
}

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
  snap->ctrl_key = device->ctrl_key;
  auto shares = store_.ListSharesByDevice(dev_tid);
  if (shares.ok()) {
    for (const auto& s : *shares) snap->grantees.emplace_back(s.grantee, s.expire_at_ms);
  }
  return snap;
}

std::shared_ptr<const StoreAccessPolicy::Snapshot> StoreAccessPolicy::Get(
    const std::string& dev_tid, Status* error) {
  int loop = net::IoPool::CurrentLoopIndex();
  if (ttl_ms_ <= 0 || loop < 0 || static_cast<size_t>(loop) >= caches_.size()) {
    return Load(dev_tid, error);
  }
  LoopCache& cache = *caches_[loop];
  uint64_t gen = generation_.load(std::memory_order_acquire);
  int64_t now = clock_.NowMs();
  auto it = cache.entries.find(dev_tid);
  if (it != cache.entries.end() && it->second.generation == gen &&
      now - it->second.fetched_ms < ttl_ms_) {
    return it->second.snapshot;
  }
  auto snap = Load(dev_tid, error);
  if (!error->ok()) return nullptr;  // failures are not cached
  if (cache.entries.size() >= max_entries_) cache.entries.clear();
  cache.entries[dev_tid] = {snap, gen, now};
  return snap;
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
                                       const std::string& ctrl_key) {
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
  return Status();
}

}  // namespace krypton::hub
