// Binding (issue 15): the one bind operation behind the three ways a user takes a device —
// the QR bind (POST /device, user-api.md §5.1.2), the short-code bind (POST
// /device/shortCode/bind, §5.1.7) and the PIN/SSID bind on the device hub
// (hub-protocol.md §3.12, hub/actions/pin_bind.cc) — plus unbind (DELETE /device/{devTid},
// §5.1.6) and rename (PATCH|PUT /device/{devTid}, §5.1.5).
//
// Contract
// - The callers prove the caller's right to try first (bindKey, short code + password, a
//   live PIN of the right SSID); these functions apply the rules of ownership, each in
//   one Store::InTransaction (the device and its product are read inside it, so the
//   checks and the writes are atomic). A refused operation writes nothing.
// - Bind rules, in this order (the first that applies wins), with the user-family codes
//   that every path shows to the user (the PIN path records them for GET
//   /getNewDeviceList):
//     device registered but never logged in (first_login_ms == 0)   5400024
//     product unknown / device unknown                               5400012
//     product DISCONTINUED                                           5400028
//     caller's pid ≠ product's pid, caller not on kPublicPid         5400008
//     already the caller's                                           5400013
//     bound to another user, product without forceBind               5400043
//     store failure                                                  5400012 (detail kept)
//   A force bind (owned by another user, product->force_bind) removes the previous
//   owner, every share and folder membership (UnbindDevice) and rotates the ctrlKey, and
//   binds to the caller — in the same transaction.
// - After the commit: AccessChanged(env, devTid) (bus kAccess) for every bind and unbind;
//   a devSync through env.bus.Notify to the device when its ctrlKey rotated (force bind:
//   bind:true; unbind: bind:false), params {devTid, ctrlKey, bindKey, bind}
//   (hub-protocol.md §3.10). A plain bind of an unowned device keeps the ctrlKey and sends
//   no devSync. Rename changes no access and publishes nothing.
// - The domain speaks the user family only. The hub maps it with HubCodeOfBind() (one
//   table, below); the HTTP routes return the Status as it is.
// - Thread-safety: plain functions; callable from any thread (the Store and the Bus are).
#ifndef KRYPTON_DEVICES_BINDING_H_
#define KRYPTON_DEVICES_BINDING_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "devices/devices.h"
#include "storage/store.h"

namespace krypton::devices {

// Binds `dev_tid` to `caller` (rules above). `name`, when not empty, becomes the device's
// name in the same transaction. Returns the device as bound (its new ctrlKey after a
// force bind).
Result<storage::Device> Bind(Env& env, const Caller& caller, const std::string& dev_tid,
                             const std::string& name, int64_t now_ms);

// Unbinds `dev_tid`, owned by `caller`: the device becomes unowned, its shares and folder
// memberships go, its ctrlKey rotates, and the device learns it (devSync bind:false).
// `bind_key`, when not empty, must be the device's. Errors: 6400004 unknown device,
// 5400047 the caller is a grantee, 5400014 a stranger or a wrong bindKey, 5500000 store.
Status Unbind(Env& env, const Caller& caller, const std::string& dev_tid,
              const std::string& bind_key, int64_t now_ms);

// Renames `dev_tid`, owned by `caller`. `ctrl_key`, when not empty, must be the device's.
// Errors: as Unbind's ownership errors (6400004, 5400047, 5400014), then 6400017
// "Invalid Param deviceName" for a name of 0 or more than 128 characters, 5500000 store.
Status Rename(Env& env, const Caller& caller, const std::string& dev_tid, const std::string& name,
              const std::string& ctrl_key, int64_t now_ms);

// A PIN for binding by SSID (user-api.md §5.1.4): six digits naming `caller` as the owner of
// the device that presents it with `ssid` within limits.pin_ttl_s. A clash with another
// user's live PIN draws again. Errors: 6400017 "Invalid Param ssid" (empty or over 64
// characters), 5500000 store or no free PIN. Only the PIN's hash is stored.
Result<std::string> IssuePin(Env& env, const Caller& caller, const std::string& ssid,
                             int64_t now_ms);

// The hub's answer to a device for a bind outcome of the PIN path (hub-protocol.md §3.12):
// OK = success (200 / the configured success code). The one table:
//   OK, 5400013 (repeat)          → success
//   5400008                       → 1400030
//   5400043                       → 1400031
//   5400028 (DISCONTINUED)        → 1400022 "The device is not found" — the spec's §3.12
//        table has no row for it; 1400022 is the hub twin of 5400028 "Device does not
//        found due to incorrect status" (decision: docs/architecture.md, devices module)
//   5400024 (never logged in)     → 1400020 "Device is not logged in" (cannot happen on
//        the hub: the device presenting a PIN is logged in)
//   anything else                 → 1500000
Status HubCodeOfBind(const Status& user);

// True for OK and each refusal of the rules above, whose user-family code the PIN's owner
// sees in GET /getNewDeviceList; false for an unknown device or product and a store
// failure (5400012, 5500000: the hub answers 1500000 and records nothing).
bool IsRecordedBindOutcome(const Status& user);

}  // namespace krypton::devices

#endif  // KRYPTON_DEVICES_BINDING_H_
