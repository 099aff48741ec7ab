#include "accounts/links.h"

#include "accounts/internal.h"
#include "common/secrets.h"

namespace krypton::accounts {
namespace {

// The account a spent link names; 3400012 when it vanished.
Result<storage::User> LinkedUser(storage::Store& s, const std::string& uid) {
  auto user = s.GetUser(uid);
  if (user.ok()) return std::move(user).value();
  if (user.status().not_found()) return Status(Code::kUaaInvalidEmailToken);
  return storage::Internal(user.status());
}

Status ContactWritten(const storage::StoreStatus& w) {
  if (w.conflict()) return Status(Code::kUaaUserAlreadyRegistered);
  return storage::Internal(w);
}

}  // namespace

Result<std::string> NewEmailToken(Env& env, const std::string& uid, const std::string& purpose,
                                  int64_t now_ms) {
  std::string secret = RandomHex(24);
  storage::VerifyCode row;
  row.pid = "";
  row.target = uid;
  row.purpose = purpose;
  row.code_hash = Sha256Hex(secret);
  row.created_at_ms = now_ms;
  row.expires_at_ms = now_ms + kEmailTokenTtlMs;
  // One write: PutVerifyCode replaces the previous token atomically.
  if (storage::StoreStatus w = env.store.PutVerifyCode(row); !w.ok()) {
    return storage::Internal(w);
  }
  return uid + "." + secret;
}

std::string EmailTokenAccount(const std::string& token) {
  size_t dot = token.find('.');
  return dot == std::string::npos ? std::string() : token.substr(0, dot);
}

Status CheckEmailToken(Env& env, const std::string& token, const std::string& purpose,
                       int64_t now_ms, bool* wrong_guess) {
  auto uid = internal::ValidEmailToken(env.store, token, purpose, now_ms, wrong_guess);
  return uid.ok() ? Status() : uid.status();
}

Result<storage::User> MayResendVerification(Env& env, const std::string& pid,
                                            const std::string& email) {
  auto user = FindAccount(env, pid, Contact{false, email});
  if (!user.ok()) return user.status();
  if (user->email_verified) return Status(Code::kUaaAccountAlreadyVerified);
  return user;
}

Status VerifyEmail(Env& env, const std::string& token, int64_t now_ms, bool* wrong_guess) {
  return internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    auto uid = internal::ValidEmailToken(tx, token, "verifyEmail", now_ms, wrong_guess);
    if (!uid.ok()) return uid.status();
    KRYPTON_RETURN_IF_ERROR(storage::Internal(tx.DeleteVerifyCode("", *uid, "verifyEmail")));
    auto user = LinkedUser(tx, *uid);
    if (!user.ok()) return user.status();
    return storage::Internal(tx.UpdateUserContact(user->uid, user->phone, user->email, true));
  });
}

Status ChangeEmail(Env& env, const std::string& token, const std::string& email, int64_t now_ms,
                   bool* wrong_guess) {
  return internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    auto uid = internal::ValidEmailToken(tx, token, "changeEmail", now_ms, wrong_guess);
    if (!uid.ok()) return uid.status();
    KRYPTON_RETURN_IF_ERROR(storage::Internal(tx.DeleteVerifyCode("", *uid, "changeEmail")));
    auto user = LinkedUser(tx, *uid);
    if (!user.ok()) return user.status();
    return ContactWritten(tx.UpdateUserContact(user->uid, user->phone, email, true));
  });
}

namespace {

Status PhoneTokenIn(storage::Store& s, const storage::User& user, const std::string& token) {
  auto old = s.GetVerifyCode(user.pid, user.phone, "changePhone");
  if (!old.ok() && !old.status().not_found()) return storage::Internal(old.status());
  if (!old.ok() || old->check_token.empty() || !ConstantTimeEqual(token, old->check_token)) {
    return Status(Code::kUaaVerifyCodeMismatch);
  }
  return Status();
}

}  // namespace

Status CheckPhoneChangeToken(Env& env, const storage::User& user, const std::string& token) {
  return PhoneTokenIn(env.store, user, token);
}

Status ChangePhone(Env& env, const std::string& uid, const std::string& phone,
                   const std::string& token, const std::string& code, int64_t now_ms,
                   bool* wrong_guess) {
  Status guess;
  Status tx = internal::Transact(env.store, [&](storage::Store& s) -> Status {
    auto user = s.GetUser(uid);
    if (!user.ok()) {
      return user.status().not_found() ? Status(Code::kUaaUserNotExist)
                                       : storage::Internal(user.status());
    }
    KRYPTON_RETURN_IF_ERROR(PhoneTokenIn(s, *user, token));
    guess = internal::GuessCode(s, user->pid, phone, "register", code, now_ms, wrong_guess);
    if (guess.code() == Code::kUserInternal) return guess;
    if (!guess.ok()) return Status();  // commit the count of a wrong guess, change nothing
    KRYPTON_RETURN_IF_ERROR(
        ContactWritten(s.UpdateUserContact(uid, phone, user->email, user->email_verified)));
    KRYPTON_RETURN_IF_ERROR(
        storage::Internal(s.DeleteVerifyCode(user->pid, user->phone, "changePhone")));
    return storage::Internal(s.DeleteVerifyCode(user->pid, phone, "register"));
  });
  if (!tx.ok()) return tx;
  return guess;
}

}  // namespace krypton::accounts
