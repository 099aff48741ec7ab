// `krypton admin product status|update|delete`: the enterprise catalogue's operations
// (catalog/catalog.h) for the operator, who may change any enterprise's product. The
// rules and messages are those of the enterprise API (E17, PUT and DELETE
// /api/v1/enterprise/product/{mid}).
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "catalog/catalog.h"
#include "common/clock.h"

namespace krypton::app {
namespace {

// "krypton: <why>" for a catalogue error; exit code 1.
int FailWith(const Status& s, const std::string& mid) {
  if (s.code() == Code::kEntProductNotExist) return Fail("no product with mid " + mid);
  return Fail(s.detail().empty() ? s.Message() : s.detail());
}

// The product as stored now, for the command's output.
int PrintProduct(storage::Store& store, const CommonOptions& common, const std::string& mid,
                 const std::string& what) {
  auto p = store.GetProduct(mid);
  if (!p.ok()) return Fail(p.status().ToString());
  if (common.json) {
    std::cout << ProductJson(*p) << "\n";
  } else {
    std::cout << what << " product " << p->mid << " \"" << p->name << "\" (" << p->status << ")\n";
  }
  return 0;
}

}  // namespace

int RunProductStatus(const CommonOptions& common, const ProductStatusOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto changed = catalog::SetProductStatus(*store, std::nullopt, options.mid, options.status,
                                           SystemClock::Instance().NowMs());
  if (!changed.ok()) return FailWith(changed.status(), options.mid);
  return PrintProduct(*store, common, options.mid, *changed ? "changed" : "unchanged");
}

int RunProductUpdate(const CommonOptions& common, const ProductUpdateOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  Status s = catalog::UpdateProduct(*store, std::nullopt, options.mid, options.fields,
                                    SystemClock::Instance().NowMs());
  if (!s.ok()) return FailWith(s, options.mid);
  return PrintProduct(*store, common, options.mid, "updated");
}

int RunProductDelete(const CommonOptions& common, const std::string& mid) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  if (Status s = catalog::DeleteProduct(*store, std::nullopt, mid); !s.ok()) {
    return FailWith(s, mid);
  }
  if (common.json) {
    std::cout << JsonObject().Add("mid", mid).Add("deleted", true).Finish() << "\n";
  } else {
    std::cout << "deleted product " << mid << "\n";
  }
  return 0;
}

int RunProductAuthorize(const CommonOptions& common, const std::string& mid, const std::string& pid,
                        bool authorized) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  Status s = catalog::SetAuthorization(*store, std::nullopt, mid, pid, authorized,
                                       SystemClock::Instance().NowMs());
  if (s.code() == Code::kEntPidNotExist) return Fail("no manufacturer " + pid);
  if (!s.ok()) return FailWith(s, mid);
  auto pids = store->ListProductAuthorizations(mid);
  if (!pids.ok()) return Fail(pids.status().ToString());
  if (common.json) {
    std::cout << JsonObject().Add("mid", mid).AddStrings("authorizedPids", *pids).Finish() << "\n";
  } else {
    std::cout << (authorized ? "authorized " : "unauthorized ") << pid << " for " << mid << "\n";
  }
  return 0;
}

}  // namespace krypton::app
