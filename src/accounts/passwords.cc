#include "accounts/passwords.h"

#include "accounts/internal.h"
#include "auth/password.h"

namespace krypton::accounts {
namespace {

Result<std::string> Hash(const std::string& password) {
  auto hash = auth::HashPassword(password);
  if (!hash) return Status(Code::kUserInternal).WithDetail("hashing");
  return *hash;
}

}  // namespace

Status MayRegister(Env& env, const std::string& pid, const Contact& contact) {
  if (Status s = PidExists(env, pid); !s.ok()) return s;
  auto existing = internal::FindByContact(env.store, pid, contact);
  if (existing.ok()) return Status(Code::kUaaUserAlreadyRegistered);
  if (!existing.status().not_found()) return storage::Internal(existing.status());
  return Status();
}

Result<std::string> Register(Env& env, const std::string& pid, const Contact& contact,
                             const std::string& password, const std::string& code, int64_t now_ms) {
  auto hash = Hash(password);
  if (!hash.ok()) return hash.status();
  storage::User user;
  user.pid = pid;
  (contact.phone ? user.phone : user.email) = contact.value;
  user.email_verified = !contact.phone;  // proven by the e-mailed code
  user.password_hash = *hash;
  user.created_at_ms = now_ms;
  Status s = internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    // The contact first: a concurrent registration that won answers as before (3400008).
    auto taken = internal::FindByContact(tx, pid, contact);
    if (taken.ok()) return Status(Code::kUaaUserAlreadyRegistered);
    if (!taken.status().not_found()) return storage::Internal(taken.status());
    KRYPTON_RETURN_IF_ERROR(internal::ValidCode(tx, pid, contact.value, "register", code, now_ms));
    KRYPTON_RETURN_IF_ERROR(internal::CreateAccount(tx, &user));
    return storage::Internal(tx.DeleteVerifyCode(pid, contact.value, "register"));
  });
  if (!s.ok()) return s;
  return user.uid;
}

Result<storage::User> RegisterUnverified(Env& env, const std::string& pid, const std::string& email,
                                         const std::string& password, int64_t now_ms) {
  auto hash = Hash(password);
  if (!hash.ok()) return hash.status();
  storage::User user;
  user.pid = pid;
  user.email = email;
  user.email_verified = false;  // until the link is followed (login → 3400009)
  user.password_hash = *hash;
  user.created_at_ms = now_ms;
  Status s = internal::Transact(
      env.store, [&](storage::Store& tx) { return internal::CreateAccount(tx, &user); });
  if (!s.ok()) return s;
  return user;
}

Status ResetPassword(Env& env, const std::string& uid, const std::string& pid,
                     const Contact& contact, const std::string& code, const std::string& password,
                     int64_t now_ms) {
  auto hash = Hash(password);
  if (!hash.ok()) return hash.status();
  Status s = internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    KRYPTON_RETURN_IF_ERROR(
        internal::ValidCode(tx, pid, contact.value, "resetPassword", code, now_ms));
    KRYPTON_RETURN_IF_ERROR(internal::SetPasswordHash(tx, uid, *hash));
    return storage::Internal(tx.DeleteVerifyCode(pid, contact.value, "resetPassword"));
  });
  if (!s.ok()) return s;
  TokensInvalidated(env, uid);
  return Status();
}

Status ResetPasswordByEmail(Env& env, const std::string& token, const std::string& password,
                            int64_t now_ms) {
  auto hash = Hash(password);
  if (!hash.ok()) return hash.status();
  std::string uid;
  Status s = internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    bool wrong = false;  // guesses were counted by the caller's CheckEmailToken
    auto valid = internal::ValidEmailToken(tx, token, "resetPasswordEmail", now_ms, &wrong);
    if (!valid.ok()) return valid.status();
    uid = *valid;
    KRYPTON_RETURN_IF_ERROR(internal::SetPasswordHash(tx, uid, *hash));
    return storage::Internal(tx.DeleteVerifyCode("", uid, "resetPasswordEmail"));
  });
  if (!s.ok()) return s;
  TokensInvalidated(env, uid);
  return Status();
}

Status ChangePassword(Env& env, const std::string& uid, const std::string& old_password,
                      const std::string& new_password, bool* wrong_guess) {
  auto user = GetAccount(env, uid);
  if (!user.ok()) return user.status();
  if (!auth::VerifyPassword(user->password_hash, old_password)) {
    *wrong_guess = true;
    return Status(Code::kUaaInvalidOldPassword);
  }
  auto hash = Hash(new_password);
  if (!hash.ok()) return hash.status();
  Status s = internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    auto now = tx.GetUser(uid);
    if (!now.ok()) {
      return now.status().not_found() ? Status(Code::kUaaUserNotExist)
                                      : storage::Internal(now.status());
    }
    // Changed (or reset) since the old password was checked: that one no longer holds.
    if (now->password_hash != user->password_hash) return Status(Code::kUaaInvalidOldPassword);
    return internal::SetPasswordHash(tx, uid, *hash);
  });
  if (!s.ok()) return s;
  TokensInvalidated(env, uid);
  return Status();
}

}  // namespace krypton::accounts
