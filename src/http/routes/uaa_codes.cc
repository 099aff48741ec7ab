// Verify codes (user-api.md §3.2, §3.3, D13, D20):
//   GET /sms/getVerifyCode?phoneNumber=&pid=&type=     GET /email/getVerifyCode?email=&pid=&type=
//   GET /sms/checkVerifyCode?phoneNumber=&code=        GET /email/checkVerifyCode?email=&code=
// Codes are 6 digits, stored as SHA-256, valid 10 minutes, 5 wrong attempts at most.
#include <algorithm>

#include "auth/jwt.h"
#include "common/json_object.h"
#include "common/secrets.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace uaa {

bool ValidPhone(const std::string& p) {
  return p.size() >= 5 && p.size() <= 20 &&
         std::all_of(p.begin() + (p[0] == '+' ? 1 : 0), p.end(), ::isdigit);
}

bool ValidEmail(const std::string& e) {
  size_t at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('.', at) != std::string::npos && e.size() <= 254;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Status CheckCode(ApiContext& ctx, const Request& req, const std::string& pid,
                 const std::string& target, const std::string& purpose, const std::string& code) {
  // Reserved before reading the code: concurrent guesses cannot pass kMaxAttempts.
  guard::Ticket ticket = guard::Reserve(ctx, req, guard::Secret::kCode, pid + ":" + target);
  if (!ticket) return Status(Code::kUaaRateLimited).WithDetail("verify code guesses");
  auto stored = ctx.store.GetVerifyCode(pid, target, purpose);
  if (!stored.ok()) {
    guard::Failed(ticket, "verify code");
    return Status(Code::kUaaVerifyCodeMismatch);
  }
  if (stored->expires_at_ms <= ctx.clock.NowMs()) return Status(Code::kUaaVerifyCodeExpired);
  // A token from checkVerifyCode stands for the code (the 2016 drafts sent it).
  bool ok = (!stored->check_token.empty() && ConstantTimeEqual(code, stored->check_token)) ||
            ConstantTimeEqual(Sha256Hex(code), stored->code_hash);
  if (ok) guard::Succeeded(ticket);
  if (!ok) {
    guard::Failed(ticket, "verify code");
    storage::StoreStatus counted = ++stored->attempts >= kMaxAttempts
                                       ? ctx.store.DeleteVerifyCode(pid, target, purpose)
                                       : ctx.store.UpdateVerifyCode(*stored);
    if (!counted.ok()) return storage::Internal(counted);
    return Status(Code::kUaaInvalidVerifyCode);
  }
  return Status();
}

Status SetPassword(ApiContext& ctx, const std::string& uid, const std::string& hash) {
  if (auto s = ctx.store.UpdateUserPassword(uid, hash); !s.ok()) {
    return Status(Code::kUserInternal).WithDetail(s.ToString());
  }
  if (ctx.epochs != nullptr) ctx.epochs->Forget(uid);
  // Already refused by their epoch; revoked too so that the store says what happened.
  if (auto s = ctx.store.RevokeUserRefreshTokens(uid); !s.ok()) {
    return Status(Code::kUserInternal).WithDetail(s.ToString());
  }
  return Status();
}

}  // namespace uaa

