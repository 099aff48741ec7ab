// POST /login and POST /token/refresh (user-api.md §3.5, §3.6; D10, D19, D20): adapters
// over accounts/tokens.h. Password guesses are limited per account and IP (guard.h);
// argon2id runs on the hashing queue.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "accounts/tokens.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

Response TokensBody(const accounts::Tokens& t) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("access_token");
  api::WriteString(w, t.access_token);
  w.Key("refresh_token");
  api::WriteString(w, t.refresh_token);
  w.Key("token_type");
  w.String("bearer");
  w.Key("expires_in");
  w.Int64(t.expires_in);
  w.Key("jti");
  api::WriteString(w, t.jti);
  w.Key("user");
  api::WriteString(w, t.uid);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

void Login(std::shared_ptr<api::Call> call, api::Done done) {
  ApiContext& ctx = call->ctx;
  if (!api::IpAllowed(ctx, call->req)) return done(Status(Code::kUaaRateLimited));
  auto body = call->Body();
  if (!body.ok()) return done(body.status());
  std::string username = api::Str(*body, "username");
  std::string password = api::Str(*body, "password");
  std::string pid = uaa::PidOr(api::Str(*body, "pid"));
  std::string client_type = Upper(api::Str(*body, "clientType"));
  if (username.empty()) return done(Status(Code::kUserInvalidParam, "username"));
  if (password.empty()) return done(Status(Code::kUserInvalidParam, "password"));
  std::string_view app_tid;
  if ((*body)["appTid"].get_string().get(app_tid) == simdjson::SUCCESS && app_tid.empty()) {
    return done(Status(Code::kUserAppTidEmpty));
  }
  accounts::Env env = uaa::Env(ctx);
  auto user = accounts::FindLogin(env, pid, username);
  if (!user.ok()) return done(user.status());
  // Guessing is limited per canonical account — the uid, or for an unknown account its
  // lower-cased name, so no spelling of a name gets tries of its own — and per IP. The
  // guess is reserved before it is checked: concurrent guesses cannot exceed the limit.
  std::string account =
      user->has_value() ? "u:" + (*user)->uid : "n:" + pid + ":" + accounts::Lower(username);
  guard::Ticket ticket = guard::Reserve(ctx, call->req, guard::Secret::kPassword, account);
  if (!ticket) return done(Status(Code::kUaaRateLimited).WithDetail("login guesses"));
  // argon2id off the loop; an unknown user costs the same as a wrong password.
  guard::OnHasher(
      call, account, std::move(done),
      [call, user = std::move(user).value(), password, client_type, ticket]() -> Result<Response> {
        accounts::Env env = uaa::Env(call->ctx);
        bool wrong = false;
        auto tokens = accounts::Login(env, call->ctx.jwt, user, password, client_type,
                                      call->ctx.clock.NowS(), &wrong);
        if (wrong) {
          guard::Failed(ticket, "login password");
        } else {
          guard::Succeeded(ticket);
        }
        if (!tokens.ok()) return tokens.status();
        return TokensBody(*tokens);
      });
}

Result<Response> Refresh(api::Call& call) {
  if (!api::IpAllowed(call.ctx, call.req)) return Status(Code::kUaaRateLimited);
  auto body = call.Body();
  if (!body.ok()) return body.status();
  int64_t asked = 0;
  if ((*body)["expires_in"].get_int64().get(asked) != simdjson::SUCCESS) asked = 0;
  accounts::Env env = uaa::Env(call.ctx);
  auto tokens = accounts::Refresh(env, call.ctx.jwt, api::Str(*body, "refresh_token"), asked,
                                  call.ctx.clock.NowS());
  if (!tokens.ok()) return tokens.status();
  return TokensBody(*tokens);
}

}  // namespace

void AddUaaLoginRoutes(Router& router, ApiContext& ctx) {
  api::AddAsync(router, ctx, "POST", "/login", api::Auth::kNone, Login);
  api::Add(router, ctx, "POST", "/token/refresh", api::Auth::kNone, Refresh);
}

}  // namespace krypton::http
