// `krypton admin firmware|news|feedback|demo-devices …`: the enterprise side of the
// app-facing endpoints (enterprise-api.md §3.1.3–§3.1.6) for the operator, through the
// rules and writes the enterprise API uses (catalog/external.h; decision 0009). The
// operator may act for any enterprise and any product. With --json each command prints
// what the matching enterprise API call answers (the rules, the news id, the feedback
// list) or, for the demo devices, what the apps' GET /external/device/default/static does.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "catalog/external.h"
#include "common/clock.h"

namespace krypton::app {
namespace {

// "krypton: <why>" for a catalogue error; exit code 1.
int FailWith(const Status& s, const std::string& mid, const std::string& pid) {
  if (s.code() == Code::kEntProductNotExist) return Fail("no product with mid " + mid);
  if (s.code() == Code::kEntPidNotExist) return Fail("no manufacturer " + pid);
  return Fail(s.detail().empty() ? s.Message() : s.detail());
}

// `items` rendered by `one` as a JSON array.
template <typename T, typename F>
std::string JsonArray(const std::vector<T>& items, F one) {
  std::string out = "[";
  for (const T& item : items) out += (out.size() > 1 ? "," : "") + one(item);
  return out + "]";
}

// "-" for an empty text.
std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// An element of GET /api/v1/enterprise/product/{mid}/firmware.
std::string RuleJson(const storage::FirmwareRule& r) {
  return JsonObject()
      .Add("binType", r.bin_type)
      .Add("binVer", r.bin_ver)
      .Add("binUrl", r.bin_url)
      .Add("md5", r.md5)
      .Add("size", r.size)
      .Add("updateTime", r.updated_at_ms)
      .Finish();
}

void PrintRule(const storage::FirmwareRule& r) {
  std::cout << r.bin_type << " " << r.bin_ver << " " << r.bin_url << " md5 " << OrDash(r.md5)
            << " size " << r.size << "\n";
}

// An element of GET /api/v1/enterprise/feedback.
std::string FeedbackJson(const storage::Feedback& f) {
  return JsonObject()
      .Add("id", f.id)
      .Add("uid", f.uid)
      .Add("UserNumber", f.user_number)
      .Add("title", f.title)
      .Add("content", f.content)
      .Add("images", f.images)
      .Add("createTime", f.created_at_ms)
      .Finish();
}

// An element of GET /external/device/default/static.
std::string DemoDeviceJson(const storage::DemoDevice& d) {
  return JsonObject()
      .Add("pid", d.pid)
      .Add("deviceName", d.device_name)
      .Add("logo", d.logo)
      .Add("desc", d.desc)
      .Add("androidH5Page", d.android_h5_page)
      .Add("iosH5Page", d.ios_h5_page)
      .Finish();
}

}  // namespace

int RunFirmwareSet(const CommonOptions& common, const FirmwareOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto r = catalog::SetFirmwareRule(*store, std::nullopt, o.mid, o.fields,
                                    SystemClock::Instance().NowMs());
  if (!r.ok()) return FailWith(r.status(), o.mid, "");
  if (common.json) {
    std::cout << RuleJson(*r) << "\n";
  } else {
    std::cout << "set firmware rule of product " << o.mid << ": ";
    PrintRule(*r);
  }
  return 0;
}

int RunFirmwareList(const CommonOptions& common, const FirmwareOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto rules = catalog::FirmwareRules(*store, std::nullopt, o.mid);
  if (!rules.ok()) return FailWith(rules.status(), o.mid, "");
  if (common.json) {
    std::cout << JsonArray(*rules, RuleJson) << "\n";
  } else if (rules->empty()) {
    std::cout << "no firmware rules for product " << o.mid << "\n";
  } else {
    for (const storage::FirmwareRule& r : *rules) PrintRule(r);
  }
  return 0;
}

int RunNewsAdd(const CommonOptions& common, const NewsOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto n = catalog::CreateNews(*store, o.pid, o.fields, SystemClock::Instance().NowMs());
  if (!n.ok()) return FailWith(n.status(), "", o.pid);
  if (common.json) {
    std::cout << JsonObject().Add("id", n->id).Finish() << "\n";
  } else {
    std::cout << "added news " << n->id << " \"" << n->title << "\" of " << o.pid << "\n";
  }
  return 0;
}

int RunFeedbackList(const CommonOptions& common, const FeedbackListOptions& o) {
  auto page = catalog::ParsePage(o.page, o.size);
  if (!page.ok()) return FailWith(page.status(), "", o.pid);
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto list = catalog::ListFeedback(*store, o.pid, *page);
  if (!list.ok()) return FailWith(list.status(), "", o.pid);
  if (common.json) {
    std::cout << JsonArray(*list, FeedbackJson) << "\n";
  } else if (list->empty()) {
    std::cout << "no feedback for " << o.pid << "\n";
  } else {
    for (const storage::Feedback& f : *list) {
      std::cout << "#" << f.id << " from " << f.uid << " (" << OrDash(f.user_number)
                << "): " << f.title << ": " << f.content << "\n";
    }
  }
  return 0;
}

int RunDemoDevicesSet(const CommonOptions& common, const DemoDevicesOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return Fail("cannot read " + o.file);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The PUT's bound (http.max_body_bytes), so both doors take the same lists.
  if (body.size() > static_cast<size_t>(config.http.max_body_bytes)) {
    return Fail("the file is " + std::to_string(body.size()) + " bytes; at most " +
                std::to_string(config.http.max_body_bytes) + " (http.max_body_bytes)");
  }
  Status s = catalog::ReplaceDemoDevicesFromJson(*store, o.pid, body);
  if (!s.ok()) return FailWith(s, "", o.pid);
  auto list = catalog::DemoDevices(*store, o.pid);
  if (!list.ok()) return FailWith(list.status(), "", o.pid);
  if (common.json) {
    std::cout << JsonArray(*list, DemoDeviceJson) << "\n";
  } else {
    std::cout << "set " << list->size() << " demo device" << (list->size() == 1 ? "" : "s")
              << " of " << o.pid << "\n";
  }
  return 0;
}

int RunDemoDevicesList(const CommonOptions& common, const DemoDevicesOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto list = catalog::DemoDevices(*store, o.pid);
  if (!list.ok()) return FailWith(list.status(), "", o.pid);
  if (common.json) {
    std::cout << JsonArray(*list, DemoDeviceJson) << "\n";
  } else if (list->empty()) {
    std::cout << "no demo devices of " << o.pid << "\n";
  } else {
    for (const storage::DemoDevice& d : *list) {
      std::cout << d.device_name << " logo " << OrDash(d.logo) << " androidH5Page "
                << OrDash(d.android_h5_page) << " iosH5Page " << OrDash(d.ios_h5_page) << "\n";
    }
  }
  return 0;
}

void AddExternalCommands(CLI::App& admin, Cli& cli) {
  CLI::App* firmware = AddGroup(admin, "firmware", "Firmware rules of a product (OTA check)");
  auto& fw = cli.Keep<FirmwareOptions>();
  CLI::App* fw_set =
      AddCommand(*firmware, "set",
                 "Set a product's firmware rule for a binType (replaces that binType's rule)", cli);
  fw_set->add_option("--product", fw.mid, "The product's mid")->required();
  fw_set->add_option("--bin-type", fw.fields.bin_type, "binType (1 to 32 characters)")->required();
  fw_set->add_option("--bin-ver", fw.fields.bin_ver, "Latest version, e.g. 4.1.6.1")->required();
  fw_set->add_option("--bin-url", fw.fields.bin_url, "Firmware download URL")->required();
  fw_set->add_option("--md5", fw.fields.md5, "MD5 of the firmware (default: none)");
  fw_set->add_option("--size", fw.fields.size, "Size in bytes (default: 0)");
  fw_set->callback([&cli, &fw] { cli.code = RunFirmwareSet(cli.common, fw); });
  CLI::App* fw_list = AddCommand(*firmware, "list", "A product's firmware rules by binType", cli);
  fw_list->add_option("--product", fw.mid, "The product's mid")->required();
  fw_list->callback([&cli, &fw] { cli.code = RunFirmwareList(cli.common, fw); });

  CLI::App* news = AddGroup(admin, "news", "Enterprise news (GET /external/vc/getByPid)");
  auto& n = cli.Keep<NewsOptions>();
  CLI::App* news_add = AddCommand(*news, "add", "Publish a news item of an enterprise", cli);
  news_add->add_option("--pid", n.pid, "The enterprise's pid")->required();
  news_add->add_option("--title", n.fields.title, "Title (1 to 256 characters)")->required();
  news_add->add_option("--content", n.fields.info_content, "Content (HTML)");
  news_add->add_option("--tags", n.fields.info_tags, "Tags (up to 32)");
  news_add->add_option("--author", n.fields.author_name, "Author's name");
  news_add->callback([&cli, &n] { cli.code = RunNewsAdd(cli.common, n); });

  CLI::App* feedback = AddGroup(admin, "feedback", "Users' after-sales feedback");
  auto& fb = cli.Keep<FeedbackListOptions>();
  CLI::App* fb_list =
      AddCommand(*feedback, "list", "Feedback filed under an enterprise, newest first", cli);
  fb_list->add_option("--pid", fb.pid, "The enterprise's pid")->required();
  fb_list->add_option("--page", fb.page, "Page from 0 (default 0)");
  fb_list->add_option("--size", fb.size, "Page size 1 to 100 (default 20)");
  fb_list->callback([&cli, &fb] { cli.code = RunFeedbackList(cli.common, fb); });

  CLI::App* demo_devices = AddGroup(
      admin, "demo-devices", "Demo devices of an enterprise (GET /external/device/default/static)");
  auto& dd = cli.Keep<DemoDevicesOptions>();
  CLI::App* dd_set = AddCommand(
      *demo_devices, "set",
      "Replace an enterprise's demo devices with a JSON array (as PUT demoDevices)", cli);
  dd_set->add_option("--pid", dd.pid, "The enterprise's pid")->required();
  dd_set
      ->add_option("--file", dd.file,
                   "JSON array of {deviceName, logo?, desc?, androidH5Page?, iosH5Page?}")
      ->required();
  dd_set->callback([&cli, &dd] { cli.code = RunDemoDevicesSet(cli.common, dd); });
  CLI::App* dd_list = AddCommand(*demo_devices, "list", "An enterprise's demo devices", cli);
  dd_list->add_option("--pid", dd.pid, "The enterprise's pid")->required();
  dd_list->callback([&cli, &dd] { cli.code = RunDemoDevicesList(cli.common, dd); });
}

}  // namespace krypton::app
