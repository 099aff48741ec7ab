#include "auth/hash_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace krypton::auth {
namespace {

// A gate jobs wait on, so a test decides when the workers are free again.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

void WaitFor(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

TEST(HashQueueTest, PerAccountBoundRefusesAtOnce) {
  HashQueue q(1, 100, 2);
  Gate gate;
  std::atomic<int> ran{0};
  EXPECT_TRUE(q.Submit("a", [&] {
    gate.Wait();
    ++ran;
  }));
  EXPECT_TRUE(q.Submit("a", [&] { ++ran; }));
  // The account has two jobs waiting or running: the third is refused, not queued.
  EXPECT_FALSE(q.Submit("a", [&] { ++ran; }));
  EXPECT_EQ(q.InFlight("a"), 2u);
  // Another account still gets in.
  EXPECT_TRUE(q.Submit("b", [&] { ++ran; }));
  gate.Open();
  WaitFor([&] { return ran == 3; });
  EXPECT_EQ(ran, 3);
  WaitFor([&] { return q.InFlight() == 0; });
  EXPECT_EQ(q.InFlight("a"), 0u);
  // Its share is given back once its jobs are done.
  EXPECT_TRUE(q.Submit("a", [&] { ++ran; }));
}

TEST(HashQueueTest, GlobalBoundRefusesAtOnce) {
  HashQueue q(1, 3, 10);
  Gate gate;
  std::atomic<int> ran{0};
  EXPECT_TRUE(q.Submit("a", [&] {
    gate.Wait();
    ++ran;
  }));
  EXPECT_TRUE(q.Submit("b", [&] { ++ran; }));
  EXPECT_TRUE(q.Submit("c", [&] { ++ran; }));
  EXPECT_FALSE(q.Submit("d", [&] { ++ran; }));
  EXPECT_EQ(q.InFlight(), 3u);
  gate.Open();
  q.Stop();
  EXPECT_EQ(ran, 3);
  // Stopped: nothing more is accepted.
  EXPECT_FALSE(q.Submit("e", [&] { ++ran; }));
}

TEST(HashQueueTest, AccountsAreServedInTurn) {
  // One worker: a flood of account "a" and one job of "b" queued after it; "b" runs
  // second, not after the whole flood.
  HashQueue q(1, 100, 50);
  Gate gate;
  std::mutex mu;
  std::vector<std::string> order;
  auto record = [&](std::string who) {
    std::lock_guard lock(mu);
    order.push_back(std::move(who));
  };
  std::atomic<bool> started{false};
  ASSERT_TRUE(q.Submit("a", [&] {
    started = true;
    gate.Wait();
    record("a");
  }));
  WaitFor([&] { return started.load(); });  // the first job is running, not waiting
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.Submit("a", [&] { record("a"); }));
  ASSERT_TRUE(q.Submit("b", [&] { record("b"); }));
  gate.Open();
  q.Stop();
  ASSERT_EQ(order.size(), 7u);
  // The first "a" was running; then "a" (queued first) and "b" take turns: a, a, b, a, …
  EXPECT_EQ(order[2], "b");
  EXPECT_EQ(order[6], "a");
}

TEST(HashQueueTest, ThenRunsAfterThePlaceIsGivenBack) {
  HashQueue q(1, 100, 1);
  std::atomic<bool> resubmitted{false};
  std::atomic<int> ran{0};
  ASSERT_TRUE(q.Submit(
      "a", [&] { ++ran; },
      // A client answered here sends its next request at once: it must be accepted.
      [&] { resubmitted = q.Submit("a", [&] { ++ran; }); }));
  WaitFor([&] { return ran == 2; });
  EXPECT_TRUE(resubmitted);
  EXPECT_EQ(ran, 2);
}

TEST(HashQueueTest, StopRunsQueuedJobs) {
  std::atomic<int> ran{0};
  {
    HashQueue q(2, 100, 100);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(q.Submit(std::to_string(i % 3), [&] { ++ran; }));
  }
  EXPECT_EQ(ran, 20);
}

}  // namespace
}  // namespace krypton::auth
