// AttemptLimiter: counts failed guesses of a secret (a password, a verify code, a PIN, a
// short-code password) per key — a canonical account, a client IP — and refuses a guess
// before it is checked once a key's failures plus the guesses being checked reach its
// limit (issue 14, docs/security/passwords.md).
//
// A guess is reserved first (Reserve), then checked, then resolved: Fail() turns the
// reservation into a failure, Succeed() releases it and clears the keys marked
// `clear_on_success`, and a Ticket dropped unresolved releases it. Reserving is atomic
// over all of a guess's keys, so N concurrent guesses can never check more than
// `limit - failures` of them.
//
// Windows are fixed: they start with a key's first counted failure and last `window_ms`;
// when one ends the key's failures are forgotten (reservations in flight stay).
//
// Bound: at most `max_keys` keys. When full, keys without failures in a live window and
// without reservations are dropped; if it is still full, a new key is refused (the guess
// gets the over-limit answer) — a flood of distinct keys cannot grow memory, and cannot
// reset anyone's counter either.
//
// Thread-safe: one mutex; every call is O(keys of the guess) except the rare sweep.
#ifndef KRYPTON_AUTH_ATTEMPT_LIMITER_H_
#define KRYPTON_AUTH_ATTEMPT_LIMITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace krypton::auth {

class AttemptLimiter {
 public:
  // One key a guess counts against.
  struct Bound {
    std::string key;                // e.g. "acct:<uid>", "ip:<addr>"
    int limit = 0;                  // failures (plus guesses in flight) allowed per window
    bool clear_on_success = false;  // a right guess forgets this key's failures
  };

  // A reserved guess. Resolve it once with Fail() or Succeed(); destroyed unresolved, it
  // is released (neither a failure nor a success). May be resolved on any thread; the
  // limiter must outlive it.
  class Ticket {
   public:
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    // True when this failure brought a key to its limit (for one log line).
    bool Fail();
    void Succeed();

   private:
    friend class AttemptLimiter;
    Ticket(AttemptLimiter* owner, std::vector<Bound> bounds, int64_t window_ms)
        : owner_(owner), bounds_(std::move(bounds)), window_ms_(window_ms) {}
    AttemptLimiter* owner_;
    std::vector<Bound> bounds_;
    int64_t window_ms_;
    bool resolved_ = false;
  };

  // `now_ms` is read through this function (a Clock's NowMs), so tickets resolved later
  // use the time of their resolution.
  AttemptLimiter(size_t max_keys, std::function<int64_t()> now_ms);

  // Reserves one guess on every bound, or none: nullptr when any key's failures plus
  // reservations already reach its limit (or the table is full of live keys).
  std::shared_ptr<Ticket> Reserve(std::vector<Bound> bounds, int64_t window_ms);

  // Failures counted for `key` in its live window (tests, logs).
  int Failures(const std::string& key);
  size_t KeyCountForTest();

 private:
  struct Entry {
    int64_t start_ms = 0;  // window start (first failure); meaningful when failures > 0
    int failures = 0;
    int pending = 0;
  };
  // Releases `t`'s reservations (counting a failure when `failed`); true when a failure
  // brought a key to its limit.
  bool Resolve(const Ticket& t, bool failed);
  // Forgets the failures of an ended window. REQUIRES: mu_ held.
  void Expire(Entry& e, int64_t window_ms, int64_t now) const;

  const size_t max_keys_;
  const std::function<int64_t()> now_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  int64_t last_window_ms_ = 0;                      // guarded by mu_; for the sweep
};

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_ATTEMPT_LIMITER_H_
