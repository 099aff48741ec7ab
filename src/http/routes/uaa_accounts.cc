// POST /register, POST /resetPassword, POST /changePassword (user-api.md §3.4, §3.7, §3.8):
// adapters over accounts/passwords.h. Codes are guessed on the loop (counted, limited per
// target and IP); argon2id and the write run on the hashing queue.
#include "accounts/passwords.h"
#include "common/json_object.h"
#include "http/routes/api.h"
#include "http/routes/guard.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace {

// The phone (type=phone) or e-mail (type=email_verify_code) the request is about.
Result<accounts::Contact> ReadContact(api::Call& call, simdjson::dom::object body) {
  std::string type = call.Query("type");
  if (type.empty() || type == "phone") {
    accounts::Contact c{true, api::Str(body, "phoneNumber")};
    if (!accounts::ValidPhone(c.value)) return Status(Code::kUaaInvalidPhone);
    return c;
  }
  if (type == "email_verify_code") {
    accounts::Contact c{false, accounts::Lower(api::Str(body, "email"))};
    if (!accounts::ValidEmail(c.value)) return Status(Code::kUserInvalidParam, "email");
    return c;
  }
  return Status(Code::kUaaInvalidRequestType);
}

// What register and reset read from their bodies: the contact, the pid (default the
// public one) and the new password (≥ 6 characters, else 6400017).
struct Credentials {
  accounts::Contact contact;
  std::string pid;
  std::string password;
};

Result<Credentials> ReadCredentials(api::Call& call, simdjson::dom::object body) {
  auto contact = ReadContact(call, body);
  if (!contact.ok()) return contact.status();
  Credentials c{*contact, uaa::PidOr(api::Str(body, "pid")), api::Str(body, "password")};
  if (c.password.size() < accounts::kMinPassword) {
    return Status(Code::kUserInvalidParam, "password");
  }
  return c;
}

void Register(std::shared_ptr<api::Call> call, api::Done done) {
  if (Status s = uaa::AccountProbe(call->ctx, call->req); !s.ok()) return done(s);
  if (call->Query("type") == "email") return uaa::RegisterByLink(std::move(call), std::move(done));
  auto body = call->Body();
  if (!body.ok()) return done(body.status());
  auto creds = ReadCredentials(*call, *body);
  if (!creds.ok()) return done(creds.status());
  accounts::Env env = uaa::Env(call->ctx);
  if (Status s = accounts::MayRegister(env, creds->pid, creds->contact); !s.ok()) {
    return done(s);
  }
  std::string code = api::Str(*body, "code");
  if (code.empty()) code = api::Str(*body, "token");  // the 2016 drafts' checkVerifyCode token
  accounts::CodeKey key{creds->pid, creds->contact.value, "register"};
  if (Status s = uaa::CheckCode(*call, key, code); !s.ok()) return done(s);
  std::string account = "n:" + creds->pid + ":" + creds->contact.value;
  guard::OnHasher(
      call, account, std::move(done), [call, creds = *creds, code]() -> Result<Response> {
        accounts::Env env = uaa::Env(call->ctx);
        auto uid =
            accounts::Register(env, creds.pid, creds.contact, creds.password, code, call->NowMs());
        if (!uid.ok()) return uid.status();
        return api::Json(200, JsonObject().Add("uid", *uid).Finish());
      });
}

void ResetPassword(std::shared_ptr<api::Call> call, api::Done done) {
  if (Status s = uaa::AccountProbe(call->ctx, call->req); !s.ok()) return done(s);
  if (call->Query("type") == "email") {
    return uaa::ResetByEmailToken(std::move(call), std::move(done));
  }
  auto body = call->Body();
  if (!body.ok()) return done(body.status());
  auto creds = ReadCredentials(*call, *body);
  if (!creds.ok()) return done(creds.status());
  accounts::Env env = uaa::Env(call->ctx);
  auto user = accounts::FindAccount(env, creds->pid, creds->contact);
  if (!user.ok()) return done(user.status());
  std::string code = api::Str(*body, "verifyCode");
  accounts::CodeKey key{creds->pid, creds->contact.value, "resetPassword"};
  if (Status s = uaa::CheckCode(*call, key, code); !s.ok()) return done(s);
  guard::OnHasher(call, "u:" + user->uid, std::move(done),
                  [call, uid = user->uid, creds = *creds, code]() -> Result<Response> {
                    accounts::Env env = uaa::Env(call->ctx);
                    // The new hash and a new token epoch: every earlier token is refused.
                    KRYPTON_RETURN_IF_ERROR(accounts::ResetPassword(
                        env, uid, creds.pid, creds.contact, code, creds.password, call->NowMs()));
                    return api::Json(200, "");
                  });
}

void ChangePassword(std::shared_ptr<api::Call> call, api::Done done) {
  if (!api::IpAllowed(call->ctx, call->req)) return done(Status(Code::kUaaRateLimited));
  auto body = call->Body();
  if (!body.ok()) return done(body.status());
  std::string old_password = api::Str(*body, "oldPassword");
  std::string new_password = api::Str(*body, "newPassword");
  if (new_password.size() < accounts::kMinPassword) {
    return done(Status(Code::kUserInvalidParam, "newPassword"));
  }
  accounts::Env env = uaa::Env(call->ctx);
  auto user = accounts::GetAccount(env, call->uid());
  if (!user.ok()) return done(user.status());
  // The old password is a guess like a login's: the same account counter and IP counter.
  std::string account = "u:" + user->uid;
  guard::Ticket ticket = guard::Reserve(call->ctx, call->req, guard::Secret::kPassword, account);
  if (!ticket) return done(Status(Code::kUaaRateLimited).WithDetail("password guesses"));
  guard::OnHasher(call, account, std::move(done),
                  [call, old_password, new_password, ticket]() -> Result<Response> {
                    accounts::Env env = uaa::Env(call->ctx);
                    bool wrong = false;
                    Status s = accounts::ChangePassword(env, call->uid(), old_password,
                                                        new_password, &wrong);
                    guard::Resolve(ticket, s, wrong, "changePassword old password");
                    if (!s.ok()) return s;
                    return api::Json(200, "");
                  });
}

}  // namespace

void AddUaaAccountRoutes(Router& router, ApiContext& ctx) {
  api::AddAsync(router, ctx, "POST", "/register", api::Auth::kNone, Register);
  api::AddAsync(router, ctx, "POST", "/resetPassword", api::Auth::kNone, ResetPassword);
  api::AddAsync(router, ctx, "POST", "/changePassword", api::Auth::kUser, ChangePassword);
}

}  // namespace krypton::http
