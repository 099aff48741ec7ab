// The product catalogue service (catalog.h).
#include "catalog/catalog.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "codec/template.h"
#include "common/identifiers.h"
#include "common/secrets.h"

namespace krypton::catalog {
namespace {

constexpr const char* kWorkModes[] = {"JSON_CTRL", "JSON_TRANSPARENT",
                                      "JSON_TRANSPARENT_NOT_CHECK_RAW", "TRANSPARENT48",
                                      "TRANSPARENT48_V2"};
constexpr const char* kProductTypes[] = {"INDEPENDENT", "GATEWAY", "SUB"};
constexpr const char* kCheckModes[] = {"LENIENT", "STRICT"};

template <size_t N>
bool OneOf(std::string_view v, const char* const (&list)[N]) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* s) { return v == s; });
}

template <typename T, size_t N>
std::string Joined(const T (&list)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i)
    out += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(list[i]);
  return out;
}

template <typename T>
void Set(const std::optional<T>& from, T& to) {
  if (from) to = *from;
}

constexpr std::string_view kStatusNames[] = {"UNPUBLISHED", "PUBLISHED", "DISCONTINUED"};
constexpr std::string_view kDeviceAuthNames[] = {"PRODKEY", "AUTHKEY", "LICENSE"};

template <typename E, size_t N>
std::optional<E> ParseName(std::string_view text, const std::string_view (&names)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view ProductStatusName(ProductStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}
std::optional<ProductStatus> ParseProductStatus(std::string_view text) {
  return ParseName<ProductStatus>(text, kStatusNames);
}
std::optional<ProductStatus> ProductStatusOf(const storage::Product& p) {
  return ParseProductStatus(p.status);
}

std::string_view DeviceAuthName(DeviceAuth auth) {
  return kDeviceAuthNames[static_cast<size_t>(auth)];
}
std::optional<DeviceAuth> ParseDeviceAuth(std::string_view text) {
  return ParseName<DeviceAuth>(text, kDeviceAuthNames);
}
std::optional<DeviceAuth> DeviceAuthOf(const storage::Product& p) {
  return ParseDeviceAuth(p.device_auth);
}

Status Illegal(std::string detail) {
  return Status(Code::kEntIllegalArgument).WithDetail(std::move(detail));
}

bool IsWorkMode(std::string_view v) { return OneOf(v, kWorkModes); }
bool IsDeviceAuth(std::string_view v) { return ParseDeviceAuth(v).has_value(); }
bool IsCheckMode(std::string_view v) { return OneOf(v, kCheckModes); }
bool IsProductType(std::string_view v) { return OneOf(v, kProductTypes); }

Status ApplyProductFields(const ProductFields& f, storage::Product& p, storage::ProductDetails& d) {
  const storage::Product before = p;
  const std::string type_before = d.product_type;
  Set(f.name, p.name);
  Set(f.work_mode_type, p.work_mode_type);
  Set(f.product_type, d.product_type);
  Set(f.model, d.model);
  Set(f.logo, d.logo);
  Set(f.bind_type, d.bind_type);
  Set(f.device_auth, p.device_auth);
  Set(f.check_mode, p.check_mode);
  Set(f.force_bind, p.force_bind);
  Set(f.pre_register, p.pre_register);
  Set(f.decorate_dev_send, p.decorate_dev_send);
  Set(f.auto_issue_license, p.auto_issue_license);
  Set(f.supports_scheduler, p.supports_scheduler);
  Set(f.max_dev_share_num, p.max_dev_share_num);
  Set(f.display_name_json, d.display_name_json);
  Set(f.access_way_json, d.access_way_json);
  Set(f.category_json, d.category_json);
  if (p.name.empty() || p.name.size() > 128) return Illegal("name must be 1 to 128 characters");
  if (!IsWorkMode(p.work_mode_type)) return Illegal("workModeType must be " + Joined(kWorkModes));
  if (!IsProductType(d.product_type))
    return Illegal("productType must be " + Joined(kProductTypes));
  if (!IsDeviceAuth(p.device_auth))
    return Illegal("deviceAuth must be " + Joined(kDeviceAuthNames));
  if (!IsCheckMode(p.check_mode)) return Illegal("checkMode must be LENIENT or STRICT");
  if (p.max_dev_share_num < 0 || p.max_dev_share_num > 1000) {
    return Illegal("maxDevShareNum must be an integer from 0 to 1000");
  }
  if (d.bind_type.empty()) return Illegal("bindType must not be empty");
  // preRegister is not frozen: it is the self-registration switch of D29, which a
  // manufacturer must be able to close on a live product (registered devices are not
  // affected either way).
  if (ProductStatusOf(before) != ProductStatus::kUnpublished &&
      (p.work_mode_type != before.work_mode_type || d.product_type != type_before ||
       p.device_auth != before.device_auth)) {
    return Illegal("the product is " + before.status +
                   ": workModeType, productType and deviceAuth are frozen");
  }
  return Status();
}

Result<storage::Product> OwnedProduct(storage::Store& store,
                                      const std::optional<std::string>& owner,
                                      const std::string& mid) {
  auto p = store.GetProduct(mid);
  if (!p.ok()) {
    return p.status().not_found() ? Status(Code::kEntProductNotExist) : Internal(p.status());
  }
  if (owner && p->pid != *owner) return Status(Code::kEntProductNotExist);
  return *p;
}

Result<StoredTemplate> StoreTemplate(storage::Store& store, const std::optional<std::string>& owner,
                                     const std::string& mid, const std::string& body_json,
                                     int64_t now_ms) {
  StoredTemplate out;
  Status refused;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    auto p = OwnedProduct(tx, owner, mid);
    if (!p.ok()) {
      refused = p.status();
      return storage::StoreStatus::Conflict("refused");
    }
    if (owner && ProductStatusOf(*p) != ProductStatus::kUnpublished) {
      refused = Illegal("the product is " + p->status + ": its protocol template is frozen");
      return storage::StoreStatus::Conflict("refused");
    }
    auto tpl = codec::ParseTemplate(body_json, codec::ParseWorkMode(p->work_mode_type));
    if (!tpl.ok()) {
      refused = tpl.status();
      return storage::StoreStatus::Conflict("refused");
    }
    auto version = tx.AddTemplate(p->mid, tpl->json(), now_ms);
    if (!version.ok()) return version.status();
    out.version = *version;
    out.commands = static_cast<int>(tpl->commands().size());
    out.warnings = static_cast<int>(tpl->warnings().size());
    out.work_mode = std::string(codec::WorkModeName(tpl->mode()));
    out.warning_texts = tpl->warnings();
    return storage::StoreStatus();
  });
  if (!refused.ok()) return refused;
  if (!s.ok()) return Internal(s);
  return out;
}

