// The device registry service (registry.h).
#include "catalog/registry.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include "auth/device_auth.h"
#include "catalog/catalog.h"
#include "common/identifiers.h"
#include "common/secrets.h"

namespace krypton::catalog {
namespace {

// OK when product `p`'s enterprise can still draw `need` units of `kind`; otherwise
// 8400031 whose detail names the shortfall ("need 100, have 40").
Status Enough(storage::Store& store, const storage::Product& p, const std::string& kind,
              int64_t need) {
  auto have = store.QuotaRemaining(p.pid, p.mid, kind);
  if (!have.ok()) return Internal(have.status());
  if (*have != storage::Quota::kUnlimited && *have < need) {
    return Status(Code::kEntQuotaMissing)
        .WithDetail("need " + std::to_string(need) + ", have " + std::to_string(*have));
  }
  return Status();
}

// The request's own rules (the HTTP layer has already checked the JSON types).
Status CheckImportRequest(const ImportRequest& r) {
  if (r.dev_tids.has_value() == r.count.has_value()) {
    return Illegal("give either devTids or count");
  }
  if (r.dev_tids && (r.dev_tids->empty() || r.dev_tids->size() > kMaxBatch)) {
    return Illegal("devTids must hold 1 to 1000 devTids");
  }
  if (r.count && (*r.count < 1 || *r.count > kMaxBatch)) {
    return Illegal("count must be 1 to 1000");
  }
  if (r.prefix.size() + kSequenceDigits > kMaxDevTid) {
    return Illegal("prefix must be at most 26 characters");
  }
  // The devTid charset of the hubs (common/identifiers.h): a device imported with any
  // other character could never log in.
  if (!r.prefix.empty() && !ValidIdentifier(IdKind::kDevTid, r.prefix)) {
    return Illegal("prefix must use only A-Z a-z 0-9 _ - . : @");
  }
  return Status();
}

// The items of an import inside the transaction: an explicit list checked per item
// (length and charset, duplicate in the request, already registered → 8400002), or `count` fresh
// devTids prefix + the next free sequence numbers.
storage::StoreStatus PlanImport(storage::Store& store, const ImportRequest& r,
                                std::vector<BatchItem>* items) {
  items->clear();
  if (r.dev_tids) {
    std::set<std::string> seen;
    for (const std::string& tid : *r.dev_tids) {
      BatchItem it(tid);
      if (!ValidIdentifier(IdKind::kDevTid, tid) || !seen.insert(tid).second) {
        it.code = Code::kEntIllegalArgument;
      } else if (auto d = store.GetDevice(tid); d.ok()) {
        it.code = Code::kEntIllegalArgument;
      } else if (!d.status().not_found()) {
        return d.status();
      }
      items->push_back(std::move(it));
    }
    return {};
  }
  for (int64_t n = 1; static_cast<int64_t>(items->size()) < *r.count; ++n) {
    char seq[24];
    std::snprintf(seq, sizeof seq, "%0*lld", kSequenceDigits, static_cast<long long>(n));
    std::string tid = r.prefix + seq;
    if (tid.size() > kMaxDevTid) return storage::StoreStatus::Failed("devTid space exhausted");
    auto d = store.GetDevice(tid);
    if (d.ok()) continue;
    if (!d.status().not_found()) return d.status();
    items->emplace_back(tid);
  }
  return {};
}

}  // namespace

std::string ShortCodePassword(storage::Store& store, const storage::Device& d,
                              const std::string& code) {
  auto product = store.GetProduct(d.mid);
  if (!product.ok()) return "";
  auto m = store.GetManufacturer(product->pid);
  return m.ok() ? auth::DeriveShortCodePassword(m->auth_secret, d.dev_tid, code) : "";
}

Result<std::string> ShortCodeOf(storage::Store& store, int64_t pool, int64_t now_ms,
                                const std::string& dev_tid) {
  auto existing = store.GetDeviceShortCode(dev_tid);
  if (existing.ok()) return *existing;
  auto used = store.CountShortCodes();
  if (!used.ok()) return Internal(used.status());
  if (*used >= pool) return Status(Code::kUserShortCodesExhausted);
  std::random_device rd;
  int64_t start = static_cast<int64_t>((uint64_t{rd()} << 32 | rd()) % static_cast<uint64_t>(pool));
  for (int64_t i = 0; i < std::min<int64_t>(pool, 1000); ++i) {
    char code[24];
    std::snprintf(code, sizeof code, "%08lld", static_cast<long long>((start + i) % pool));
    auto s = store.AllocateShortCode(code, dev_tid, now_ms);
    if (s.ok()) return std::string(code);
    if (!s.conflict()) return Internal(s);
    auto mine = store.GetDeviceShortCode(dev_tid);  // allocated meanwhile
    if (mine.ok()) return *mine;
  }
  return Status(Code::kUserShortCodesExhausted);
}

Result<Batch> ImportDevices(storage::Store& store, const std::optional<std::string>& owner,
                            const std::string& mid, const ImportRequest& request,
                            int64_t short_code_pool, int64_t now_ms) {
  auto product = OwnedProduct(store, owner, mid);
  if (!product.ok()) return product.status();
  if (Status s = CheckImportRequest(request); !s.ok()) return s;
  auto m = store.GetManufacturer(product->pid);
  if (!m.ok()) return Internal(m.status());
  const bool license = DeviceAuthOf(*product) == DeviceAuth::kLicense;
  Batch batch;
  Status failure;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    batch = Batch();
    storage::StoreStatus planned = PlanImport(tx, request, &batch.items);
    if (!planned.ok()) return planned;
    int64_t valid = 0;
    for (const BatchItem& it : batch.items) valid += it.code == Code::kEntSuccess;
    if (Status enough = Enough(tx, *product, "DEVICE", valid); !enough.ok()) {
      failure = enough;
      return storage::StoreStatus::Conflict("quota");
    }
    for (BatchItem& it : batch.items) {
      if (it.code != Code::kEntSuccess) continue;
      storage::Device d;
      d.dev_tid = it.dev_tid;
      d.mid = product->mid;
      d.bind_key = RandomHex(16);
      d.ctrl_key = RandomHex(16);
      d.registered = true;
      d.created_at_ms = now_ms;
      if (auto c = tx.CreateDevice(d); !c.ok()) return c;
      auto code = ShortCodeOf(tx, short_code_pool, now_ms, d.dev_tid);
      if (!code.ok()) {
        failure = code.status();
        return storage::StoreStatus::Failed("short code: " + code.status().ToString());
      }
      it.bind_key = d.bind_key;
      it.short_code = *code;
      it.password = auth::DeriveShortCodePassword(m->auth_secret, d.dev_tid, *code);
      if (license) {
        if (auto l = tx.MarkLicenseIssued(d.dev_tid, now_ms); !l.ok()) return l;
        it.license = auth::DeriveLicense(m->license_secret, product->mid, d.dev_tid);
      }
    }
    return valid > 0 ? tx.DrawQuota(product->pid, product->mid, "DEVICE", valid)
                     : storage::StoreStatus();
  });
  if (!failure.ok()) return failure;
  if (!s.ok()) return Internal(s);
  return batch;
}

