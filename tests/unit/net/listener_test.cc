#include "net/listener.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace krypton::net {
namespace {

struct Counter final : Closable {
  int closed = 0;
  void Close() override { ++closed; }
};

TEST(SessionRegistryTest, BoundsAndSlotReuse) {
  auto registry = std::make_shared<SessionRegistry>(3, 2);
  uint64_t a = 0, b = 0, c = 0, d = 0;
  ASSERT_TRUE(registry->Reserve("10.0.0.1", &a));
  ASSERT_TRUE(registry->Reserve("10.0.0.1", &b));
  EXPECT_FALSE(registry->Reserve("10.0.0.1", &d));  // per-IP bound
  ASSERT_TRUE(registry->Reserve("10.0.0.2", &c));
  EXPECT_FALSE(registry->Reserve("10.0.0.3", &d));  // total bound
  EXPECT_EQ(registry->size(), 3u);
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  registry->Release(b, "10.0.0.1");
  EXPECT_EQ(registry->size(), 2u);
  ASSERT_TRUE(registry->Reserve("10.0.0.1", &d));  // a freed slot is reused
  EXPECT_EQ(d, b);
}

TEST(SessionRegistryTest, TicketsReleaseAndCloseAllReachesAttachedSessions) {
  auto registry = std::make_shared<SessionRegistry>(10, 0);
  auto s1 = std::make_shared<Counter>();
  auto s2 = std::make_shared<Counter>();
  {
    uint64_t id1 = 0, id2 = 0;
    ASSERT_TRUE(registry->Reserve("ip", &id1));
    ASSERT_TRUE(registry->Reserve("ip", &id2));
    SessionTicket t1(registry, id1, "ip");
    SessionTicket t2(registry, id2, "ip");
    EXPECT_EQ(t1.ip(), "ip");
    EXPECT_TRUE(t1.registered());
    t1.Attach(s1);
    t2.Attach(s2);
    SessionTicket moved(std::move(t2));  // one release, by the new owner
    registry->CloseAll();
    EXPECT_EQ(s1->closed, 1);
    EXPECT_EQ(s2->closed, 1);
    EXPECT_EQ(registry->size(), 2u);
  }
  EXPECT_EQ(registry->size(), 0u);
  registry->CloseAll();  // released slots are not closed again
  EXPECT_EQ(s1->closed, 1);
  EXPECT_FALSE(SessionTicket().registered());
}

TEST(SessionRegistryTest, PreloginPerIpBoundCountsUntilLoginOrClose) {
  using Admission = SessionRegistry::Admission;
  auto registry = std::make_shared<SessionRegistry>(100, 0, 2);
  uint64_t a = 0, b = 0, c = 0, d = 0;
  ASSERT_EQ(registry->Admit("10.0.0.1", true, &a), Admission::kAdmitted);
  ASSERT_EQ(registry->Admit("10.0.0.1", true, &b), Admission::kAdmitted);
  EXPECT_EQ(registry->Admit("10.0.0.1", true, &c), Admission::kPreloginPerIpFull);
  EXPECT_EQ(registry->prelogin_of("10.0.0.1"), 2);
  // Other addresses, and connections that are not pre-login, are not affected.
  EXPECT_EQ(registry->Admit("10.0.0.2", true, &c), Admission::kAdmitted);
  EXPECT_EQ(registry->Admit("10.0.0.1", false, &d), Admission::kAdmitted);
  EXPECT_EQ(registry->prelogin_size(), 3u);
  {
    SessionTicket ta(registry, a, "10.0.0.1", true);
    SessionTicket tb(registry, b, "10.0.0.1", true);
    EXPECT_TRUE(ta.prelogin());
    ta.LoggedIn();  // the count drops at login…
    ta.LoggedIn();  // …once
    EXPECT_FALSE(ta.prelogin());
    EXPECT_EQ(registry->prelogin_of("10.0.0.1"), 1);
    uint64_t e = 0;
    ASSERT_EQ(registry->Admit("10.0.0.1", true, &e), Admission::kAdmitted);
    EXPECT_EQ(registry->Admit("10.0.0.1", true, &d), Admission::kPreloginPerIpFull);
    registry->Release(e, "10.0.0.1", true);
  }  // …and at close; a logged-in ticket releases only its slot
  EXPECT_EQ(registry->prelogin_of("10.0.0.1"), 0);
  EXPECT_EQ(registry->prelogin_size(), 1u);  // 10.0.0.2's
  EXPECT_EQ(registry->size(), 2u);
}

TEST(SessionRegistryTest, TotalBoundAppliesToPreloginToo) {
  auto registry = std::make_shared<SessionRegistry>(1, 0, 5);
  uint64_t a = 0, b = 0;
  ASSERT_EQ(registry->Admit("ip", true, &a), SessionRegistry::Admission::kAdmitted);
  EXPECT_EQ(registry->Admit("ip", true, &b), SessionRegistry::Admission::kFull);
}

TEST(FdCeilingTest, LimitMinusReserveAtMostHalf) {
  EXPECT_EQ(FdCeiling(512, 64), 448);
  EXPECT_EQ(FdCeiling(20000, 256), 19744);
  EXPECT_EQ(FdCeiling(100, 256), 50);  // a reserve above half the limit is halved
  EXPECT_EQ(FdCeiling(512, 0), 0);     // no reserve: no ceiling
  EXPECT_EQ(FdCeiling(0, 64), 0);      // unknown/unlimited: no ceiling
  uint64_t limit = 0;
  int ceiling = ProcessFdCeiling(16, &limit);
  if (limit > 32) {
    EXPECT_EQ(ceiling, static_cast<int>(limit) - 16);
  }
}

}  // namespace
}  // namespace krypton::net
