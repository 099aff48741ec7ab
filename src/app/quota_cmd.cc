// `krypton admin quota set|list`: an enterprise's DEVICE / LICENSE quota, for one product
// or "*" (every product of the pid); total -1 = unlimited (enterprise-api.md §4.2,
// docs/decisions/0008-enterprise-registry.md). Setting a total keeps what was used;
// list shows what the enterprise API's E16 shows.
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"

namespace krypton::app {

int RunQuotaSet(const CommonOptions& common, const QuotaSetOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  if (!store->GetManufacturer(options.pid).ok()) return Fail("no manufacturer " + options.pid);
  if (options.mid != "*") {
    auto product = store->GetProduct(options.mid);
    if (!product.ok() || product->pid != options.pid) {
      return Fail("no product " + options.mid + " of manufacturer " + options.pid);
    }
  }
  storage::Quota q;
  q.pid = options.pid;
  q.mid = options.mid;
  q.kind = options.kind;
  q.total = options.total;
  if (storage::StoreStatus s = store->SetQuota(q); !s.ok()) return Fail(s.ToString());
  if (common.json) {
    std::cout << JsonObject()
                     .Add("pid", q.pid)
                     .Add("mid", q.mid)
                     .Add("kind", q.kind)
                     .Add("total", q.total)
                     .Finish()
              << "\n";
  } else {
    std::cout << "quota " << q.pid << " " << q.mid << " " << q.kind << " total "
              << (q.total == storage::Quota::kUnlimited ? "unlimited" : std::to_string(q.total))
              << "\n";
  }
  return 0;
}

int RunQuotaList(const CommonOptions& common, const std::string& pid) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  if (!store->GetManufacturer(pid).ok()) return Fail("no manufacturer " + pid);
  auto quotas = store->ListQuotas(pid);
  if (!quotas.ok()) return Fail(quotas.status().ToString());
  std::string out = "[";
  for (const storage::Quota& q : *quotas) {
    const bool unlimited = q.total == storage::Quota::kUnlimited;
    out += (out.size() > 1 ? "," : "") + JsonObject()
                                             .Add("mid", q.mid)
                                             .Add("kind", q.kind)
                                             .Add("total", q.total)
                                             .Add("used", q.used)
                                             .Add("remaining", q.Remaining())
                                             .Finish();
    if (!common.json) {
      std::cout << q.mid << " " << q.kind << " used " << q.used << " of "
                << (unlimited ? "unlimited" : std::to_string(q.total)) << "\n";
    }
  }
  if (common.json) std::cout << out << "]\n";
  return 0;
}

}  // namespace krypton::app
