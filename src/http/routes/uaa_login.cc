// POST /login and POST /token/refresh (user-api.md §3.5, §3.6; D10, D19, D20).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "auth/password.h"
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

// Signs an access and a refresh token for `user` and returns the login body.
Result<std::string> IssueTokens(ApiContext& ctx, const storage::User& user,
                                const std::string& client_type, int access_ttl_s) {
  int64_t now = ctx.clock.NowS();
  auth::TokenClaims access;
  access.uid = user.uid;
  access.isolation = user.pid;
  access.type = client_type.empty() ? "ANDROID" : client_type;
  access.jti = auth::NewUuid();
  access.exp = now + access_ttl_s;
  access.epoch = user.token_epoch;  // a password change or reset ends the token (issue 14)
  auth::TokenClaims refresh = access;
  refresh.jti = auth::NewUuid();
  refresh.ati = access.jti;
  refresh.exp = now + ctx.config.jwt.refresh_ttl_s;
  auto stored = ctx.store.PutRefreshToken({refresh.jti, user.uid, refresh.exp, false});
  if (!stored.ok()) return Status(Code::kUserInternal).WithDetail(stored.ToString());
  std::string access_token = ctx.jwt.Sign(access);
  std::string refresh_token = ctx.jwt.Sign(refresh);

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("access_token");
  w.String(access_token.c_str());
  w.Key("refresh_token");
  w.String(refresh_token.c_str());
  w.Key("token_type");
  w.String("bearer");
  w.Key("expires_in");
  w.Int64(access.exp - now);
  w.Key("jti");
  w.String(access.jti.c_str());
  w.Key("user");
  w.String(user.uid.c_str());
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void Login(ApiContext& ctx, Request req, Responder respond) {
  if (!api::IpAllowed(ctx, req)) return respond(api::Error(ctx, req, Status(Code::kUaaRateLimited)));
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return respond(api::Error(ctx, req, body.status()));
  std::string username = api::Str(*body, "username");
  std::string password = api::Str(*body, "password");
  std::string pid = api::Str(*body, "pid");
  if (pid.empty()) pid = "00000000000";
  std::string client_type = Upper(api::Str(*body, "clientType"));
  if (username.empty()) return respond(api::Error(ctx, req, Status(Code::kUserInvalidParam, "username")));
  if (password.empty()) return respond(api::Error(ctx, req, Status(Code::kUserInvalidParam, "password")));
  std::string_view app_tid;
  if ((*body)["appTid"].get_string().get(app_tid) == simdjson::SUCCESS && app_tid.empty()) {
    return respond(api::Error(ctx, req, Status(Code::kUserAppTidEmpty)));
  }
  if (!ctx.store.GetManufacturer(pid).ok()) {
    return respond(api::Error(ctx, req, Status(Code::kUserNoSuchManufacturer)));
  }
  auto user = username.find('@') != std::string::npos ? ctx.store.FindUserByEmail(pid, username)
                                                      : ctx.store.FindUserByPhone(pid, username);
  // Guessing is limited per canonical account — the uid, or for an unknown account its
  // lower-cased name, so no spelling of a name gets tries of its own — and per IP. The
  // guess is reserved before it is checked: concurrent guesses cannot exceed the limit.
  std::string account = user.ok() ? "u:" + user->uid : "n:" + pid + ":" + uaa::Lower(username);
  guard::Ticket ticket = guard::Reserve(ctx, req, guard::Secret::kPassword, account);
  if (!ticket) return respond(guard::RateLimited(ctx, req, "login guesses"));
  Response busy = guard::RateLimited(ctx, req, "hashing queue full");
  // argon2id off the loop; an unknown user costs the same as a wrong password.
  guard::OnHasher(
      ctx, account, std::move(respond), std::move(busy),
      [&ctx, req = std::move(req), user = std::move(user), password, ticket,
       client_type]() mutable -> Response {
        // An unknown user is verified against a dummy hash: the same cost, so timing
        // does not tell which accounts exist.
        static const std::string kDummy = auth::HashPassword("krypton-dummy-password").value_or("");
        bool ok = auth::VerifyPassword(user.ok() ? user->password_hash : kDummy, password) &&
                  user.ok();
        if (!ok) {
          guard::Failed(ticket, "login password");
          return api::Error(ctx, req, Status(Code::kUaaBadCredentials));
        }
        guard::Succeeded(ticket);
        // Registered with an e-mail link that was not followed yet (§3.4).
        if (!user->email.empty() && user->phone.empty() && !user->email_verified) {
          return api::Error(ctx, req, Status(Code::kUaaUserNotVerified));
        }
        auto tokens = IssueTokens(ctx, *user, client_type, ctx.config.jwt.access_ttl_s);
        if (!tokens.ok()) return api::Error(ctx, req, tokens.status());
        return api::Json(200, std::move(tokens).value());
      });
}

Response Refresh(ApiContext& ctx, const Request& req) {
  if (!api::IpAllowed(ctx, req)) return api::Error(ctx, req, Status(Code::kUaaRateLimited));
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  auto claims = ctx.jwt.Verify(api::Str(*body, "refresh_token"), ctx.clock.NowS());
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  if (claims->ati.empty()) {
    return api::Error(ctx, req, Status(Code::kUaaInvalidToken).WithDetail("not a refresh token"));
  }
  auto stored = ctx.store.GetRefreshToken(claims->jti);
  if (!stored.ok() || stored->revoked) {
    return api::Error(ctx, req, Status(Code::kUaaInvalidToken).WithDetail("revoked or unknown"));
  }
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaInvalidToken).WithDetail("no user"));
  // Signed before the last password change or reset (besides being revoked then).
  if (claims->epoch != user->token_epoch) {
    return api::Error(ctx, req, Status(Code::kUaaInvalidToken).WithDetail("old token epoch"));
  }
  // hekrapi may ask for a shorter access lifetime; never a longer one.
  int ttl = ctx.config.jwt.access_ttl_s;
  int64_t asked = 0;
  if ((*body)["expires_in"].get_int64().get(asked) == simdjson::SUCCESS && asked > 0 && asked < ttl) {
    ttl = static_cast<int>(asked);
  }
  // Rotation: a new refresh token each time; the old one stays valid until it expires
  // (user-api.md §2.2) unless revoked (password change or reset).
  auto tokens = IssueTokens(ctx, *user, claims->type, ttl);
  if (!tokens.ok()) return api::Error(ctx, req, tokens.status());
  return api::Json(200, std::move(tokens).value());
}

}  // namespace

void AddUaaLoginRoutes(Router& router, ApiContext& ctx) {
  router.AddAsync("POST", "/login", [&ctx](Request req, Responder respond) {
    Login(ctx, std::move(req), std::move(respond));
  });
  router.Add("POST", "/token/refresh", [&ctx](const Request& req) { return Refresh(ctx, req); });
}

}  // namespace krypton::http
