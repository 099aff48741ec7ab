// Password hashing: argon2id through libsodium's crypto_pwhash_str.
//
// Hashes are self-describing strings ("$argon2id$v=19$m=…,t=…,p=1$…") that carry
// their salt and parameters, so they can be verified after the parameters change.
// Verification is constant-time (libsodium). Thread-safe after InitSecrets().
#ifndef KRYPTON_AUTH_PASSWORD_H_
#define KRYPTON_AUTH_PASSWORD_H_

#include <optional>
#include <string>
#include <string_view>

namespace krypton::auth {

// Cost of a new hash. kInteractive (≈64 MiB, 2 passes) is the default for accounts;
// kMinimal exists for tests that create many users.
enum class PasswordCost { kInteractive, kMinimal };

// The argon2id hash of `password`, or nullopt when libsodium runs out of memory.
std::optional<std::string> HashPassword(std::string_view password,
                                        PasswordCost cost = PasswordCost::kInteractive);

// True when `password` matches `hash`. A malformed hash never matches.
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_PASSWORD_H_
