// Pure helpers of the accept loop (listener.cc): an exponential back-off and a log
// throttle. No I/O and no clock of their own — callers pass the time — so they are
// tested without sleeping (tests/unit/net/throttle_test.cc).
//
// Threading: none; each instance belongs to one listener and is used on its accepting
// loop only.
#ifndef KRYPTON_NET_THROTTLE_H_
#define KRYPTON_NET_THROTTLE_H_

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace krypton::net {

// Delays after consecutive failures: first, 2×first, 4×first, … capped at max; Reset()
// after a success starts again from first.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
      : first_(std::max(first, std::chrono::milliseconds(1))),
        max_(std::max(max, first_)),
        next_(first_) {}

  // The delay to wait after this failure; the next one doubles (up to max).
  std::chrono::milliseconds Next() {
    std::chrono::milliseconds now = next_;
    next_ = std::min(max_, next_ * 2);
    return now;
  }
  void Reset() { next_ = first_; }
  // True when no failure happened since the last Reset().
  bool idle() const { return next_ == first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

// At most one log line per interval for a recurring event: the first event is logged,
// the ones within `interval` of the last logged line are only counted, and the next
// logged line reports how many were left out.
class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogThrottle(std::chrono::milliseconds interval) : interval_(interval) {}

  // An event at `now`. True when it should be logged; *suppressed is then the number
  // of events not logged since the previous line (0 for the first).
  bool Allow(Clock::time_point now, uint64_t* suppressed) {
    if (logged_once_ && now < last_ + interval_) {
      ++suppressed_;
      return false;
    }
    *suppressed = suppressed_;
    suppressed_ = 0;
    last_ = now;
    logged_once_ = true;
    return true;
  }

  std::chrono::milliseconds interval() const { return interval_; }

 private:
  std::chrono::milliseconds interval_;
  Clock::time_point last_{};
  uint64_t suppressed_ = 0;
  bool logged_once_ = false;
};

}  // namespace krypton::net

#endif  // KRYPTON_NET_THROTTLE_H_
