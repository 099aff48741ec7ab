#include "net/timeout_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <vector>

namespace krypton::net::detail {
namespace {

using namespace std::chrono_literals;
using Clock = TimeoutClient::Clock;

// Records when (and in which order) it was told its deadline passed.
class Probe final : public TimeoutClient {
 public:
  Probe(TimeoutQueue& q, int id, std::vector<int>* fired)
      : TimeoutClient(q), id_(id), fired_(fired) {}
  void Schedule(Clock::time_point at) {
    deadline_ = at;
    ScheduleTimeout(at);
  }
  void Cancel() { CancelTimeout(); }
  void OnDeadline(Clock::time_point now) override {
    late_ = now - deadline_;
    fired_->push_back(id_);
    if (on_deadline) on_deadline();
  }
  std::function<void()> on_deadline;
  Clock::duration late_{-1};
  Clock::time_point deadline_;

 private:
  int id_;
  std::vector<int>* fired_;
};

TEST(TimeoutQueueTest, FiresInDeadlineOrderAndNeverEarly) {
  boost::asio::io_context ioc;
  TimeoutQueue& q = TimeoutQueue::Of(ioc);
  EXPECT_EQ(&q, &TimeoutQueue::Of(ioc));  // one per io_context
  std::vector<int> fired;
  std::vector<std::unique_ptr<Probe>> probes;
  auto start = Clock::now();
  std::vector<int> order = {5, 1, 4, 2, 3, 0, 7, 6};
  for (int i : order) {
    probes.push_back(std::make_unique<Probe>(q, i, &fired));
    probes.back()->Schedule(start + 10ms * (i + 1));
  }
  EXPECT_EQ(q.size(), order.size());
  ioc.run();  // returns once the queue is empty: no wait is left pending
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  for (auto& p : probes) EXPECT_GE(p->late_, Clock::duration::zero());
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimeoutQueueTest, MovedAndCancelledDeadlines) {
  boost::asio::io_context ioc;
  TimeoutQueue& q = TimeoutQueue::Of(ioc);
  std::vector<int> fired;
  auto now = Clock::now();
  Probe a(q, 1, &fired), b(q, 2, &fired), c(q, 3, &fired);
  a.Schedule(now + 10ms);
  b.Schedule(now + 20ms);
  c.Schedule(now + 30ms);
  a.Schedule(now + 40ms);  // later
  c.Schedule(now + 5ms);   // earlier
  b.Cancel();
  b.Cancel();  // idempotent
  ioc.run();
  EXPECT_EQ(fired, (std::vector<int>{3, 1}));
}

TEST(TimeoutQueueTest, ClientsMayRescheduleAndRemoveOthersWhenTold) {
  boost::asio::io_context ioc;
  TimeoutQueue& q = TimeoutQueue::Of(ioc);
  std::vector<int> fired;
  auto now = Clock::now();
  Probe a(q, 1, &fired), b(q, 2, &fired), c(q, 3, &fired);
  a.Schedule(now);
  b.Schedule(now);
  c.Schedule(now + 50ms);
  int a_calls = 0;
  a.on_deadline = [&] {
    if (++a_calls == 1) a.Schedule(Clock::now() + 10ms);  // activity seen: wait again
    b.Cancel();
  };
  ioc.run();
  // a fired twice, b was removed by a before (or after) its own turn, c last.
  EXPECT_EQ(a_calls, 2);
  EXPECT_EQ(fired.back(), 3);
  EXPECT_LE(std::count(fired.begin(), fired.end(), 2), 1);
}

TEST(TimeoutQueueTest, RandomOperationsKeepTheHeapOrdered) {
  boost::asio::io_context ioc;
  TimeoutQueue& q = TimeoutQueue::Of(ioc);
  std::vector<int> fired;
  std::vector<std::unique_ptr<Probe>> probes;
  std::vector<bool> queued(300, false);
  for (int i = 0; i < 300; ++i) probes.push_back(std::make_unique<Probe>(q, i, &fired));
  std::mt19937 rng(7);
  // Every deadline is already past, so all the queued ones fire on the first run.
  auto past = Clock::now() - 1h;
  for (int step = 0; step < 20000; ++step) {
    int i = static_cast<int>(rng() % probes.size());
    if (rng() % 4 == 0) {
      probes[i]->Cancel();
      queued[i] = false;
    } else {
      probes[i]->Schedule(past + std::chrono::milliseconds(rng() % 100000));
      queued[i] = true;
    }
  }
  size_t expected = static_cast<size_t>(std::count(queued.begin(), queued.end(), true));
  EXPECT_EQ(q.size(), expected);
  ioc.run();
  ASSERT_EQ(fired.size(), expected);
  for (size_t k = 1; k < fired.size(); ++k) {
    EXPECT_LE(probes[fired[k - 1]]->deadline_, probes[fired[k]]->deadline_) << k;
  }
  for (int id : fired) EXPECT_TRUE(queued[id]) << id;
}

TEST(TimeoutQueueTest, DestroyingTheContextForgetsQueuedClients) {
  std::vector<int> fired;
  auto probe = std::make_unique<std::unique_ptr<Probe>>();
  {
    boost::asio::io_context ioc;
    TimeoutQueue& q = TimeoutQueue::Of(ioc);
    *probe = std::make_unique<Probe>(q, 1, &fired);
    (*probe)->Schedule(Clock::now() + 1h);
  }
  probe->reset();  // its destructor must not touch the destroyed queue
  EXPECT_TRUE(fired.empty());
}

}  // namespace
}  // namespace krypton::net::detail
