// The subcommands of the `krypton` binary. main.cc builds the root CLI11 app and calls
// the registrars below; each file registers the subcommands it runs (Add*Commands), whose
// callbacks call one of the Run* functions; each returns the process exit code. This folder
// is the only place where exceptions are caught (configuration loading at start-up).
#ifndef KRYPTON_APP_COMMANDS_H_
#define KRYPTON_APP_COMMANDS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/external.h"
#include "common/identifiers.h"
#include "config/config.h"
#include "storage/store.h"

namespace CLI {
class App;
}  // namespace CLI

namespace krypton::app {

// Options every subcommand accepts.
struct CommonOptions {
  std::string data_dir;           // --data-dir
  std::string config_file;        // --config
  std::vector<std::string> sets;  // --set key=value
  bool json = false;              // --json: machine-readable output on stdout
};

// What the registrars share while the command line is parsed (main owns it; it outlives
// app.parse): the common options every subcommand binds, the exit code of the one that ran,
// and the storage of the subcommands' own options.
struct Cli {
  CommonOptions common;
  int code = 0;

  // A default-constructed T that lives as long as this Cli (for options to bind to).
  template <typename T>
  T& Keep() {
    auto p = std::make_shared<T>();
    kept_.push_back(p);
    return *p;
  }

 private:
  std::vector<std::shared_ptr<void>> kept_;
};

// Adds subcommand `name` to `parent` with the common options (--data-dir, --config, --set,
// --json) bound to cli.common (setup.cc).
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help, Cli& cli);
// Adds a group `name` to `parent` that requires one subcommand (setup.cc).
CLI::App* AddGroup(CLI::App& parent, const std::string& name, const std::string& help);

// The registrars, in the order main.cc calls them (the order `--help` lists them).
void AddSetupCommands(CLI::App& app, Cli& cli);            // init, serve, config (setup.cc)
void AddUserCommands(CLI::App& admin, Cli& cli);           // admin user (admin.cc)
void AddManufacturerCommands(CLI::App& admin, Cli& cli);   // admin manufacturer (admin.cc)
void AddMemberCommands(CLI::App& manufacturer, Cli& cli);  // … member (member_cmd.cc)
void AddProductCommands(CLI::App& admin, Cli& cli);        // admin product (product_cmd.cc)
void AddTemplateCommands(CLI::App& admin, Cli& cli);       // admin template (template_cmd.cc)
void AddDeviceCommands(CLI::App& admin, Cli& cli);         // admin device (device_cmd.cc)
void AddQuotaCommands(CLI::App& admin, Cli& cli);          // admin quota (quota_cmd.cc)
void AddH5Commands(CLI::App& admin, Cli& cli);             // admin h5 (h5_cmd.cc)
// admin firmware, news, feedback, demo-devices (external_cmd.cc)
void AddExternalCommands(CLI::App& admin, Cli& cli);
void AddTokenCommands(CLI::App& admin, Cli& cli);  // admin token (token_cmd.cc)
void AddTaskCommands(CLI::App& admin, Cli& cli);   // admin task (task_cmd.cc)
void AddDemoCommand(CLI::App& admin, Cli& cli);    // admin demo (demo.cc)

// Loads the configuration; prints the error and returns false on failure.
bool LoadConfig(const CommonOptions& common, config::Config* out);

// Creates the data directory, its generated secrets and the database (idempotent), and
// gives every file under it (and the database, -wal/-shm, outbox) owner-only modes:
// *tightened (when given) = how many entries it had to change. Returns false after
// printing why when something cannot be created.
bool EnsureDataDir(const config::Config& config, bool* created, int* tightened = nullptr);

// Opens the store of `config` (migrating it); prints the error on failure.
std::unique_ptr<storage::Store> OpenConfiguredStore(const config::Config& config);

int RunInit(const CommonOptions& common);
// `test_clock`: scheduler tasks run on a clock that POST /test/clock sets (tests only).
int RunServe(const CommonOptions& common, bool test_clock = false);
int RunConfigShow(const CommonOptions& common);
int RunConfigKeys(const CommonOptions& common);

struct UserCreateOptions {
  std::string email;
  std::string phone;
  std::string password;
  std::string pid{kPublicPid};
};
int RunUserCreate(const CommonOptions& common, const UserCreateOptions& options);

struct ManufacturerCreateOptions {
  std::string pid;
  std::string name;
};
int RunManufacturerCreate(const CommonOptions& common, const ManufacturerCreateOptions& options);
// `admin manufacturer key --pid P`: issues a new enterprise server key (prints it once).
int RunManufacturerKey(const CommonOptions& common, const ManufacturerCreateOptions& options);

// `admin manufacturer member add|remove|list` (member_cmd.cc): console members (D28) with
// the enterprise API's rules (catalog/members.h).
struct MemberOptions {
  std::string pid;    // --pid
  std::string email;  // --email: the account in the pid, else in 00000000000
  std::string uid;    // --uid: or the account's uid
  std::string role;   // add: --role ADMIN | DEVELOPER | VIEWER
};
int RunMemberAdd(const CommonOptions& common, const MemberOptions& options);
int RunMemberRemove(const CommonOptions& common, const MemberOptions& options);
int RunMemberList(const CommonOptions& common, const MemberOptions& options);

struct ProductCreateOptions {
  std::string pid;
  std::string name;
  std::string mid;       // "" = generated
  std::string prod_key;  // "" = generated
  std::string work_mode;
  std::string template_file;
  std::string device_auth{catalog::DeviceAuthName(catalog::DeviceAuth::kProdKey)};
  bool pre_register = false;
  std::string check_mode = "LENIENT";  // D7: LENIENT | STRICT
  bool decorate_dev_send = true;       // D16
  bool auto_issue_license = false;     // enterprise-api.md §4.2
  bool supports_scheduler = true;      // false → scheduler task writes answer 6400025
};
int RunProductCreate(const CommonOptions& common, const ProductCreateOptions& options);
int RunProductList(const CommonOptions& common);

