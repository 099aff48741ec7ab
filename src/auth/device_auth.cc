#include "auth/device_auth.h"

#include <sodium.h>

#include <cstdio>

namespace krypton::auth {
namespace {

void Hmac(std::string_view key, std::string_view message,
          unsigned char out[crypto_auth_hmacsha256_BYTES]) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, out);
}

}  // namespace

std::string DeriveAuthKey(std::string_view auth_secret, std::string_view dev_tid) {
  if (auth_secret.empty()) return "";
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  Hmac(auth_secret, dev_tid, mac);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, 32);
}

std::string DeriveShortCodePassword(std::string_view auth_secret, std::string_view dev_tid,
                                    std::string_view short_code) {
  if (auth_secret.empty()) return "";
  std::string message = "short|" + std::string(dev_tid) + "|" + std::string(short_code);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  Hmac(auth_secret, message, mac);
  uint32_t n =
      (uint32_t{mac[0]} << 24) | (uint32_t{mac[1]} << 16) | (uint32_t{mac[2]} << 8) | mac[3];
  char digits[8];
  std::snprintf(digits, sizeof digits, "%04u", n % 10000);
  return digits;
}

std::string DeriveLicense(std::string_view license_secret, std::string_view mid,
                          std::string_view dev_tid) {
  if (license_secret.empty()) return "";
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  std::string message = std::string(mid) + "|" + std::string(dev_tid);
  Hmac(license_secret, message, mac);
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, kVariant)];
  sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, kVariant);
  return std::string(b64);
}

}  // namespace krypton::auth
