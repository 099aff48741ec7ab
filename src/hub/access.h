// AccessPolicy: who may see and command a device (hub-protocol.md §4.3, §4.4; user-api.md
// §5.3.5). One interface so the app hub does not care where shares live; the store-backed
// implementation reads the owner and the unexpired shares.
//
// Thread-safety: every method may be called from any loop; the store serialises.
#ifndef KRYPTON_HUB_ACCESS_H_
#define KRYPTON_HUB_ACCESS_H_

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
};

class StoreAccessPolicy final : public AccessPolicy {
 public:
  StoreAccessPolicy(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  std::vector<std::string> Audience(const std::string& dev_tid) override;
  Status CheckCommand(const std::string& uid, const std::string& dev_tid,
                      const std::string& ctrl_key) override;

 private:
  storage::Store& store_;
  const Clock& clock_;
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_ACCESS_H_
