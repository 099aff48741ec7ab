// Guessing limits for every route that checks a secret, and the password hashing queue
// (issue 14; docs/security/passwords.md lists each endpoint with its limits).
//
// A route reserves the guess before it checks anything (Reserve: nullptr → answer
// RateLimited() without checking), resolves the ticket with Failed()/Succeeded() once it
// knows, and runs argon2id only through OnHasher. Keys: a secret's canonical target (the
// account's uid, the lower-cased login name of an unknown account, the phone or e-mail of
// a verify code, the short code) and the client IP; passwords and codes count separately.
// Internal to src/http/routes.
#ifndef KRYPTON_HTTP_ROUTES_GUARD_H_
#define KRYPTON_HTTP_ROUTES_GUARD_H_

#include <memory>
#include <string>

#include "auth/attempt_limiter.h"
#include "http/routes/api.h"

namespace krypton::http::guard {

using Ticket = std::shared_ptr<auth::AttemptLimiter::Ticket>;

enum class Secret {
  kPassword,  // limits.login_failures_per_account, limits.password_failures_per_ip
  kCode,      // limits.code_failures_per_target, limits.code_failures_per_ip
};

// Reserves one guess of `kind` at `target` from the request's IP; nullptr when either is
// over its limit (the guess must not be checked). With no limiter configured (unit tests)
// a ticket that counts nothing.
Ticket Reserve(const ApiContext& ctx, const Request& req, Secret kind, const std::string& target);
// The same without a client IP (the device hub's PIN: per device only).
Ticket ReserveTarget(const ApiContext& ctx, Secret kind, const std::string& target);

// The guess was wrong / right (right: the target's failures are forgotten, the IP's stay).
// `what` names the secret in the log line written when a key reaches its limit.
void Failed(const Ticket& ticket, const char* what);
void Succeeded(const Ticket& ticket);

// 429 400016: a guess over its limit, or the hashing queue full.
Response RateLimited(const ApiContext& ctx, const Request& req, const char* why);

// Runs `work` (argon2id and what follows) on the hashing queue under `account`; when the
// queue or the account's share of it is full, `work` is dropped unrun and `busy` is
// answered at once. `work`'s Response goes to `respond` from a hashing worker.
void OnHasher(ApiContext& ctx, const std::string& account, Responder respond, Response busy,
              std::function<Response()> work);
// The same for an api::AddAsync handler: `work`'s result goes to `done` (busy: 429
// 400016 "hashing queue full" in the call's error family).
void OnHasher(const std::shared_ptr<api::Call>& call, const std::string& account, api::Done done,
              std::function<Result<Response>()> work);

// Resolves `ticket` by what a domain operation (src/accounts) said about the guess:
// wrong → Failed; otherwise Succeeded, unless the secret was never compared (an expired
// verify code, a store failure), when the reservation is only given back.
void Resolve(const Ticket& ticket, const Status& outcome, bool wrong_guess, const char* what);

}  // namespace krypton::http::guard

#endif  // KRYPTON_HTTP_ROUTES_GUARD_H_
