// E-mail links and contact changes (user-api.md §3.4 type=email, §3.7, §3.9, §3.10).
// Link tokens are "<uid>.<random>", stored as SHA-256 of the random part (verify_codes
// rows with pid "" and target uid), single use, valid 24 h; anything else → 3400012.
// Sending the e-mail and its daily cap are the caller's (routes/uaa_email.cc).
#ifndef KRYPTON_ACCOUNTS_LINKS_H_
#define KRYPTON_ACCOUNTS_LINKS_H_

#include <cstdint>
#include <string>

#include "accounts/accounts.h"

namespace krypton::accounts {

constexpr int64_t kEmailTokenTtlMs = 24LL * 3600 * 1000;

// A new link token of `purpose` (verifyEmail, resetPasswordEmail, changeEmail) for `uid`,
// replacing the previous one of that purpose.
Result<std::string> NewEmailToken(Env& env, const std::string& uid, const std::string& purpose,
                                  int64_t now_ms);
// The account a link token names (its guesses are limited per account); "" when the
// token has no such part (answer 3400012 without checking).
std::string EmailTokenAccount(const std::string& token);
// Whether `token` is a valid link of `purpose` (read only; 3400012 and *wrong_guess).
Status CheckEmailToken(Env& env, const std::string& token, const std::string& purpose,
                       int64_t now_ms, bool* wrong_guess);

// The unverified account of `email` in `pid` a verification link may be re-sent to:
// 3400011 none, 3400013 already verified.
Result<storage::User> MayResendVerification(Env& env, const std::string& pid,
                                            const std::string& email);
// Follows a verifyEmail link: one transaction spends the token and marks the account's
// e-mail verified. 3400012 for a bad token (*wrong_guess) or a vanished account.
Status VerifyEmail(Env& env, const std::string& token, int64_t now_ms, bool* wrong_guess);
// Follows a changeEmail link: one transaction spends the token and sets the account's
// e-mail (verified) to `email` (lower-case). 3400012 as VerifyEmail; 3400008 when another
// account of the pid has that e-mail (then the token stays unspent).
Status ChangeEmail(Env& env, const std::string& token, const std::string& email, int64_t now_ms,
                   bool* wrong_guess);

// changePhoneNumber, first step (read only): `token` must be the checkVerifyCode token of
// the changePhone code of `user`'s current phone; 3400021 otherwise.
Status CheckPhoneChangeToken(Env& env, const storage::User& user, const std::string& token);
// changePhoneNumber: in one transaction the old phone's token is re-checked (3400021),
// `code` is guessed as the register code sent to `phone` (CheckCode's errors, counted,
// *wrong_guess), the phone set (3400008 when another account has it) and both codes
// deleted. kUaaUserNotExist when the account vanished.
Status ChangePhone(Env& env, const std::string& uid, const std::string& phone,
                   const std::string& token, const std::string& code, int64_t now_ms,
                   bool* wrong_guess);

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_LINKS_H_
