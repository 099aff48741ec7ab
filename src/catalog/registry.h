// The device registry service (enterprise-api.md §3.2 E13–E15, §4, §5): short codes,
// device imports and licences, shared by the enterprise API (http/routes/ent_devices.cc,
// ent_device_import.cc), the user API's short codes (short_codes.cc) and
// `krypton admin device import|license|revoke`. Contract:
// - No HTTP, no clock, no I/O but the Store; the caller passes the time and the calling
//   enterprise (`owner`; std::nullopt = the operator, who may act on any product).
// - A request's checks, quota draw and writes run in ONE Store::InTransaction, so
//   concurrent requests cannot overdraw a quota and a short quota changes nothing.
// - Request errors are the enterprise codes: 8400000 unknown or foreign product,
//   8400002 (kEntIllegalArgument) with a detail, 8400031 (kEntQuotaMissing) with the
//   shortfall as detail ("need 100, have 40") and nothing changed. Per-item outcomes
//   are in Batch::items.
// - The long work (up to kMaxBatch devices) holds the store: HTTP callers run it on a
//   worker (api::OnWorker), never on an event loop.
#ifndef KRYPTON_CATALOG_REGISTRY_H_
#define KRYPTON_CATALOG_REGISTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace krypton::catalog {

constexpr size_t kMaxDevTid = 32;
constexpr int64_t kMaxBatch = 1000;  // devices per import or licence request
constexpr int kSequenceDigits = 6;   // count+prefix imports: prefix + "000001", …

// The device's short code, allocating one on first use: a random start in the pool of
// `pool` codes, then the next free codes (at most 1,000 probes; a pool that full →
// 5400046; store failures → 5500000). `store` may be the one an InTransaction body gets.
Result<std::string> ShortCodeOf(storage::Store& store, int64_t pool, int64_t now_ms,
                                const std::string& dev_tid);

// The 4-digit password of `code` for device `d` (derived from its manufacturer's
// secret, never stored); "" when its product or manufacturer is missing.
std::string ShortCodePassword(storage::Store& store, const storage::Device& d,
                              const std::string& code);

// What an import asks for: an explicit list, or `count` fresh devTids `prefix` +
// the lowest free sequence numbers (exactly one of the two).
struct ImportRequest {
  std::optional<std::vector<std::string>> dev_tids;
  std::optional<int64_t> count;
  std::string prefix;
};

// One device of a batch. `code` is kEntSuccess or the item's error; the secrets are
// set on success (bindKey, short code and password on imports; licence for LICENSE
// products).
struct BatchItem {
  explicit BatchItem(std::string tid) : dev_tid(std::move(tid)) {}
  std::string dev_tid;
  Code code = Code::kEntSuccess;
  std::string bind_key, short_code, password, license;
};

struct Batch {
  std::vector<BatchItem> items;
};

// E14: pre-registers devices of product `mid` (owner only) with a bindKey, a short code
// and, for LICENSE products, a licence recorded as issued; draws one DEVICE unit per
// valid item from the product's enterprise. Per item: 8400002 for an empty or too long
// devTid or one outside the devTid charset (common/identifiers.h), a duplicate in the request, or a
// devTid already registered.
Result<Batch> ImportDevices(storage::Store& store, const std::optional<std::string>& owner,
                            const std::string& mid, const ImportRequest& request,
                            int64_t short_code_pool, int64_t now_ms);

// E15: licences for registered devices of LICENSE product `mid` (owner only; another
// deviceAuth → 8400002). A device without a live licence draws one LICENSE unit and is
// recorded as issued and un-revoked; a live one gets the same licence back for free.
// Per item: 6400004 unknown devTid, 8400029 device of another product.
Result<Batch> IssueLicenses(storage::Store& store, const std::optional<std::string>& owner,
                            const std::string& mid, const std::vector<std::string>& dev_tids,
                            int64_t now_ms);

// Revokes the licence of device `dev_tid` of LICENSE product `mid` (owner only): its
// next devLogin gets 1400039; E15 issues it again (drawing a unit). 6400004 unknown
// device, 8400029 device of another product, 8400002 product not LICENSE.
Status RevokeLicense(storage::Store& store, const std::optional<std::string>& owner,
                     const std::string& mid, const std::string& dev_tid);

// The hub's licence rule (§4.1, §4.2) for a LICENSE device presenting the right licence:
// true when the licence is issued and not revoked. When none was ever issued and the
// product has auto_issue_license, issues one now (one LICENSE unit, in a transaction);
// false when the quota is empty, so the device gets 1400039 (never 8400031).
Result<bool> LicenseLive(storage::Store& store, const storage::Product& product,
                         const storage::Device& device, int64_t now_ms);

// The same rule for a caller already inside Store::InTransaction (`tx` is the body's
// store): the auto-issue's mark and quota draw join the caller's transaction, so a
// login that fails later (D29) rolls them back with everything else.
Result<bool> LicenseLiveIn(storage::Store& tx, const storage::Product& product,
                           const storage::Device& device, int64_t now_ms);

// Deletes device `dev_tid` with everything that hangs on it (owner of its product only:
// another enterprise's device → 8400029, authorized readers included; unknown →
// 6400004). An online device or one bound to a user → 8400002 (its owner unbinds
// first). An imported device that never logged in gives one DEVICE unit back (§4.2).
Status DeleteDevice(storage::Store& store, const std::optional<std::string>& owner,
                    const std::string& dev_tid);

}  // namespace krypton::catalog

#endif  // KRYPTON_CATALOG_REGISTRY_H_
