// `krypton admin quota set|list`: an enterprise's DEVICE / LICENSE quota, for one product
// or "*" (every product of the pid); total -1 = unlimited (enterprise-api.md §4.2,
// docs/decisions/0008-enterprise-registry.md). Setting a total keeps what was used;
// list shows what the enterprise API's E16 shows.
#include <CLI/CLI.hpp>
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

void AddQuotaCommands(CLI::App& admin, Cli& cli) {
  CLI::App* quota = AddGroup(admin, "quota", "Enterprise quotas (device imports, licences)");
  auto& o = cli.Keep<QuotaSetOptions>();
  CLI::App* set = AddCommand(*quota, "set", "Set a quota's total (-1 = unlimited)", cli);
  set->add_option("--pid", o.pid, "11-digit manufacturer id")->required();
  set->add_option("--product", o.mid, "The product's mid (default: * = every)")
      ->capture_default_str();
  set->add_option("--kind", o.kind, "DEVICE or LICENSE")
      ->required()
      ->check(CLI::IsMember({"DEVICE", "LICENSE"}));
  set->add_option("--total", o.total, "Units in total; -1 = unlimited")
      ->required()
      ->check(CLI::Range(int64_t{-1}, int64_t{1} << 40));
  set->callback([&cli, &o] { cli.code = RunQuotaSet(cli.common, o); });
  auto& list_pid = cli.Keep<std::string>();
  CLI::App* list = AddCommand(*quota, "list", "An enterprise's quotas (as GET quota, E16)", cli);
  list->add_option("--pid", list_pid, "11-digit manufacturer id")->required();
  list->callback([&cli, &list_pid] { cli.code = RunQuotaList(cli.common, list_pid); });
}

}  // namespace krypton::app
