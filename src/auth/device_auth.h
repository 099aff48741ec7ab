// Device credentials derived from an enterprise secret (enterprise-api.md §4.1), so
// the hub can check them without per-device storage:
//   authKey = hex(HMAC-SHA256(authSecret, devTid))[0:32]
//   license = base64url(HMAC-SHA256(licenseSecret, mid + "|" + devTid)), no padding (43 chars)
//   short-code password = first 4 bytes of HMAC-SHA256(authSecret, "short|" + devTid + "|" +
//                         shortCode), big-endian, mod 10000, as 4 digits
//   (so the enterprise API can show it again without storing it, enterprise-api.md §5)
// An empty secret derives nothing (""), which never matches a presented credential.
// Pure functions; thread-safe after InitSecrets().
#ifndef KRYPTON_AUTH_DEVICE_AUTH_H_
#define KRYPTON_AUTH_DEVICE_AUTH_H_

#include <string>
#include <string_view>

namespace krypton::auth {

std::string DeriveAuthKey(std::string_view auth_secret, std::string_view dev_tid);
std::string DeriveLicense(std::string_view license_secret, std::string_view mid,
                          std::string_view dev_tid);
std::string DeriveShortCodePassword(std::string_view auth_secret, std::string_view dev_tid,
                                    std::string_view short_code);

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_DEVICE_AUTH_H_
