#include "accounts/codes.h"

#include "accounts/internal.h"
#include "auth/jwt.h"
#include "common/secrets.h"

namespace krypton::accounts {

Status MaySendCode(Env& env, const CodeKey& key, const Contact& contact) {
  if (Status s = PidExists(env, key.pid); !s.ok()) return s;
  auto user = internal::FindByContact(env.store, key.pid, contact);
  if (!user.ok() && !user.status().not_found()) return storage::Internal(user.status());
  if (key.purpose == "register" && user.ok()) return Status(Code::kUaaUserAlreadyRegistered);
  if (key.purpose != "register" && !user.ok()) return Status(Code::kUaaUserNotExist);
  return Status();
}

Result<std::string> IssueCode(Env& env, const CodeKey& key, int per_day, int64_t now_ms) {
  std::string code = RandomDigits(6);
  Status s = internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    auto sent_today = tx.CountVerifyCodesSince(key.target, now_ms - 24LL * 3600 * 1000);
    if (!sent_today.ok()) return storage::Internal(sent_today.status());
    if (*sent_today >= per_day) return Status(Code::kUaaTooManyVerifyCodes);
    storage::VerifyCode vc;
    vc.pid = key.pid;
    vc.target = key.target;
    vc.purpose = key.purpose;
    vc.code_hash = Sha256Hex(code);
    vc.created_at_ms = now_ms;
    vc.expires_at_ms = now_ms + kCodeTtlMs;
    return storage::Internal(tx.PutVerifyCode(vc));
  });
  if (!s.ok()) return s;
  return code;
}

Status CheckCode(Env& env, const CodeKey& key, const std::string& code, int64_t now_ms,
                 bool* wrong_guess) {
  Status outcome;
  // The count of a wrong guess is committed although the check fails.
  Status tx = internal::Transact(env.store, [&](storage::Store& s) -> Status {
    outcome = internal::GuessCode(s, key.pid, key.target, key.purpose, code, now_ms, wrong_guess);
    return outcome.code() == Code::kUserInternal ? outcome : Status();
  });
  if (!tx.ok()) return tx;
  return outcome;
}

Result<std::string> LatestCodePurpose(Env& env, const std::string& pid, const std::string& target) {
  auto latest = env.store.GetLatestVerifyCode(pid, target);
  if (latest.ok()) return latest->purpose;
  if (latest.status().not_found()) return Status(Code::kUaaVerifyCodeMismatch);
  return storage::Internal(latest.status());
}

Result<CheckedCode> ConfirmCode(Env& env, const CodeKey& key, const std::string& code,
                                int64_t now_ms, bool* wrong_guess) {
  Status outcome;
  CheckedCode checked;
  Status tx = internal::Transact(env.store, [&](storage::Store& s) -> Status {
    outcome = internal::GuessCode(s, key.pid, key.target, key.purpose, code, now_ms, wrong_guess);
    if (outcome.code() == Code::kUserInternal) return outcome;
    if (!outcome.ok()) return Status();  // commit the count of a wrong guess
    auto stored = s.GetVerifyCode(key.pid, key.target, key.purpose);
    if (!stored.ok()) return storage::Internal(stored.status());
    stored->check_token = auth::NewUuid();
    checked = {stored->check_token, stored->expires_at_ms};
    return storage::Internal(s.UpdateVerifyCode(*stored));
  });
  if (!tx.ok()) return tx;
  if (!outcome.ok()) return outcome;
  return checked;
}

}  // namespace krypton::accounts
