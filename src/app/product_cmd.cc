// `krypton admin product status|update|delete`: the enterprise catalogue's operations
// (catalog/catalog.h) for the operator, who may change any enterprise's product. The
// rules and messages are those of the enterprise API (E17, PUT and DELETE
// /api/v1/enterprise/product/{mid}).
#include <CLI/CLI.hpp>
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

namespace {

// `admin product update`: every member is optional; what is given changes, the rest stays.
struct UpdateFlags {
  std::string name, work_mode, product_type, model, logo, bind_type, device_auth, check_mode;
  bool force_bind = false, pre_register = false, decorate = false, auto_issue = false,
       scheduler = false;
  int max_share = 0;
};

void AddProductUpdate(CLI::App& product, Cli& cli) {
  auto& update = cli.Keep<ProductUpdateOptions>();
  auto& upd = cli.Keep<UpdateFlags>();
  CLI::App* cmd =
      AddCommand(product, "update",
                 "Change a product's settings (the members the enterprise API's PUT accepts)", cli);
  cmd->add_option("--product", update.mid, "The product's mid")->required();
  auto* o_name = cmd->add_option("--name", upd.name, "Product name (1 to 128 characters)");
  auto* o_mode = cmd->add_option("--work-mode", upd.work_mode, "Work mode (frozen once published)");
  auto* o_type = cmd->add_option("--product-type", upd.product_type,
                                 "INDEPENDENT, GATEWAY or SUB (frozen once published)");
  auto* o_model = cmd->add_option("--model", upd.model, "Model");
  auto* o_logo = cmd->add_option("--logo", upd.logo, "Logo URL");
  auto* o_bind = cmd->add_option("--bind-type", upd.bind_type, "Bind type");
  auto* o_auth = cmd->add_option("--device-auth", upd.device_auth,
                                 "PRODKEY, AUTHKEY or LICENSE (frozen once published)");
  auto* o_check = cmd->add_option("--check-mode", upd.check_mode, "LENIENT or STRICT");
  auto* o_force = cmd->add_option("--force-bind", upd.force_bind, "true or false");
  auto* o_pre = cmd->add_option("--pre-register", upd.pre_register,
                                "true or false: unknown devTids may not self-register (D29)");
  auto* o_decorate = cmd->add_option("--decorate-dev-send", upd.decorate, "true or false (D16)");
  auto* o_share = cmd->add_option("--max-dev-share-num", upd.max_share, "0 to 1000");
  auto* o_auto = cmd->add_option(
      "--auto-issue-license", upd.auto_issue,
      "true or false: a LICENSE device without a licence gets one on its first login");
  auto* o_scheduler = cmd->add_option(
      "--supports-scheduler", upd.scheduler,
      "true or false: false → scheduler task writes on this product's devices answer 6400025");
  cmd->callback([=, &cli, &update, &upd] {
    catalog::ProductFields& f = update.fields;
    auto take = [](CLI::Option* o, const auto& v, auto& out) {
      if (o->count() > 0) out = v;
    };
    take(o_name, upd.name, f.name);
    take(o_mode, upd.work_mode, f.work_mode_type);
    take(o_type, upd.product_type, f.product_type);
    take(o_model, upd.model, f.model);
    take(o_logo, upd.logo, f.logo);
    take(o_bind, upd.bind_type, f.bind_type);
    take(o_auth, upd.device_auth, f.device_auth);
    take(o_check, upd.check_mode, f.check_mode);
    take(o_force, upd.force_bind, f.force_bind);
    take(o_pre, upd.pre_register, f.pre_register);
    take(o_decorate, upd.decorate, f.decorate_dev_send);
    take(o_share, upd.max_share, f.max_dev_share_num);
    take(o_auto, upd.auto_issue, f.auto_issue_license);
    take(o_scheduler, upd.scheduler, f.supports_scheduler);
    cli.code = RunProductUpdate(cli.common, update);
  });
}

}  // namespace

