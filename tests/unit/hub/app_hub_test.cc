// The app hub in process: real loops, real SQLite, the in-process bus, real TCP and
// WebSocket clients; JWT verification is replaced by a test verifier that accepts
// "uid:<uid>" (the real one is covered by the black-box tests).
#include "hub/app_hub.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "bus/inproc_bus.h"
#include "common/clock.h"
#include "common/secrets.h"
#include "config/config.h"
#include "hub/hub.h"
#include "json_field.h"
#include "line_client.h"
#include "net/io_pool.h"
#include "storage/store.h"

namespace krypton::hub {
namespace {

using namespace std::chrono_literals;
using krypton::testing::Field;
using krypton::testing::LineClient;

constexpr char kOwner[] = "10000000001";
constexpr char kGrantee[] = "10000000002";
constexpr char kStranger[] = "10000000003";

class AppHubTest : public ::testing::Test {
 protected:
  void SetUp() override { Boot({}); }

  void Boot(std::vector<std::pair<std::string, std::string>> sets) {
    ASSERT_TRUE(InitSecrets());
    std::string tmpl = ::testing::TempDir() + "krypton_apphub_XXXXXX";
    std::string dir = mkdtemp(tmpl.data());
    store_ = std::move(storage::OpenStore({dir + "/k.db", 1000})).value();
    storage::Manufacturer m;
    m.pid = "00000000000";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    storage::Product p;
    p.mid = "DEMOSOCKET01";
    p.pid = m.pid;
    p.prod_key = "xxxxxx";
    p.product_public_key = "ppk";
    p.work_mode_type = "JSON_CTRL";
    ASSERT_TRUE(store_->CreateProduct(p).ok());
    for (const char* uid : {kOwner, kGrantee, kStranger}) {
      storage::User u;
      u.uid = uid;
      u.email = std::string(uid) + "@example.com";
      ASSERT_TRUE(store_->CreateUser(u).ok());
    }
    std::string error;
    config::Sources sources;
    sources.overrides = {{"hub.relay_timeout_s", "1"}, {"listen.address", "127.0.0.1"}};
    // Every client is 127.0.0.1, up to 1000 of them logging in at once.
    sources.overrides.push_back({"net.max_prelogin_per_ip", "0"});
    sources.overrides.insert(sources.overrides.end(), sets.begin(), sets.end());
    ASSERT_TRUE(config::Load(sources, &config_, &error)) << error;

    pool_ = std::make_unique<net::IoPool>(2);
    std::vector<boost::asio::any_io_executor> loops = {pool_->At(0).get_executor(),
                                                       pool_->At(1).get_executor()};
    bus_ = std::make_unique<bus::InprocBus>();
    codecs_ = std::make_unique<ProductCodecs>(*store_, SystemClock::Instance(), 0, 16, 2);
    ctx_.reset(new HubContext{
        *store_, config_, SystemClock::Instance(), *bus_, *codecs_, "127.0.0.1", 0, {}});
    access_ = std::make_unique<StoreAccessPolicy>(*store_, SystemClock::Instance(), 60000, 1000, 2);
    app_hub_ = std::make_unique<AppHub>(
        *ctx_, *access_,
        [](std::string_view token) -> Result<std::string> {
          if (token.substr(0, 4) != "uid:") return Status(Code::kHubJwtParse);
          return std::string(token.substr(4));
        },
        loops);
    device_ = std::move(OpenDeviceListener(*pool_, *ctx_, 0)).value();
    app_tcp_ = std::move(OpenAppTcpListener(*pool_, *app_hub_, 0)).value();
    app_ws_ = std::move(OpenAppWsListener(*pool_, *app_hub_, 0)).value();
    for (auto* l : {&device_, &app_tcp_, &app_ws_}) (*l)->Start();
    pool_->Start();
  }

  void TearDown() override {
    for (auto* l : {&device_, &app_tcp_, &app_ws_}) {
      (*l)->Stop();
      (*l)->CloseSessions();
    }
    pool_->Stop();
    pool_->Join();
  }

