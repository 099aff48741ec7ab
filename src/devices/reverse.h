// Reverse sharing (反向授权, user-api.md §5.4; decision 0006): the owner makes a share
// template (shown as a QR code); users who scan it request access; the owner approves or
// rejects — or every request is granted at once when the owner's preference
// `_ReverseAuthAgree` is true (preferences of the device's product, then global, then
// profile extraProperties). http/routes/reverse_auth.cc is the adapter.
//
// Contract
// - As devices/sharing.h: one Store::InTransaction per operation with all its checks and
//   writes (the share limit is checked, and a share created, in the scan's or approval's
//   transaction); user API codes; store failures 5500000; AccessChanged(env, devTid)
//   after a commit that created a share.
// - Templates live limits.reverse_template_ttl_s (5 min; 5400027 after), requests
//   limits.reverse_request_ttl_s (7 days; 6400001 after).
// - A template stores the share it grants as params_json {"mode","expire" (seconds, from
//   the template's creation),"instructionExpire","enableScheduler","enableIFTTT","desc"};
//   a share made from a request expires `expire` seconds after its creation.
#ifndef KRYPTON_DEVICES_REVERSE_H_
#define KRYPTON_DEVICES_REVERSE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "devices/sharing.h"

namespace krypton::devices {

// The owner makes a template of `terms` (checked as a share's). 6400003 unless the caller
// owns the device and `claimed_grantor` is "" or the caller; 5400036 when the caller has
// an unexpired template of the same parameters. Returns the template id.
[[nodiscard]] Result<std::string> CreateReverseTemplate(Env& env, const Caller& caller,
                                                        const DeviceRef& device,
                                                        const std::string& claimed_grantor,
                                                        const ShareTerms& terms, int64_t now_ms);

// A user scans template `template_id`: 5400027 unknown or expired; 6400002 the caller is
// the grantor or the device changed owner; 5400004 the caller already holds a live share.
// A pending unexpired request of the caller is returned again. With the owner's
// `_ReverseAuthAgree` the share is created at once (CreateOneShare's refusals) and the
// request stored AGREED; otherwise 5400011 when the limit is already reached, else the
// request is stored PENDING. Returns the registerId.
[[nodiscard]] Result<std::string> RegisterReverse(Env& env, const Caller& caller,
                                                  const std::string& template_id, int64_t now_ms);

// A pending request as the owner lists it.
struct ReverseRequestView {
  storage::ReverseRequest request;
  std::string ctrl_key;
  std::string device_name;
  std::string grantee_name;
};

// The owner's pending unexpired requests of a device (6400016 for another user's device),
// only `only_register_id` when not "", page `page` (≥ 0) of `size` (1…50).
[[nodiscard]] Result<std::vector<ReverseRequestView>> ListReverseRequests(
    Env& env, const Caller& caller, const DeviceRef& device, const std::string& only_register_id,
    int page, int size, int64_t now_ms);

// The owner approves request `register_id` of its device: 6400002 not the caller's device
// or a request of another device/grantor; 6400001 unknown, handled or expired; then the
// share is created (CreateOneShare's refusals, 5400011 included) and the request AGREED.
[[nodiscard]] Status ApproveReverse(Env& env, const Caller& caller, const DeviceRef& device,
                                    const std::string& register_id, int64_t now_ms);

// The owner rejects it (the same refusals; 6400002 when `grantee` is given and is not the
// request's); the request becomes REJECTED.
[[nodiscard]] Status RejectReverse(Env& env, const Caller& caller, const DeviceRef& device,
                                   const std::string& register_id, const std::string& grantee,
                                   int64_t now_ms);

}  // namespace krypton::devices

#endif  // KRYPTON_DEVICES_REVERSE_H_
