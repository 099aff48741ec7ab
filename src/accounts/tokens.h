// Login and token refresh (user-api.md §3.5, §3.6; D10, D19; issue 14's token epochs).
// Tokens carry the account's token epoch; a refresh is refused when the refresh token is
// revoked or unknown, the account gone, or its epoch moved on.
#ifndef KRYPTON_ACCOUNTS_TOKENS_H_
#define KRYPTON_ACCOUNTS_TOKENS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "accounts/accounts.h"
#include "auth/jwt.h"

namespace krypton::accounts {

// A signed access and refresh token pair, as /login and /token/refresh answer it.
struct Tokens {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;  // seconds
  std::string jti;         // the access token's
  std::string uid;
};

// The account a login names: `username` is an e-mail (contains '@') or a phone of `pid`.
// kUserNoSuchManufacturer for an unknown pid; nullopt for an unknown account (the caller
// still spends a hash on it, so timing does not tell); 5500000 on a store failure.
Result<std::optional<storage::User>> FindLogin(Env& env, const std::string& pid,
                                               const std::string& username);

// Checks `password` against `user` (argon2id: off the loop; an unknown user is checked
// against a dummy hash at the same cost): 3400010 and *wrong_guess when wrong or unknown;
// 3400009 for an e-mail account whose link was not followed. Then issues tokens as
// IssueTokens with the configured access lifetime.
Result<Tokens> Login(Env& env, const auth::JwtCodec& jwt, const std::optional<storage::User>& user,
                     const std::string& password, const std::string& client_type, int64_t now_s,
                     bool* wrong_guess);

// Signs a token pair for `user` (client type "" = ANDROID) and stores the refresh
// token's bookkeeping (one write).
Result<Tokens> IssueTokens(Env& env, const auth::JwtCodec& jwt, const storage::User& user,
                           const std::string& client_type, int access_ttl_s, int64_t now_s);

// /token/refresh: a new pair for a valid refresh token (its own lifetime stays; the old
// one stays valid until it expires, D10). `asked_ttl_s` > 0 shortens the access lifetime,
// never lengthens it. Errors: the JWT's, 3400015 ("invalid token") when not a refresh
// token, revoked or unknown, no such account, or an old token epoch.
Result<Tokens> Refresh(Env& env, const auth::JwtCodec& jwt, const std::string& refresh_token,
                       int64_t asked_ttl_s, int64_t now_s);

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_TOKENS_H_
