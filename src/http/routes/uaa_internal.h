// Shared by the UAA route files (internal to src/http/routes). The rules live in the
// account domain (src/accounts); these helpers add what is HTTP's: the request's
// guessing limits (guard.h), the per-IP probe budget and the wire parsing.
#ifndef KRYPTON_HTTP_ROUTES_UAA_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_UAA_INTERNAL_H_

#include <memory>
#include <string>

#include "accounts/accounts.h"
#include "accounts/codes.h"
#include "http/routes/api.h"

namespace krypton::http::uaa {

// The account domain's Env over the routes' context.
inline accounts::Env Env(ApiContext& ctx) { return accounts::Env{ctx.store, ctx.bus, ctx.config}; }

// `value`, or the public pid when it is empty.
std::string PidOr(std::string value);

// One guess at a verify code (accounts::CheckCode), first reserved on the target and the
// request's IP (routes/guard.h): over either limit → 400016 (429), nothing checked.
Status CheckCode(api::Call& call, const accounts::CodeKey& key, const std::string& code);

// The e-mail-link variants (uaa_email.cc) of POST /register and POST /resetPassword,
// used when the request's type is "email".
void RegisterByLink(std::shared_ptr<api::Call> call, api::Done done);
void ResetByEmailToken(std::shared_ptr<api::Call> call, api::Done done);

// One more request, from this client IP, to an endpoint whose answer tells whether an
// account exists (getVerifyCode, register, resetPassword, sendResetPasswordEmail,
// resendVerifiedEmail keep Hekr's codes for that): within limits.requests_per_ip_per_s
// and limits.account_probes_per_ip_per_hour (uaa_email.cc). 400016 (HTTP 429) beyond
// either; every request counts, whatever its answer.
Status AccountProbe(const ApiContext& ctx, const Request& req);

}  // namespace krypton::http::uaa

#endif  // KRYPTON_HTTP_ROUTES_UAA_INTERNAL_H_