  // A device of the demo product, online, bound to kOwner and shared with kGrantee.
  std::unique_ptr<LineClient> Device(const std::string& dev_tid, bool share = true) {
    auto c = std::make_unique<LineClient>(device_->port());
    auto r = c->Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid +
                     R"(","prodKey":"xxxxxx","token":""}})");
    EXPECT_EQ(Field(*r, "/code"), "200");
    EXPECT_TRUE(store_->BindDevice(dev_tid, kOwner, 1).ok());
    if (share) {
      storage::Share s;
      s.dev_tid = dev_tid;
      s.grantor = kOwner;
      s.grantee = kGrantee;
      EXPECT_TRUE(store_->CreateShare(s).ok());
    }
    access_->Invalidate();  // as the user API does after a binding or share change
    return c;
  }

  std::string CtrlKey(const std::string& dev_tid) { return store_->GetDevice(dev_tid)->ctrl_key; }

  std::unique_ptr<LineClient> App(const std::string& uid, const std::string& app_tid) {
    auto c = std::make_unique<LineClient>(app_tcp_->port());
    auto r = c->Call(R"({"msgId":52,"action":"appLogin","params":{"appTid":")" + app_tid +
                     R"(","token":"uid:)" + uid + R"("}})");
    EXPECT_EQ(*r, R"({"msgId":52,"action":"appLoginResp","code":200,"desc":"success"})");
    return c;
  }

  std::string AppSend(const std::string& msg_id, const std::string& dev_tid,
                      const std::string& ctrl_key, const std::string& app_tid = "a1",
                      const std::string& data = R"({"cmdId":2,"power":1})") {
    return R"({"msgId":)" + msg_id + R"(,"action":"appSend","params":{"devTid":")" + dev_tid +
           R"(","ctrlKey":")" + ctrl_key + R"(","appTid":")" + app_tid + R"(","data":)" + data +
           "}}";
  }

  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<net::IoPool> pool_;
  std::unique_ptr<bus::InprocBus> bus_;
  std::unique_ptr<ProductCodecs> codecs_;
  std::unique_ptr<HubContext> ctx_;
  std::unique_ptr<StoreAccessPolicy> access_;
  std::unique_ptr<AppHub> app_hub_;
  std::shared_ptr<net::Listener> device_, app_tcp_, app_ws_;
};

TEST_F(AppHubTest, LoginErrors) {
  LineClient c(app_tcp_->port());
  EXPECT_EQ(*c.Call(R"({"msgId":1,"action":"appSend","params":{}})"),
            R"({"msgId":1,"action":"appSendResp","code":1400019,"desc":"App is not logged in"})");
  EXPECT_EQ(*c.Call(R"({"msgId":2,"action":"heartbeat"})"),
            R"({"msgId":2,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(*c.Call(R"({"msgId":3,"action":"appLogin","params":{"appTid":"a","token":"garbage"}})"),
            R"({"msgId":3,"action":"appLoginResp","code":1400002,"desc":"JWT parse error"})");
  EXPECT_EQ(
      *c.Call(
          R"({"msgId":4,"action":"appLogin","params":{"appTid":"a","token":"uid:99999999999"}})"),
      R"({"msgId":4,"action":"appLoginResp","code":1400010,"desc":"User does not exist"})");
  EXPECT_EQ(*c.Call(R"({"msgId":5,"action":"appLogin","params":{"token":"uid:10000000001"}})"),
            R"({"msgId":5,"action":"appLoginResp","code":1400032,"desc":"Invalid Param"})");
  EXPECT_EQ(Field(*c.Call(R"({"msgId":6,"action":"appLogin","params":{"appTid":"a"}})"), "/code"),
            "1400032");
  EXPECT_EQ(
      *c.Call(
          R"({"msgId":7,"action":"appLogin","params":{"appTid":"a","token":"uid:10000000001"}})"),
      R"({"msgId":7,"action":"appLoginResp","code":200,"desc":"success"})");
  EXPECT_EQ(
      *c.Call(
          R"({"msgId":8,"action":"appLogin","params":{"appTid":"a","token":"uid:10000000001"}})"),
      R"({"msgId":8,"action":"appLoginResp","code":1400009,"desc":"App repeat login"})");
  EXPECT_EQ(
      *c.Call(R"({"msgId":9,"action":"appGroupSend","params":{}})"),
      R"({"msgId":9,"action":"appGroupSendResp","code":1400016,"desc":"Action not support"})");
  EXPECT_EQ(
      Field(*c.Call(R"({"msgId":10,"action":"reportAppLog","params":{"appTid":"a"}})"), "/code"),
      "200");
  EXPECT_EQ(*c.Call("[1,2]"),
            R"({"msgId":0,"action":"errorResp","code":1400001,"desc":"Json parse error"})");
}

