// `krypton admin device …`: import devices and issue licences through the registry
// service the enterprise API uses (catalog/registry.h: E14/E15 rules, quota drawn from
// the product's enterprise), print derived credentials (authKey / licence,
// enterprise-api.md §4.1), revoke or restore a licence (operator toggles: restoring
// draws no quota), bind and show devices.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "auth/device_auth.h"
#include "catalog/registry.h"
#include "common/clock.h"
#include "common/secrets.h"

namespace krypton::app {
namespace {

// An import or licence batch (catalog/registry.h) as the enterprise API's results
// array (--json) or a line per device; 1 when the request failed or any item did.
int PrintBatch(const CommonOptions& common, const Result<catalog::Batch>& batch, bool codes) {
  if (!batch.ok()) {  // e.g. "Quota missing: need 3, have 1"
    const Status& s = batch.status();
    return Fail(s.detail().empty() ? s.Message() : s.Message() + ": " + s.detail());
  }
  std::string out = "[";
  int failed = 0;
  for (const catalog::BatchItem& it : batch->items) {
    Status st(it.code);
    JsonObject o;
    o.Add("devTid", it.dev_tid).Add("code", st.number()).Add("desc", st.Message());
    if (it.code == Code::kEntSuccess) {
      if (codes) {
        o.Add("bindKey", it.bind_key)
            .Add("shortCode", it.short_code)
            .Add("shortCodePassword", it.password);
      }
      if (!it.license.empty()) o.Add("license", it.license);
      if (!common.json) {
        std::cout << it.dev_tid;
        if (codes) std::cout << "  bindKey " << it.bind_key << "  shortCode " << it.short_code;
        if (!it.license.empty()) std::cout << "  license " << it.license;
        std::cout << "\n";
      }
    } else {
      ++failed;
      std::fprintf(stderr, "krypton: %s: %d %s\n", it.dev_tid.c_str(), st.number(),
                   st.Message().c_str());
    }
    out += (out.size() > 1 ? "," : "") + o.Finish();
  }
  if (common.json) std::cout << out << "]\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

int RunDeviceImport(const CommonOptions& common, const DeviceOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  catalog::ImportRequest request;
  if (!options.dev_tids.empty()) request.dev_tids = options.dev_tids;
  if (options.count > 0) request.count = options.count;
  request.prefix = options.prefix;
  auto batch =
      catalog::ImportDevices(*store, std::nullopt, options.mid, request,
                             config.limits.short_code_pool, SystemClock::Instance().NowMs());
  return PrintBatch(common, batch, true);
}

int RunDeviceLicense(const CommonOptions& common, const DeviceOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto batch = catalog::IssueLicenses(*store, std::nullopt, options.mid, options.dev_tids,
                                      SystemClock::Instance().NowMs());
  return PrintBatch(common, batch, false);
}

int RunDeviceDelete(const CommonOptions& common, const DeviceOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  for (const std::string& dev_tid : options.dev_tids) {
    Status s = catalog::DeleteDevice(*store, std::nullopt, dev_tid);
    if (!s.ok()) {
      return Fail(dev_tid + ": " + (s.detail().empty() ? s.Message() : s.detail()));
    }
    if (!common.json) std::cout << "deleted " << dev_tid << "\n";
  }
  if (common.json) {
    std::cout << JsonObject().Add("deleted", static_cast<int>(options.dev_tids.size())).Finish()
              << "\n";
  }
  return 0;
}

int RunDeviceCredentials(const CommonOptions& common, const DeviceOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto product = store->GetProduct(options.mid);
  if (!product.ok()) return Fail("no product with mid " + options.mid);
  auto m = store->GetManufacturer(product->pid);
  if (!m.ok()) return Fail("no manufacturer " + product->pid);
  std::string out = "[";
  for (const std::string& dev_tid : options.dev_tids) {
    std::string auth_key = auth::DeriveAuthKey(m->auth_secret, dev_tid);
    std::string license = auth::DeriveLicense(m->license_secret, product->mid, dev_tid);
    out += (out.size() > 1 ? "," : "") + JsonObject()
                                             .Add("devTid", dev_tid)
                                             .Add("authKey", auth_key)
                                             .Add("license", license)
                                             .Finish();
    if (!common.json) {
      std::cout << dev_tid << "  authKey " << auth_key << "  license " << license << "\n";
    }
  }
  if (common.json) std::cout << out << "]\n";
  return 0;
}

int RunDeviceRevoke(const CommonOptions& common, const DeviceOptions& options, bool revoked) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  for (const std::string& dev_tid : options.dev_tids) {
    storage::StoreStatus s = store->SetDeviceLicenseRevoked(dev_tid, revoked);
    if (s.not_found()) return Fail("no device " + dev_tid);
    if (!s.ok()) return Fail(s.ToString());
    if (!common.json) std::cout << dev_tid << (revoked ? " revoked\n" : " restored\n");
  }
  if (common.json) std::cout << JsonObject().Add("revoked", revoked).Finish() << "\n";
  return 0;
}

int RunDeviceBind(const CommonOptions& common, const std::vector<std::string>& dev_tids,
                  const std::string& uid) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  int64_t now = SystemClock::Instance().NowMs();
  for (const std::string& dev_tid : dev_tids) {
    storage::StoreStatus s = store->BindDevice(dev_tid, uid, now);
    if (s.not_found()) return Fail("no device " + dev_tid + " or no user " + uid);
    if (s.conflict()) return Fail("device " + dev_tid + " is bound to another user");
    if (!s.ok()) return Fail(s.ToString());
    if (!common.json) std::cout << dev_tid << " bound to " << uid << "\n";
  }
  if (common.json)
    std::cout
        << JsonObject().Add("uid", uid).Add("bound", static_cast<int>(dev_tids.size())).Finish()
        << "\n";
  return 0;
}

int RunDeviceShow(const CommonOptions& common, const std::string& dev_tid) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto d = store->GetDevice(dev_tid);
  if (!d.ok()) return Fail("no device " + dev_tid);
  // Token hashes are never printed; ctrlKey and bindKey are (owners see them too).
  std::string json = JsonObject()
                         .Add("devTid", d->dev_tid)
                         .Add("mid", d->mid)
                         .Add("ctrlKey", d->ctrl_key)
                         .Add("bindKey", d->bind_key)
                         .Add("ownerUid", d->owner_uid)
                         .Add("online", d->online)
                         .Add("registered", d->registered)
                         .Add("licenseRevoked", d->license_revoked)
                         .Add("lastSeen", d->last_seen_ms)
                         .Add("firstLogin", d->first_login_ms)
                         .AddRaw("info", d->info_json)
                         .AddRaw("state", d->state_json)
                         .Add("stateAt", d->state_at_ms)
                         .Finish();
  std::cout << json << "\n";
  return 0;
}

