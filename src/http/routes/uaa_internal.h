// Shared by the UAA route files (internal to src/http/routes).
#ifndef KRYPTON_HTTP_ROUTES_UAA_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_UAA_INTERNAL_H_

#include <string>

#include "http/routes/api.h"

namespace krypton::http::uaa {

constexpr int64_t kCodeTtlMs = 10 * 60 * 1000;  // verify codes live 10 minutes (§3.2)
constexpr int kMaxAttempts = 5;                 // wrong attempts before a code is dropped

bool ValidPhone(const std::string& phone);
bool ValidEmail(const std::string& email);
std::string Lower(std::string s);

// Checks `code` (or the token checkVerifyCode issued) against the stored code of
// (pid, target, purpose): 3400021 none, 3400003 expired, 3400002 wrong (counted on the
// code, which goes after kMaxAttempts). Every guess is first reserved on the target and
// the request's IP (routes/guard.h): over either limit → 400016 (429), nothing checked.
Status CheckCode(ApiContext& ctx, const Request& req, const std::string& pid,
                 const std::string& target, const std::string& purpose, const std::string& code);

// Stores a new password hash for `uid` — the same statement bumps the account's token
// epoch — then revokes its refresh tokens and makes this process's epoch cache forget it,
// so every token signed before is refused at once (issue 14).
Status SetPassword(ApiContext& ctx, const std::string& uid, const std::string& hash);

// The e-mail-link variants (uaa_email.cc): when the request's type is "email", they
// take over the request and answer it; false otherwise.
bool HandleEmailRegistration(ApiContext& ctx, Request& req, Responder& respond);
bool HandleEmailReset(ApiContext& ctx, Request& req, Responder& respond);

// One more request, from this client IP, to an endpoint whose answer tells whether an
// account exists (getVerifyCode, register, resetPassword, sendResetPasswordEmail,
// resendVerifiedEmail keep Hekr's codes for that): within limits.requests_per_ip_per_s
// and limits.account_probes_per_ip_per_hour (uaa_email.cc). 400016 (HTTP 429) beyond
// either; every request counts, whatever its answer.
Status AccountProbe(const ApiContext& ctx, const Request& req);

}  // namespace krypton::http::uaa

#endif  // KRYPTON_HTTP_ROUTES_UAA_INTERNAL_H_
