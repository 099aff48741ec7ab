// Clock: the one source of "now" for code that must be testable without sleeping.
//
// SystemClock reads the real clocks; ManualClock is advanced by tests. Both are
// safe to call from any thread (ManualClock uses an atomic).
#ifndef KRYPTON_COMMON_CLOCK_H_
#define KRYPTON_COMMON_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace krypton {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, epoch milliseconds (business timestamps, D11).
  virtual int64_t NowMs() const = 0;
  // Wall-clock time, epoch seconds (JWT exp).
  int64_t NowS() const { return NowMs() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  // A process-wide instance.
  static const SystemClock& Instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_relaxed); }
  void AdvanceMs(int64_t ms) { now_ms_.fetch_add(ms, std::memory_order_relaxed); }
  void SetMs(int64_t ms) { now_ms_.store(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace krypton

#endif  // KRYPTON_COMMON_CLOCK_H_