TEST_F(AppHubTest, NewestSessionOfTheSameAppTidWins) {
  auto old_app = App(kOwner, "shared");
  auto other = App(kOwner, "other");
  auto new_app = App(kOwner, "shared");
  EXPECT_EQ(*old_app->ReadLine(),
            R"({"msgId":0,"action":"errorResp","code":1400009,"desc":"App repeat login"})");
  EXPECT_TRUE(old_app->WaitClosed());
  // A different appTid of the same user is untouched.
  EXPECT_EQ(Field(*other->Call(R"({"msgId":1,"action":"heartbeat"})"), "/code"), "200");
  EXPECT_EQ(Field(*new_app->Call(R"({"msgId":1,"action":"heartbeat"})"), "/code"), "200");
}

TEST_F(AppHubTest, AppSendErrors) {
  auto dev = Device("D1");
  auto app = App(kOwner, "a1");
  std::string key = CtrlKey("D1");
  EXPECT_EQ(
      *app->Call(AppSend("1", "NOPE", key)),
      R"({"msgId":1,"action":"appSendResp","code":1400022,"desc":"The device is not found"})");
  EXPECT_EQ(
      *app->Call(AppSend("2", "D1", "wrongkey")),
      R"({"msgId":2,"action":"appSendResp","code":1400012,"desc":"Device does not belong to user"})");
  EXPECT_EQ(*app->Call(AppSend("3", "D1", key, "someone-else")),
            R"({"msgId":3,"action":"appSendResp","code":1400023,"desc":"appTid does not match"})");
  EXPECT_EQ(
      Field(*app->Call(R"({"msgId":4,"action":"appSend","params":{"devTid":"D1","ctrlKey":")" +
                       key + R"("}})"),
            "/code"),
      "1400032");
  EXPECT_EQ(
      Field(*app->Call(R"({"msgId":5,"action":"appSend","params":{"ctrlKey":"x","data":{}}})"),
            "/code"),
      "1400032");
  auto stranger = App(kStranger, "s1");
  EXPECT_EQ(Field(*stranger->Call(AppSend("6", "D1", key, "s1")), "/code"), "1400012");
  dev->Close();
  EXPECT_EQ(*app->ReadLine(),
            R"({"msgId":0,"action":"devLogout","params":{"devTid":"D1","subDevTid":null}})");
  EXPECT_EQ(*app->Call(AppSend("7", "D1", key)),
            R"({"msgId":7,"action":"appSendResp","code":1400018,"desc":"Device not online"})");
}

TEST_F(AppHubTest, AppSendIsRelayedWithTheAppsMsgId) {
  auto dev = Device("D2");
  auto owner = App(kOwner, "a1");
  auto grantee = App(kGrantee, "g1");
  std::string key = CtrlKey("D2");
  // Owner, string msgId; the device sees the hub's own msgId and the appTid.
  ASSERT_TRUE(owner->SendLine(AppSend("\"65\"", "D2", key)));
  auto cmd = dev->ReadLine();
  ASSERT_TRUE(cmd);
  EXPECT_EQ(Field(*cmd, "/params/appTid"), "\"a1\"");
  std::string answer = *cmd;
  answer.replace(answer.find("\"appSend\""), 9, "\"appSendResp\"");
  answer.insert(answer.size() - 1, R"(,"code":200,"desc":"success")");
  ASSERT_TRUE(dev->SendLine(answer));
  auto resp = owner->ReadLine();
  ASSERT_TRUE(resp);
  EXPECT_EQ(Field(*resp, "/msgId"), "\"65\"");
  EXPECT_EQ(Field(*resp, "/action"), "\"appSendResp\"");
  EXPECT_EQ(Field(*resp, "/code"), "200");
  EXPECT_EQ(Field(*resp, "/params/devTid"), "\"D2\"");
  EXPECT_EQ(Field(*resp, "/params/data"), R"({"cmdId":2,"power":1})");
  // Grantee without appTid in params: filled from the session; numeric msgId.
  ASSERT_TRUE(
      grantee->SendLine(R"({"msgId":7,"action":"appSend","params":{"devTid":"D2","ctrlKey":")" +
                        key + R"(","data":{"cmdId":0}}})"));
  cmd = dev->ReadLine();
  ASSERT_TRUE(cmd);
  EXPECT_EQ(Field(*cmd, "/params/appTid"), "\"g1\"");
  ASSERT_TRUE(
      dev->SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") + R"(,"action":"appSendResp"})"));
  resp = grantee->ReadLine();
  EXPECT_EQ(
      *resp,
      R"({"msgId":7,"action":"appSendResp","code":200,"desc":"success","params":{"devTid":"D2","data":{"cmdId":0}}})");
  // No answer: 1500001 after hub.relay_timeout_s.
  ASSERT_TRUE(owner->SendLine(AppSend("9", "D2", key)));
  ASSERT_TRUE(dev->ReadLine());
  EXPECT_EQ(*owner->ReadLine(3s),
            R"({"msgId":9,"action":"appSendResp","code":1500001,"desc":"Link error"})");
}

