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

}  // namespace
}  // namespace krypton::net
