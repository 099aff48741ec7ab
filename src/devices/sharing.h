// Sharing (正向授权, user-api.md §5.3; decision 0006): an owner grants another user a
// device — all instructions or some (PARTIAL, each with its own expiry), optionally until
// a time. The user API's /authorization routes (http/routes/sharing.cc) and reverse
// sharing (devices/reverse.h) are adapters over these operations.
//
// Contract
// - Each operation runs ONE Store::InTransaction holding all its checks and writes; a
//   refused check writes nothing. In particular the share limit is counted and the share
//   created in the same transaction, so concurrent creations cannot exceed it.
// - Errors are the user API's codes; any store failure is 5500000 (storage::Internal).
// - After a committed change of a device's shares, AccessChanged(env, devTid) is
//   published once per changed device (the hubs' access caches forget it).
// - Expired shares count as absent everywhere: lists, limits, "already exists" (an expired
//   share is replaced by a new one), enforcement (LiveShare).
// - The share limit of a device (ShareLimit): its product's maxDevShareNum when that is
//   1…1000; 0 means the product sets none and `limits.shares_per_device` (config, default
//   10) applies — as it does when the device's product is unknown. Hekr's own cloud
//   answers maxDevShareNum 0 for products that share normally (Android SDK DeviceBean
//   sample), so 0 never means "no sharing". Reaching the limit is 5400011.
#ifndef KRYPTON_DEVICES_SHARING_H_
#define KRYPTON_DEVICES_SHARING_H_

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "codec/template.h"
#include "devices/devices.h"

namespace krypton::devices {

// An unexpired share (expire_at_ms 0 = never).
bool LiveShare(const storage::Share& s, int64_t now_ms);

// A PARTIAL share's instructions (cmdTag or decimal cmdId) with their expiry in epoch
// ms (0 = never): instructionExpire {"<name>": seconds, …}, each counted from the
// share's last update (else its grant), ≤ 0 = never (user-api.md §5.3.1). Empty when the
// JSON does not parse.
std::vector<std::pair<std::string, int64_t>> PartialInstructions(const storage::Share& s);

// The instruction a command names: the template's command when the codec resolved one,
// else the data's own cmdTag / decimal cmdId (either may be empty).
struct InstructionName {
  std::string tag;
  std::string id;
};
InstructionName InstructionOf(simdjson::dom::element data, const codec::Command* command);

// Whether `granted` (PartialInstructions) holds `name` — the first entry naming its tag
// or its id — unexpired at `now_ms`. Callers give the answer their protocol's code: the
// app hub 1400011 / 1400012 (§4.3 step 4), the scheduler 5400026 / 5400019 (D26).
enum class InstructionGrant { kGranted, kExpired, kNotGranted };
InstructionGrant FindInstruction(const std::vector<std::pair<std::string, int64_t>>& granted,
                                 const InstructionName& name, int64_t now_ms);

// FindInstruction with the user API's codes (D26): OK, 5400019 expired, 5400026 not
// granted — a grantee's scheduler task, when written and when it fires.
Status CheckInstructionGrant(const std::vector<std::pair<std::string, int64_t>>& granted,
                             const InstructionName& name, int64_t now_ms);

// The share limit of a device whose product has `max_dev_share_num` (0 when the product
// sets none or is unknown): see the contract above.
int ShareLimit(const config::Config& config, int max_dev_share_num);

// A device as the user API names it: by devTid (preferred) or by its current ctrlKey;
// neither → 5400017, unknown → 6400004, both given but not the same device's → 5400014.
struct DeviceRef {
  std::string dev_tid;
  std::string ctrl_key;
};

// The v1 terms of a share (§5.3.1), as the wire gave them.
struct ShareTerms {
  std::string mode;  // "" or "ALL" = ALL; "PARTIAL"; anything else → 6400017 "mode"
  // PARTIAL: instruction (cmdTag or decimal cmdId) → seconds, the JSON object as sent;
  // "" = absent (6400017 "instructionExpire"). Each instruction must be a command of the
  // product's template (5400015) that apps may send (not frameType 1: 5400020); every
  // value a number and the object not empty (6400017 "instructionExpire").
  std::string instructions_json;
  bool enable_scheduler = true;
  bool enable_ifttt = true;
  std::string desc;     // ≤ 512 bytes (6400017 "desc")
  double expire_s = 0;  // seconds from now; ≤ 0 = never
};

// A share as the API shows it: with its device's ctrlKey and the users' display names
// (first + last name, else e-mail, else phone).
struct ShareView {
  storage::Share share;
  std::string ctrl_key;
  std::string grantor_name;
  std::string grantee_name;
};

// v1 create: `caller` shares the device with `grantee` on `terms`. Checks in this order:
// the device (DeviceRef), 6400003 unless the caller owns it, 6400017 "grantee" when
// empty, the terms, then CreateOneShare's. Returns the stored share.
[[nodiscard]] Result<ShareView> CreateShare(Env& env, const Caller& caller, const DeviceRef& device,
                                            const std::string& grantee, const ShareTerms& terms,
                                            int64_t now_ms);

// v2 batch create: one ALL share (scheduler and IFTTT enabled) of each device named by
// ctrlKey, expiring at `expire_at_ms` (nullopt = never). Whole-request errors: 6400017
// "grantee" (empty), "expireAt" (not after now), "ctrlKey" (0 or more than 100 keys).
// Otherwise one Status per key, in order: OK, 6400004 (empty or unknown ctrlKey) or
// CreateOneShare's refusals; all items in one transaction (a store failure fails all).
[[nodiscard]] Result<std::vector<Status>> CreateShares(Env& env, const Caller& caller,
                                                       const std::vector<std::string>& ctrl_keys,
                                                       const std::string& grantee,
                                                       std::optional<int64_t> expire_at_ms,
                                                       int64_t now_ms);

// Lists live shares in the store's order (by id; per device when listing the caller's
// devices). With a device: the owner sees all (or
// those of `grantees`); a grantee must hold a live share (else 5400014) and ask for
// exactly itself (else 6400016). Without a device (both fields empty): `grantees` ==
// {caller} lists the shares the caller holds, anything else those it granted (filtered
// by `grantees` when not empty).
[[nodiscard]] Result<std::vector<ShareView>> ListShares(Env& env, const Caller& caller,
                                                        const DeviceRef& device,
                                                        const std::set<std::string>& grantees,
                                                        int64_t now_ms);

// PUT: replaces the terms of `grantee`'s live share (5400005 when none) of the caller's
// device (6400003 otherwise); updateTime = now.
[[nodiscard]] Status UpdateShare(Env& env, const Caller& caller, const DeviceRef& device,
                                 const std::string& grantee, const ShareTerms& terms,
                                 int64_t now_ms);

// Cancels shares of one device: the owner those of `grantees` (every live share when
// empty; 5400005 when there is none), a grantee only its own (5400005 without a live one,
// 6400016 naming another). All named shares must be live (5400005), else none is deleted.
[[nodiscard]] Status DeleteShares(Env& env, const Caller& caller, const DeviceRef& device,
                                  std::set<std::string> grantees, int64_t now_ms);

}  // namespace krypton::devices

#endif  // KRYPTON_DEVICES_SHARING_H_
