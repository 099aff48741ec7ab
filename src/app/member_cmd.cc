// `krypton admin manufacturer member add|remove|list`: console members of an enterprise
// (D28, docs/decisions/0012-console-members.md) with the rules the enterprise API applies
// (catalog/members.h): roles ADMIN, DEVELOPER, VIEWER; the last ADMIN stays. An e-mail
// names the account under the enterprise's own pid, else under the public pid
// 00000000000; --uid names any account.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "catalog/members.h"
#include "common/clock.h"

namespace krypton::app {
namespace {

// The CLI's message for a refused change: the rule broken, else the code's message.
int Refused(const Status& s) {
  if (s.code() == Code::kUserNotExist) {
    return Fail(s.detail() == "not a member" ? "the account is no member of that enterprise"
                                             : "no such account");
  }
  if (s.code() == Code::kEntPidNotExist) return Fail("no manufacturer with that pid");
  return Fail(s.detail().empty() ? s.Message() : s.detail());
}

std::string MemberJson(const catalog::MemberView& m) {
  return JsonObject()
      .Add("uid", m.uid)
      .Add("email", m.email)
      .Add("phone", m.phone)
      .Add("role", catalog::RoleName(m.role))
      .Add("createTime", m.created_at_ms)
      .Finish();
}

// The uid of --uid, or of --email within the enterprise (then the public pid).
Result<std::string> AccountOf(storage::Store& store, const MemberOptions& o) {
  if (!o.uid.empty()) return o.uid;
  auto account = catalog::FindMemberAccount(store, o.pid, o.email);
  if (!account.ok()) return account.status();
  return account->uid;
}

// The preamble of add and remove: exactly one of --email and --uid, the store, the
// account's uid (*uid). On failure the reason is printed, *code is the exit code and the
// result is null.
std::unique_ptr<storage::Store> OpenWithAccount(const CommonOptions& common, const MemberOptions& o,
                                                std::string* uid, int* code) {
  *code = 1;
  if (o.email.empty() == o.uid.empty()) {
    *code = Fail("give --email or --uid");
    return nullptr;
  }
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return nullptr;
  auto account = AccountOf(*store, o);
  if (!account.ok()) {
    *code = Refused(account.status());
    return nullptr;
  }
  *uid = *account;
  return store;
}

}  // namespace

int RunMemberAdd(const CommonOptions& common, const MemberOptions& options) {
  std::string uid;
  int code = 0;
  auto store = OpenWithAccount(common, options, &uid, &code);
  if (!store) return code;
  auto m =
      catalog::PutMember(*store, options.pid, uid, options.role, SystemClock::Instance().NowMs());
  if (!m.ok()) return Refused(m.status());
  if (common.json) {
    std::cout << MemberJson(*m) << "\n";
  } else {
    std::cout << "member " << m->uid << " of " << options.pid << ": " << catalog::RoleName(m->role)
              << "\n";
  }
  return 0;
}

int RunMemberRemove(const CommonOptions& common, const MemberOptions& options) {
  std::string uid;
  int code = 0;
  auto store = OpenWithAccount(common, options, &uid, &code);
  if (!store) return code;
  if (Status s = catalog::RemoveMember(*store, options.pid, uid); !s.ok()) return Refused(s);
  if (common.json) {
    std::cout << JsonObject().Add("uid", uid).Add("pid", options.pid).Finish() << "\n";
  } else {
    std::cout << "removed member " << uid << " of " << options.pid << "\n";
  }
  return 0;
}

int RunMemberList(const CommonOptions& common, const MemberOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto members = catalog::ListMembers(*store, options.pid);
  if (!members.ok()) return Refused(members.status());
  if (common.json) {
    std::string out = "[";
    for (const auto& m : *members) out += (out.size() > 1 ? "," : "") + MemberJson(m);
    std::cout << out << "]\n";
    return 0;
  }
  for (const auto& m : *members) {
    std::cout << m.uid << "  " << catalog::RoleName(m.role) << "  "
              << (m.email.empty() ? m.phone : m.email) << "\n";
  }
  return 0;
}

void AddMemberCommands(CLI::App& manufacturer, Cli& cli) {
  CLI::App* member = AddGroup(manufacturer, "member",
                              "Console members: accounts that may act for the enterprise (D28)");
  auto& o = cli.Keep<MemberOptions>();
  // --pid, and --email or --uid: the account.
  auto add_account = [&o](CLI::App* cmd) {
    cmd->add_option("--pid", o.pid, "11-digit manufacturer id")->required();
    cmd->add_option("--email", o.email,
                    "The account's e-mail (under --pid, else under 00000000000)");
    cmd->add_option("--uid", o.uid, "Or the account's uid");
  };
  CLI::App* add = AddCommand(*member, "add", "Make an account a member, or change its role", cli);
  add_account(add);
  add->add_option("--role", o.role, "ADMIN, DEVELOPER or VIEWER")->required();
  add->callback([&cli, &o] { cli.code = RunMemberAdd(cli.common, o); });
  CLI::App* remove =
      AddCommand(*member, "remove", "End an account's membership (never the last ADMIN's)", cli);
  add_account(remove);
  remove->callback([&cli, &o] { cli.code = RunMemberRemove(cli.common, o); });
  CLI::App* list = AddCommand(*member, "list", "An enterprise's console members", cli);
  list->add_option("--pid", o.pid, "11-digit manufacturer id")->required();
  list->callback([&cli, &o] { cli.code = RunMemberList(cli.common, o); });
}

}  // namespace krypton::app
