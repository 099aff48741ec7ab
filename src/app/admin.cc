// `krypton admin …`: operator commands that work on the store directly (the server
// may be running: SQLite in WAL mode lets both use the database).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "auth/password.h"
#include "catalog/catalog.h"
#include "catalog/members.h"
#include "common/clock.h"
#include "common/secrets.h"

namespace krypton::app {
namespace {

bool AllDigits(std::string_view s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string ProductJson(const storage::Product& p) {
  return JsonObject()
      .Add("mid", p.mid)
      .Add("pid", p.pid)
      .Add("name", p.name)
      .Add("prodKey", p.prod_key)
      .Add("productPublicKey", p.product_public_key)
      .Add("workModeType", p.work_mode_type)
      .Add("deviceAuth", p.device_auth)
      .Add("preRegister", p.pre_register)
      .Add("autoIssueLicense", p.auto_issue_license)
      .Add("supportsScheduler", p.supports_scheduler)
      .Add("status", p.status)
      .Finish();
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "krypton: %s\n", message.c_str());
  return 1;
}

storage::Manufacturer NewManufacturer(const std::string& pid, const std::string& name) {
  storage::Manufacturer m;
  m.pid = pid;
  m.name = name;
  m.created_at_ms = SystemClock::Instance().NowMs();
  m.auth_secret = RandomHex(32);
  m.license_secret = RandomHex(32);
  return m;
}

// Opens the data dir and store for an admin command, or prints why not.
std::unique_ptr<storage::Store> OpenForAdmin(const CommonOptions& common, config::Config* config) {
  if (!LoadConfig(common, config)) return nullptr;
  bool created = false;
  if (!EnsureDataDir(*config, &created)) return nullptr;
  return OpenConfiguredStore(*config);
}

Result<std::string> CreateUser(storage::Store& store, const UserCreateOptions& o) {
  if (o.email.empty() && o.phone.empty()) {
    return Status(Code::kUaaInvalidRequestType).WithDetail("give --email or --phone");
  }
  if (!o.email.empty()) {
    size_t at = o.email.find('@');
    if (at == std::string::npos || at == 0 || o.email.find('.', at) == std::string::npos) {
      return Status(Code::kUserInvalidParam, "email")
          .WithDetail("not an e-mail address: " + o.email);
    }
  }
  if (!o.phone.empty() && !std::all_of(o.phone.begin(), o.phone.end(), ::isdigit)) {
    return Status(Code::kUaaInvalidPhone).WithDetail("not a phone number: " + o.phone);
  }
  if (o.password.size() < 6) {
    return Status(Code::kUserInvalidParam, "password").WithDetail("at least 6 characters");
  }
  if (!AllDigits(o.pid, 11)) {
    return Status(Code::kUserInvalidParam, "pid").WithDetail("pid must be 11 digits");
  }
  if (!store.GetManufacturer(o.pid).ok()) {
    return Status(Code::kUserNoSuchManufacturer).WithDetail("no manufacturer with pid " + o.pid);
  }
  auto hash = auth::HashPassword(o.password);
  if (!hash) return Status(Code::kUserInternal).WithDetail("password hashing failed");
  storage::User user;
  user.pid = o.pid;
  user.email = o.email;
  user.phone = o.phone;
  user.password_hash = *hash;
  user.email_verified = !o.email.empty();  // created by the operator: trusted
  user.created_at_ms = SystemClock::Instance().NowMs();
  // uids are 11 random digits; retry the rare collision.
  for (int attempt = 0; attempt < 8; ++attempt) {
    user.uid = RandomDigits(11);
    storage::StoreStatus s = store.CreateUser(user);
    if (s.ok()) return user.uid;
    if (!s.conflict()) return Status(Code::kUserInternal).WithDetail(s.ToString());
    bool taken = (!o.email.empty() && store.FindUserByEmail(o.pid, o.email).ok()) ||
                 (!o.phone.empty() && store.FindUserByPhone(o.pid, o.phone).ok());
    if (taken) {
      return Status(Code::kUaaUserAlreadyRegistered)
          .WithDetail("an account with that e-mail or phone exists");
    }
  }
  return Status(Code::kUserInternal).WithDetail("could not allocate a uid");
}

Result<storage::Product> CreateProduct(storage::Store& store, const ProductCreateOptions& o,
                                       const std::string& template_json) {
  // What only the command line needs: its own pid check and the flags' spelling.
  if (!AllDigits(o.pid, 11)) {
    return Status(Code::kEntIllegalArgument).WithDetail("pid must be 11 digits");
  }
  if (!store.GetManufacturer(o.pid).ok()) {
    return Status(Code::kEntPidNotExist)
        .WithDetail("no manufacturer with pid " + o.pid +
                    " (create it with `krypton admin manufacturer create`)");
  }
  if (!catalog::IsWorkMode(o.work_mode)) {
    return Status(Code::kEntIllegalArgument)
        .WithDetail(
            "work mode must be JSON_CTRL, JSON_TRANSPARENT, JSON_TRANSPARENT_NOT_CHECK_RAW, "
            "TRANSPARENT48 or TRANSPARENT48_V2");
  }
  if (!catalog::IsDeviceAuth(o.device_auth)) {
    return Status(Code::kEntIllegalArgument)
        .WithDetail("device auth must be PRODKEY, AUTHKEY or LICENSE");
  }
  if (!catalog::IsCheckMode(o.check_mode)) {
    return Status(Code::kEntIllegalArgument).WithDetail("check mode must be LENIENT or STRICT");
  }
  // The catalogue's rules, as the enterprise API applies them; an operator's product
  // is PUBLISHED at once.
  catalog::NewProduct n;
  n.pid = o.pid;
  n.status = catalog::ProductStatusName(catalog::ProductStatus::kPublished);
  n.mid = o.mid;
  n.prod_key = o.prod_key;
  n.fields.name = o.name;
  n.fields.work_mode_type = o.work_mode;
  n.fields.device_auth = o.device_auth;
  n.fields.pre_register = o.pre_register;
  n.fields.check_mode = o.check_mode;
  n.fields.decorate_dev_send = o.decorate_dev_send;
  n.fields.auto_issue_license = o.auto_issue_license;
  n.fields.supports_scheduler = o.supports_scheduler;
  n.template_json = template_json;
  return catalog::CreateProduct(store, n, SystemClock::Instance().NowMs());
}

int RunUserCreate(const CommonOptions& common, const UserCreateOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto uid = CreateUser(*store, options);
  if (!uid.ok())
    return Fail(uid.status().detail().empty() ? uid.status().Message() : uid.status().detail());
  if (common.json) {
    std::cout << JsonObject()
                     .Add("uid", *uid)
                     .Add("email", options.email)
                     .Add("phone", options.phone)
                     .Add("pid", options.pid)
                     .Finish()
              << "\n";
  } else {
    std::cout << "created user " << *uid << "\n";
  }
  return 0;
}

int RunManufacturerCreate(const CommonOptions& common, const ManufacturerCreateOptions& options) {
  if (!AllDigits(options.pid, 11)) return Fail("--pid must be 11 digits");
  if (options.name.empty()) return Fail("--name must not be empty");
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  storage::Manufacturer m = NewManufacturer(options.pid, options.name);
  if (auto s = store->UpsertManufacturer(m); !s.ok()) return Fail(s.ToString());
  if (common.json) {
    std::cout << JsonObject().Add("pid", m.pid).Add("name", m.name).Finish() << "\n";
  } else {
    std::cout << "manufacturer " << m.pid << " \"" << m.name << "\"\n";
  }
  return 0;
}

int RunManufacturerKey(const CommonOptions& common, const ManufacturerCreateOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  // A new server key replaces the old one; only its hash is stored, so it is shown once.
  auto rotated = catalog::RotateServerKey(*store, options.pid);
  if (!rotated.ok()) {
    return Fail(rotated.status().code() == Code::kEntPidNotExist
                    ? "no manufacturer with pid " + options.pid
                    : rotated.status().ToString());
  }
  const std::string& key = *rotated;
  if (common.json) {
    std::cout << JsonObject().Add("pid", options.pid).Add("serverKey", key).Finish() << "\n";
  } else {
    std::cout << key << "\n";
  }
  return 0;
}

int RunProductCreate(const CommonOptions& common, const ProductCreateOptions& options) {
  std::ifstream in(options.template_file);
  if (!in) return Fail("cannot read template file " + options.template_file);
  std::stringstream text;
  text << in.rdbuf();
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto product = CreateProduct(*store, options, text.str());
  if (!product.ok()) return Fail(product.status().detail());
  if (common.json) {
    std::cout << ProductJson(*product) << "\n";
  } else {
    std::cout << "created product " << product->mid << " \"" << product->name << "\"\n"
              << "  prodKey           " << product->prod_key << "\n"
              << "  productPublicKey  " << product->product_public_key << "\n";
  }
  return 0;
}

int RunProductList(const CommonOptions& common) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto products = store->ListProducts(std::nullopt);
  if (!products.ok()) return Fail(products.status().ToString());
  if (common.json) {
    std::string out = "[";
    for (const auto& p : *products) out += (out.size() > 1 ? "," : "") + ProductJson(p);
    std::cout << out << "]\n";
    return 0;
  }
  for (const auto& p : *products) {
    std::cout << p.mid << "  " << p.pid << "  " << p.work_mode_type << "  " << p.status << "  "
              << p.name << "\n";
  }
  return 0;
}

void AddUserCommands(CLI::App& admin, Cli& cli) {
  CLI::App* user = AddGroup(admin, "user", "Accounts");
  auto& o = cli.Keep<UserCreateOptions>();
  CLI::App* create = AddCommand(*user, "create", "Create an account", cli);
  create->add_option("--email", o.email, "E-mail address");
  create->add_option("--phone", o.phone, "Phone number");
  create->add_option("--password", o.password, "Password (at least 6 characters)")->required();
  create->add_option("--pid", o.pid, "Manufacturer pid the account belongs to")
      ->capture_default_str();
  create->callback([&cli, &o] { cli.code = RunUserCreate(cli.common, o); });
}

void AddManufacturerCommands(CLI::App& admin, Cli& cli) {
  CLI::App* mf = AddGroup(admin, "manufacturer", "Manufacturers (enterprises)");
  auto& o = cli.Keep<ManufacturerCreateOptions>();
  CLI::App* create = AddCommand(*mf, "create", "Create or rename a manufacturer", cli);
  create->add_option("--pid", o.pid, "11-digit manufacturer id")->required();
  create->add_option("--name", o.name, "Name")->required();
  create->callback([&cli, &o] { cli.code = RunManufacturerCreate(cli.common, o); });
  CLI::App* key = AddCommand(
      *mf, "key",
      "Issue a new server key for the enterprise API (Authorization: key=…); shown once", cli);
  key->add_option("--pid", o.pid, "11-digit manufacturer id")->required();
  key->callback([&cli, &o] { cli.code = RunManufacturerKey(cli.common, o); });
  AddMemberCommands(*mf, cli);
}

}  // namespace krypton::app
