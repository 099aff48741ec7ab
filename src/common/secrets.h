// Random secrets and constant-time comparison (libsodium).
//
// Every token, key and code Krypton generates comes from here, so the source of
// randomness is one libsodium call. Call InitSecrets() once before any other
// function (it is idempotent and thread-safe); afterwards every function may be
// called from any thread.
#ifndef KRYPTON_COMMON_SECRETS_H_
#define KRYPTON_COMMON_SECRETS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace krypton {

// Initialises libsodium. Returns false if the library cannot start (the process
// should then exit: no secret can be generated safely).
bool InitSecrets();

// `bytes` random bytes as 2*bytes lowercase hex characters.
std::string RandomHex(size_t bytes);

// `length` random characters from [0-9A-Za-z], uniformly distributed.
std::string RandomAlnum(size_t length);

// `length` random decimal digits (verify codes, PINs, uids).
std::string RandomDigits(size_t length);

// True when a == b, in time independent of where they differ (the length of the
// inputs is not hidden). Use it for every comparison against a secret.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// SHA-256 of `data` as 64 lowercase hex characters (tokens are stored hashed).
std::string Sha256Hex(std::string_view data);

}  // namespace krypton

#endif  // KRYPTON_COMMON_SECRETS_H_
