#include "auth/rate_limit.h"

namespace krypton::auth {

bool RateLimiter::Allow(const std::string& key, int limit, int64_t window_ms, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      for (auto w = windows_.begin(); w != windows_.end();) {
        w = now_ms - w->second.start_ms >= w->second.length_ms ? windows_.erase(w) : std::next(w);
      }
      if (windows_.size() >= max_keys_) windows_.clear();
    }
    it = windows_.emplace(key, Window{now_ms, window_ms, 0}).first;
  }
  Window& w = it->second;
  if (now_ms - w.start_ms >= w.length_ms) w = Window{now_ms, window_ms, 0};
  ++w.count;
  return w.count <= limit;
}

int RateLimiter::Count(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end() || now_ms - it->second.start_ms >= it->second.length_ms) return 0;
  return it->second.count;
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  windows_.erase(key);
}

}  // namespace krypton::auth
