// Internal to src/net: the inactivity deadlines of every session of one event loop.
//
// One TimeoutQueue per io_context (an Asio service, created on first use): a binary
// min-heap of (deadline, client) and one steady_timer armed at the earliest deadline.
// A session therefore owns no timer: one heap slot (16 bytes) and a heap index instead
// of a steady_timer (112 bytes) and a pending wait operation (~100 bytes) each
// (docs/benchmarks.md, session 3). Deadlines stay exact: a client is told at its
// deadline, as with a timer of its own.
//
// Threading: every call on the thread that runs the io_context, which must be exactly
// one (IoPool's loops are). The timer is armed only while the heap is non-empty, so a
// loop without sessions can return from run() (IoPool::ReleaseWork).
// Lifetime: a client is not owned; it must be removed (Remove) before it is destroyed.
// When the io_context shuts down the queue forgets its clients, so their later
// Remove() is a no-op.
#ifndef KRYPTON_NET_TIMEOUT_QUEUE_H_
#define KRYPTON_NET_TIMEOUT_QUEUE_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

namespace krypton::net::detail {

class TimeoutQueue;

// Something with a deadline in a TimeoutQueue (a session).
class TimeoutClient {
 public:
  using Clock = std::chrono::steady_clock;

  // The deadline passed: the client has left the queue (it may Schedule again).
  virtual void OnDeadline(Clock::time_point now) = 0;

 protected:
  // A client stays in `queue` (its loop's) for its whole life.
  explicit TimeoutClient(TimeoutQueue& queue) : queue_(&queue) {}
  ~TimeoutClient();
  TimeoutClient(const TimeoutClient&) = delete;
  TimeoutClient& operator=(const TimeoutClient&) = delete;

  // Sets (or moves) the deadline. No-op once the io_context has shut down.
  void ScheduleTimeout(Clock::time_point deadline);
  // Leaves the queue; no-op when not in it.
  void CancelTimeout();

 private:
  friend class TimeoutQueue;
  static constexpr uint32_t kNone = UINT32_MAX;
  TimeoutQueue* queue_;     // nullptr once the io_context has shut down
  uint32_t index_ = kNone;  // position in queue_->heap_
};

class TimeoutQueue final : public boost::asio::execution_context::service {
 public:
  using Clock = TimeoutClient::Clock;
  static boost::asio::execution_context::id id;

  explicit TimeoutQueue(boost::asio::io_context& ioc);

  // The queue of `ioc` (created on first use). Any thread.
  static TimeoutQueue& Of(boost::asio::io_context& ioc);

  size_t size() const { return heap_.size(); }

 private:
  friend class TimeoutClient;
  struct Slot {
    Clock::time_point deadline;
    TimeoutClient* client;
  };

  void shutdown() override;

  void Schedule(TimeoutClient* client, Clock::time_point deadline);
  void Remove(TimeoutClient* client);
  void RemoveAt(uint32_t i);
  void Place(uint32_t i, Slot slot);
  void SiftUp(uint32_t i);
  void SiftDown(uint32_t i);
  // Keeps the timer armed at the earliest deadline, or idle when there is none.
  void Arm();
  void OnTimer();

  std::vector<Slot> heap_;
  boost::asio::steady_timer timer_;
  Clock::time_point armed_at_{};
  bool armed_ = false;     // a wait for armed_at_ is pending
  bool in_timer_ = false;  // OnTimer is running: it arms once at the end
};

}  // namespace krypton::net::detail

#endif  // KRYPTON_NET_TIMEOUT_QUEUE_H_
