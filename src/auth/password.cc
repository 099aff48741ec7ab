#include "auth/password.h"

#include <sodium.h>

namespace krypton::auth {

std::optional<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = cost == PasswordCost::kInteractive ? crypto_pwhash_OPSLIMIT_INTERACTIVE
                                                              : crypto_pwhash_OPSLIMIT_MIN;
  size_t mem = cost == PasswordCost::kInteractive ? crypto_pwhash_MEMLIMIT_INTERACTIVE
                                                  : crypto_pwhash_MEMLIMIT_MIN;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  // crypto_pwhash_str_verify needs a NUL-terminated hash of bounded length.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

}  // namespace krypton::auth
