// E-mail flows and change phone (user-api.md §3.4 type=email, §3.7, §3.9, §3.10):
//   POST /register?type=email             unverified account + verification link (3400009)
//   GET  /resendVerifiedEmail?email=&pid=  GET /emailVerify?token=
//   GET  /sendResetPasswordEmail?email=&pid=  POST /resetPassword?type=email {token,password}
//   GET  /sendChangeEmailStep1Email?email=&pid= (bearer)  GET /changeEmail?token=&email=
//   POST /changePhoneNumber {token, verifyCode, phoneNumber} (bearer)
// E-mail tokens are "<uid>.<random>", stored as SHA-256 of the random part (verify_codes
// rows with pid "" and target uid), single use, valid 24 h; anything else → 3400012.
#include <spdlog/spdlog.h>

#include "auth/password.h"
#include "common/json_object.h"
#include "common/secrets.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace {

constexpr int64_t kEmailTokenTtlMs = 24LL * 3600 * 1000;

Result<std::string> NewEmailToken(ApiContext& ctx, const std::string& uid,
                                  const std::string& purpose) {
  std::string secret = RandomHex(24);
  storage::VerifyCode row;
  row.pid = "";
  row.target = uid;
  row.purpose = purpose;
  row.code_hash = Sha256Hex(secret);
  row.created_at_ms = ctx.clock.NowMs();
  row.expires_at_ms = row.created_at_ms + kEmailTokenTtlMs;
  if (auto s = ctx.store.PutVerifyCode(row); !s.ok()) {
    return Status(Code::kUserInternal).WithDetail(s.ToString());
  }
  return uid + "." + secret;
}

// The uid of a valid, unused token of `purpose`; the token is consumed. Guesses are
// limited per account (the token's uid) and per IP (routes/guard.h): over → 400016.
Result<std::string> UseEmailToken(ApiContext& ctx, const Request& req, const std::string& token,
                                  const std::string& purpose) {
  size_t dot = token.find('.');
  if (dot == std::string::npos) return Status(Code::kUaaInvalidEmailToken);
  std::string uid = token.substr(0, dot);
  guard::Ticket ticket = guard::Reserve(ctx, req, guard::Secret::kCode, "mail:" + uid);
  if (!ticket) return Status(Code::kUaaRateLimited).WithDetail("e-mail token guesses");
  auto row = ctx.store.GetVerifyCode("", uid, purpose);
  if (!row.ok() || row->expires_at_ms <= ctx.clock.NowMs() ||
      !ConstantTimeEqual(Sha256Hex(token.substr(dot + 1)), row->code_hash)) {
    guard::Failed(ticket, "e-mail link token");
    return Status(Code::kUaaInvalidEmailToken);
  }
  guard::Succeeded(ticket);
  if (auto s = ctx.store.DeleteVerifyCode("", uid, purpose); !s.ok()) {
    return Status(Code::kUserInternal).WithDetail(s.ToString());
  }
  return uid;
}

Status SendLink(ApiContext& ctx, const storage::User& user, const std::string& to,
                const std::string& purpose, const std::string& path) {
  // Daily cap on these e-mails per address (D20: 400017).
  if (!ctx.limiter.Allow("mail:" + to, ctx.config.limits.emails_per_day, 24LL * 3600 * 1000,
                         ctx.clock.NowMs())) {
    return Status(Code::kUaaDailyLimit);
  }
  auto token = NewEmailToken(ctx, user.uid, purpose);
  if (!token.ok()) return token.status();
  auth::OutgoingMessage m;
  m.time_ms = ctx.clock.NowMs();
  m.channel = "email";
  m.to = to;
  m.pid = user.pid;
  m.purpose = purpose;
  m.link = path + (path.find('?') == std::string::npos ? "?" : "&") + "token=" + *token;
  m.text = "Follow this link within 24 hours: " + m.link;
  return ctx.mailer.Send(m);
}

std::string Pid(const Request& req) {
  std::string pid = api::Query(req, "pid");
  return pid.empty() ? "00000000000" : pid;
}

