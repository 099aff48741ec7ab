#include "accounts/tokens.h"

#include "auth/password.h"

namespace krypton::accounts {

Result<std::optional<storage::User>> FindLogin(Env& env, const std::string& pid,
                                               const std::string& username) {
  if (Status s = PidExists(env, pid); !s.ok()) return s;
  auto user = username.find('@') != std::string::npos ? env.store.FindUserByEmail(pid, username)
                                                      : env.store.FindUserByPhone(pid, username);
  if (user.ok()) return std::optional<storage::User>(std::move(user).value());
  if (user.status().not_found()) return std::optional<storage::User>();
  return storage::Internal(user.status());
}

Result<Tokens> Login(Env& env, const auth::JwtCodec& jwt, const std::optional<storage::User>& user,
                     const std::string& password, const std::string& client_type, int64_t now_s,
                     bool* wrong_guess) {
  // An unknown user is verified against a dummy hash: the same cost, so timing does not
  // tell which accounts exist.
  static const std::string kDummy = auth::HashPassword("krypton-dummy-password").value_or("");
  bool ok = auth::VerifyPassword(user ? user->password_hash : kDummy, password) && user;
  if (!ok) {
    *wrong_guess = true;
    return Status(Code::kUaaBadCredentials);
  }
  // Registered with an e-mail link that was not followed yet (§3.4).
  if (!user->email.empty() && user->phone.empty() && !user->email_verified) {
    return Status(Code::kUaaUserNotVerified);
  }
  return IssueTokens(env, jwt, *user, client_type, env.config.jwt.access_ttl_s, now_s);
}

Result<Tokens> IssueTokens(Env& env, const auth::JwtCodec& jwt, const storage::User& user,
                           const std::string& client_type, int access_ttl_s, int64_t now_s) {
  auth::TokenClaims access;
  access.uid = user.uid;
  access.isolation = user.pid;
  access.type = client_type.empty() ? "ANDROID" : client_type;
  access.jti = auth::NewUuid();
  access.exp = now_s + access_ttl_s;
  access.epoch = user.token_epoch;  // a password change or reset ends the token (issue 14)
  auth::TokenClaims refresh = access;
  refresh.jti = auth::NewUuid();
  refresh.ati = access.jti;
  refresh.exp = now_s + env.config.jwt.refresh_ttl_s;
  if (storage::StoreStatus w =
          env.store.PutRefreshToken({refresh.jti, user.uid, refresh.exp, false});
      !w.ok()) {
    return storage::Internal(w);
  }
  Tokens t;
  t.access_token = jwt.Sign(access);
  t.refresh_token = jwt.Sign(refresh);
  t.expires_in = access.exp - now_s;
  t.jti = access.jti;
  t.uid = user.uid;
  return t;
}

Result<Tokens> Refresh(Env& env, const auth::JwtCodec& jwt, const std::string& refresh_token,
                       int64_t asked_ttl_s, int64_t now_s) {
  auto claims = jwt.Verify(refresh_token, now_s);
  if (!claims.ok()) return claims.status();
  if (claims->ati.empty()) {
    return Status(Code::kUaaInvalidToken).WithDetail("not a refresh token");
  }
  auto stored = env.store.GetRefreshToken(claims->jti);
  if (!stored.ok() && !stored.status().not_found()) return storage::Internal(stored.status());
  if (!stored.ok() || stored->revoked) {
    return Status(Code::kUaaInvalidToken).WithDetail("revoked or unknown");
  }
  auto user = env.store.GetUser(claims->uid);
  if (!user.ok() && !user.status().not_found()) return storage::Internal(user.status());
  if (!user.ok()) return Status(Code::kUaaInvalidToken).WithDetail("no user");
  // Signed before the last password change or reset (besides being revoked then).
  if (claims->epoch != user->token_epoch) {
    return Status(Code::kUaaInvalidToken).WithDetail("old token epoch");
  }
  // hekrapi may ask for a shorter access lifetime; never a longer one.
  int ttl = env.config.jwt.access_ttl_s;
  if (asked_ttl_s > 0 && asked_ttl_s < ttl) ttl = static_cast<int>(asked_ttl_s);
  // Rotation: a new refresh token each time; the old one stays valid until it expires
  // (user-api.md §2.2) unless revoked (password change or reset).
  return IssueTokens(env, jwt, *user, claims->type, ttl, now_s);
}

}  // namespace krypton::accounts
