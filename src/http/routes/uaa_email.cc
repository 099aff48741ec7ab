// E-mail flows and change phone (user-api.md §3.4 type=email, §3.7, §3.9, §3.10):
//   POST /register?type=email             unverified account + verification link (3400009)
//   GET  /resendVerifiedEmail?email=&pid=  GET /emailVerify?token=
//   GET  /sendResetPasswordEmail?email=&pid=  POST /resetPassword?type=email {token,password}
//   GET  /sendChangeEmailStep1Email?email=&pid= (bearer)  GET /changeEmail?token=&email=
//   POST /changePhoneNumber {token, verifyCode, phoneNumber} (bearer)
// Adapters over accounts/links.h and accounts/passwords.h; here: the wire, the guessing
// limits of link tokens (per account and IP), the daily e-mail cap and the message.
#include <spdlog/spdlog.h>

#include "accounts/links.h"
#include "accounts/passwords.h"
#include "common/json_object.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace {

// Runs `check` (a domain operation on a link token) as one guess at the token, limited
// per account (the token's uid) and per IP (routes/guard.h): over → 400016. A token that
// names no account is 3400012 at once.
Status TokenGuess(api::Call& call, const std::string& token,
                  const std::function<Status(accounts::Env&, bool*)>& check) {
  std::string uid = accounts::EmailTokenAccount(token);
  if (uid.empty()) return Status(Code::kUaaInvalidEmailToken);
  guard::Ticket ticket = guard::Reserve(call.ctx, call.req, guard::Secret::kCode, "mail:" + uid);
  if (!ticket) return Status(Code::kUaaRateLimited).WithDetail("e-mail token guesses");
  accounts::Env env = uaa::Env(call.ctx);
  bool wrong = false;
  Status s = check(env, &wrong);
  guard::Resolve(ticket, s, wrong, "e-mail link token");
  return s;
}

// Sends a link of `purpose` for `user` to `to` (D20 daily cap per address: 400017).
Status SendLink(ApiContext& ctx, const storage::User& user, const std::string& to,
                const std::string& purpose, const std::string& path) {
  int64_t now = ctx.clock.NowMs();
  if (!ctx.limiter.Allow("mail:" + to, ctx.config.limits.emails_per_day, 24LL * 3600 * 1000, now)) {
    return Status(Code::kUaaDailyLimit);
  }
  accounts::Env env = uaa::Env(ctx);
  auto token = accounts::NewEmailToken(env, user.uid, purpose, now);
  if (!token.ok()) return token.status();
  auth::OutgoingMessage m;
  m.time_ms = now;
  m.channel = "email";
  m.to = to;
  m.pid = user.pid;
  m.purpose = purpose;
  m.link = path + (path.find('?') == std::string::npos ? "?" : "&") + "token=" + *token;
  m.text = "Follow this link within 24 hours: " + m.link;
  return ctx.mailer.Send(m);
}

Result<Response> ResendVerified(api::Call& call) {
  KRYPTON_RETURN_IF_ERROR(uaa::AccountProbe(call.ctx, call.req));
  std::string email = accounts::Lower(call.Query("email"));
  accounts::Env env = uaa::Env(call.ctx);
  auto user = accounts::MayResendVerification(env, uaa::PidOr(call.Query("pid")), email);
  if (!user.ok()) return user.status();
  KRYPTON_RETURN_IF_ERROR(SendLink(call.ctx, *user, email, "verifyEmail", "/emailVerify"));
  return api::Json(200, "");
}

Result<Response> EmailVerify(api::Call& call) {
  std::string token = call.Query("token");
  KRYPTON_RETURN_IF_ERROR(TokenGuess(call, token, [&](accounts::Env& env, bool* wrong) {
    return accounts::VerifyEmail(env, token, call.NowMs(), wrong);
  }));
  return api::Json(200, "");
}

Result<Response> SendResetEmail(api::Call& call) {
  KRYPTON_RETURN_IF_ERROR(uaa::AccountProbe(call.ctx, call.req));
  std::string email = accounts::Lower(call.Query("email"));
  accounts::Env env = uaa::Env(call.ctx);
  auto user =
      accounts::FindAccount(env, uaa::PidOr(call.Query("pid")), accounts::Contact{false, email});
  if (!user.ok()) return user.status();
  KRYPTON_RETURN_IF_ERROR(
      SendLink(call.ctx, *user, email, "resetPasswordEmail", "/resetPassword?type=email"));
  return api::Json(200, "");
}

Result<Response> SendChangeEmail(api::Call& call) {
  accounts::Env env = uaa::Env(call.ctx);
  auto user = accounts::GetAccount(env, call.uid());
  if (!user.ok()) return user.status();
  std::string to = user->email.empty() ? accounts::Lower(call.Query("email")) : user->email;
  if (!accounts::ValidEmail(to)) return Status(Code::kUserInvalidParam, "email");
  KRYPTON_RETURN_IF_ERROR(SendLink(call.ctx, *user, to, "changeEmail", "/changeEmail"));
  return api::Json(200, "");
}

Result<Response> ChangeEmail(api::Call& call) {
  std::string email = accounts::Lower(call.Query("email"));
  if (!accounts::ValidEmail(email)) return Status(Code::kUserInvalidParam, "email");
  std::string token = call.Query("token");
  KRYPTON_RETURN_IF_ERROR(TokenGuess(call, token, [&](accounts::Env& env, bool* wrong) {
    return accounts::ChangeEmail(env, token, email, call.NowMs(), wrong);
  }));
  return api::Json(200, "");
}

