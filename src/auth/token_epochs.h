// TokenEpochs: which token epoch each account is at, cached (issue 14,
// docs/security/passwords.md).
//
// Every access and refresh token carries the epoch of its account when it was signed (the
// `tep` claim, auth/jwt.h); a password change or reset bumps users.token_epoch in the same
// statement as the new hash, so every token signed before is refused where a token is
// accepted (HTTP Bearer, /token/refresh, the app hub's appLogin over TCP and WebSocket).
//
// The cache keeps each account's epoch for `ttl_ms` (hub.access_cache_ms: a change made by
// another process, such as the admin CLI, is seen within it). A change made by this
// process through the account domain publishes a kTokenEpoch ChangeEvent after its
// commit; accounts::EpochListener (accounts/epoch_listener.h) then calls Forget(uid), so
// the change takes effect at once.
// Bound: at most `max_entries` accounts; when full the cache is emptied (decision 0004's
// rule for the access cache). Thread-safe (one mutex).
#ifndef KRYPTON_AUTH_TOKEN_EPOCHS_H_
#define KRYPTON_AUTH_TOKEN_EPOCHS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/status.h"

namespace krypton::auth {

class TokenEpochs {
 public:
  // `load(uid)` reads the account's current epoch (nullopt: no such account; a value no
  // token carries, e.g. -1, when it cannot be read); `now_ms` is the clock.
  TokenEpochs(std::function<std::optional<int64_t>(const std::string& uid)> load,
              std::function<int64_t()> now_ms, int64_t ttl_ms, size_t max_entries);

  // kUaaInvalidToken ("revoked by a password change or reset") when the account exists and
  // is at another epoch than `epoch`; OK otherwise (an unknown account is the caller's
  // business: it answers it as before).
  Status Check(const std::string& uid, int64_t epoch);
  // The account's epoch changed (or may have): read it again on the next Check.
  void Forget(const std::string& uid);
  // Every account's epoch may have changed: read each again on its next Check.
  void ForgetAll();

 private:
  struct Entry {
    std::optional<int64_t> epoch;
    int64_t loaded_ms = 0;
  };
  const std::function<std::optional<int64_t>(const std::string&)> load_;
  const std::function<int64_t()> now_ms_;
  const int64_t ttl_ms_;
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
  uint64_t generation_ = 0;                       // guarded by mu_; counts Forget calls
};

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_TOKEN_EPOCHS_H_