void RegisterByLink(ApiContext& ctx, Request req, Responder respond) {
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return respond(api::Error(ctx, req, body.status()));
  std::string pid = api::Str(*body, "pid");
  if (pid.empty()) pid = "00000000000";
  std::string email = uaa::Lower(api::Str(*body, "email"));
  std::string password = api::Str(*body, "password");
  if (!uaa::ValidEmail(email)) {
    return respond(api::Error(ctx, req, Status(Code::kUserInvalidParam, "email")));
  }
  if (password.size() < 6) {
    return respond(api::Error(ctx, req, Status(Code::kUserInvalidParam, "password")));
  }
  if (!ctx.store.GetManufacturer(pid).ok()) {
    return respond(api::Error(ctx, req, Status(Code::kUserNoSuchManufacturer)));
  }
  if (ctx.store.FindUserByEmail(pid, email).ok()) {
    return respond(api::Error(ctx, req, Status(Code::kUaaUserAlreadyRegistered)));
  }
  Response busy = guard::RateLimited(ctx, req, "hashing queue full");
  std::string account = "n:" + pid + ":" + email;
  guard::OnHasher(ctx, account, std::move(respond), std::move(busy),
                  [&ctx, req = std::move(req), pid, email, password]() -> Response {
    auto hash = auth::HashPassword(password);
    if (!hash) return api::Error(ctx, req, Status(Code::kUserInternal));
    storage::User user;
    user.pid = pid;
    user.email = email;
    user.email_verified = false;  // until the link is followed (login → 3400009)
    user.password_hash = *hash;
    user.created_at_ms = ctx.clock.NowMs();
    user.uid = RandomDigits(11);
    if (auto s = ctx.store.CreateUser(user); !s.ok()) {
      return api::Error(ctx, req, s.conflict() ? Status(Code::kUaaUserAlreadyRegistered)
                                               : Status(Code::kUserInternal));
    }
    if (Status s = SendLink(ctx, user, email, "verifyEmail", "/emailVerify"); !s.ok()) {
      return api::Error(ctx, req, s);
    }
    return api::Json(200, JsonObject().Add("uid", user.uid).Finish());
  });
}

Response ResendVerified(ApiContext& ctx, const Request& req) {
  if (Status s = uaa::AccountProbe(ctx, req); !s.ok()) return api::Error(ctx, req, s);
  std::string email = uaa::Lower(api::Query(req, "email"));
  auto user = ctx.store.FindUserByEmail(Pid(req), email);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaUserNotExist));
  if (user->email_verified) return api::Error(ctx, req, Status(Code::kUaaAccountAlreadyVerified));
  if (Status s = SendLink(ctx, *user, email, "verifyEmail", "/emailVerify"); !s.ok()) {
    return api::Error(ctx, req, s);
  }
  return api::Json(200, "");
}

Response EmailVerify(ApiContext& ctx, const Request& req) {
  auto uid = UseEmailToken(ctx, req, api::Query(req, "token"), "verifyEmail");
  if (!uid.ok()) return api::Error(ctx, req, uid.status());
  auto user = ctx.store.GetUser(*uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaInvalidEmailToken));
  if (auto s = ctx.store.UpdateUserContact(user->uid, user->phone, user->email, true); !s.ok()) {
    return api::Error(ctx, req, storage::Internal(s));
  }
  return api::Json(200, "");
}

Response SendResetEmail(ApiContext& ctx, const Request& req) {
  if (Status s = uaa::AccountProbe(ctx, req); !s.ok()) return api::Error(ctx, req, s);
  std::string email = uaa::Lower(api::Query(req, "email"));
  auto user = ctx.store.FindUserByEmail(Pid(req), email);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaUserNotExist));
  if (Status s = SendLink(ctx, *user, email, "resetPasswordEmail", "/resetPassword?type=email");
      !s.ok()) {
    return api::Error(ctx, req, s);
  }
  return api::Json(200, "");
}

Response SendChangeEmail(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaUserNotExist));
  std::string to = user->email.empty() ? uaa::Lower(api::Query(req, "email")) : user->email;
  if (!uaa::ValidEmail(to)) return api::Error(ctx, req, Status(Code::kUserInvalidParam, "email"));
  if (Status s = SendLink(ctx, *user, to, "changeEmail", "/changeEmail"); !s.ok()) {
    return api::Error(ctx, req, s);
  }
  return api::Json(200, "");
}

Response ChangeEmail(ApiContext& ctx, const Request& req) {
  std::string email = uaa::Lower(api::Query(req, "email"));
  if (!uaa::ValidEmail(email)) return api::Error(ctx, req, Status(Code::kUserInvalidParam, "email"));
  auto uid = UseEmailToken(ctx, req, api::Query(req, "token"), "changeEmail");
  if (!uid.ok()) return api::Error(ctx, req, uid.status());
  auto user = ctx.store.GetUser(*uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaInvalidEmailToken));
  auto s = ctx.store.UpdateUserContact(user->uid, user->phone, email, true);
  if (s.conflict()) return api::Error(ctx, req, Status(Code::kUaaUserAlreadyRegistered));
  if (!s.ok()) return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  return api::Json(200, "");
}

