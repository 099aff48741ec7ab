// The device domain (issue 15): binding, unbinding, renaming, sharing, reverse sharing
// and folders — every rule that changes who owns or may use a device. The user API
// (http/routes), the hubs (hub/actions) and `krypton admin` are thin adapters over it.
//
// Contract
// - Operations are plain functions over an Env; they take the caller and the time, run
//   one Store::InTransaction per operation (checks and writes together, so concurrent
//   calls cannot both pass a limit), and return a [[nodiscard]] Status or Result with
//   the user API's codes. They are the only code that changes these aggregates.
// - After a committed change they publish a bus::ChangeEvent (kAccess with the devTid)
//   and send what the device must learn (devSync) through Env::bus. Nobody else has to
//   remember an invalidation.
// - No HTTP, no sockets: callers turn a Status into their wire form in their one place.
#ifndef KRYPTON_DEVICES_DEVICES_H_
#define KRYPTON_DEVICES_DEVICES_H_

#include <cstdint>
#include <string>

#include "bus/bus.h"
#include "common/status.h"
#include "config/config.h"
#include "storage/store.h"

namespace krypton::devices {

// What every operation needs; everything outlives the call.
struct Env {
  storage::Store& store;
  bus::Bus& bus;
  const config::Config& config;
};

// An app user acting: the account and the enterprise its token is isolated to
// (kPublicPid for the platform's own users).
struct Caller {
  std::string uid;
  std::string pid;
};

// Publishes kAccess for `dev_tid` (the hubs' access caches forget the device).
void AccessChanged(Env& env, const std::string& dev_tid);

}  // namespace krypton::devices

#endif  // KRYPTON_DEVICES_DEVICES_H_
