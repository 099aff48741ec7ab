// `krypton admin demo`: the demo data of enterprise-api.md §7. Safe to repeat: what
// exists is kept, and the demo password (generated once) is read back from the data dir.
#include "catalog/demo.h"

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "catalog/members.h"
#include "common/clock.h"
#include "common/identifiers.h"
#include "common/secrets.h"

namespace krypton::app {
namespace {

using catalog::kDemoMid;
using catalog::kDemoProdKey;
using catalog::kDemoSocketTemplate;
constexpr const char* kDemoEmail = "demo@krypton.local";

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

int RunDemo(const CommonOptions& common) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;

  auto product = store->GetProduct(kDemoMid);
  if (!product.ok()) {
    ProductCreateOptions o;
    o.pid = std::string(kPublicPid);
    o.name = "Demo socket";
    o.mid = kDemoMid;
    o.prod_key = kDemoProdKey;
    o.work_mode = "JSON_CTRL";
    auto created = CreateProduct(*store, o, kDemoSocketTemplate);
    if (!created.ok()) {
      std::fprintf(stderr, "krypton: demo product: %s\n", created.status().ToString().c_str());
      return 1;
    }
    product = std::move(created).value();
  }

  // The password is generated on first run and kept (owner-only) next to the database.
  std::string password_file = (std::filesystem::path(config.data_dir) / "demo-password").string();
  std::string password = ReadFirstLine(password_file);
  auto user = store->FindUserByEmail(std::string(kPublicPid), kDemoEmail);
  std::string uid;
  if (user.ok()) {
    uid = user->uid;
  } else {
    password = RandomAlnum(12);
    UserCreateOptions o;
    o.email = kDemoEmail;
    o.password = password;
    auto created = CreateUser(*store, o);
    if (!created.ok()) {
      std::fprintf(stderr, "krypton: demo user: %s\n", created.status().ToString().c_str());
      return 1;
    }
    uid = *created;
    std::filesystem::remove(password_file);
    int fd = ::open(password_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      std::string line = password + "\n";
      bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
      ::close(fd);
      if (!ok) std::fprintf(stderr, "krypton: cannot write %s\n", password_file.c_str());
    }
  }

  // The demo account is the demo enterprise's console ADMIN (D28), so the console works
  // out of the box; a role the operator changed since is kept.
  if (auto member = store->GetConsoleMember(std::string(kPublicPid), uid); !member.ok()) {
    auto added = catalog::PutMember(*store, std::string(kPublicPid), uid,
                                    std::string(catalog::RoleName(catalog::Role::kAdmin)),
                                    SystemClock::Instance().NowMs());
    if (!added.ok()) {
      std::fprintf(stderr, "krypton: demo member: %s\n", added.status().ToString().c_str());
      return 1;
    }
  }

  if (common.json) {
    std::cout << JsonObject()
                     .Add("pid", kPublicPid)
                     .Add("mid", product->mid)
                     .Add("prodKey", product->prod_key)
                     .Add("productPublicKey", product->product_public_key)
                     .Add("workModeType", product->work_mode_type)
                     .Add("uid", uid)
                     .Add("email", kDemoEmail)
                     .Add("password", password)
                     .Finish()
              << "\n";
  } else {
    std::cout << "demo data in " << config.data_dir << ":\n"
              << "  manufacturer  pid 00000000000 (Public)\n"
              << "  product       " << product->mid << " \"" << product->name << "\" ("
              << product->work_mode_type << ")\n"
              << "                prodKey " << product->prod_key << ", productPublicKey "
              << product->product_public_key << "\n"
              << "  user          " << kDemoEmail << " / "
              << (password.empty() ? "(password not on file)" : password) << " (uid " << uid
              << ")\n"
              << "                console member (ADMIN) of the demo enterprise\n";
  }
  return 0;
}

void AddDemoCommand(CLI::App& admin, Cli& cli) {
  AddCommand(admin, "demo", "Create the demo manufacturer, product and user (harmless to repeat)",
             cli)
      ->callback([&cli] { cli.code = RunDemo(cli.common); });
}

}  // namespace krypton::app
