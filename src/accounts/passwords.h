// Registration and passwords (user-api.md §3.4, §3.7, §3.8; issue 14's token epochs).
// Every function here runs argon2id: call it off the event loops (the routes use the
// hashing queue). Each writes in one transaction; a password change or reset stores the
// new hash, bumps the token epoch, revokes the refresh tokens and spends the code or
// link in that transaction, then publishes kTokenEpoch.
#ifndef KRYPTON_ACCOUNTS_PASSWORDS_H_
#define KRYPTON_ACCOUNTS_PASSWORDS_H_

#include <cstdint>
#include <string>

#include "accounts/accounts.h"

namespace krypton::accounts {

// Before a code-checked registration spends a hash (read only): kUserNoSuchManufacturer,
// 3400008 when `contact` already has an account in `pid`.
Status MayRegister(Env& env, const std::string& pid, const Contact& contact);

// Registers `contact` in `pid` with `password`, proven by `code` (a register code sent to
// the contact, or its checkVerifyCode token; the caller has checked it with CheckCode).
// One transaction: the contact still free (3400008), the code still valid (3400021,
// 3400003, 3400002 — not counted again), the account created (e-mail accounts verified),
// the code deleted. Returns the new uid.
Result<std::string> Register(Env& env, const std::string& pid, const Contact& contact,
                             const std::string& password, const std::string& code, int64_t now_ms);

// Registers an unverified e-mail account (user-api.md §3.4 type=email; login answers
// 3400009 until the link is followed): 3400008 when the e-mail is taken. Returns it.
Result<storage::User> RegisterUnverified(Env& env, const std::string& pid, const std::string& email,
                                         const std::string& password, int64_t now_ms);

// Resets the password of `uid` (the account of `contact` in `pid`), proven by a
// resetPassword `code` the caller has checked: in one transaction the code is re-checked
// (not counted), the hash and the token epoch set, refresh tokens revoked, the code
// deleted. Publishes kTokenEpoch.
Status ResetPassword(Env& env, const std::string& uid, const std::string& pid,
                     const Contact& contact, const std::string& code, const std::string& password,
                     int64_t now_ms);

// Resets the password by an e-mail link token (purpose resetPasswordEmail): one
// transaction re-checks the token (3400012), sets hash and epoch, revokes refresh tokens
// and deletes the token. Publishes kTokenEpoch. The caller checked the token before
// with CheckEmailToken (links.h), where guesses are counted.
Status ResetPasswordByEmail(Env& env, const std::string& token, const std::string& password,
                            int64_t now_ms);

// Changes the password of `uid` after checking `old_password` (3400007 and *wrong_guess
// when wrong). The new hash is written only if the stored one is still the one checked
// (a concurrent change wins: 3400007). Publishes kTokenEpoch.
Status ChangePassword(Env& env, const std::string& uid, const std::string& old_password,
                      const std::string& new_password, bool* wrong_guess);

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_PASSWORDS_H_
