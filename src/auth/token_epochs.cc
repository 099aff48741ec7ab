#include "auth/token_epochs.h"

#include <utility>

namespace krypton::auth {

TokenEpochs::TokenEpochs(std::function<std::optional<int64_t>(const std::string& uid)> load,
                         std::function<int64_t()> now_ms, int64_t ttl_ms, size_t max_entries)
    : load_(std::move(load)),
      now_ms_(std::move(now_ms)),
      ttl_ms_(ttl_ms),
      max_entries_(max_entries) {}

Status TokenEpochs::Check(const std::string& uid, int64_t epoch) {
  int64_t now = now_ms_();
  std::optional<int64_t> current;
  bool hit = false;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    generation = generation_;
    auto it = cache_.find(uid);
    if (it != cache_.end() && now - it->second.loaded_ms < ttl_ms_) {
      current = it->second.epoch;
      hit = true;
    }
  }
  if (!hit) {
    // Read outside the lock (a store call). A Forget during the read may mean the value is
    // already old: it is then used for this check only, never cached.
    current = load_(uid);
    std::lock_guard lock(mu_);
    if (ttl_ms_ > 0 && generation == generation_) {
      if (cache_.size() >= max_entries_) cache_.clear();
      cache_[uid] = Entry{current, now};
    }
  }
  // No such account: nothing to compare; the caller answers an unknown user as before
  // (appLogin 1400010, the routes' own codes).
  if (!current) return Status();
  if (epoch != *current) {
    return Status(Code::kUaaInvalidToken).WithDetail("revoked by a password change or reset");
  }
  return Status();
}

void TokenEpochs::Forget(const std::string& uid) {
  std::lock_guard lock(mu_);
  ++generation_;
  cache_.erase(uid);
}

void TokenEpochs::ForgetAll() {
  std::lock_guard lock(mu_);
  ++generation_;
  cache_.clear();
}

}  // namespace krypton::auth
