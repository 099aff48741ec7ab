// Image captchas (user-api.md §3.1): a random 5-digit code drawn into a small grayscale
// PNG (zlib), kept in memory for `ttl_ms` keyed by the client's rid. Checking consumes
// the captcha; its captchaToken "<rid>:<code>" is then accepted once by the verify-code
// endpoints when uaa.captcha_required is set. Bounded: at most `max_entries` captchas
// (the oldest go first). Thread-safe.
#ifndef KRYPTON_AUTH_CAPTCHA_H_
#define KRYPTON_AUTH_CAPTCHA_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/status.h"

namespace krypton::auth {

class CaptchaStore {
 public:
  CaptchaStore(int64_t ttl_ms = 5 * 60 * 1000, size_t max_entries = 10000)
      : ttl_ms_(ttl_ms), max_entries_(max_entries) {}

  // A new captcha for `rid` (replacing an older one); returns its PNG bytes.
  std::string Create(const std::string& rid, int64_t now_ms);
  // 3400003 unknown or expired rid, 3400002 wrong code; on success the captcha becomes
  // a token that IssueToken/ConsumeToken accept once.
  Status Check(const std::string& rid, const std::string& code, int64_t now_ms);
  // True (once) for "<rid>:<code>" of a checked — or correct but unchecked — captcha.
  bool ConsumeToken(const std::string& token, int64_t now_ms);

  // The code of `rid` (tests read the image's digits this way).
  std::string CodeForTest(const std::string& rid);

 private:
  struct Entry {
    std::string code;
    int64_t expires_ms;
  };
  const int64_t ttl_ms_;
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

// A grayscale PNG of `text` (digits), with noise.
std::string RenderCaptchaPng(const std::string& text);

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_CAPTCHA_H_
