#include "common/secrets.h"

#include <sodium.h>

namespace krypton {
namespace {

std::string ToHex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string RandomFrom(std::string_view alphabet, size_t length) {
  std::string out(length, '\0');
  for (char& c : out) {
    c = alphabet[randombytes_uniform(static_cast<uint32_t>(alphabet.size()))];
  }
  return out;
}

}  // namespace

bool InitSecrets() { return sodium_init() >= 0; }

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string RandomAlnum(size_t length) {
  return RandomFrom("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", length);
}

std::string RandomDigits(size_t length) { return RandomFrom("0123456789", length); }

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(digest, sizeof digest);
}

}  // namespace krypton
