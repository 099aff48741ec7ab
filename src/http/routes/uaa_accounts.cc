// POST /register, POST /resetPassword, POST /changePassword (user-api.md §3.4, §3.7, §3.8).
#include "auth/password.h"
#include "common/json_object.h"
#include "common/secrets.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace {

constexpr size_t kMinPassword = 6;

// The phone (type=phone) or e-mail (type=email_verify_code) the request is about.
struct Target {
  bool phone = true;
  std::string value;
};

Result<Target> ReadTarget(const ApiContext& ctx, const Request& req, simdjson::dom::object body) {
  (void)ctx;
  std::string type = api::Query(req, "type");
  if (type.empty() || type == "phone") {
    Target t{true, api::Str(body, "phoneNumber")};
    if (!uaa::ValidPhone(t.value)) return Status(Code::kUaaInvalidPhone);
    return t;
  }
  if (type == "email_verify_code") {
    Target t{false, uaa::Lower(api::Str(body, "email"))};
    if (!uaa::ValidEmail(t.value)) return Status(Code::kUserInvalidParam, "email");
    return t;
  }
  return Status(Code::kUaaInvalidRequestType);
}

// What register and reset read from their bodies: the target, the pid (default the
// public one) and the new password (≥ 6 characters, else 6400017).
struct Credentials {
  Target target;
  std::string pid;
  std::string password;
};

Result<Credentials> ReadCredentials(const ApiContext& ctx, const Request& req,
                                    simdjson::dom::object body) {
  auto target = ReadTarget(ctx, req, body);
  if (!target.ok()) return target.status();
  Credentials c{*target, api::Str(body, "pid"), api::Str(body, "password")};
  if (c.pid.empty()) c.pid = "00000000000";
  if (c.password.size() < kMinPassword) return Status(Code::kUserInvalidParam, "password");
  return c;
}

void Register(ApiContext& ctx, Request req, Responder respond) {
  if (Status s = uaa::AccountProbe(ctx, req); !s.ok()) return respond(api::Error(ctx, req, s));
  if (uaa::HandleEmailRegistration(ctx, req, respond)) return;
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return respond(api::Error(ctx, req, body.status()));
  auto creds = ReadCredentials(ctx, req, *body);
  if (!creds.ok()) return respond(api::Error(ctx, req, creds.status()));
  const Target* target = &creds->target;
  const std::string pid = creds->pid, password = creds->password;
  if (!ctx.store.GetManufacturer(pid).ok()) {
    return respond(api::Error(ctx, req, Status(Code::kUserNoSuchManufacturer)));
  }
  auto existing = target->phone ? ctx.store.FindUserByPhone(pid, target->value)
                                : ctx.store.FindUserByEmail(pid, target->value);
  if (existing.ok()) return respond(api::Error(ctx, req, Status(Code::kUaaUserAlreadyRegistered)));
  std::string code = api::Str(*body, "code");
  if (code.empty()) code = api::Str(*body, "token");  // the 2016 drafts' checkVerifyCode token
  if (Status s = uaa::CheckCode(ctx, req, pid, target->value, "register", code); !s.ok()) {
    return respond(api::Error(ctx, req, s));
  }
  std::string account = "n:" + pid + ":" + target->value;
  Response busy = guard::RateLimited(ctx, req, "hashing queue full");
  guard::OnHasher(ctx, account, std::move(respond), std::move(busy),
                  [&ctx, req = std::move(req), target = *target, pid, password]() -> Response {
    auto hash = auth::HashPassword(password);
    if (!hash) return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail("hashing"));
    storage::User user;
    user.pid = pid;
    (target.phone ? user.phone : user.email) = target.value;
    user.email_verified = !target.phone;  // proven by the e-mailed code
    user.password_hash = *hash;
    user.created_at_ms = ctx.clock.NowMs();
    for (int attempt = 0; attempt < 8; ++attempt) {
      user.uid = RandomDigits(11);
      storage::StoreStatus s = ctx.store.CreateUser(user);
      if (s.ok()) {
        if (auto d = ctx.store.DeleteVerifyCode(pid, target.value, "register"); !d.ok()) {
          return api::Error(ctx, req, storage::Internal(d));
        }
        return api::Json(200, JsonObject().Add("uid", user.uid).Finish());
      }
      if (!s.conflict()) return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
      auto taken = target.phone ? ctx.store.FindUserByPhone(pid, target.value)
                                : ctx.store.FindUserByEmail(pid, target.value);
      if (taken.ok()) return api::Error(ctx, req, Status(Code::kUaaUserAlreadyRegistered));
    }
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail("no free uid"));
  });
}

