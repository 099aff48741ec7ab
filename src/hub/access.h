// AccessPolicy: who may see and command a device (hub-protocol.md §4.3, §4.4; user-api.md
// §5.3.5). One interface so the app hub does not care where shares live; the store-backed
// implementation reads the owner and the unexpired shares.
//
// Thread-safety: every method may be called from any loop; the store serialises.
#ifndef KRYPTON_HUB_ACCESS_H_
#define KRYPTON_HUB_ACCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "common/clock.h"
#include "common/status.h"
#include "hub/change_watch.h"
#include "hub/loop_cache.h"
#include "storage/store.h"

namespace krypton::hub {

class AccessPolicy {
 public:
  virtual ~AccessPolicy() = default;
  // The uids that receive the device's pushes: its owner and every grantee whose share
  // has not expired. Empty for an unknown or unbound device without shares. When
  // `ctrl_key` is given it receives the device's current ctrlKey, which report pushes
  // carry (§4.4).
  virtual std::vector<std::string> Audience(const std::string& dev_tid,
                                            std::string* ctrl_key = nullptr) = 0;
  // Audience() for a one-off event (a presence change): what is cached is used, but a
  // miss is not cached, so devices that log in and stay idle leave no entry behind.
  virtual std::vector<std::string> PresenceAudience(const std::string& dev_tid) = 0;
  // What a successful CheckCommand tells about the caller's grant.
  struct Grant {
    std::string mid;  // the device's product
    // nullptr: every instruction (the owner, or an ALL share). Otherwise the PARTIAL
    // share's instructions (cmdTag or decimal cmdId) with their expiry in epoch ms
    // (0 = never): anything else → 1400011, an expired one → 1400012 (§4.3 step 4).
    std::shared_ptr<const std::vector<std::pair<std::string, int64_t>>> instructions;
    // Whether the caller's scheduler tasks may fire: the owner always, a grantee when
    // the share has enableScheduler (user-api.md §5.5, 6400016).
    bool scheduler = true;
  };
  // May `uid` command the device with `ctrl_key`? 1400022 unknown device, 1400012 not
  // the owner nor an unexpired grantee, or a wrong ctrlKey (compared in constant time).
  virtual Status CheckCommand(const std::string& uid, const std::string& dev_tid,
                              const std::string& ctrl_key, Grant* grant = nullptr) = 0;
  // A binding, share or ctrlKey changed: forget cached decisions.
  virtual void Invalidate() = 0;
};

// Reads the store, and keeps what it read per event loop for `ttl_ms` so the
// per-message paths (every appSend, every report's fan-out) do not hit SQLite or take a
// lock: each loop has its own cache, touched only by that loop's thread. Invalidate()
// bumps a generation every loop checks. Given a bus, the policy invalidates itself on
// every bus::ChangeEvent kAccess (bind, unbind, share, ctrlKey change — published by the
// domain services and routes after their commit), from its constructor until its
// destructor; changes made by another process (the admin CLI) publish no event and are
// seen within ttl_ms. At most `max_entries` devices per loop (then the loop's
// cache is cleared). Calls from threads that are not event loops bypass the cache.
class StoreAccessPolicy final : public AccessPolicy {
 public:
  StoreAccessPolicy(storage::Store& store, const Clock& clock, int ttl_ms = 2000,
                    size_t max_entries = 100000, size_t loops = 64, bus::Bus* bus = nullptr);
  ~StoreAccessPolicy() override;
  std::vector<std::string> Audience(const std::string& dev_tid,
                                    std::string* ctrl_key = nullptr) override;
  std::vector<std::string> PresenceAudience(const std::string& dev_tid) override;
  Status CheckCommand(const std::string& uid, const std::string& dev_tid,
                      const std::string& ctrl_key, Grant* grant = nullptr) override;
  void Invalidate() override { cache_.Invalidate(); }

  // The device's owner, product, ctrlKey and grantees.
  struct Grantee {
    std::string uid;
    int64_t expire_at_ms = 0;                                                          // 0 = never
    std::shared_ptr<const std::vector<std::pair<std::string, int64_t>>> instructions;  // PARTIAL
    bool enable_scheduler = false;
  };
  struct Snapshot {
    std::string owner;
    std::string mid;
    std::string ctrl_key;
    std::vector<Grantee> grantees;
  };

 private:
  // nullptr when the device does not exist (or on a store error, in *error).
  std::shared_ptr<const Snapshot> Get(const std::string& dev_tid, Status* error, bool keep = true);
  std::vector<std::string> AudienceOf(const Snapshot& snap);
  std::shared_ptr<const Snapshot> Load(const std::string& dev_tid, Status* error);

  storage::Store& store_;
  const Clock& clock_;
  LoopCache<Snapshot> cache_;
  ChangeWatch watch_;  // last: unsubscribes before cache_ goes
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_ACCESS_H_