Result<Response> ChangePhone(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  accounts::Env env = uaa::Env(call.ctx);
  auto user = accounts::GetAccount(env, call.uid());
  if (!user.ok()) return user.status();
  std::string phone = api::Str(*body, "phoneNumber");
  if (!accounts::ValidPhone(phone)) return Status(Code::kUaaInvalidPhone);
  // `token`: checkVerifyCode on the old phone (type changePhone); `verifyCode`: the code
  // sent to the new phone (type register), a guess limited per target and IP.
  std::string token = api::Str(*body, "token");
  KRYPTON_RETURN_IF_ERROR(accounts::CheckPhoneChangeToken(env, *user, token));
  guard::Ticket ticket =
      guard::Reserve(call.ctx, call.req, guard::Secret::kCode, user->pid + ":" + phone);
  if (!ticket) return Status(Code::kUaaRateLimited).WithDetail("verify code guesses");
  bool wrong = false;
  Status s = accounts::ChangePhone(env, user->uid, phone, token, api::Str(*body, "verifyCode"),
                                   call.NowMs(), &wrong);
  guard::Resolve(ticket, s, wrong, "verify code");
  KRYPTON_RETURN_IF_ERROR(s);
  return api::Json(200, "");
}

}  // namespace

namespace uaa {

void RegisterByLink(std::shared_ptr<api::Call> call, api::Done done) {
  auto body = call->Body();
  if (!body.ok()) return done(body.status());
  std::string pid = PidOr(api::Str(*body, "pid"));
  std::string email = accounts::Lower(api::Str(*body, "email"));
  std::string password = api::Str(*body, "password");
  if (!accounts::ValidEmail(email)) return done(Status(Code::kUserInvalidParam, "email"));
  if (password.size() < accounts::kMinPassword) {
    return done(Status(Code::kUserInvalidParam, "password"));
  }
  accounts::Env env = Env(call->ctx);
  if (Status s = accounts::MayRegister(env, pid, accounts::Contact{false, email}); !s.ok()) {
    return done(s);
  }
  guard::OnHasher(
      call, "n:" + pid + ":" + email, std::move(done),
      [call, pid, email, password]() -> Result<Response> {
        accounts::Env env = Env(call->ctx);
        auto user = accounts::RegisterUnverified(env, pid, email, password, call->NowMs());
        if (!user.ok()) return user.status();
        KRYPTON_RETURN_IF_ERROR(SendLink(call->ctx, *user, email, "verifyEmail", "/emailVerify"));
        return api::Json(200, JsonObject().Add("uid", user->uid).Finish());
      });
}

void ResetByEmailToken(std::shared_ptr<api::Call> call, api::Done done) {
  auto body = call->Body();
  if (!body.ok()) return done(body.status());
  std::string password = api::Str(*body, "password");
  if (password.size() < accounts::kMinPassword) {
    return done(Status(Code::kUserInvalidParam, "password"));
  }
  std::string token = api::Str(*body, "token");
  // The guess is checked (and counted) here; the token is spent with the new hash.
  Status checked = TokenGuess(*call, token, [&](accounts::Env& env, bool* wrong) {
    return accounts::CheckEmailToken(env, token, "resetPasswordEmail", call->NowMs(), wrong);
  });
  if (!checked.ok()) return done(checked);
  guard::OnHasher(call, "u:" + accounts::EmailTokenAccount(token), std::move(done),
                  [call, token, password]() -> Result<Response> {
                    accounts::Env env = Env(call->ctx);
                    // New hash and token epoch: every earlier token is refused (issue 14).
                    KRYPTON_RETURN_IF_ERROR(
                        accounts::ResetPasswordByEmail(env, token, password, call->NowMs()));
                    return api::Json(200, "");
                  });
}

Status AccountProbe(const ApiContext& ctx, const Request& req) {
  if (!api::IpAllowed(ctx, req)) return Status(Code::kUaaRateLimited);
  const int limit = ctx.config.limits.account_probes_per_ip_per_hour;
  const std::string key = "probe:" + req.remote_ip;
  const int64_t now = ctx.clock.NowMs();
  if (ctx.limiter.Allow(key, limit, 3600LL * 1000, now)) return Status();
  if (ctx.limiter.Count(key, now) == limit + 1) {  // once per window, not per request
    spdlog::warn("http {}: account lookup budget ({} per hour) exhausted on {}", req.remote_ip,
                 limit, req.path);
  }
  return Status(Code::kUaaRateLimited).WithDetail("account probes");
}

}  // namespace uaa

void AddUaaEmailRoutes(Router& router, ApiContext& ctx) {
  using api::Auth;
  api::Add(router, ctx, "GET", "/resendVerifiedEmail", Auth::kNone, ResendVerified);
  api::Add(router, ctx, "GET", "/emailVerify", Auth::kNone, EmailVerify);
  api::Add(router, ctx, "GET", "/sendResetPasswordEmail", Auth::kNone, SendResetEmail);
  api::Add(router, ctx, "GET", "/sendChangeEmailStep1Email", Auth::kUser, SendChangeEmail);
  api::Add(router, ctx, "GET", "/changeEmail", Auth::kNone, ChangeEmail);
  api::Add(router, ctx, "POST", "/changePhoneNumber", Auth::kUser, ChangePhone);
}

}  // namespace krypton::http
