// The product catalogue service: the validation and store writes behind the enterprise
// product API (enterprise-api.md §3.2 E1, E17; decisions/0007) and `krypton admin
// product …`. Contract:
// - No HTTP, no clock, no I/O but the Store: callers pass the time and, for owner-only
//   operations, the calling enterprise (`owner`; std::nullopt = the operator, who may
//   change any product).
// - Errors are the enterprise codes the HTTP API answers: 8400002 (kEntIllegalArgument)
//   with a detail naming the problem, 8400000 (kEntProductNotExist) for an unknown or
//   foreign product, template errors as the codec reports them, and kUserInternal with
//   the store's message for store failures.
// - Callers tell the hub about changes (every success but a no-op status change).
#ifndef KRYPTON_CATALOG_CATALOG_H_
#define KRYPTON_CATALOG_CATALOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace krypton::catalog {

// 8400002 with `detail`.
Status Illegal(std::string detail);
// A store failure as an internal error (the detail carries the store's message).
using storage::Internal;

// A product's status (enterprise-api.md §3.2 E17). The store keeps the name.
enum class ProductStatus { kUnpublished, kPublished, kDiscontinued };
std::string_view ProductStatusName(ProductStatus status);                // "UNPUBLISHED", …
std::optional<ProductStatus> ParseProductStatus(std::string_view text);  // exact names only
// The status of a stored product (std::nullopt for a text that is no status).
std::optional<ProductStatus> ProductStatusOf(const storage::Product& p);

// How a product's devices authenticate (enterprise-api.md §4.1). The store keeps the name.
enum class DeviceAuth { kProdKey, kAuthKey, kLicense };
std::string_view DeviceAuthName(DeviceAuth auth);                  // "PRODKEY", …
std::optional<DeviceAuth> ParseDeviceAuth(std::string_view text);  // exact names only
// The device authentication of a stored product (std::nullopt for a text that is none).
std::optional<DeviceAuth> DeviceAuthOf(const storage::Product& p);

bool IsWorkMode(std::string_view v);     // JSON_CTRL, …, TRANSPARENT48_V2
bool IsDeviceAuth(std::string_view v);   // ParseDeviceAuth(v) succeeds
bool IsCheckMode(std::string_view v);    // LENIENT, STRICT
bool IsProductType(std::string_view v);  // INDEPENDENT, GATEWAY, SUB

// The settable members of a product; std::nullopt leaves a member as it is. The *_json
// members are minified JSON text: displayName and category objects (category may be
// "null"), accessWay an array of strings.
struct ProductFields {
  std::optional<std::string> name, work_mode_type, product_type, model, logo, bind_type,
      device_auth, check_mode;
  std::optional<bool> force_bind, pre_register, decorate_dev_send, auto_issue_license,
      supports_scheduler;                // false → scheduler task writes answer 6400025
  std::optional<int> max_dev_share_num;  // 0 to 1000
  std::optional<std::string> display_name_json, access_way_json, category_json;
};

// Applies `f` to `p` and `d` and validates the result. Once a product is not
// UNPUBLISHED, workModeType, productType and deviceAuth are frozen (preRegister, the
// self-registration switch of D29, stays changeable).
Status ApplyProductFields(const ProductFields& f, storage::Product& p, storage::ProductDetails& d);

// Product `mid` when `owner` (or the operator) may change it; 8400000 otherwise.
Result<storage::Product> OwnedProduct(storage::Store& store,
                                      const std::optional<std::string>& owner,
                                      const std::string& mid);

// The stored details of `mid`, or the defaults when none were stored.
storage::ProductDetails DetailsOf(storage::Store& store, const std::string& mid);

struct NewProduct {
  std::string pid;  // the owner (its manufacturer must exist)
  std::string status{ProductStatusName(ProductStatus::kUnpublished)};
  std::string mid;                           // "" = generated; else 12 letters or digits
  std::string prod_key;                      // "" = generated; at most 64 characters
  ProductFields fields;                      // work_mode_type is required
  std::optional<std::string> template_json;  // stored as version 1 when given
};
// Validates and creates a product (with generated keys and its details row).
Result<storage::Product> CreateProduct(storage::Store& store, const NewProduct& n, int64_t now_ms);

// Changes the given members. workModeType cannot change while the product has a
// protocol template.
Status UpdateProduct(storage::Store& store, const std::optional<std::string>& owner,
                     const std::string& mid, const ProductFields& f, int64_t now_ms);

// UNPUBLISHED → PUBLISHED → DISCONTINUED → PUBLISHED (`to` is PUBLISHED or
// DISCONTINUED); the same status again is accepted. True when the status changed.
Result<bool> SetProductStatus(storage::Store& store, const std::optional<std::string>& owner,
                              const std::string& mid, const std::string& to, int64_t now_ms);

// A protocol template stored as the product's next version.
struct StoredTemplate {
  int version = 0;
  int commands = 0;
  int warnings = 0;
  std::string work_mode;  // the template's workModeType
  std::vector<std::string> warning_texts;
};
// Parses `body_json` for product `mid`'s work mode (the codec's errors, 8400002) and stores
// it as the next version, in one transaction with the ownership and status checks. An
// enterprise (`owner`) may change only an UNPUBLISHED product's template (8400002 "…
// frozen"); the operator (std::nullopt) any product's. Publishes nothing: the caller that
// runs in the server publishes ChangeEvent kTemplate (the admin CLI relies on the caches'
// TTL).
Result<StoredTemplate> StoreTemplate(storage::Store& store, const std::optional<std::string>& owner,
                                     const std::string& mid, const std::string& body_json,
                                     int64_t now_ms);

// Never a PUBLISHED product, never one with devices.
Status DeleteProduct(storage::Store& store, const std::optional<std::string>& owner,
                     const std::string& mid);

// E8 and its reverse: gives (`authorized`) or withdraws enterprise `pid`'s read access
// to product `mid` (owner only: 8400000). 8400004 when `pid` is no manufacturer,
// 8400002 for the product's own pid. Both are idempotent.
Status SetAuthorization(storage::Store& store, const std::optional<std::string>& owner,
                        const std::string& mid, const std::string& pid, bool authorized,
                        int64_t now_ms);

// Whether enterprise `pid` may read product `p`: it owns it or is authorized (§4.3).
Result<bool> MayRead(storage::Store& store, const storage::Product& p, const std::string& pid);

}  // namespace krypton::catalog

#endif  // KRYPTON_CATALOG_CATALOG_H_
