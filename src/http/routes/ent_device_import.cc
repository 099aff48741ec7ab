// Device import and licences (enterprise-api.md §3.2 E14, E15, §4.2), owner only:
//   POST /api/v1/enterprise/product/{mid}/device/import
//        {"devTids":[…]} or {"count":N,"prefix":"…"} → 201 batch reply; each imported
//        device gets a bindKey, a short code with its password and, for LICENSE
//        products, its licence. Consumes DEVICE quota.
//   POST /api/v1/enterprise/product/{mid}/license {"devTids":[…]} → 201 batch reply;
//        consumes LICENSE quota for devices without a live licence.
// Checks, quota draw and writes run in ONE store transaction, so concurrent requests
// cannot overdraw a quota and a short quota (8400031) imports nothing.
#include <simdjson.h>

#include <cstdio>
#include <set>
#include <vector>

#include "auth/device_auth.h"
#include "common/secrets.h"
#include "http/routes/ent_devices_internal.h"
#include "http/routes/short_code_pool.h"

namespace krypton::http::entdev {
namespace {

constexpr size_t kMaxDevTid = 32;
constexpr int64_t kMaxBatch = 1000;
constexpr int kSequenceDigits = 6;  // prefix + "000001", "000002", …

struct Item {
  explicit Item(std::string tid) : dev_tid(std::move(tid)) {}
  std::string dev_tid;
  Code code = Code::kEntSuccess;
  std::string bind_key, short_code, password, license;
};

// The shortfall of a quota draw: need and have (have < need).
struct Shortfall {
  int64_t need = 0, have = 0;
};

Status Illegal() { return Status(Code::kEntIllegalArgument); }

// 8400031 whose desc names the shortfall: "Quota missing: need 100, have 40".
Response QuotaMissing(const ApiContext& ctx, const Request& req, const Shortfall& s) {
  Status error(Code::kEntQuotaMissing);
  Response r = Fail(ctx, req, error);
  std::string desc = req.PrefersChinese() ? std::string(error.MessageZh()) : error.Message();
  desc += ": need " + std::to_string(s.need) + ", have " + std::to_string(s.have);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("code");
  w.Int(error.number());
  Str(w, "desc", desc);
  w.Key("timestamp");
  w.Int64(ctx.clock.NowMs());
  w.EndObject();
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

// The devTids of a {"devTids":[…]} body; nullopt when absent; 8400002 when not an array
// of 1 to 1000 strings.
Result<std::optional<std::vector<std::string>>> DevTids(simdjson::dom::object body) {
  simdjson::dom::element e;
  if (body["devTids"].get(e) != simdjson::SUCCESS) return std::optional<std::vector<std::string>>();
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS || a.size() == 0 ||
      a.size() > static_cast<size_t>(kMaxBatch)) {
    return Illegal();
  }
  std::vector<std::string> out;
  for (simdjson::dom::element v : a) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return Illegal();
    out.emplace_back(s);
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Response BatchReply(const std::vector<Item>& items, bool with_codes) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  int success = 0;
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (const Item& it : items) {
    Status st(it.code);
    w.StartObject();
    Str(w, "devTid", it.dev_tid);
    w.Key("code");
    w.Int(st.number());
    Str(w, "desc", st.Message());
    if (it.code == Code::kEntSuccess) {
      ++success;
      if (with_codes) {
        Str(w, "bindKey", it.bind_key);
        Str(w, "shortCode", it.short_code);
        Str(w, "shortCodePassword", it.password);
      }
      if (!it.license.empty()) Str(w, "license", it.license);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("success");
  w.Int(success);
  w.Key("failure");
  w.Int(static_cast<int>(items.size()) - success);
  w.EndObject();
  return api::Json(201, std::string(buf.GetString(), buf.GetSize()));
}

// The items of an import inside the transaction: an explicit list checked per item
// (length, duplicate in the request, already registered → 8400002), or `count` fresh
// devTids prefix + the next free sequence numbers.
storage::StoreStatus PlanImport(storage::Store& store,
                                const std::optional<std::vector<std::string>>& list, int64_t count,
                                const std::string& prefix, std::vector<Item>* items) {
  items->clear();
  if (list) {
    std::set<std::string> seen;
    for (const std::string& tid : *list) {
      Item it(tid);
      if (tid.empty() || tid.size() > kMaxDevTid || !seen.insert(tid).second) {
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
  for (int64_t n = 1; static_cast<int64_t>(items->size()) < count; ++n) {
    char seq[24];
    std::snprintf(seq, sizeof seq, "%0*lld", kSequenceDigits, static_cast<long long>(n));
    std::string tid = prefix + seq;
    if (tid.size() > kMaxDevTid) return storage::StoreStatus::Failed("devTid space exhausted");
    auto d = store.GetDevice(tid);
    if (d.ok()) continue;
    if (!d.status().not_found()) return d.status();
    items->emplace_back(tid);
  }
  return {};
}

}  // namespace

Response Import(ApiContext& ctx, const Request& req) {
  auto pid = api::Enterprise(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto product = OwnedProduct(ctx, *pid, req.params.at("mid"));
  if (!product.ok()) return Fail(ctx, req, product.status());
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (parser.parse(req.body).get_object().get(body) != simdjson::SUCCESS) {
    return Fail(ctx, req, Illegal());
  }
  auto list = DevTids(body);
  if (!list.ok()) return Fail(ctx, req, list.status());
  int64_t count = 0;
  std::string_view prefix;
  bool count_given = body["count"].error() != simdjson::NO_SUCH_FIELD;
  bool has_count = body["count"].get_int64().get(count) == simdjson::SUCCESS;
  bool bad_prefix = body["prefix"].error() != simdjson::NO_SUCH_FIELD &&
                    body["prefix"].get_string().get(prefix) != simdjson::SUCCESS;
  if (list->has_value() == count_given || (count_given && !has_count) || bad_prefix ||
      (has_count && (count < 1 || count > kMaxBatch)) ||
      prefix.size() + kSequenceDigits > kMaxDevTid) {
    return Fail(ctx, req, Illegal());
  }
  auto m = ctx.store.GetManufacturer(product->pid);
  if (!m.ok()) return Fail(ctx, req, Internal(m.status()));
  const bool license = product->device_auth == "LICENSE";
  const int64_t now = ctx.clock.NowMs();
  std::vector<Item> items;
  Shortfall short_by;
  Status failure;
  storage::StoreStatus s = ctx.store.InTransaction([&](storage::Store& store) {
    storage::StoreStatus planned = PlanImport(store, *list, count, std::string(prefix), &items);
    if (!planned.ok()) return planned;
    int64_t valid = 0;
    for (const Item& it : items) valid += it.code == Code::kEntSuccess;
    auto have = store.QuotaRemaining(*pid, product->mid, "DEVICE");
    if (!have.ok()) return have.status();
    if (*have != storage::Quota::kUnlimited && *have < valid) {
      short_by = {valid, *have};
      return storage::StoreStatus::Conflict("quota");
    }
    for (Item& it : items) {
      if (it.code != Code::kEntSuccess) continue;
      storage::Device d;
      d.dev_tid = it.dev_tid;
      d.mid = product->mid;
      d.bind_key = RandomHex(16);
      d.ctrl_key = RandomHex(16);
      d.registered = true;
      d.created_at_ms = now;
      if (auto c = store.CreateDevice(d); !c.ok()) return c;
      auto code = ShortCodeOf(store, ctx.config.limits.short_code_pool, now, d.dev_tid);
      if (!code.ok()) {
        failure = code.status();
        return storage::StoreStatus::Failed("short code: " + code.status().ToString());
      }
      it.bind_key = d.bind_key;
      it.short_code = *code;
      it.password = auth::DeriveShortCodePassword(m->auth_secret, d.dev_tid, *code);
      if (license) {
        if (auto l = store.MarkLicenseIssued(d.dev_tid, now); !l.ok()) return l;
        it.license = auth::DeriveLicense(m->license_secret, product->mid, d.dev_tid);
      }
    }
    return valid > 0 ? store.DrawQuota(*pid, product->mid, "DEVICE", valid)
                     : storage::StoreStatus();
  });
  if (short_by.need > 0) return QuotaMissing(ctx, req, short_by);
  if (!failure.ok()) return Fail(ctx, req, failure);
  if (!s.ok()) return Fail(ctx, req, Internal(s));
  return BatchReply(items, true);
}

Response IssueLicenses(ApiContext& ctx, const Request& req) {
  auto pid = api::Enterprise(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto product = OwnedProduct(ctx, *pid, req.params.at("mid"));
  if (!product.ok()) return Fail(ctx, req, product.status());
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (parser.parse(req.body).get_object().get(body) != simdjson::SUCCESS) {
    return Fail(ctx, req, Illegal());
  }
  auto list = DevTids(body);
  if (!list.ok()) return Fail(ctx, req, list.status());
  if (!list->has_value() || product->device_auth != "LICENSE") return Fail(ctx, req, Illegal());
  auto m = ctx.store.GetManufacturer(product->pid);
  if (!m.ok()) return Fail(ctx, req, Internal(m.status()));
  const int64_t now = ctx.clock.NowMs();
  std::vector<Item> items;
  Shortfall short_by;
  storage::StoreStatus s = ctx.store.InTransaction([&](storage::Store& store) {
    items.clear();
    // Devices without a live licence (never issued, or revoked) need a LICENSE unit.
    std::set<std::string> to_issue;
    for (const std::string& tid : **list) {
      Item it(tid);
      auto d = store.GetDevice(tid);
      if (!d.ok() && !d.status().not_found()) return d.status();
      if (!d.ok()) {
        it.code = Code::kUserDeviceNotExist;
      } else if (d->mid != product->mid) {
        it.code = Code::kEntNoRightToViewDevice;
      } else {
        auto issued = store.IsLicenseIssued(tid);
        if (!issued.ok()) return issued.status();
        if (!*issued || d->license_revoked) to_issue.insert(tid);
        it.license = auth::DeriveLicense(m->license_secret, product->mid, tid);
      }
      items.push_back(std::move(it));
    }
    const int64_t need = static_cast<int64_t>(to_issue.size());
    auto have = store.QuotaRemaining(*pid, product->mid, "LICENSE");
    if (!have.ok()) return have.status();
    if (*have != storage::Quota::kUnlimited && *have < need) {
      short_by = {need, *have};
      return storage::StoreStatus::Conflict("quota");
    }
    for (const std::string& tid : to_issue) {
      if (auto l = store.MarkLicenseIssued(tid, now); !l.ok()) return l;
      if (auto r = store.SetDeviceLicenseRevoked(tid, false); !r.ok()) return r;
    }
    return need > 0 ? store.DrawQuota(*pid, product->mid, "LICENSE", need) : storage::StoreStatus();
  });
  if (short_by.need > 0) return QuotaMissing(ctx, req, short_by);
  if (!s.ok()) return Fail(ctx, req, Internal(s));
  return BatchReply(items, false);
}

}  // namespace krypton::http::entdev