Result<Batch> IssueLicenses(storage::Store& store, const std::optional<std::string>& owner,
                            const std::string& mid, const std::vector<std::string>& dev_tids,
                            int64_t now_ms) {
  auto product = OwnedProduct(store, owner, mid);
  if (!product.ok()) return product.status();
  if (DeviceAuthOf(*product) != DeviceAuth::kLicense) {
    return Illegal("the product's deviceAuth is not LICENSE");
  }
  if (dev_tids.empty() || dev_tids.size() > kMaxBatch) {
    return Illegal("devTids must hold 1 to 1000 devTids");
  }
  auto m = store.GetManufacturer(product->pid);
  if (!m.ok()) return Internal(m.status());
  Batch batch;
  Status failure;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    batch = Batch();
    // Devices without a live licence (never issued, or revoked) need a LICENSE unit.
    std::set<std::string> to_issue;
    for (const std::string& tid : dev_tids) {
      BatchItem it(tid);
      auto d = tx.GetDevice(tid);
      if (!d.ok() && !d.status().not_found()) return d.status();
      if (!d.ok()) {
        it.code = Code::kUserDeviceNotExist;
      } else if (d->mid != product->mid) {
        it.code = Code::kEntNoRightToViewDevice;
      } else {
        auto issued = tx.IsLicenseIssued(tid);
        if (!issued.ok()) return issued.status();
        if (!*issued || d->license_revoked) to_issue.insert(tid);
        it.license = auth::DeriveLicense(m->license_secret, product->mid, tid);
      }
      batch.items.push_back(std::move(it));
    }
    const int64_t need = static_cast<int64_t>(to_issue.size());
    if (Status enough = Enough(tx, *product, "LICENSE", need); !enough.ok()) {
      failure = enough;
      return storage::StoreStatus::Conflict("quota");
    }
    for (const std::string& tid : to_issue) {
      if (auto l = tx.MarkLicenseIssued(tid, now_ms); !l.ok()) return l;
      if (auto r = tx.SetDeviceLicenseRevoked(tid, false); !r.ok()) return r;
    }
    return need > 0 ? tx.DrawQuota(product->pid, product->mid, "LICENSE", need)
                    : storage::StoreStatus();
  });
  if (!failure.ok()) return failure;
  if (!s.ok()) return Internal(s);
  return batch;
}

