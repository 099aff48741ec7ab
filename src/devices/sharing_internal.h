// What sharing.cc, reverse.cc and folders.cc share inside src/devices (not for callers
// outside the module).
#ifndef KRYPTON_DEVICES_SHARING_INTERNAL_H_
#define KRYPTON_DEVICES_SHARING_INTERNAL_H_

#include <functional>
#include <string>

#include "devices/sharing.h"

namespace krypton::devices::internal {

// One transaction per operation: storage::Transact.
using storage::Transact;

// A user's display name: first + last name, else e-mail, else phone; "" when unknown.
std::string UserName(storage::Store& store, const std::string& uid);

// The device `ref` names (see DeviceRef).
[[nodiscard]] Result<storage::Device> NamedDevice(storage::Store& store, const DeviceRef& ref);

// `terms` checked against the device's template into the share fields of `*s` (mode,
// instruction_expire_json, flags, desc, expire_at_ms = now + expire).
[[nodiscard]] Status ApplyTerms(storage::Store& store, const storage::Device& d,
                                const ShareTerms& terms, int64_t now_ms, storage::Share* s);

// Inside a transaction: creates `share` (grantee and terms set) of `d` from `grantor`.
// Checks first, writes last: 6400003 unless `grantor` owns `d`, 6400017 "grantee" to
// oneself, 5400039 unknown grantee, 5400004 a live share exists (an expired one is
// replaced), 5400011 the device's ShareLimit reached. Returns the new share's id.
[[nodiscard]] Result<int64_t> CreateOneShare(storage::Store& tx, const config::Config& config,
                                             const storage::Device& d, const std::string& grantor,
                                             storage::Share share, int64_t now_ms);

// Inside a transaction: 5400011 when `d` already has its ShareLimit of live shares.
[[nodiscard]] Status CheckShareLimit(storage::Store& tx, const config::Config& config,
                                     const storage::Device& d, int64_t now_ms);

}  // namespace krypton::devices::internal

#endif  // KRYPTON_DEVICES_SHARING_INTERNAL_H_
