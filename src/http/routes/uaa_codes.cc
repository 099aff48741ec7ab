// Verify codes (user-api.md §3.2, §3.3, D13, D20):
//   GET /sms/getVerifyCode?phoneNumber=&pid=&type=     GET /email/getVerifyCode?email=&pid=&type=
//   GET /sms/checkVerifyCode?phoneNumber=&code=        GET /email/checkVerifyCode?email=&code=
// Codes are 6 digits, stored as SHA-256, valid 10 minutes, 5 wrong attempts at most
// (accounts/codes.h). Here: wire parsing, captcha, the per-interval limit, the message.
#include "accounts/codes.h"
#include "common/identifiers.h"
#include "common/json_object.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace uaa {

std::string PidOr(std::string value) {
  return value.empty() ? std::string(kPublicPid) : std::move(value);
}

Status CheckCode(api::Call& call, const accounts::CodeKey& key, const std::string& code) {
  // Reserved before reading the code: concurrent guesses cannot pass kMaxAttempts.
  guard::Ticket ticket =
      guard::Reserve(call.ctx, call.req, guard::Secret::kCode, key.pid + ":" + key.target);
  if (!ticket) return Status(Code::kUaaRateLimited).WithDetail("verify code guesses");
  accounts::Env env = Env(call.ctx);
  bool wrong = false;
  Status s = accounts::CheckCode(env, key, code, call.NowMs(), &wrong);
  guard::Resolve(ticket, s, wrong, "verify code");
  return s;
}

}  // namespace uaa

namespace {

Result<Response> SendCode(api::Call& call, bool sms) {
  ApiContext& ctx = call.ctx;
  KRYPTON_RETURN_IF_ERROR(uaa::AccountProbe(ctx, call.req));
  std::string target = sms ? call.Query("phoneNumber") : accounts::Lower(call.Query("email"));
  accounts::CodeKey key{uaa::PidOr(call.Query("pid")), target, call.Query("type")};
  if (key.purpose != "register" && key.purpose != "resetPassword" && key.purpose != "changePhone") {
    return Status(Code::kUaaInvalidRequestType);
  }
  if (sms && !accounts::ValidPhone(target)) return Status(Code::kUaaInvalidPhone);
  if (!sms && !accounts::ValidEmail(target)) return Status(Code::kUserInvalidParam, "email");
  // With uaa.captcha_required, `token` must be a captchaToken "<rid>:<code>" (§3.1).
  if (ctx.config.uaa.captcha_required &&
      !ctx.captcha.ConsumeToken(call.Query("token"), call.NowMs())) {
    return Status(Code::kUaaInvalidVerifyCode).WithDetail("captcha");
  }
  accounts::Env env = uaa::Env(ctx);
  KRYPTON_RETURN_IF_ERROR(accounts::MaySendCode(env, key, accounts::Contact{sms, target}));
  int64_t now = call.NowMs();
  // D20: one code per target per interval (400016), a daily cap per target (3400005).
  if (!ctx.limiter.Allow("code:" + target, 1, ctx.config.limits.verify_code_interval_s * 1000LL,
                         now)) {
    return Status(Code::kUaaRateLimited);
  }
  auto code = accounts::IssueCode(env, key, ctx.config.limits.verify_codes_per_day, now);
  if (!code.ok()) return code.status();
  auth::OutgoingMessage m;
  m.time_ms = now;
  m.channel = sms ? "sms" : "email";
  m.to = target;
  m.pid = key.pid;
  m.purpose = key.purpose;
  m.code = *code;
  m.text = "Your Krypton verification code is " + *code + ". It is valid for 10 minutes.";
  KRYPTON_RETURN_IF_ERROR(ctx.mailer.Send(m));
  return api::Json(200, "");
}

Result<Response> CheckCodeRoute(api::Call& call, bool sms) {
  if (!api::IpAllowed(call.ctx, call.req)) return Status(Code::kUaaRateLimited);
  std::string target = sms ? call.Query("phoneNumber") : accounts::Lower(call.Query("email"));
  std::string code = call.Query("code");
  std::string pid = uaa::PidOr(call.Query("pid"));
  accounts::Env env = uaa::Env(call.ctx);
  auto purpose = accounts::LatestCodePurpose(env, pid, target);
  if (!purpose.ok()) return purpose.status();
  accounts::CodeKey key{pid, target, *purpose};
  guard::Ticket ticket =
      guard::Reserve(call.ctx, call.req, guard::Secret::kCode, pid + ":" + target);
  if (!ticket) return Status(Code::kUaaRateLimited).WithDetail("verify code guesses");
  bool wrong = false;
  auto checked = accounts::ConfirmCode(env, key, code, call.NowMs(), &wrong);
  guard::Resolve(ticket, checked.status(), wrong, "verify code");
  if (!checked.ok()) return checked.status();
  return api::Json(200, JsonObject()
                            .Add(sms ? "phoneNumber" : "email", target)
                            .Add("verifyCode", code)
                            .Add("token", checked->token)
                            .Add("expireTime", checked->expires_at_ms)
                            .Finish());
}

}  // namespace

void AddUaaCodeRoutes(Router& router, ApiContext& ctx) {
  using api::Auth;
  api::Add(router, ctx, "GET", "/sms/getVerifyCode", Auth::kNone,
           [](api::Call& c) { return SendCode(c, true); });
  api::Add(router, ctx, "GET", "/email/getVerifyCode", Auth::kNone,
           [](api::Call& c) { return SendCode(c, false); });
  api::Add(router, ctx, "GET", "/sms/checkVerifyCode", Auth::kNone,
           [](api::Call& c) { return CheckCodeRoute(c, true); });
  api::Add(router, ctx, "GET", "/email/checkVerifyCode", Auth::kNone,
           [](api::Call& c) { return CheckCodeRoute(c, false); });
}

}  // namespace krypton::http
