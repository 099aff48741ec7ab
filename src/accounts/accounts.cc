#include "accounts/accounts.h"

#include <algorithm>
#include <cctype>

#include "accounts/codes.h"
#include "accounts/internal.h"
#include "common/secrets.h"

namespace krypton::accounts {

void TokensInvalidated(Env& env, const std::string& uid) {
  env.bus.PublishChange({bus::ChangeEvent::Kind::kTokenEpoch, uid});
}

bool ValidPhone(const std::string& p) {
  return p.size() >= 5 && p.size() <= 20 &&
         std::all_of(p.begin() + (p[0] == '+' ? 1 : 0), p.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool ValidEmail(const std::string& e) {
  size_t at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('.', at) != std::string::npos &&
         e.size() <= 254;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Result<storage::User> GetAccount(Env& env, const std::string& uid) {
  auto user = env.store.GetUser(uid);
  if (user.ok()) return std::move(user).value();
  if (user.status().not_found()) return Status(Code::kUaaUserNotExist);
  return storage::Internal(user.status());
}

Result<storage::User> FindAccount(Env& env, const std::string& pid, const Contact& contact) {
  auto user = internal::FindByContact(env.store, pid, contact);
  if (user.ok()) return std::move(user).value();
  if (user.status().not_found()) return Status(Code::kUaaUserNotExist);
  return storage::Internal(user.status());
}

Status PidExists(Env& env, const std::string& pid) {
  auto m = env.store.GetManufacturer(pid);
  if (m.ok()) return Status();
  if (m.status().not_found()) return Status(Code::kUserNoSuchManufacturer);
  return storage::Internal(m.status());
}

namespace internal {

storage::StoreResult<storage::User> FindByContact(storage::Store& s, const std::string& pid,
                                                  const Contact& contact) {
  return contact.phone ? s.FindUserByPhone(pid, contact.value)
                       : s.FindUserByEmail(pid, contact.value);
}

namespace {

// Whether `code` is `stored`'s code or its checkVerifyCode token.
bool Matches(const storage::VerifyCode& stored, const std::string& code) {
  return (!stored.check_token.empty() && ConstantTimeEqual(code, stored.check_token)) ||
         ConstantTimeEqual(Sha256Hex(code), stored.code_hash);
}

}  // namespace

Status ValidCode(storage::Store& s, const std::string& pid, const std::string& target,
                 const std::string& purpose, const std::string& code, int64_t now_ms) {
  auto stored = s.GetVerifyCode(pid, target, purpose);
  if (!stored.ok()) {
    if (stored.status().not_found()) return Status(Code::kUaaVerifyCodeMismatch);
    return storage::Internal(stored.status());
  }
  if (stored->expires_at_ms <= now_ms) return Status(Code::kUaaVerifyCodeExpired);
  if (!Matches(*stored, code)) return Status(Code::kUaaInvalidVerifyCode);
  return Status();
}

Status GuessCode(storage::Store& s, const std::string& pid, const std::string& target,
                 const std::string& purpose, const std::string& code, int64_t now_ms,
                 bool* wrong_guess) {
  auto stored = s.GetVerifyCode(pid, target, purpose);
  if (!stored.ok()) {
    if (!stored.status().not_found()) return storage::Internal(stored.status());
    *wrong_guess = true;
    return Status(Code::kUaaVerifyCodeMismatch);
  }
  if (stored->expires_at_ms <= now_ms) return Status(Code::kUaaVerifyCodeExpired);
  if (Matches(*stored, code)) return Status();
  *wrong_guess = true;
  storage::StoreStatus counted = ++stored->attempts >= kMaxAttempts
                                     ? s.DeleteVerifyCode(pid, target, purpose)
                                     : s.UpdateVerifyCode(*stored);
  if (!counted.ok()) return storage::Internal(counted);
  return Status(Code::kUaaInvalidVerifyCode);
}

Result<std::string> ValidEmailToken(storage::Store& s, const std::string& token,
                                    const std::string& purpose, int64_t now_ms, bool* wrong_guess) {
  size_t dot = token.find('.');
  if (dot == std::string::npos) {
    *wrong_guess = true;
    return Status(Code::kUaaInvalidEmailToken);
  }
  std::string uid = token.substr(0, dot);
  auto row = s.GetVerifyCode("", uid, purpose);
  if (!row.ok() && !row.status().not_found()) return storage::Internal(row.status());
  if (!row.ok() || row->expires_at_ms <= now_ms ||
      !ConstantTimeEqual(Sha256Hex(token.substr(dot + 1)), row->code_hash)) {
    *wrong_guess = true;
    return Status(Code::kUaaInvalidEmailToken);
  }
  return uid;
}

Status CreateAccount(storage::Store& s, storage::User* user) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    user->uid = RandomDigits(11);
    storage::StoreStatus created = s.CreateUser(*user);
    if (created.ok()) return Status();
    if (!created.conflict()) return storage::Internal(created);
    // A conflict is the contact taken, or (rarely) the random uid: tell which.
    Contact contact{!user->phone.empty(), user->phone.empty() ? user->email : user->phone};
    auto taken = FindByContact(s, user->pid, contact);
    if (taken.ok()) return Status(Code::kUaaUserAlreadyRegistered);
    if (!taken.status().not_found()) return storage::Internal(taken.status());
  }
  return Status(Code::kUserInternal).WithDetail("no free uid");
}

Status SetPasswordHash(storage::Store& s, const std::string& uid, const std::string& hash) {
  if (storage::StoreStatus w = s.UpdateUserPassword(uid, hash); !w.ok()) {
    return storage::Internal(w);
  }
  // Already refused by their epoch; revoked too so that the store says what happened.
  if (storage::StoreStatus w = s.RevokeUserRefreshTokens(uid); !w.ok()) {
    return storage::Internal(w);
  }
  return Status();
}

}  // namespace internal
}  // namespace krypton::accounts
