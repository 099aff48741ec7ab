// `krypton admin token issue`: an access token for an account, signed with the server's
// key — for scripts, benchmarks and tests that need an app session without the UAA
// login flow.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "auth/jwt.h"
#include "common/clock.h"

namespace krypton::app {

int RunTokenIssue(const CommonOptions& common, const TokenIssueOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto user = !options.uid.empty() ? store->GetUser(options.uid)
                                   : store->FindUserByEmail(options.pid, options.email);
  if (!user.ok()) return Fail("no such user");
  auto codec = auth::JwtCodec::Load(config.jwt.alg, config.JwtKeyPath());
  if (!codec.ok()) return Fail(codec.status().detail());
  auth::TokenClaims claims;
  claims.uid = user->uid;
  claims.isolation = user->pid;
  claims.type = options.type;
  claims.epoch = user->token_epoch;  // valid until the next password change (issue 14)
  int ttl = options.ttl_s > 0 ? options.ttl_s : config.jwt.access_ttl_s;
  claims.exp = SystemClock::Instance().NowS() + ttl;
  std::string token = (*codec)->Sign(claims);
  if (common.json) {
    std::cout << JsonObject()
                     .Add("uid", user->uid)
                     .Add("access_token", token)
                     .Add("expires_in", ttl)
                     .Finish()
              << "\n";
  } else {
    std::cout << token << "\n";
  }
  return 0;
}

void AddTokenCommands(CLI::App& admin, Cli& cli) {
  CLI::App* token = AddGroup(admin, "token", "Access tokens");
  auto& o = cli.Keep<TokenIssueOptions>();
  CLI::App* issue = AddCommand(*token, "issue", "Print an access token for an account", cli);
  issue->add_option("--uid", o.uid, "The account's uid");
  issue->add_option("--email", o.email, "Or its e-mail");
  issue->add_option("--pid", o.pid, "The account's pid (with --email)")->capture_default_str();
  issue->add_option("--type", o.type, "Client type claim")->capture_default_str();
  issue->add_option("--ttl", o.ttl_s, "Lifetime in seconds (default jwt.access_ttl_s)");
  issue->callback([&cli, &o] { cli.code = RunTokenIssue(cli.common, o); });
}

}  // namespace krypton::app
