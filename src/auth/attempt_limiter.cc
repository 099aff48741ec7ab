#include "auth/attempt_limiter.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace krypton::auth {

AttemptLimiter::AttemptLimiter(size_t max_keys, std::function<int64_t()> now_ms)
    : max_keys_(max_keys), now_ms_(std::move(now_ms)) {}

AttemptLimiter::Ticket::~Ticket() {
  if (!resolved_) (void)owner_->Resolve(*this, false);
}

bool AttemptLimiter::Ticket::Fail() {
  if (resolved_) return false;
  resolved_ = true;
  return owner_->Resolve(*this, true);
}

void AttemptLimiter::Ticket::Succeed() {
  if (resolved_) return;
  resolved_ = true;
  (void)owner_->Resolve(*this, false);
  // Clearing is separate from releasing: the key's failures go, its other reservations stay.
  std::lock_guard lock(owner_->mu_);
  for (const Bound& b : bounds_) {
    if (!b.clear_on_success) continue;
    auto it = owner_->entries_.find(b.key);
    if (it == owner_->entries_.end()) continue;
    it->second.failures = 0;
    if (it->second.pending == 0) owner_->entries_.erase(it);
  }
}

void AttemptLimiter::Expire(Entry& e, int64_t window_ms, int64_t now) const {
  if (e.failures > 0 && now - e.start_ms >= window_ms) e.failures = 0;
}

std::shared_ptr<AttemptLimiter::Ticket> AttemptLimiter::Reserve(std::vector<Bound> bounds,
                                                                int64_t window_ms) {
  int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  last_window_ms_ = std::max(last_window_ms_, window_ms);
  size_t missing = 0;
  for (const Bound& b : bounds) {
    auto it = entries_.find(b.key);
    if (it == entries_.end()) {
      ++missing;
      if (b.limit <= 0) return nullptr;
      continue;
    }
    Expire(it->second, window_ms, now);
    if (it->second.failures + it->second.pending >= b.limit) return nullptr;
  }
  if (entries_.size() + missing > max_keys_) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      Expire(it->second, last_window_ms_, now);
      it = it->second.failures == 0 && it->second.pending == 0 ? entries_.erase(it) : std::next(it);
    }
    if (entries_.size() + missing > max_keys_) return nullptr;
  }
  for (const Bound& b : bounds) ++entries_[b.key].pending;
  return std::shared_ptr<Ticket>(new Ticket(this, std::move(bounds), window_ms));
}

bool AttemptLimiter::Resolve(const Ticket& t, bool failed) {
  int64_t now = now_ms_();
  bool reached = false;
  std::lock_guard lock(mu_);
  for (const Bound& b : t.bounds_) {
    auto it = entries_.find(b.key);
    if (it == entries_.end()) continue;
    Entry& e = it->second;
    if (e.pending > 0) --e.pending;
    Expire(e, t.window_ms_, now);
    if (failed) {
      if (e.failures == 0) e.start_ms = now;
      if (++e.failures == b.limit) reached = true;
    }
    if (e.failures == 0 && e.pending == 0) entries_.erase(it);
  }
  return reached;
}

int AttemptLimiter::Failures(const std::string& key) {
  int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  Expire(it->second, last_window_ms_, now);
  return it->second.failures;
}

size_t AttemptLimiter::KeyCountForTest() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace krypton::auth
