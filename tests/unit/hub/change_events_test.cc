// The hub's caches hear the bus's change events (issue 15): with a TTL far longer than
// the test, only a published ChangeEvent can make the access policy and the product
// codecs read the store again. Real SQLite, the in-process bus, a real event loop (the
// caches only cache on a loop thread).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/post.hpp>
#include <future>
#include <string>
#include <vector>

#include "bus/inproc_bus.h"
#include "common/clock.h"
#include "common/secrets.h"
#include "hub/access.h"
#include "hub/product_codec.h"
#include "net/io_pool.h"
#include "storage/store.h"

namespace krypton::hub {
namespace {

constexpr int kHourMs = 3600 * 1000;
constexpr char kMid[] = "CHANGEEVT001";
constexpr char kDevTid[] = "CE1";
constexpr char kOwner[] = "10000000001";
constexpr char kOther[] = "10000000002";
constexpr char kTemplate[] =
    R"({"workModeType":"JSON_CTRL","protocol":{"2":{"cmdId":2,"cmdTag":"setPower","frameType":2,)"
    R"("fields":[{"name":"power","dataType":"INT","minValue":0,"maxValue":1}]}}})";

class ChangeEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets());
    std::string tmpl = ::testing::TempDir() + "krypton_changeev_XXXXXX";
    std::string dir = mkdtemp(tmpl.data());
    store_ = std::move(storage::OpenStore({dir + "/k.db", 1000})).value();
    storage::Manufacturer m;
    m.pid = "00000000000";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    storage::Product p;
    p.mid = kMid;
    p.pid = m.pid;
    p.prod_key = "xxxxxx";
    p.product_public_key = "ppk";
    p.work_mode_type = "JSON_CTRL";
    ASSERT_TRUE(store_->CreateProduct(p).ok());
    for (const char* uid : {kOwner, kOther}) {
      storage::User u;
      u.uid = uid;
      u.email = std::string(uid) + "@example.com";
      ASSERT_TRUE(store_->CreateUser(u).ok());
    }
    storage::Device d;
    d.dev_tid = kDevTid;
    d.mid = kMid;
    d.ctrl_key = "ctrl";
    d.bind_key = "bind";
    ASSERT_TRUE(store_->CreateDevice(d).ok());
    ASSERT_TRUE(store_->BindDevice(kDevTid, kOwner, 1).ok());
    pool_.Start();
  }

  void TearDown() override {
    pool_.Stop();
    pool_.Join();
  }

  // Runs `fn` on the event loop (where the caches cache) and returns its result.
  template <class Fn>
  auto OnLoop(Fn fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(pool_.At(0), [&task] { task(); });
    return result.get();
  }

  net::IoPool pool_{1};
  bus::InprocBus bus_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ChangeEventsTest, AccessEventMakesThePolicyReadTheStoreAgain) {
  StoreAccessPolicy access(*store_, SystemClock::Instance(), kHourMs, 100, 1, &bus_);
  auto audience = [&] { return OnLoop([&] { return access.Audience(kDevTid); }); };
  EXPECT_EQ(audience(), std::vector<std::string>{kOwner});

  // Rebound in the store: the cached decision stands (TTL one hour) ...
  ASSERT_TRUE(store_->UnbindDevice(kDevTid, "ctrl2").ok());
  ASSERT_TRUE(store_->BindDevice(kDevTid, kOther, 2).ok());
  EXPECT_EQ(audience(), std::vector<std::string>{kOwner});
  // ... a template event is not for the access cache ...
  bus_.PublishChange({bus::ChangeEvent::Kind::kTemplate, kMid});
  EXPECT_EQ(audience(), std::vector<std::string>{kOwner});
  // ... until the access event is published.
  bus_.PublishChange({bus::ChangeEvent::Kind::kAccess, kDevTid});
  EXPECT_EQ(audience(), std::vector<std::string>{kOther});
  EXPECT_TRUE(OnLoop([&] { return access.CheckCommand(kOther, kDevTid, "ctrl2"); }).ok());
}

TEST_F(ChangeEventsTest, TemplateEventMakesTheCodecsReadTheStoreAgain) {
  ProductCodecs codecs(*store_, SystemClock::Instance(), kHourMs, 100, 1, &bus_);
  auto version = [&] { return OnLoop([&] { return codecs.Get(kMid)->version; }); };
  EXPECT_EQ(version(), 0);  // no template yet

  ASSERT_TRUE(store_->AddTemplate(kMid, kTemplate, 1).ok());
  EXPECT_EQ(version(), 0);  // cached
  bus_.PublishChange({bus::ChangeEvent::Kind::kAccess, kDevTid});
  EXPECT_EQ(version(), 0);  // not the codecs' event
  bus_.PublishChange({bus::ChangeEvent::Kind::kTemplate, kMid});
  EXPECT_EQ(version(), 1);
  EXPECT_TRUE(OnLoop([&] { return codecs.Get(kMid)->tpl.has_value(); }));
}

TEST_F(ChangeEventsTest, DestroyedCachesHaveUnsubscribed) {
  {
    StoreAccessPolicy access(*store_, SystemClock::Instance(), kHourMs, 100, 1, &bus_);
    ProductCodecs codecs(*store_, SystemClock::Instance(), kHourMs, 100, 1, &bus_);
  }
  // Would call into destroyed objects (ASan: heap-use-after-free) if still subscribed.
  bus_.PublishChange({bus::ChangeEvent::Kind::kAccess, kDevTid});
  bus_.PublishChange({bus::ChangeEvent::Kind::kTemplate, kMid});
  SUCCEED();
}

}  // namespace
}  // namespace krypton::hub
