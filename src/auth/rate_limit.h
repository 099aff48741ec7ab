// RateLimiter: fixed-window counters per key ("ip:1.2.3.4", "login:<uid>") with a
// bounded table (D20). Thread-safe (one mutex: HTTP paths only, not the hub's).
//
// Bound: at most `max_keys` keys; when full, expired windows are dropped first and, if
// still full, the whole table (a flood of distinct keys cannot grow memory).
#ifndef KRYPTON_AUTH_RATE_LIMIT_H_
#define KRYPTON_AUTH_RATE_LIMIT_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace krypton::auth {

class RateLimiter {
 public:
  explicit RateLimiter(size_t max_keys = 100000) : max_keys_(max_keys) {}

  // Counts one event for `key` in the window of `window_ms` starting at its first event;
  // true while the count stays within `limit`.
  bool Allow(const std::string& key, int limit, int64_t window_ms, int64_t now_ms);
  // The events counted for `key` in its current window (0 when none).
  int Count(const std::string& key, int64_t now_ms);
  void Reset(const std::string& key);

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t length_ms = 0;
    int count = 0;
  };
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;  // guarded by mu_
};

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_RATE_LIMIT_H_
