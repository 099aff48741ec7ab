// AccessPolicy: who may see and command a device (hub-protocol.md §4.3, §4.4; user-api.md
// §5.3.5). One interface so the app hub does not care where shares live; the store-backed
// implementation reads the owner and the unexpired shares.
//
// Thread-safety: every method may be called from any loop; the store serialises.
#ifndef KRYPTON_HUB_ACCESS_H_
#define KRYPTON_HUB_ACCESS_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace krypton::hub {

class AccessPolicy {
 public:
  virtual ~AccessPolicy() = default;
  // The uids that receive the device's pushes: its owner and every grantee whose share
  // has not expired. Empty for an unknown or unbound device without shares.
  virtual std::vector<std::string> Audience(const std::string& dev_tid) = 0;
  // May `uid` command the device with `ctrl_key`? 1400022 unknown device, 1400012 not
  // the owner nor an unexpired grantee, or a wrong ctrlKey (compared in constant time).
  virtual Status CheckCommand(const std::string& uid, const std::string& dev_tid,
                              const std::string& ctrl_key) = 0;
  // A binding, share or ctrlKey changed in this process: forget cached decisions.
  virtual void Invalidate() = 0;
};

// Reads the store, and keeps what it read per event loop for `ttl_ms` so the
// per-message paths (every appSend, every report's fan-out) do not hit SQLite or take a
// lock: each loop has its own cache, touched only by that loop's thread. Invalidate()
// bumps a generation every loop checks; changes made by another process (the admin
// CLI) are seen within ttl_ms. At most `max_entries` devices per loop (then the loop's
// cache is cleared). Calls from threads that are not event loops bypass the cache.
class StoreAccessPolicy final : public AccessPolicy {
 public:
  StoreAccessPolicy(storage::Store& store, const Clock& clock, int ttl_ms = 2000,
                    size_t max_entries = 100000, size_t loops = 64);
  ~StoreAccessPolicy() override;
  std::vector<std::string> Audience(const std::string& dev_tid) override;
  Status CheckCommand(const std::string& uid, const std::string& dev_tid,
                      const std::string& ctrl_key) override;
  void Invalidate() override { generation_.fetch_add(1, std::memory_order_release); }

 private:
  struct Snapshot;
  // The device's owner, ctrlKey and unexpired grantees; nullptr when it does not exist.
  std::shared_ptr<const Snapshot> Get(const std::string& dev_tid, Status* error);
  std::shared_ptr<const Snapshot> Load(const std::string& dev_tid, Status* error);

  storage::Store& store_;
  const Clock& clock_;
  const int64_t ttl_ms_;
  const size_t max_entries_;
  std::atomic<uint64_t> generation_{0};
  struct LoopCache;
  std::vector<std::unique_ptr<LoopCache>> caches_;  // caches_[i] touched only on loop i
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_ACCESS_H_