void ResetPassword(ApiContext& ctx, Request req, Responder respond) {
  if (Status s = uaa::AccountProbe(ctx, req); !s.ok()) return respond(api::Error(ctx, req, s));
  if (uaa::HandleEmailReset(ctx, req, respond)) return;
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return respond(api::Error(ctx, req, body.status()));
  auto creds = ReadCredentials(ctx, req, *body);
  if (!creds.ok()) return respond(api::Error(ctx, req, creds.status()));
  const Target* target = &creds->target;
  const std::string pid = creds->pid, password = creds->password;
  auto user = target->phone ? ctx.store.FindUserByPhone(pid, target->value)
                            : ctx.store.FindUserByEmail(pid, target->value);
  if (!user.ok()) return respond(api::Error(ctx, req, Status(Code::kUaaUserNotExist)));
  if (Status s = uaa::CheckCode(ctx, req, pid, target->value, "resetPassword",
                                api::Str(*body, "verifyCode"));
      !s.ok()) {
    return respond(api::Error(ctx, req, s));
  }
  std::string account = "u:" + user->uid;
  Response busy = guard::RateLimited(ctx, req, "hashing queue full");
  guard::OnHasher(ctx, account, std::move(respond), std::move(busy),
                  [&ctx, req = std::move(req), uid = user->uid, pid, target = *target,
                   password]() -> Response {
                    auto hash = auth::HashPassword(password);
                    if (!hash) {
                      return api::Error(ctx, req,
                                        Status(Code::kUserInternal).WithDetail("hashing"));
                    }
                    // The new hash and a new token epoch: every earlier token is refused.
                    if (Status s = uaa::SetPassword(ctx, uid, *hash); !s.ok()) {
                      return api::Error(ctx, req, s);
                    }
                    if (auto d = ctx.store.DeleteVerifyCode(pid, target.value, "resetPassword");
                        !d.ok()) {
                      return api::Error(ctx, req, storage::Internal(d));
                    }
                    return api::Json(200, "");
                  });
}

void ChangePassword(ApiContext& ctx, Request req, Responder respond) {
  if (!api::IpAllowed(ctx, req)) return respond(api::Error(ctx, req, Status(Code::kUaaRateLimited)));
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return respond(api::Error(ctx, req, claims.status()));
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return respond(api::Error(ctx, req, body.status()));
  std::string old_password = api::Str(*body, "oldPassword");
  std::string new_password = api::Str(*body, "newPassword");
  if (new_password.size() < kMinPassword) {
    return respond(api::Error(ctx, req, Status(Code::kUserInvalidParam, "newPassword")));
  }
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return respond(api::Error(ctx, req, Status(Code::kUaaUserNotExist)));
  // The old password is a guess like a login's: the same account counter and IP counter.
  std::string account = "u:" + user->uid;
  guard::Ticket ticket = guard::Reserve(ctx, req, guard::Secret::kPassword, account);
  if (!ticket) return respond(guard::RateLimited(ctx, req, "password guesses"));
  Response busy = guard::RateLimited(ctx, req, "hashing queue full");
  guard::OnHasher(
      ctx, account, std::move(respond), std::move(busy),
      [&ctx, req = std::move(req), user = *user, old_password, new_password,
       ticket]() -> Response {
        if (!auth::VerifyPassword(user.password_hash, old_password)) {
          guard::Failed(ticket, "changePassword old password");
          return api::Error(ctx, req, Status(Code::kUaaInvalidOldPassword));
        }
        guard::Succeeded(ticket);
        auto hash = auth::HashPassword(new_password);
        if (!hash) return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail("hashing"));
        if (Status s = uaa::SetPassword(ctx, user.uid, *hash); !s.ok()) {
          return api::Error(ctx, req, s);
        }
        return api::Json(200, "");
      });
}

}  // namespace

void AddUaaAccountRoutes(Router& router, ApiContext& ctx) {
  router.AddAsync("POST", "/register", [&ctx](Request r, Responder respond) {
    Register(ctx, std::move(r), std::move(respond));
  });
  router.AddAsync("POST", "/resetPassword", [&ctx](Request r, Responder respond) {
    ResetPassword(ctx, std::move(r), std::move(respond));
  });
  router.AddAsync("POST", "/changePassword", [&ctx](Request r, Responder respond) {
    ChangePassword(ctx, std::move(r), std::move(respond));
  });
}

}  // namespace krypton::http