void AddDeviceCommands(CLI::App& admin, Cli& cli) {
  CLI::App* device = AddGroup(admin, "device", "Devices: import, credentials, licences");
  auto& o = cli.Keep<DeviceOptions>();
  auto add = [&](const char* name, const char* help, bool needs_product,
                 bool needs_dev_tid = true) {
    CLI::App* cmd = AddCommand(*device, name, help, cli);
    auto* mid = cmd->add_option("--product", o.mid, "The product's mid");
    if (needs_product) mid->required();
    auto* tid = cmd->add_option("--dev-tid", o.dev_tids, "devTid (repeatable)");
    if (needs_dev_tid) tid->required();
    return cmd;
  };
  CLI::App* import_cmd = add("import",
                             "Pre-register devices of a product as the enterprise API's import "
                             "(quota, short codes, licences)",
                             true, false);
  auto* o_count =
      import_cmd->add_option("--count", o.count, "Import N fresh devTids instead of --dev-tid");
  import_cmd->add_option("--prefix", o.prefix, "With --count: the devTids' prefix");
  o_count->excludes(import_cmd->get_option("--dev-tid"));
  import_cmd->callback([&cli, &o] { cli.code = RunDeviceImport(cli.common, o); });
  add("license", "Issue licences to devices of a LICENSE product (draws quota)", true)
      ->callback([&cli, &o] { cli.code = RunDeviceLicense(cli.common, o); });
  add("delete",
      "Delete devices that are neither online nor bound (a never-logged-in import gives its "
      "DEVICE unit back)",
      false)
      ->callback([&cli, &o] { cli.code = RunDeviceDelete(cli.common, o); });
  add("credentials", "Print the authKey and licence of devices", true)->callback([&cli, &o] {
    cli.code = RunDeviceCredentials(cli.common, o);
  });
  add("revoke", "Revoke the licence of devices", false)->callback([&cli, &o] {
    cli.code = RunDeviceRevoke(cli.common, o, true);
  });
  add("restore", "Restore a revoked licence", false)->callback([&cli, &o] {
    cli.code = RunDeviceRevoke(cli.common, o, false);
  });
  struct BindOptions {
    std::vector<std::string> dev_tids;
    std::string uid;
  };
  auto& b = cli.Keep<BindOptions>();
  CLI::App* bind = AddCommand(*device, "bind", "Bind devices to a user (until the user API)", cli);
  bind->add_option("--dev-tid", b.dev_tids, "devTid (repeatable)")->required();
  bind->add_option("--uid", b.uid, "The owner's uid")->required();
  bind->callback([&cli, &b] { cli.code = RunDeviceBind(cli.common, b.dev_tids, b.uid); });
  auto& show_dev_tid = cli.Keep<std::string>();
  CLI::App* show = AddCommand(*device, "show", "Print a device's state as JSON", cli);
  show->add_option("--dev-tid", show_dev_tid, "devTid")->required();
  show->callback([&cli, &show_dev_tid] { cli.code = RunDeviceShow(cli.common, show_dev_tid); });
}

}  // namespace krypton::app
