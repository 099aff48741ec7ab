// krypton: one binary for the server and its operator commands.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "common/secrets.h"

namespace {

void AddCommon(CLI::App* cmd, krypton::app::CommonOptions* common) {
  cmd->add_option("--data-dir", common->data_dir, "Data directory (default: data_dir of the config)");
  cmd->add_option("--config", common->config_file,
                  "TOML configuration file (default: <data-dir>/krypton.toml if present)");
  cmd->add_option("--set", common->sets, "Override one setting: --set section.key=value")
      ->allow_extra_args(false);
  cmd->add_flag("--json", common->json, "Machine-readable JSON output");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace krypton::app;
  // Everything this process creates — the database and its -wal/-shm, the outbox (live
  // verify codes and link tokens), secrets, hosted H5 files — is the owner's alone: files
  // 0600, directories 0700 (issue 14 item 5; docs/security.md).
  ::umask(077);
  if (!krypton::InitSecrets()) {
    std::fprintf(stderr, "krypton: libsodium failed to initialise\n");
    return 1;
  }

  CLI::App app{"Krypton: a self-hosted IoT device cloud, wire-compatible with Hekr.", "krypton"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "krypton 0.1.0");
  CommonOptions common;
  int code = 0;

  auto* init = app.add_subcommand("init", "Create the data directory, its secrets and database");
  AddCommon(init, &common);
  init->callback([&] { code = RunInit(common); });

  auto* serve = app.add_subcommand("serve", "Run the server in the foreground");
  AddCommon(serve, &common);
  serve->callback([&] { code = RunServe(common); });

  auto* cfg = app.add_subcommand("config", "Show the configuration");
  cfg->require_subcommand(1);
  auto* cfg_show = cfg->add_subcommand("show", "Print the resolved configuration as TOML");
  AddCommon(cfg_show, &common);
  cfg_show->callback([&] { code = RunConfigShow(common); });
  auto* cfg_keys = cfg->add_subcommand("keys", "List every configuration key with its default");
  AddCommon(cfg_keys, &common);
  cfg_keys->callback([&] { code = RunConfigKeys(common); });

  auto* admin = app.add_subcommand("admin", "Operator commands on the data store");
  admin->require_subcommand(1);

  auto* user = admin->add_subcommand("user", "Accounts");
  user->require_subcommand(1);
  UserCreateOptions user_opts;
  auto* user_create = user->add_subcommand("create", "Create an account");
  AddCommon(user_create, &common);
  user_create->add_option("--email", user_opts.email, "E-mail address");
  user_create->add_option("--phone", user_opts.phone, "Phone number");
  user_create->add_option("--password", user_opts.password, "Password (at least 6 characters)")
      ->required();
  user_create->add_option("--pid", user_opts.pid, "Manufacturer pid the account belongs to")
      ->capture_default_str();
  user_create->callback([&] { code = RunUserCreate(common, user_opts); });

  auto* mf = admin->add_subcommand("manufacturer", "Manufacturers (enterprises)");
  mf->require_subcommand(1);
  ManufacturerCreateOptions mf_opts;
  auto* mf_create = mf->add_subcommand("create", "Create or rename a manufacturer");
  AddCommon(mf_create, &common);
  mf_create->add_option("--pid", mf_opts.pid, "11-digit manufacturer id")->required();
  mf_create->add_option("--name", mf_opts.name, "Name")->required();
  mf_create->callback([&] { code = RunManufacturerCreate(common, mf_opts); });
  auto* mf_key = mf->add_subcommand(
      "key", "Issue a new server key for the enterprise API (Authorization: key=…); shown once");
  AddCommon(mf_key, &common);
  mf_key->add_option("--pid", mf_opts.pid, "11-digit manufacturer id")->required();
  mf_key->callback([&] { code = RunManufacturerKey(common, mf_opts); });
  auto* member = mf->add_subcommand(
      "member", "Console members: accounts that may act for the enterprise (D28)");
  member->require_subcommand(1);
  MemberOptions member_opts;
  auto* member_add =
      member->add_subcommand("add", "Make an account a member, or change its role");
  AddCommon(member_add, &common);
  member_add->add_option("--pid", member_opts.pid, "11-digit manufacturer id")->required();
  member_add->add_option("--email", member_opts.email,
                         "The account's e-mail (under --pid, else under 00000000000)");
  member_add->add_option("--uid", member_opts.uid, "Or the account's uid");
  member_add->add_option("--role", member_opts.role, "ADMIN, DEVELOPER or VIEWER")->required();
  member_add->callback([&] { code = RunMemberAdd(common, member_opts); });
  auto* member_remove = member->add_subcommand(
      "remove", "End an account's membership (never the last ADMIN's)");
  AddCommon(member_remove, &common);
  member_remove->add_option("--pid", member_opts.pid, "11-digit manufacturer id")->required();
  member_remove->add_option("--email", member_opts.email,
                            "The account's e-mail (under --pid, else under 00000000000)");
  member_remove->add_option("--uid", member_opts.uid, "Or the account's uid");
  member_remove->callback([&] { code = RunMemberRemove(common, member_opts); });
  auto* member_list = member->add_subcommand("list", "An enterprise's console members");
  AddCommon(member_list, &common);
  member_list->add_option("--pid", member_opts.pid, "11-digit manufacturer id")->required();
  member_list->callback([&] { code = RunMemberList(common, member_opts); });

  auto* product = admin->add_subcommand("product", "Products");
  product->require_subcommand(1);
  ProductCreateOptions prod_opts;
  auto* prod_create = product->add_subcommand(
      "create", "Create a product with its protocol template (prodKey and ppk are generated)");
  AddCommon(prod_create, &common);
  prod_create->add_option("--pid", prod_opts.pid, "Owning manufacturer pid")->required();
  prod_create->add_option("--name", prod_opts.name, "Product name")->required();
  prod_create->add_option("--mid", prod_opts.mid, "12-character model id (default: generated)");
  prod_create->add_option("--prod-key", prod_opts.prod_key, "Device-side prodKey (default: generated)");
  prod_create
      ->add_option("--work-mode", prod_opts.work_mode,
                   "JSON_CTRL, JSON_TRANSPARENT, JSON_TRANSPARENT_NOT_CHECK_RAW, TRANSPARENT48 or "
                   "TRANSPARENT48_V2")
      ->required();
  prod_create->add_option("--template", prod_opts.template_file, "Protocol template JSON file")
      ->required();
  prod_create->add_option("--device-auth", prod_opts.device_auth, "PRODKEY, AUTHKEY or LICENSE")
      ->capture_default_str();
  prod_create->callback([&] { code = RunProductCreate(common, prod_opts); });
  auto* prod_list = product->add_subcommand("list", "List products");
  AddCommon(prod_list, &common);
  prod_list->callback([&] { code = RunProductList(common); });

  prod_create->add_option("--check-mode", prod_opts.check_mode,
                          "LENIENT (default) or STRICT template checks (D7)")
      ->capture_default_str();
  prod_create->add_flag("!--no-decorate", prod_opts.decorate_dev_send,
                        "Push 48 reports to apps as raw only (no decoded fields, D16)");
  prod_create->add_flag("--pre-register", prod_opts.pre_register,
                        "Only devices imported with `admin device import` may connect");
  prod_create->add_flag("--auto-issue-license", prod_opts.auto_issue_license,
                        "LICENSE: a device without a licence gets one on its first login");

  ProductStatusOptions status_opts;
  auto* prod_status = product->add_subcommand(
      "status", "Publish or discontinue a product (as the enterprise API's E17)");
  AddCommon(prod_status, &common);
  prod_status->add_option("--product", status_opts.mid, "The product's mid")->required();
  prod_status->add_option("--status", status_opts.status, "PUBLISHED or DISCONTINUED")
      ->required();
  prod_status->callback([&] { code = RunProductStatus(common, status_opts); });

  std::string delete_mid;
  auto* prod_delete = product->add_subcommand(
      "delete", "Delete a product that is not PUBLISHED and has no devices");
  AddCommon(prod_delete, &common);
  prod_delete->add_option("--product", delete_mid, "The product's mid")->required();
  prod_delete->callback([&] { code = RunProductDelete(common, delete_mid); });

  std::string auth_mid, auth_pid;
  for (bool authorized : {true, false}) {
    auto* cmd = product->add_subcommand(
        authorized ? "authorize" : "unauthorize",
        authorized ? "Let another enterprise read a product (its template, H5 and devices)"
                   : "Withdraw another enterprise's read access to a product");
    AddCommon(cmd, &common);
    cmd->add_option("--product", auth_mid, "The product's mid")->required();
    cmd->add_option("--pid", auth_pid, "The other enterprise's pid")->required();
    cmd->callback([&, authorized] {
      code = RunProductAuthorize(common, auth_mid, auth_pid, authorized);
    });
  }

  // Every member is optional: what is given changes, the rest stays.
  ProductUpdateOptions update_opts;
  struct {
    std::string name, work_mode, product_type, model, logo, bind_type, device_auth, check_mode;
    bool force_bind = false, pre_register = false, decorate = false, auto_issue = false;
    int max_share = 0;
  } upd;
  auto* prod_update = product->add_subcommand(
      "update", "Change a product's settings (the members the enterprise API's PUT accepts)");
  AddCommon(prod_update, &common);
  prod_update->add_option("--product", update_opts.mid, "The product's mid")->required();
  auto* o_name = prod_update->add_option("--name", upd.name, "Product name (1 to 128 characters)");
  auto* o_mode = prod_update->add_option("--work-mode", upd.work_mode,
                                         "Work mode (frozen once published)");
  auto* o_type = prod_update->add_option("--product-type", upd.product_type,
                                         "INDEPENDENT, GATEWAY or SUB (frozen once published)");
  auto* o_model = prod_update->add_option("--model", upd.model, "Model");
  auto* o_logo = prod_update->add_option("--logo", upd.logo, "Logo URL");
  auto* o_bind = prod_update->add_option("--bind-type", upd.bind_type, "Bind type");
  auto* o_auth = prod_update->add_option("--device-auth", upd.device_auth,
                                         "PRODKEY, AUTHKEY or LICENSE (frozen once published)");
  auto* o_check = prod_update->add_option("--check-mode", upd.check_mode, "LENIENT or STRICT");
  auto* o_force = prod_update->add_option("--force-bind", upd.force_bind, "true or false");
  auto* o_pre = prod_update->add_option("--pre-register", upd.pre_register,
                                        "true or false: unknown devTids may not self-register (D29)");
  auto* o_decorate = prod_update->add_option("--decorate-dev-send", upd.decorate,
                                             "true or false (D16)");
  auto* o_share = prod_update->add_option("--max-dev-share-num", upd.max_share, "0 to 1000");
  auto* o_auto = prod_update->add_option(
      "--auto-issue-license", upd.auto_issue,
      "true or false: a LICENSE device without a licence gets one on its first login");
  prod_update->callback([&] {
    krypton::catalog::ProductFields& f = update_opts.fields;
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
    code = RunProductUpdate(common, update_opts);
  });

  auto* tpl = admin->add_subcommand("template", "Protocol templates of a product (versioned)");
  tpl->require_subcommand(1);
  TemplateOptions tpl_opts;
  auto* tpl_set = tpl->add_subcommand("set", "Validate a template and store it as the new version");
  AddCommon(tpl_set, &common);
  tpl_set->add_option("--product", tpl_opts.mid, "The product's mid")->required();
  tpl_set->add_option("file", tpl_opts.file, "Template JSON file")->required();
  tpl_set->callback([&] { code = RunTemplateSet(common, tpl_opts); });
  auto* tpl_show = tpl->add_subcommand("show", "Print a stored template (default: the current)");
  AddCommon(tpl_show, &common);
  tpl_show->add_option("--product", tpl_opts.mid, "The product's mid")->required();
  tpl_show->add_option("--version", tpl_opts.version, "Template version (1, 2, …)");
  tpl_show->callback([&] { code = RunTemplateShow(common, tpl_opts); });

  auto* device = admin->add_subcommand("device", "Devices: import, credentials, licences");
  device->require_subcommand(1);
  DeviceOptions dev_opts;
  auto add_device_cmd = [&](const char* name, const char* help, bool needs_product,
                            bool needs_dev_tid = true) {
    auto* cmd = device->add_subcommand(name, help);
    AddCommon(cmd, &common);
    auto* mid = cmd->add_option("--product", dev_opts.mid, "The product's mid");
    if (needs_product) mid->required();
    auto* tid = cmd->add_option("--dev-tid", dev_opts.dev_tids, "devTid (repeatable)");
    if (needs_dev_tid) tid->required();
    return cmd;
  };
  auto* dev_import = add_device_cmd(
      "import",
      "Pre-register devices of a product as the enterprise API's import (quota, short "
      "codes, licences)",
      true, false);
  auto* o_count = dev_import->add_option("--count", dev_opts.count,
                                         "Import N fresh devTids instead of --dev-tid");
  dev_import->add_option("--prefix", dev_opts.prefix, "With --count: the devTids' prefix");
  o_count->excludes(dev_import->get_option("--dev-tid"));
  dev_import->callback([&] { code = RunDeviceImport(common, dev_opts); });
  add_device_cmd("license", "Issue licences to devices of a LICENSE product (draws quota)", true)
      ->callback([&] { code = RunDeviceLicense(common, dev_opts); });
  add_device_cmd("delete",
                 "Delete devices that are neither online nor bound (a never-logged-in import "
                 "gives its DEVICE unit back)",
                 false)
      ->callback([&] { code = RunDeviceDelete(common, dev_opts); });
  add_device_cmd("credentials", "Print the authKey and licence of devices", true)->callback([&] {
    code = RunDeviceCredentials(common, dev_opts);
  });
  add_device_cmd("revoke", "Revoke the licence of devices", false)->callback([&] {
    code = RunDeviceRevoke(common, dev_opts, true);
  });
  add_device_cmd("restore", "Restore a revoked licence", false)->callback([&] {
    code = RunDeviceRevoke(common, dev_opts, false);
  });
  std::string bind_dev_tid, bind_uid;
  std::vector<std::string> bind_dev_tids;
  auto* dev_bind = device->add_subcommand("bind", "Bind devices to a user (until the user API)");
  AddCommon(dev_bind, &common);
  dev_bind->add_option("--dev-tid", bind_dev_tids, "devTid (repeatable)")->required();
  dev_bind->add_option("--uid", bind_uid, "The owner's uid")->required();
  dev_bind->callback([&] { code = RunDeviceBind(common, bind_dev_tids, bind_uid); });
  auto* dev_show = device->add_subcommand("show", "Print a device's state as JSON");
  AddCommon(dev_show, &common);
  dev_show->add_option("--dev-tid", bind_dev_tid, "devTid")->required();
  dev_show->callback([&] { code = RunDeviceShow(common, bind_dev_tid); });

  auto* quota = admin->add_subcommand("quota", "Enterprise quotas (device imports, licences)");
  quota->require_subcommand(1);
  QuotaSetOptions quota_opts;
  auto* quota_set = quota->add_subcommand("set", "Set a quota's total (-1 = unlimited)");
  AddCommon(quota_set, &common);
  quota_set->add_option("--pid", quota_opts.pid, "11-digit manufacturer id")->required();
  quota_set->add_option("--product", quota_opts.mid, "The product's mid (default: * = every)")
      ->capture_default_str();
  quota_set->add_option("--kind", quota_opts.kind, "DEVICE or LICENSE")
      ->required()
      ->check(CLI::IsMember({"DEVICE", "LICENSE"}));
  quota_set->add_option("--total", quota_opts.total, "Units in total; -1 = unlimited")
      ->required()
      ->check(CLI::Range(int64_t{-1}, int64_t{1} << 40));
  quota_set->callback([&] { code = RunQuotaSet(common, quota_opts); });
  std::string quota_pid;
  auto* quota_list = quota->add_subcommand("list", "An enterprise's quotas (as GET quota, E16)");
  AddCommon(quota_list, &common);
  quota_list->add_option("--pid", quota_pid, "11-digit manufacturer id")->required();
  quota_list->callback([&] { code = RunQuotaList(common, quota_pid); });

  auto* h5 = admin->add_subcommand("h5", "H5 control-panel templates and their hosted packages");
  h5->require_subcommand(1);
  H5Options h5_opts;
  auto* h5_create = h5->add_subcommand("create", "Create an H5 template of an enterprise");
  AddCommon(h5_create, &common);
  h5_create->add_option("--pid", h5_opts.pid, "The owning manufacturer's pid")->required();
  h5_create->add_option("--platform", h5_opts.platform, "Android or IOS")->required();
  h5_create->add_option("--h5-page", h5_opts.h5_page, "Page URL (default: set by upload)");
  h5_create->add_option("--page-zip-url", h5_opts.page_zip_url, "Offline zip URL");
  h5_create->add_option("--version", h5_opts.version, "Version");
  h5_create->add_option("--md5", h5_opts.md5, "MD5 of the zip");
  h5_create->callback([&] { code = RunH5Create(common, h5_opts); });
  auto* h5_upload = h5->add_subcommand(
      "upload", "Check, unpack and host a zip as the template's page (sets its URLs and md5)");
  AddCommon(h5_upload, &common);
  h5_upload->add_option("--id", h5_opts.id, "The H5 template's id")->required();
  h5_upload->add_option("--zip", h5_opts.zip_file, "The zip file (index.html at its root)")
      ->required();
  h5_upload->add_option("--version", h5_opts.version, "Version (default: the current one + 1)");
  h5_upload->callback([&] { code = RunH5Upload(common, h5_opts); });
  auto* h5_bind = h5->add_subcommand("bind", "Bind an H5 template to a product for a platform");
  AddCommon(h5_bind, &common);
  h5_bind->add_option("--mid", h5_opts.mid, "The product's mid")->required();
  h5_bind->add_option("--platform", h5_opts.platform, "Android or IOS")->required();
  h5_bind->add_option("--id", h5_opts.id, "The H5 template's id")->required();
  h5_bind->callback([&] { code = RunH5Bind(common, h5_opts); });
  auto* h5_show = h5->add_subcommand("show", "Print a product's H5 templates (both platforms)");
  AddCommon(h5_show, &common);
  h5_show->add_option("--mid", h5_opts.mid, "The product's mid")->required();
  h5_show->callback([&] { code = RunH5Show(common, h5_opts); });

  // The enterprise side of the app-facing endpoints (catalog/external.h, decision 0009).
  auto* firmware = admin->add_subcommand("firmware", "Firmware rules of a product (OTA check)");
  firmware->require_subcommand(1);
  FirmwareOptions fw_opts;
  auto* fw_set = firmware->add_subcommand(
      "set", "Set a product's firmware rule for a binType (replaces that binType's rule)");
  AddCommon(fw_set, &common);
  fw_set->add_option("--product", fw_opts.mid, "The product's mid")->required();
  fw_set->add_option("--bin-type", fw_opts.fields.bin_type, "binType (1 to 32 characters)")
      ->required();
  fw_set->add_option("--bin-ver", fw_opts.fields.bin_ver, "Latest version, e.g. 4.1.6.1")
      ->required();
  fw_set->add_option("--bin-url", fw_opts.fields.bin_url, "Firmware download URL")->required();
  fw_set->add_option("--md5", fw_opts.fields.md5, "MD5 of the firmware (default: none)");
  fw_set->add_option("--size", fw_opts.fields.size, "Size in bytes (default: 0)");
  fw_set->callback([&] { code = RunFirmwareSet(common, fw_opts); });
  auto* fw_list = firmware->add_subcommand("list", "A product's firmware rules by binType");
  AddCommon(fw_list, &common);
  fw_list->add_option("--product", fw_opts.mid, "The product's mid")->required();
  fw_list->callback([&] { code = RunFirmwareList(common, fw_opts); });

  auto* news = admin->add_subcommand("news", "Enterprise news (GET /external/vc/getByPid)");
  news->require_subcommand(1);
  NewsOptions news_opts;
  auto* news_add = news->add_subcommand("add", "Publish a news item of an enterprise");
  AddCommon(news_add, &common);
  news_add->add_option("--pid", news_opts.pid, "The enterprise's pid")->required();
  news_add->add_option("--title", news_opts.fields.title, "Title (1 to 256 characters)")
      ->required();
  news_add->add_option("--content", news_opts.fields.info_content, "Content (HTML)");
  news_add->add_option("--tags", news_opts.fields.info_tags, "Tags (up to 32)");
  news_add->add_option("--author", news_opts.fields.author_name, "Author's name");
  news_add->callback([&] { code = RunNewsAdd(common, news_opts); });

  auto* feedback = admin->add_subcommand("feedback", "Users' after-sales feedback");
  feedback->require_subcommand(1);
  FeedbackListOptions fb_opts;
  auto* fb_list =
      feedback->add_subcommand("list", "Feedback filed under an enterprise, newest first");
  AddCommon(fb_list, &common);
  fb_list->add_option("--pid", fb_opts.pid, "The enterprise's pid")->required();
  fb_list->add_option("--page", fb_opts.page, "Page from 0 (default 0)");
  fb_list->add_option("--size", fb_opts.size, "Page size 1 to 100 (default 20)");
  fb_list->callback([&] { code = RunFeedbackList(common, fb_opts); });

  auto* demo_devices = admin->add_subcommand(
      "demo-devices", "Demo devices of an enterprise (GET /external/device/default/static)");
  demo_devices->require_subcommand(1);
  DemoDevicesOptions dd_opts;
  auto* dd_set = demo_devices->add_subcommand(
      "set", "Replace an enterprise's demo devices with a JSON array (as PUT demoDevices)");
  AddCommon(dd_set, &common);
  dd_set->add_option("--pid", dd_opts.pid, "The enterprise's pid")->required();
  dd_set
      ->add_option("--file", dd_opts.file,
                   "JSON array of {deviceName, logo?, desc?, androidH5Page?, iosH5Page?}")
      ->required();
  dd_set->callback([&] { code = RunDemoDevicesSet(common, dd_opts); });
  auto* dd_list = demo_devices->add_subcommand("list", "An enterprise's demo devices");
  AddCommon(dd_list, &common);
  dd_list->add_option("--pid", dd_opts.pid, "The enterprise's pid")->required();
  dd_list->callback([&] { code = RunDemoDevicesList(common, dd_opts); });

  auto* token = admin->add_subcommand("token", "Access tokens");
  token->require_subcommand(1);
  TokenIssueOptions token_opts;
  auto* token_issue = token->add_subcommand("issue", "Print an access token for an account");
  AddCommon(token_issue, &common);
  token_issue->add_option("--uid", token_opts.uid, "The account's uid");
  token_issue->add_option("--email", token_opts.email, "Or its e-mail");
  token_issue->add_option("--pid", token_opts.pid, "The account's pid (with --email)")
      ->capture_default_str();
  token_issue->add_option("--type", token_opts.type, "Client type claim")->capture_default_str();
  token_issue->add_option("--ttl", token_opts.ttl_s, "Lifetime in seconds (default jwt.access_ttl_s)");
  token_issue->callback([&] { code = RunTokenIssue(common, token_opts); });

  auto* demo = admin->add_subcommand(
      "demo", "Create the demo manufacturer, product and user (harmless to repeat)");
  AddCommon(demo, &common);
  demo->callback([&] { code = RunDemo(common); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return code;
}
