#include "net/throttle.h"

#include <gtest/gtest.h>

namespace krypton::net {
namespace {

using namespace std::chrono_literals;

TEST(BackoffTest, DoublesUpToTheBoundAndResets) {
  Backoff b(50ms, 1000ms);
  EXPECT_TRUE(b.idle());
  EXPECT_EQ(b.Next(), 50ms);
  EXPECT_FALSE(b.idle());
  EXPECT_EQ(b.Next(), 100ms);
  EXPECT_EQ(b.Next(), 200ms);
  EXPECT_EQ(b.Next(), 400ms);
  EXPECT_EQ(b.Next(), 800ms);
  EXPECT_EQ(b.Next(), 1000ms);
  EXPECT_EQ(b.Next(), 1000ms);  // bounded
  b.Reset();
  EXPECT_TRUE(b.idle());
  EXPECT_EQ(b.Next(), 50ms);
}

TEST(BackoffTest, DegenerateBoundsStayPositive) {
  Backoff zero(0ms, 0ms);
  EXPECT_EQ(zero.Next(), 1ms);
  EXPECT_EQ(zero.Next(), 1ms);
  Backoff low_max(50ms, 10ms);  // the bound is never below the first delay
  EXPECT_EQ(low_max.Next(), 50ms);
  EXPECT_EQ(low_max.Next(), 50ms);
}

TEST(LogThrottleTest, OneLinePerIntervalWithTheCountLeftOut) {
  LogThrottle t(10s);
  LogThrottle::Clock::time_point t0{};
  t0 += 1h;
  uint64_t suppressed = 99;
  ASSERT_TRUE(t.Allow(t0, &suppressed));  // the first event is logged
  EXPECT_EQ(suppressed, 0u);
  // The accept loop of main failed every 50 ms: 199 more events within 10 s.
  for (int i = 1; i < 200; ++i) {
    EXPECT_FALSE(t.Allow(t0 + i * 50ms, &suppressed)) << i;
  }
  ASSERT_TRUE(t.Allow(t0 + 10s, &suppressed));
  EXPECT_EQ(suppressed, 199u);
  EXPECT_FALSE(t.Allow(t0 + 19s, &suppressed));
  ASSERT_TRUE(t.Allow(t0 + 30s, &suppressed));
  EXPECT_EQ(suppressed, 1u);
  ASSERT_TRUE(t.Allow(t0 + 41s, &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

}  // namespace
}  // namespace krypton::net