void AddProductCommands(CLI::App& admin, Cli& cli) {
  CLI::App* product = AddGroup(admin, "product", "Products");
  auto& create_opts = cli.Keep<ProductCreateOptions>();
  CLI::App* create = AddCommand(
      *product, "create",
      "Create a product with its protocol template (prodKey and ppk are generated)", cli);
  create->add_option("--pid", create_opts.pid, "Owning manufacturer pid")->required();
  create->add_option("--name", create_opts.name, "Product name")->required();
  create->add_option("--mid", create_opts.mid, "12-character model id (default: generated)");
  create->add_option("--prod-key", create_opts.prod_key,
                     "Device-side prodKey (default: generated)");
  create
      ->add_option("--work-mode", create_opts.work_mode,
                   "JSON_CTRL, JSON_TRANSPARENT, JSON_TRANSPARENT_NOT_CHECK_RAW, TRANSPARENT48 or "
                   "TRANSPARENT48_V2")
      ->required();
  create->add_option("--template", create_opts.template_file, "Protocol template JSON file")
      ->required();
  create->add_option("--device-auth", create_opts.device_auth, "PRODKEY, AUTHKEY or LICENSE")
      ->capture_default_str();
  create->callback([&cli, &create_opts] { cli.code = RunProductCreate(cli.common, create_opts); });
  AddCommand(*product, "list", "List products", cli)->callback([&cli] {
    cli.code = RunProductList(cli.common);
  });
  // Added after `list` (the order `create --help` has always shown).
  create
      ->add_option("--check-mode", create_opts.check_mode,
                   "LENIENT (default) or STRICT template checks (D7)")
      ->capture_default_str();
  create->add_flag("!--no-decorate", create_opts.decorate_dev_send,
                   "Push 48 reports to apps as raw only (no decoded fields, D16)");
  create->add_flag("--pre-register", create_opts.pre_register,
                   "Only devices imported with `admin device import` may connect");
  create->add_flag("--auto-issue-license", create_opts.auto_issue_license,
                   "LICENSE: a device without a licence gets one on its first login");
  create->add_flag("!--no-scheduler", create_opts.supports_scheduler,
                   "Scheduler task writes on this product's devices answer 6400025");

  auto& status_opts = cli.Keep<ProductStatusOptions>();
  CLI::App* status = AddCommand(
      *product, "status", "Publish or discontinue a product (as the enterprise API's E17)", cli);
  status->add_option("--product", status_opts.mid, "The product's mid")->required();
  status->add_option("--status", status_opts.status, "PUBLISHED or DISCONTINUED")->required();
  status->callback([&cli, &status_opts] { cli.code = RunProductStatus(cli.common, status_opts); });

  auto& delete_mid = cli.Keep<std::string>();
  CLI::App* del = AddCommand(*product, "delete",
                             "Delete a product that is not PUBLISHED and has no devices", cli);
  del->add_option("--product", delete_mid, "The product's mid")->required();
  del->callback([&cli, &delete_mid] { cli.code = RunProductDelete(cli.common, delete_mid); });

  auto& auth_mid = cli.Keep<std::string>();
  auto& auth_pid = cli.Keep<std::string>();
  for (bool authorized : {true, false}) {
    CLI::App* cmd = AddCommand(
        *product, authorized ? "authorize" : "unauthorize",
        authorized ? "Let another enterprise read a product (its template, H5 and devices)"
                   : "Withdraw another enterprise's read access to a product",
        cli);
    cmd->add_option("--product", auth_mid, "The product's mid")->required();
    cmd->add_option("--pid", auth_pid, "The other enterprise's pid")->required();
    cmd->callback([&cli, &auth_mid, &auth_pid, authorized] {
      cli.code = RunProductAuthorize(cli.common, auth_mid, auth_pid, authorized);
    });
  }

  AddProductUpdate(*product, cli);
}

}  // namespace krypton::app
