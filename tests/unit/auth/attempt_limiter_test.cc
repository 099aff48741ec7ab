#include "auth/attempt_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace krypton::auth {
namespace {

class AttemptLimiterTest : public ::testing::Test {
 protected:
  int64_t now_ = 1000;
  AttemptLimiter limiter_{100, [this] { return now_; }};
  std::vector<AttemptLimiter::Bound> Bounds(int acct_limit = 3, int ip_limit = 10) {
    return {{"acct", acct_limit, true}, {"ip", ip_limit, false}};
  }
};

TEST_F(AttemptLimiterTest, ReservationsCountBeforeTheyResolve) {
  auto a = limiter_.Reserve(Bounds(), 60000);
  auto b = limiter_.Reserve(Bounds(), 60000);
  auto c = limiter_.Reserve(Bounds(), 60000);
  ASSERT_TRUE(a && b && c);
  // Three guesses in flight: a fourth is refused before any is checked.
  EXPECT_EQ(limiter_.Reserve(Bounds(), 60000), nullptr);
  c.reset();  // released unresolved (e.g. the hashing queue was full)
  auto d = limiter_.Reserve(Bounds(), 60000);
  ASSERT_TRUE(d);
  a->Fail();
  b->Fail();
  EXPECT_TRUE(d->Fail());  // the third failure reaches the limit
  EXPECT_EQ(limiter_.Failures("acct"), 3);
  EXPECT_EQ(limiter_.Reserve(Bounds(), 60000), nullptr);
}

TEST_F(AttemptLimiterTest, WindowEndForgetsFailures) {
  for (int i = 0; i < 3; ++i) limiter_.Reserve(Bounds(), 60000)->Fail();
  EXPECT_EQ(limiter_.Reserve(Bounds(), 60000), nullptr);
  now_ += 59999;
  EXPECT_EQ(limiter_.Reserve(Bounds(), 60000), nullptr);
  now_ += 1;
  EXPECT_NE(limiter_.Reserve(Bounds(), 60000), nullptr);
}

TEST_F(AttemptLimiterTest, SuccessClearsTheAccountNotTheIp) {
  limiter_.Reserve(Bounds(), 60000)->Fail();
  limiter_.Reserve(Bounds(), 60000)->Fail();
  limiter_.Reserve(Bounds(), 60000)->Succeed();
  EXPECT_EQ(limiter_.Failures("acct"), 0);
  EXPECT_EQ(limiter_.Failures("ip"), 2);
}

TEST_F(AttemptLimiterTest, AnyKeyOverItsLimitRefusesAndReservesNothing) {
  for (int i = 0; i < 2; ++i) {
    limiter_.Reserve({{"other", 5, true}, {"ip", 2, false}}, 60000)->Fail();
  }
  EXPECT_EQ(limiter_.Reserve(Bounds(3, 2), 60000), nullptr);
  // The refused guess left no reservation on "acct".
  EXPECT_NE(limiter_.Reserve({{"acct", 1, true}}, 60000), nullptr);
}

TEST_F(AttemptLimiterTest, ConcurrentGuessesNeverExceedTheLimit) {
  std::atomic<int> checked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&] {
      auto t = limiter_.Reserve({{"acct", 5, true}}, 60000);
      if (!t) return;
      ++checked;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      t->Fail();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(checked, 5);
  EXPECT_EQ(limiter_.Failures("acct"), checked.load());
}

TEST_F(AttemptLimiterTest, FullTableRefusesNewKeysInsteadOfForgetting) {
  AttemptLimiter small(2, [this] { return now_; });
  small.Reserve({{"k1", 5, true}}, 60000)->Fail();
  small.Reserve({{"k2", 5, true}}, 60000)->Fail();
  EXPECT_EQ(small.Reserve({{"k3", 5, true}}, 60000), nullptr);
  EXPECT_EQ(small.Failures("k1"), 1);  // nobody's counter was reset
  now_ += 60000;                       // windows over: their keys can go
  EXPECT_NE(small.Reserve({{"k3", 5, true}}, 60000), nullptr);
}

}  // namespace
}  // namespace krypton::auth