namespace {

Response SendCode(ApiContext& ctx, const Request& req, bool sms) {
  if (Status s = uaa::AccountProbe(ctx, req); !s.ok()) return api::Error(ctx, req, s);
  std::string target = sms ? api::Query(req, "phoneNumber") : uaa::Lower(api::Query(req, "email"));
  std::string pid = api::Query(req, "pid");
  if (pid.empty()) pid = "00000000000";
  std::string type = api::Query(req, "type");
  if (type != "register" && type != "resetPassword" && type != "changePhone") {
    return api::Error(ctx, req, Status(Code::kUaaInvalidRequestType));
  }
  if (sms && !uaa::ValidPhone(target)) return api::Error(ctx, req, Status(Code::kUaaInvalidPhone));
  if (!sms && !uaa::ValidEmail(target)) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "email"));
  }
  // With uaa.captcha_required, `token` must be a captchaToken "<rid>:<code>" (§3.1).
  if (ctx.config.uaa.captcha_required &&
      !ctx.captcha.ConsumeToken(api::Query(req, "token"), ctx.clock.NowMs())) {
    return api::Error(ctx, req, Status(Code::kUaaInvalidVerifyCode).WithDetail("captcha"));
  }
  if (!ctx.store.GetManufacturer(pid).ok()) {
    return api::Error(ctx, req, Status(Code::kUserNoSuchManufacturer));
  }
  auto user = sms ? ctx.store.FindUserByPhone(pid, target) : ctx.store.FindUserByEmail(pid, target);
  if (type == "register" && user.ok()) {
    return api::Error(ctx, req, Status(Code::kUaaUserAlreadyRegistered));
  }
  if (type != "register" && !user.ok()) return api::Error(ctx, req, Status(Code::kUaaUserNotExist));
  int64_t now = ctx.clock.NowMs();
  // D20: one code per target per interval (400016), a daily cap per target (3400005).
  if (!ctx.limiter.Allow("code:" + target, 1, ctx.config.limits.verify_code_interval_s * 1000LL,
                         now)) {
    return api::Error(ctx, req, Status(Code::kUaaRateLimited));
  }
  auto sent_today = ctx.store.CountVerifyCodesSince(target, now - 24LL * 3600 * 1000);
  if (sent_today.ok() && *sent_today >= ctx.config.limits.verify_codes_per_day) {
    return api::Error(ctx, req, Status(Code::kUaaTooManyVerifyCodes));
  }
  std::string code = RandomDigits(6);
  storage::VerifyCode vc;
  vc.pid = pid;
  vc.target = target;
  vc.purpose = type;
  vc.code_hash = Sha256Hex(code);
  vc.created_at_ms = now;
  vc.expires_at_ms = now + uaa::kCodeTtlMs;
  if (auto s = ctx.store.PutVerifyCode(vc); !s.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  }
  auth::OutgoingMessage m;
  m.time_ms = now;
  m.channel = sms ? "sms" : "email";
  m.to = target;
  m.pid = pid;
  m.purpose = type;
  m.code = code;
  m.text = "Your Krypton verification code is " + code + ". It is valid for 10 minutes.";
  if (Status s = ctx.mailer.Send(m); !s.ok()) return api::Error(ctx, req, s);
  return api::Json(200, "");
}

Response CheckCodeRoute(ApiContext& ctx, const Request& req, bool sms) {
  if (!api::IpAllowed(ctx, req)) return api::Error(ctx, req, Status(Code::kUaaRateLimited));
  std::string target = sms ? api::Query(req, "phoneNumber") : uaa::Lower(api::Query(req, "email"));
  std::string code = api::Query(req, "code");
  std::string pid = api::Query(req, "pid");
  if (pid.empty()) pid = "00000000000";
  auto latest = ctx.store.GetLatestVerifyCode(pid, target);
  if (!latest.ok()) return api::Error(ctx, req, Status(Code::kUaaVerifyCodeMismatch));
  if (Status s = uaa::CheckCode(ctx, req, pid, target, latest->purpose, code); !s.ok()) {
    return api::Error(ctx, req, s);
  }
  latest->check_token = auth::NewUuid();
  if (auto s = ctx.store.UpdateVerifyCode(*latest); !s.ok()) {
    return api::Error(ctx, req, storage::Internal(s));
  }
  return api::Json(200, JsonObject()
                            .Add(sms ? "phoneNumber" : "email", target)
                            .Add("verifyCode", code)
                            .Add("token", latest->check_token)
                            .Add("expireTime", latest->expires_at_ms)
                            .Finish());
}

}  // namespace

void AddUaaCodeRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/sms/getVerifyCode", [&ctx](const Request& r) { return SendCode(ctx, r, true); });
  router.Add("GET", "/email/getVerifyCode", [&ctx](const Request& r) { return SendCode(ctx, r, false); });
  router.Add("GET", "/sms/checkVerifyCode",
             [&ctx](const Request& r) { return CheckCodeRoute(ctx, r, true); });
  router.Add("GET", "/email/checkVerifyCode",
             [&ctx](const Request& r) { return CheckCodeRoute(ctx, r, false); });
}

}  // namespace krypton::http