TEST_F(AppHubTest, ReportsReachOwnerAndGranteesOnly) {
  auto dev = Device("D3");
  auto owner = App(kOwner, "a1");
  auto owner2 = App(kOwner, "a2");
  auto grantee = App(kGrantee, "g1");
  auto stranger = App(kStranger, "s1");
  std::this_thread::sleep_for(50ms);  // registry refresh reaches every loop
  ASSERT_EQ(
      Field(
          *dev->Call(
              R"({"msgId":"4","action":"devSend","params":{"devTid":"D3","appTid":[],"data":{"cmdId":1,"power":1}}})"),
          "/code"),
      "200");
  std::string expected =
      R"({"msgId":"4","action":"devSend","params":{"devTid":"D3","appTid":[],"subDevTid":null,"ctrlKey":")" +
      CtrlKey("D3") + R"(","data":{"cmdId":1,"power":1}}})";
  EXPECT_EQ(*owner->ReadLine(), expected);
  EXPECT_EQ(*owner2->ReadLine(), expected);
  EXPECT_EQ(*grantee->ReadLine(), expected);
  EXPECT_FALSE(stranger->ReadLine(300ms).has_value());
  // appTid-targeted: only a2.
  ASSERT_EQ(
      Field(
          *dev->Call(
              R"({"msgId":5,"action":"devSend","params":{"devTid":"D3","appTid":["a2"],"data":{"cmdId":1,"power":0}}})"),
          "/code"),
      "200");
  EXPECT_EQ(Field(*owner2->ReadLine(), "/msgId"), "5");
  EXPECT_FALSE(owner->ReadLine(300ms).has_value());
  EXPECT_FALSE(grantee->ReadLine(100ms).has_value());
}

TEST_F(AppHubTest, OnlineOfflinePushes) {
  std::string token;
  {
    LineClient first(device_->port());
    auto r = first.Call(
        R"({"msgId":"1","action":"devLogin","params":{"devTid":"D4","prodKey":"xxxxxx","token":""}})");
    token = Field(*r, "/params/token");
    ASSERT_TRUE(store_->BindDevice("D4", kOwner, 1).ok());
    access_->Invalidate();
  }
  auto owner = App(kOwner, "a1");
  auto stranger = App(kStranger, "s1");
  std::this_thread::sleep_for(100ms);
  LineClient dev(device_->port());
  EXPECT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":"1","action":"devLogin","params":{"devTid":"D4","prodKey":"xxxxxx","token":)" +
              token + "}}"),
          "/code"),
      "200");
  EXPECT_EQ(*owner->ReadLine(),
            R"({"msgId":0,"action":"devLogin","params":{"devTid":"D4","subDevTid":null}})");
  dev.Close();
  EXPECT_EQ(*owner->ReadLine(),
            R"({"msgId":0,"action":"devLogout","params":{"devTid":"D4","subDevTid":null}})");
  EXPECT_FALSE(stranger->ReadLine(200ms).has_value());
}

TEST_F(AppHubTest, WebSocketTransport) {
  auto dev = Device("D5");
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  boost::asio::io_context ioc;
  websocket::stream<boost::asio::ip::tcp::socket> ws(ioc);
  ws.next_layer().connect(
      {boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(app_ws_->port())});
  ws.handshake("127.0.0.1", "/any/path");
  auto call = [&](const std::string& text) {
    ws.text(true);
    ws.write(boost::asio::buffer(text));
    beast::flat_buffer buf;
    ws.read(buf);
    return beast::buffers_to_string(buf.data());
  };
  EXPECT_EQ(
      call(
          R"({"msgId":52,"action":"appLogin","params":{"appTid":"web","token":"uid:10000000001"}})"),
      R"({"msgId":52,"action":"appLoginResp","code":200,"desc":"success"})");
  // A frame with two objects and trailing newlines (the Android SDK's style).
  ws.write(boost::asio::buffer(std::string(R"({"msgId":53,"action":"heartbeat"})"
                                           "\n"
                                           R"({"msgId":54,"action":"heartbeat"})"
                                           "\n")));
  beast::flat_buffer b1, b2;
  ws.read(b1);
  ws.read(b2);
  EXPECT_EQ(Field(beast::buffers_to_string(b1.data()), "/msgId"), "53");
  EXPECT_EQ(Field(beast::buffers_to_string(b2.data()), "/msgId"), "54");
  std::this_thread::sleep_for(50ms);
  ASSERT_EQ(
      Field(
          *dev->Call(
              R"({"msgId":6,"action":"devSend","params":{"devTid":"D5","appTid":[],"data":{"cmdId":1,"power":1}}})"),
          "/code"),
      "200");
  beast::flat_buffer push;
  ws.read(push);
  EXPECT_EQ(Field(beast::buffers_to_string(push.data()), "/action"), "\"devSend\"");
}

