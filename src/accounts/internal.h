// Shared by the files of src/accounts (not part of the module's interface).
#ifndef KRYPTON_ACCOUNTS_INTERNAL_H_
#define KRYPTON_ACCOUNTS_INTERNAL_H_

#include <functional>
#include <string>

#include "accounts/accounts.h"

namespace krypton::accounts::internal {

// One transaction per operation: storage::Transact.
using storage::Transact;

// The account with `contact` in `pid` as a StoreResult (kNotFound when none).
storage::StoreResult<storage::User> FindByContact(storage::Store& s, const std::string& pid,
                                                  const Contact& contact);

// Whether `code` (or the token checkVerifyCode issued for it) is the stored, unexpired
// code of (pid, target, purpose), counting nothing: 3400021 none, 3400003 expired,
// 3400002 wrong. Used to re-check inside the transaction that spends the code.
Status ValidCode(storage::Store& s, const std::string& pid, const std::string& target,
                 const std::string& purpose, const std::string& code, int64_t now_ms);

// As ValidCode, but a wrong guess counts on the code (dropped after kMaxAttempts) and
// sets *wrong_guess (also for 3400021). The count is written through `s`: the caller's
// transaction must commit although this returns an error.
Status GuessCode(storage::Store& s, const std::string& pid, const std::string& target,
                 const std::string& purpose, const std::string& code, int64_t now_ms,
                 bool* wrong_guess);

// The uid of a valid, unexpired e-mail link token of `purpose` (not consumed): 3400012
// otherwise, with *wrong_guess set.
Result<std::string> ValidEmailToken(storage::Store& s, const std::string& token,
                                    const std::string& purpose, int64_t now_ms, bool* wrong_guess);

// Creates `user` under a fresh random uid (retried on a uid collision): 3400008 when its
// phone or e-mail is taken in the pid. Sets user->uid.
Status CreateAccount(storage::Store& s, storage::User* user);

// Stores a new password hash (bumping the token epoch in the same statement) and revokes
// the account's refresh tokens. The caller publishes TokensInvalidated after its commit.
Status SetPasswordHash(storage::Store& s, const std::string& uid, const std::string& hash);

}  // namespace krypton::accounts::internal

#endif  // KRYPTON_ACCOUNTS_INTERNAL_H_
