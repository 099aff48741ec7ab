// Verify codes (user-api.md §3.2, §3.3, D13, D20): 6 digits sent to a phone or an e-mail
// address, stored as SHA-256, valid 10 minutes, dropped after 5 wrong guesses. Purposes:
// register, resetPassword, changePhone. Sending the message and the per-interval limit
// are the caller's (routes/uaa_codes.cc); these functions own the stored codes.
#ifndef KRYPTON_ACCOUNTS_CODES_H_
#define KRYPTON_ACCOUNTS_CODES_H_

#include <cstdint>
#include <string>

#include "accounts/accounts.h"

namespace krypton::accounts {

constexpr int64_t kCodeTtlMs = 10 * 60 * 1000;  // verify codes live 10 minutes (§3.2)
constexpr int kMaxAttempts = 5;                 // wrong guesses before a code is dropped

// A code's key: (pid, target, purpose).
struct CodeKey {
  std::string pid;
  std::string target;   // phone number or lower-case e-mail
  std::string purpose;  // register | resetPassword | changePhone
};

// Whether a code of `purpose` may be sent to `contact` (read only): kUserNoSuchManufacturer
// for an unknown pid; for "register" 3400008 when the contact has an account, for the
// other purposes 3400011 when it has none.
Status MaySendCode(Env& env, const CodeKey& key, const Contact& contact);

// A new code for `key`, replacing the previous one, in one transaction with the daily
// cap: 3400005 when `per_day` codes went to the target (any pid) in the last 24 hours.
// Returns the code in clear (for the message; only its hash is stored).
Result<std::string> IssueCode(Env& env, const CodeKey& key, int per_day, int64_t now_ms);

// One guess at the code of `key` (the code, or the token checkVerifyCode issued for it):
// 3400021 none, 3400003 expired, 3400002 wrong (counted on the code, which goes after
// kMaxAttempts). *wrong_guess is set for 3400021 and 3400002. Writes only the count.
Status CheckCode(Env& env, const CodeKey& key, const std::string& code, int64_t now_ms,
                 bool* wrong_guess);

// checkVerifyCode: the purpose of the latest code sent to (pid, target); 3400021 none.
Result<std::string> LatestCodePurpose(Env& env, const std::string& pid, const std::string& target);

// What checkVerifyCode answers: a token that stands for the code until it expires.
struct CheckedCode {
  std::string token;
  int64_t expires_at_ms = 0;
};

// checkVerifyCode: one guess at the code of `key` as CheckCode; when right, in the same
// transaction, a new check token is stored on the code (the code stays usable).
Result<CheckedCode> ConfirmCode(Env& env, const CodeKey& key, const std::string& code,
                                int64_t now_ms, bool* wrong_guess);

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_CODES_H_