TEST_F(AppHubTest, ThousandSessionsReceiveEveryReportExactlyOnce) {
  auto dev = Device("D6");
  constexpr int kApps = 1000;
  constexpr int kReports = 5;
  std::vector<std::unique_ptr<LineClient>> apps;
  for (int i = 0; i < kApps; ++i) {
    apps.push_back(std::make_unique<LineClient>(app_tcp_->port()));
    ASSERT_TRUE(apps.back()->SendLine(R"({"msgId":1,"action":"appLogin","params":{"appTid":"app)" +
                                      std::to_string(i) + R"(","token":"uid:10000000001"}})"));
  }
  for (auto& a : apps) ASSERT_EQ(Field(*a->ReadLine(10s), "/code"), "200");
  std::this_thread::sleep_for(100ms);
  for (int r = 0; r < kReports; ++r) {
    ASSERT_EQ(
        Field(
            *dev->Call(
                R"({"msgId":)" + std::to_string(100 + r) +
                R"(,"action":"devSend","params":{"devTid":"D6","appTid":[],"data":{"cmdId":1,"power":1}}})"),
            "/code"),
        "200");
  }
  for (int i = 0; i < kApps; ++i) {
    for (int r = 0; r < kReports; ++r) {
      auto line = apps[i]->ReadLine(10s);
      ASSERT_TRUE(line) << "app " << i << " report " << r;
      ASSERT_EQ(Field(*line, "/msgId"), std::to_string(100 + r)) << "app " << i;
    }
    EXPECT_FALSE(apps[i]->ReadLine(0ms).has_value());
  }
}

// The access cache is per loop, stale for at most its TTL without an invalidation, and
// fresh at once after one.
TEST_F(AppHubTest, AccessCacheIsInvalidated) {
  auto dev = Device("D8", false);
  auto on_loop = [&](auto fn) {
    std::promise<decltype(fn())> p;
    boost::asio::post(pool_->At(0), [&] { p.set_value(fn()); });
    return p.get_future().get();
  };
  EXPECT_EQ(on_loop([&] { return access_->Audience("D8"); }), std::vector<std::string>{kOwner});
  storage::Share s;
  s.dev_tid = "D8";
  s.grantor = kOwner;
  s.grantee = kGrantee;
  ASSERT_TRUE(store_->CreateShare(s).ok());
  // Not yet visible on this loop (TTL 60 s in this fixture)…
  EXPECT_EQ(on_loop([&] { return access_->Audience("D8"); }).size(), 1u);
  // …but read directly off-loop, and on the loop after an invalidation.
  EXPECT_EQ(access_->Audience("D8").size(), 2u);
  access_->Invalidate();
  EXPECT_EQ(on_loop([&] { return access_->Audience("D8"); }),
            (std::vector<std::string>{kOwner, kGrantee}));
}

class SlowConsumerTest : public AppHubTest {
 protected:
  void SetUp() override { Boot({{"hub.max_pending_writes", "16"}}); }
};

TEST_F(SlowConsumerTest, ASlowAppIsClosedAndOthersKeepReceiving) {
  auto dev = Device("D7");
  auto slow = App(kOwner, "slow");  // never reads
  auto fast = App(kOwner, "fast");
  std::this_thread::sleep_for(50ms);
  std::string big(40000, 'x');
  constexpr int kReports = 400;  // ~16 MB: more than the kernel buffers of `slow`
  std::thread reader([&] {
    for (int r = 0; r < kReports; ++r) {
      auto line = fast->ReadLine(20s);
      ASSERT_TRUE(line) << r;
    }
  });
  for (int r = 0; r < kReports; ++r) {
    ASSERT_TRUE(dev->SendLine(
        R"({"msgId":)" + std::to_string(r) +
        R"(,"action":"devSend","params":{"devTid":"D7","appTid":[],"data":{"cmdId":1,"pad":")" +
        big + R"("}}})"));
    ASSERT_EQ(Field(*dev->ReadLine(10s), "/code"), "200");
  }
  reader.join();
  EXPECT_TRUE(slow->WaitClosed(5s));
}

}  // namespace
}  // namespace krypton::hub