// `admin product status|update|delete` (product_cmd.cc): the enterprise catalogue's
// rules (catalog/catalog.h), for any enterprise's product.
struct ProductStatusOptions {
  std::string mid;     // --product
  std::string status;  // --status PUBLISHED | DISCONTINUED
};
int RunProductStatus(const CommonOptions& common, const ProductStatusOptions& options);
struct ProductUpdateOptions {
  std::string mid;                // --product
  catalog::ProductFields fields;  // the members given on the command line
};
int RunProductUpdate(const CommonOptions& common, const ProductUpdateOptions& options);
int RunProductDelete(const CommonOptions& common, const std::string& mid);
// `admin product authorize|unauthorize --product MID --pid P` (E8 and its reverse).
int RunProductAuthorize(const CommonOptions& common, const std::string& mid, const std::string& pid,
                        bool authorized);

// `admin template set|show` (template_cmd.cc).
struct TemplateOptions {
  std::string mid;   // --product
  std::string file;  // set: the template JSON file
  int version = 0;   // show: --version; 0 = the current one
};
int RunTemplateSet(const CommonOptions& common, const TemplateOptions& options);
int RunTemplateShow(const CommonOptions& common, const TemplateOptions& options);

int RunDemo(const CommonOptions& common);

struct DeviceOptions {
  std::string mid;
  std::vector<std::string> dev_tids;
  int64_t count = 0;   // import: --count N fresh devTids …
  std::string prefix;  // … named --prefix + a 6-digit sequence number
};
int RunDeviceImport(const CommonOptions& common, const DeviceOptions& options);
int RunDeviceLicense(const CommonOptions& common, const DeviceOptions& options);
int RunDeviceDelete(const CommonOptions& common, const DeviceOptions& options);
int RunDeviceCredentials(const CommonOptions& common, const DeviceOptions& options);
int RunDeviceRevoke(const CommonOptions& common, const DeviceOptions& options, bool revoked);
int RunDeviceBind(const CommonOptions& common, const std::vector<std::string>& dev_tids,
                  const std::string& uid);
int RunDeviceShow(const CommonOptions& common, const std::string& dev_tid);

// `admin quota set --pid P [--product MID] --kind DEVICE|LICENSE --total N`: sets a
// quota's total (-1 = unlimited), keeping what was used (enterprise-api.md §4.2).
struct QuotaSetOptions {
  std::string pid;
  std::string mid = "*";
  std::string kind;
  int64_t total = 0;
};
int RunQuotaSet(const CommonOptions& common, const QuotaSetOptions& options);
int RunQuotaList(const CommonOptions& common, const std::string& pid);

struct TokenIssueOptions {
  std::string uid;
  std::string email;
  std::string pid{kPublicPid};
  std::string type = "WEB";
  int ttl_s = 0;  // 0 = jwt.access_ttl_s
};
int RunTokenIssue(const CommonOptions& common, const TokenIssueOptions& options);

// `admin h5 create|upload|bind|show` (h5_cmd.cc): H5 templates with the enterprise API's
// rules (catalog/h5.h, decision 0010), for any enterprise.
struct H5Options {
  std::string pid;       // create: --pid
  std::string platform;  // create, bind: --platform Android | IOS (any case)
  std::string h5_page, page_zip_url, version, md5;  // create; upload: --version
  std::string id;                                   // upload, bind: --id
  std::string zip_file;                             // upload: --zip
  std::string mid;                                  // bind, show: --mid
};
int RunH5Create(const CommonOptions& common, const H5Options& options);
int RunH5Upload(const CommonOptions& common, const H5Options& options);
int RunH5Bind(const CommonOptions& common, const H5Options& options);
int RunH5Show(const CommonOptions& common, const H5Options& options);

// `admin firmware set|list`, `admin news add`, `admin feedback list` and
// `admin demo-devices set|list` (external_cmd.cc): the enterprise side of the app-facing
// endpoints with the enterprise API's rules (catalog/external.h, decision 0009), for any
// enterprise. `--json` prints what the enterprise API answers.
struct FirmwareOptions {
  std::string mid;                 // --product
  catalog::FirmwareFields fields;  // set: --bin-type, --bin-ver, --bin-url, --md5, --size
};
int RunFirmwareSet(const CommonOptions& common, const FirmwareOptions& options);
int RunFirmwareList(const CommonOptions& common, const FirmwareOptions& options);
struct NewsOptions {
  std::string pid;             // --pid
  catalog::NewsFields fields;  // --title, --content, --tags, --author
};
int RunNewsAdd(const CommonOptions& common, const NewsOptions& options);
struct FeedbackListOptions {
  std::string pid;         // --pid
  std::string page, size;  // --page, --size as given ("" = 0 and 20; catalog::ParsePage)
};
int RunFeedbackList(const CommonOptions& common, const FeedbackListOptions& options);
struct DemoDevicesOptions {
  std::string pid;   // --pid
  std::string file;  // set: --file, the JSON array PUT /api/v1/enterprise/demoDevices takes
};
int RunDemoDevicesSet(const CommonOptions& common, const DemoDevicesOptions& options);
int RunDemoDevicesList(const CommonOptions& common, const DemoDevicesOptions& options);

}  // namespace krypton::app

#endif  // KRYPTON_APP_COMMANDS_H_