Status RevokeLicense(storage::Store& store, const std::optional<std::string>& owner,
                     const std::string& mid, const std::string& dev_tid) {
  auto product = OwnedProduct(store, owner, mid);
  if (!product.ok()) return product.status();
  if (DeviceAuthOf(*product) != DeviceAuth::kLicense) {
    return Illegal("the product's deviceAuth is not LICENSE");
  }
  auto d = store.GetDevice(dev_tid);
  if (!d.ok()) {
    return d.status().not_found() ? Status(Code::kUserDeviceNotExist) : Internal(d.status());
  }
  if (d->mid != product->mid) return Status(Code::kEntNoRightToViewDevice);
  if (auto s = store.SetDeviceLicenseRevoked(dev_tid, true); !s.ok()) return Internal(s);
  return Status();
}

Result<bool> LicenseLiveIn(storage::Store& tx, const storage::Product& product,
                           const storage::Device& device, int64_t now_ms) {
  if (device.license_revoked) return false;
  auto issued = tx.IsLicenseIssued(device.dev_tid);
  if (!issued.ok()) return Internal(issued.status());
  if (*issued) return true;
  if (!product.auto_issue_license) return false;
  if (Status enough = Enough(tx, product, "LICENSE", 1); !enough.ok()) {
    // An empty quota leaves the licence unissued (the device gets 1400039).
    if (enough.code() == Code::kEntQuotaMissing) return false;
    return enough;
  }
  if (auto l = tx.MarkLicenseIssued(device.dev_tid, now_ms); !l.ok()) return Internal(l);
  if (auto d = tx.DrawQuota(product.pid, product.mid, "LICENSE", 1); !d.ok()) return Internal(d);
  return true;
}

Result<bool> LicenseLive(storage::Store& store, const storage::Product& product,
                         const storage::Device& device, int64_t now_ms) {
  if (device.license_revoked) return false;
  auto issued = store.IsLicenseIssued(device.dev_tid);
  if (!issued.ok()) return Internal(issued.status());
  if (*issued) return true;
  if (!product.auto_issue_license) return false;
  Result<bool> live = false;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    live = LicenseLiveIn(tx, product, device, now_ms);  // re-reads: issued meanwhile?
    return live.ok() ? storage::StoreStatus() : storage::StoreStatus::Failed("licence");
  });
  if (!live.ok()) return live.status();
  if (!s.ok()) return Internal(s);
  return live;
}

Status DeleteDevice(storage::Store& store, const std::optional<std::string>& owner,
                    const std::string& dev_tid) {
  Status failure;
  storage::StoreStatus s = store.InTransaction([&](storage::Store& tx) {
    auto d = tx.GetDevice(dev_tid);
    if (!d.ok()) {
      failure = d.status().not_found() ? Status(Code::kUserDeviceNotExist) : Internal(d.status());
      return storage::StoreStatus::Conflict("refused");
    }
    auto p = tx.GetProduct(d->mid);
    if (!p.ok()) {
      failure = Internal(p.status());
      return storage::StoreStatus::Conflict("refused");
    }
    if (owner && p->pid != *owner) {
      failure = Status(Code::kEntNoRightToViewDevice);
      return storage::StoreStatus::Conflict("refused");
    }
    if (d->online || !d->owner_uid.empty()) {
      failure = Illegal(d->online ? "the device is online"
                                  : "the device is bound to a user; it must be unbound first");
      return storage::StoreStatus::Conflict("refused");
    }
    if (auto del = tx.DeleteDevice(dev_tid); !del.ok()) return del;
    if (d->registered && d->first_login_ms == 0) {
      return tx.ReturnQuota(p->pid, p->mid, "DEVICE");
    }
    return storage::StoreStatus();
  });
  if (!failure.ok()) return failure;
  if (!s.ok()) return Internal(s);
  return Status();
}

}  // namespace krypton::catalog