void ResetByEmailToken(ApiContext& ctx, Request req, Responder respond,
                       simdjson::dom::object body) {
  std::string password = api::Str(body, "password");
  if (password.size() < 6) {
    return respond(api::Error(ctx, req, Status(Code::kUserInvalidParam, "password")));
  }
  auto uid = UseEmailToken(ctx, req, api::Str(body, "token"), "resetPasswordEmail");
  if (!uid.ok()) return respond(api::Error(ctx, req, uid.status()));
  std::string account = "u:" + *uid;
  Response busy = guard::RateLimited(ctx, req, "hashing queue full");
  guard::OnHasher(ctx, account, std::move(respond), std::move(busy),
                  [&ctx, req = std::move(req), uid = *uid, password]() -> Response {
                    auto hash = auth::HashPassword(password);
                    if (!hash) return api::Error(ctx, req, Status(Code::kUserInternal));
                    // New hash and token epoch: every earlier token is refused (issue 14).
                    if (Status s = uaa::SetPassword(ctx, uid, *hash); !s.ok()) {
                      return api::Error(ctx, req, s);
                    }
                    return api::Json(200, "");
                  });
}

Response ChangePhone(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUaaUserNotExist));
  std::string phone = api::Str(*body, "phoneNumber");
  if (!uaa::ValidPhone(phone)) return api::Error(ctx, req, Status(Code::kUaaInvalidPhone));
  // `token`: checkVerifyCode on the old phone (type changePhone); `verifyCode`: the code
  // sent to the new phone (type register).
  auto old = ctx.store.GetVerifyCode(user->pid, user->phone, "changePhone");
  std::string token = api::Str(*body, "token");
  if (!old.ok() || old->check_token.empty() || !ConstantTimeEqual(token, old->check_token)) {
    return api::Error(ctx, req, Status(Code::kUaaVerifyCodeMismatch));
  }
  if (Status s = uaa::CheckCode(ctx, req, user->pid, phone, "register", api::Str(*body, "verifyCode"));
      !s.ok()) {
    return api::Error(ctx, req, s);
  }
  auto s = ctx.store.UpdateUserContact(user->uid, phone, user->email, user->email_verified);
  if (s.conflict()) return api::Error(ctx, req, Status(Code::kUaaUserAlreadyRegistered));
  if (!s.ok()) return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  for (auto [target, purpose] : {std::pair{user->phone, "changePhone"}, {phone, "register"}}) {
    if (auto d = ctx.store.DeleteVerifyCode(user->pid, target, purpose); !d.ok()) {
      return api::Error(ctx, req, storage::Internal(d));
    }
  }
  return api::Json(200, "");
}

}  // namespace

namespace uaa {

bool HandleEmailRegistration(ApiContext& ctx, Request& req, Responder& respond) {
  if (api::Query(req, "type") != "email") return false;
  RegisterByLink(ctx, std::move(req), std::move(respond));
  return true;
}

bool HandleEmailReset(ApiContext& ctx, Request& req, Responder& respond) {
  if (api::Query(req, "type") != "email") return false;
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) {
    respond(api::Error(ctx, req, body.status()));
    return true;
  }
  ResetByEmailToken(ctx, std::move(req), std::move(respond), *body);
  return true;
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
  router.Add("GET", "/resendVerifiedEmail", [&ctx](const Request& r) { return ResendVerified(ctx, r); });
  router.Add("GET", "/emailVerify", [&ctx](const Request& r) { return EmailVerify(ctx, r); });
  router.Add("GET", "/sendResetPasswordEmail", [&ctx](const Request& r) { return SendResetEmail(ctx, r); });
  router.Add("GET", "/sendChangeEmailStep1Email", [&ctx](const Request& r) { return SendChangeEmail(ctx, r); });
  router.Add("GET", "/changeEmail", [&ctx](const Request& r) { return ChangeEmail(ctx, r); });
  router.Add("POST", "/changePhoneNumber", [&ctx](const Request& r) { return ChangePhone(ctx, r); });
}

}  // namespace krypton::http