Status SetAuthorization(storage::Store& store, const std::optional<std::string>& owner,
                        const std::string& mid, const std::string& pid, bool authorized,
                        int64_t now_ms) {
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  if (pid.empty()) return Illegal("pid is required");
  if (pid == p->pid) return Illegal("the product already belongs to " + pid);
  auto m = store.GetManufacturer(pid);
  if (!m.ok()) {
    return m.status().not_found() ? Status(Code::kEntPidNotExist) : Internal(m.status());
  }
  storage::StoreStatus s = authorized ? store.AuthorizeProduct(p->mid, pid, now_ms)
                                      : store.UnauthorizeProduct(p->mid, pid);
  if (s.not_found()) return Status(Code::kEntPidNotExist);
  if (!s.ok()) return Internal(s);
  return Status();
}

Result<bool> MayRead(storage::Store& store, const storage::Product& p, const std::string& pid) {
  if (p.pid == pid) return true;
  auto pids = store.ListProductAuthorizations(p.mid);
  if (!pids.ok()) return Internal(pids.status());
  return std::find(pids->begin(), pids->end(), pid) != pids->end();
}

storage::ProductDetails DetailsOf(storage::Store& store, const std::string& mid) {
  auto d = store.GetProductDetails(mid);
  if (d.ok()) return *d;
  storage::ProductDetails out;
  out.mid = mid;
  return out;
}

