// `krypton admin h5 create|upload|bind|show`: H5 control-panel templates for the
// operator, with the enterprise API's rules and package checks (catalog/h5.h; decision
// 0010). The operator may act for any enterprise; a template is still only bound to
// products of the enterprise that created it. Uploaded packages are hosted by the server
// of the same data directory under http.public_url (or its host name and http.port).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "catalog/h5.h"
#include "common/clock.h"

namespace krypton::app {
namespace {

// "krypton: <why>" for an H5 or catalogue error; exit code 1.
int FailWith(const Status& s, const H5Options& o) {
  switch (s.code()) {
    case Code::kEntProductNotExist:
      return Fail("no product with mid " + o.mid);
    case Code::kEntH5TemplateNotExist:
      return Fail(o.mid.empty() ? "no H5 template " + o.id
                                : "no H5 template " + o.id + " of the product's enterprise");
    case Code::kEntPidNotExist:
      return Fail("no manufacturer " + o.pid);
    case Code::kEntBadPlatform:
      return Fail("platform must be Android or IOS");
    default:
      return Fail(s.detail().empty() ? s.Message() : s.detail());
  }
}

std::string TemplateJson(const storage::H5Template& t) {
  return JsonObject()
      .Add("id", t.id)
      .Add("platform", t.platform)
      .Add("h5Page", t.h5_page)
      .Add("pageZipURL", t.page_zip_url)
      .Add("version", t.version)
      .Add("md5", t.md5)
      .Finish();
}

int Print(const CommonOptions& common, const storage::H5Template& t, const std::string& what) {
  if (common.json) {
    std::cout << TemplateJson(t) << "\n";
  } else {
    std::cout << what << " H5 template " << t.id << " (" << t.platform << ") version "
              << (t.version.empty() ? "-" : t.version) << " h5Page "
              << (t.h5_page.empty() ? "-" : t.h5_page) << "\n";
  }
  return 0;
}

}  // namespace

int RunH5Create(const CommonOptions& common, const H5Options& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  if (!store->GetManufacturer(o.pid).ok()) return Fail("no manufacturer " + o.pid);
  auto t = catalog::CreateH5Template(*store, o.pid,
                                     {o.platform, o.h5_page, o.page_zip_url, o.version, o.md5},
                                     SystemClock::Instance().NowMs());
  if (!t.ok()) return FailWith(t.status(), o);
  return Print(common, *t, "created");
}

int RunH5Upload(const CommonOptions& common, const H5Options& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  std::ifstream in(o.zip_file, std::ios::binary);
  if (!in) return Fail("cannot read " + o.zip_file);
  std::string zip((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The HTTP route's bound (limits.h5_package_bytes), so both doors take the same packages.
  if (zip.size() > static_cast<size_t>(config.limits.h5_package_bytes)) {
    return Fail("the package is " + std::to_string(zip.size()) + " bytes; at most " +
                std::to_string(config.limits.h5_package_bytes) + " (limits.h5_package_bytes)");
  }
  catalog::H5Hosting hosting{config.data_dir, config.PublicHttpUrl(config.http.port),
                             config.limits.h5_package_entries, config.limits.h5_unpacked_bytes};
  auto t = catalog::InstallH5Package(*store, hosting, std::nullopt, o.id, zip, o.version);
  if (!t.ok()) return FailWith(t.status(), o);
  return Print(common, *t, "uploaded");
}

int RunH5Bind(const CommonOptions& common, const H5Options& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  Status s = catalog::BindH5Template(*store, std::nullopt, o.mid, o.platform, o.id);
  if (!s.ok()) return FailWith(s, o);
  std::string platform = catalog::CanonicalPlatform(o.platform);
  if (common.json) {
    std::cout << JsonObject().Add("mid", o.mid).Add("platform", platform).Add("id", o.id).Finish()
              << "\n";
  } else {
    std::cout << "bound H5 template " << o.id << " to product " << o.mid << " (" << platform
              << ")\n";
  }
  return 0;
}

int RunH5Show(const CommonOptions& common, const H5Options& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  if (!store->GetProduct(o.mid).ok()) return Fail("no product with mid " + o.mid);
  JsonObject out;
  out.Add("mid", o.mid);
  for (const char* platform : {"Android", "IOS"}) {
    auto t = store->GetProductH5(o.mid, platform);
    if (!t.ok() && !t.status().not_found()) return Fail(t.status().ToString());
    if (common.json) {
      out.AddRaw(platform, t.ok() ? TemplateJson(*t) : "null");
    } else if (t.ok()) {
      std::cout << platform << ": " << t->id << " version "
                << (t->version.empty() ? "-" : t->version) << " h5Page "
                << (t->h5_page.empty() ? "-" : t->h5_page) << " pageZipURL "
                << (t->page_zip_url.empty() ? "-" : t->page_zip_url) << "\n";
    } else {
      std::cout << platform << ": none\n";
    }
  }
  if (common.json) std::cout << out.Finish() << "\n";
  return 0;
}

void AddH5Commands(CLI::App& admin, Cli& cli) {
  CLI::App* h5 = AddGroup(admin, "h5", "H5 control-panel templates and their hosted packages");
  auto& o = cli.Keep<H5Options>();
  CLI::App* create = AddCommand(*h5, "create", "Create an H5 template of an enterprise", cli);
  create->add_option("--pid", o.pid, "The owning manufacturer's pid")->required();
  create->add_option("--platform", o.platform, "Android or IOS")->required();
  create->add_option("--h5-page", o.h5_page, "Page URL (default: set by upload)");
  create->add_option("--page-zip-url", o.page_zip_url, "Offline zip URL");
  create->add_option("--version", o.version, "Version");
  create->add_option("--md5", o.md5, "MD5 of the zip");
  create->callback([&cli, &o] { cli.code = RunH5Create(cli.common, o); });
  CLI::App* upload = AddCommand(
      *h5, "upload", "Check, unpack and host a zip as the template's page (sets its URLs and md5)",
      cli);
  upload->add_option("--id", o.id, "The H5 template's id")->required();
  upload->add_option("--zip", o.zip_file, "The zip file (index.html at its root)")->required();
  upload->add_option("--version", o.version, "Version (default: the current one + 1)");
  upload->callback([&cli, &o] { cli.code = RunH5Upload(cli.common, o); });
  CLI::App* bind = AddCommand(*h5, "bind", "Bind an H5 template to a product for a platform", cli);
  bind->add_option("--mid", o.mid, "The product's mid")->required();
  bind->add_option("--platform", o.platform, "Android or IOS")->required();
  bind->add_option("--id", o.id, "The H5 template's id")->required();
  bind->callback([&cli, &o] { cli.code = RunH5Bind(cli.common, o); });
  CLI::App* show = AddCommand(*h5, "show", "Print a product's H5 templates (both platforms)", cli);
  show->add_option("--mid", o.mid, "The product's mid")->required();
  show->callback([&cli, &o] { cli.code = RunH5Show(cli.common, o); });
}

}  // namespace krypton::app