Result<storage::Product> CreateProduct(storage::Store& store, const NewProduct& n, int64_t now_ms) {
  storage::Product p;
  storage::ProductDetails d;
  p.pid = n.pid;
  p.status = ProductStatusName(ProductStatus::kUnpublished);  // nothing is frozen yet
  p.work_mode_type.clear();
  if (Status s = ApplyProductFields(n.fields, p, d); !s.ok()) return s;
  // The identifier rules of the hubs (common/identifiers.h): a product whose mid or
  // prodKey breaks them could never serve a device.
  if (!n.mid.empty() && !ValidIdentifier(IdKind::kMid, n.mid)) {
    return Illegal("mid must be 12 letters or digits");
  }
  if (n.prod_key.size() > 64) return Illegal("prodKey is at most 64 characters");
  if (!n.prod_key.empty() && !ValidIdentifier(IdKind::kProdKey, n.prod_key)) {
    return Illegal("prodKey must be visible ASCII characters (no space or control character)");
  }
  std::string tpl_json;
  if (n.template_json) {
    // The codec's rules (templates-and-frames.md §1.4); stored as the codec completed it.
    auto tpl = codec::ParseTemplate(*n.template_json, codec::ParseWorkMode(p.work_mode_type));
    if (!tpl.ok()) return tpl.status();
    tpl_json = tpl->json();
  }
  p.status = n.status;
  p.mid = n.mid.empty() ? RandomAlnum(12) : n.mid;
  p.prod_key = n.prod_key.empty() ? RandomHex(16) : n.prod_key;
  p.product_public_key = RandomHex(16);
  p.created_at_ms = p.updated_at_ms = now_ms;
  d.mid = p.mid;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    storage::StoreStatus st = tx.CreateProduct(p);
    if (st.ok()) st = tx.PutProductDetails(d);
    if (st.ok() && n.template_json) st = tx.AddTemplate(p.mid, tpl_json, now_ms).status();
    return st;
  });
  if (s.conflict()) return Illegal("a product with that mid or prodKey exists");
  if (!s.ok()) return Internal(s);
  return p;
}

Status UpdateProduct(storage::Store& store, const std::optional<std::string>& owner,
                     const std::string& mid, const ProductFields& f, int64_t now_ms) {
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  storage::ProductDetails d = DetailsOf(store, p->mid);
  const std::string mode_before = p->work_mode_type;
  if (Status s = ApplyProductFields(f, *p, d); !s.ok()) return s;
  if (p->work_mode_type != mode_before && store.GetCurrentTemplate(p->mid).ok()) {
    return Illegal("workModeType cannot change while the product has a " + mode_before +
                   " protocol template");
  }
  p->updated_at_ms = now_ms;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    storage::StoreStatus st = tx.UpdateProduct(*p);
    return st.ok() ? tx.PutProductDetails(d) : st;
  });
  return s.ok() ? Status() : Internal(s);
}

Result<bool> SetProductStatus(storage::Store& store, const std::optional<std::string>& owner,
                              const std::string& mid, const std::string& to, int64_t now_ms) {
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  const std::optional<ProductStatus> status = ParseProductStatus(to);
  if (status != ProductStatus::kPublished && status != ProductStatus::kDiscontinued) {
    return Illegal("status must be PUBLISHED or DISCONTINUED");
  }
  if (status == ProductStatus::kDiscontinued &&
      ProductStatusOf(*p) == ProductStatus::kUnpublished) {
    return Illegal("an UNPUBLISHED product cannot be DISCONTINUED");
  }
  if (status == ProductStatusOf(*p)) return false;
  p->status = ProductStatusName(*status);
  p->updated_at_ms = now_ms;
  if (auto s = store.UpdateProduct(*p); !s.ok()) return Internal(s);
  return true;
}

Status DeleteProduct(storage::Store& store, const std::optional<std::string>& owner,
                     const std::string& mid) {
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  if (ProductStatusOf(*p) == ProductStatus::kPublished) {
    return Illegal("a PUBLISHED product cannot be deleted (discontinue it first)");
  }
  storage::StoreStatus s = store.DeleteProduct(p->mid);
  if (s.conflict()) return Illegal("the product has devices; delete or move them first");
  if (!s.ok() && !s.not_found()) return Internal(s);
  return Status();
}

}  // namespace krypton::catalog
