// The device hub's relay and bus publication, in process: a real IoPool, a real SQLite
// store, the in-process bus and a real TCP device, with commands sent through the
// Bus interface the app hub uses (hub-protocol.md §7.5, D6, D25).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>

#include <chrono>
#include <future>
#include <mutex>
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

class Recorder final : public bus::Subscriber {
 public:
  void OnReport(const bus::DeviceReport& r) override {
    std::lock_guard lock(mu_);
    reports.push_back(r);
  }
  void OnPresence(const bus::PresenceEvent& e) override {
    std::lock_guard lock(mu_);
    presence.push_back(e);
  }
  std::vector<bus::DeviceReport> Reports() {
    std::lock_guard lock(mu_);
    return reports;
  }
  std::vector<bus::PresenceEvent> Presence() {
    std::lock_guard lock(mu_);
    return presence;
  }

 private:
  std::mutex mu_;
  std::vector<bus::DeviceReport> reports;
  std::vector<bus::PresenceEvent> presence;
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets());
    std::string tmpl = ::testing::TempDir() + "krypton_relay_XXXXXX";
    std::string dir = mkdtemp(tmpl.data());
    auto store = storage::OpenStore({dir + "/k.db", 1000});
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    storage::Manufacturer m;
    m.pid = "00000000000";
    m.name = "Public";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    storage::Product p;
    p.mid = "DEMOSOCKET01";
    p.pid = m.pid;
    p.prod_key = "xxxxxx";
    p.product_public_key = "ppk";
    p.work_mode_type = "JSON_CTRL";
    ASSERT_TRUE(store_->CreateProduct(p).ok());

    std::string error;
    config::Sources sources;
    sources.overrides = {{"hub.relay_timeout_s", "1"}, {"listen.address", "127.0.0.1"}};
    ASSERT_TRUE(config::Load(sources, &config_, &error)) << error;

    pool_ = std::make_unique<net::IoPool>(2);
    bus_ = std::make_unique<bus::InprocBus>();
    bus_->Subscribe(&recorder_);
    codecs_ = std::make_unique<ProductCodecs>(*store_, SystemClock::Instance(), 0, 16, 2);
    ctx_.reset(new HubContext{
        *store_, config_, SystemClock::Instance(), *bus_, *codecs_, "127.0.0.1", 0, {}});
    auto listener = OpenDeviceListener(*pool_, *ctx_, 0);
    ASSERT_TRUE(listener.ok());
    listener_ = std::move(listener).value();
    ctx_->public_device_port = listener_->port();
    listener_->Start();
    auto info = OpenInfoListener(*pool_, *ctx_, 0);
    ASSERT_TRUE(info.ok());
    info_ = std::move(info).value();
    info_->Start();
    dir_ = dir;
    pool_->Start();
  }

  void TearDown() override {
    if (pool_) {
      listener_->Stop();
      listener_->CloseSessions();
      info_->Stop();
      info_->CloseSessions();
      pool_->Stop();
      pool_->Join();
    }
  }

  std::unique_ptr<LineClient> LoginDevice(const std::string& dev_tid) {
    auto c = std::make_unique<LineClient>(listener_->port());
    auto r = c->Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid +
                     R"(","prodKey":"xxxxxx","token":""}})");
    EXPECT_TRUE(r && Field(*r, "/code") == "200");
    // Wait until the bus knows the device (the attach is synchronous on login).
    return c;
  }

  // Sends a command through the bus; the reply arrives on loop 1, as for an app session.
  std::future<bus::CommandReply> Send(const std::string& dev_tid, const std::string& params) {
    auto promise = std::make_shared<std::promise<bus::CommandReply>>();
    auto future = promise->get_future();
    bus_->SendCommand({dev_tid, "appSend", params}, pool_->At(1).get_executor(),
                      [promise](bus::CommandReply r) { promise->set_value(std::move(r)); });
    return future;
  }

  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<net::IoPool> pool_;
  std::unique_ptr<bus::InprocBus> bus_;
  std::unique_ptr<ProductCodecs> codecs_;
  std::unique_ptr<HubContext> ctx_;
  std::shared_ptr<net::Listener> listener_;
  std::shared_ptr<net::Listener> info_;
  std::string dir_;
  Recorder recorder_;
};

constexpr char kCommand[] =
    R"({"devTid":"R1","ctrlKey":"c","appTid":"web","data":{"cmdId":2,"power":1}})";

TEST_F(RelayTest, CommandGetsAHubMsgIdAndTheAnswerComesBack) {
  auto dev = LoginDevice("R1");
  auto reply = Send("R1", kCommand);
  auto frame = dev->ReadLine();
  ASSERT_TRUE(frame);
  EXPECT_EQ(Field(*frame, "/action"), "\"appSend\"");
  EXPECT_EQ(Field(*frame, "/params"), kCommand);
  std::string hub_id = Field(*frame, "/msgId");
  // nodejs-device-hekr echoes the whole request with action appSendResp.
  std::string answer = *frame;
  answer.replace(answer.find("\"appSend\""), 9, "\"appSendResp\"");
  answer.insert(answer.size() - 1, R"(,"code":200,"desc":"success")");
  ASSERT_TRUE(dev->SendLine(answer));
  ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
  bus::CommandReply r = reply.get();
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.desc, "success");
  EXPECT_EQ(Field(r.params_json, "/devTid"), "\"R1\"");
  EXPECT_EQ(Field(r.params_json, "/data"), R"({"cmdId":2,"power":1})");
}

TEST_F(RelayTest, D25AnswerRules) {
  auto dev = LoginDevice("R2");
  struct Case {
    std::string tail;  // what the device adds to {"msgId":N,"action":"appSendResp"…}
    int code;
    std::string desc;
  };
  std::vector<Case> cases = {
      {"", 200, "success"},                                       // no code, no desc
      {R"(,"desc":"success")", 200, "success"},                   // no code, desc success
      {R"(,"desc":"uart timeout")", 1400000, "uart timeout"},     // no code, other desc
      {R"(,"code":1400011,"desc":"no cmd")", 1400011, "no cmd"},  // the device's own code
  };
  for (const Case& c : cases) {
    auto reply = Send("R2", R"({"devTid":"R2","data":{"cmdId":2,"power":0}})");
    auto frame = dev->ReadLine();
    ASSERT_TRUE(frame);
    std::string id = Field(*frame, "/msgId");
    ASSERT_TRUE(dev->SendLine(R"({"msgId":)" + id + R"(,"action":"appSendResp")" + c.tail + "}"));
    ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
    bus::CommandReply r = reply.get();
    EXPECT_EQ(r.code, c.code) << c.tail;
    EXPECT_EQ(r.desc, c.desc) << c.tail;
    // params always carry devTid and data, filled from the command when left out.
    EXPECT_EQ(Field(r.params_json, "/devTid"), "\"R2\"");
    EXPECT_EQ(Field(r.params_json, "/data"), R"({"cmdId":2,"power":0})");
  }
}

TEST_F(RelayTest, NoAnswerIs1500001AfterTheRelayTimeout) {
  auto dev = LoginDevice("R3");
  auto start = std::chrono::steady_clock::now();
  auto reply = Send("R3", kCommand);
  ASSERT_TRUE(dev->ReadLine());
  ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
  bus::CommandReply r = reply.get();
  EXPECT_EQ(r.code, 1500001);
  EXPECT_EQ(r.desc, "Link error");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  EXPECT_EQ(ctx_->counters.commands_timed_out.load(), 1u);
}

TEST_F(RelayTest, OfflineDeviceIs1400018) {
  auto reply = Send("NOBODY", kCommand);
  ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
  bus::CommandReply r = reply.get();
  EXPECT_EQ(r.code, 1400018);
  EXPECT_EQ(r.desc, "Device not online");
}

TEST_F(RelayTest, DisconnectWhilePendingIs1400018) {
  auto dev = LoginDevice("R4");
  auto reply = Send("R4", kCommand);
  ASSERT_TRUE(dev->ReadLine());
  dev->Close();
  ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(reply.get().code, 1400018);
}

TEST_F(RelayTest, ConcurrentCommandsAreMatchedByHubMsgId) {
  auto dev = LoginDevice("R5");
  // Two requesters with the same app msgId (ioBroker always uses 65) in flight at once.
  auto a = Send("R5", R"({"devTid":"R5","msgId":65,"data":{"cmdId":2,"power":0}})");
  auto b = Send("R5", R"({"devTid":"R5","msgId":65,"data":{"cmdId":2,"power":1}})");
  auto fa = dev->ReadLine();
  auto fb = dev->ReadLine();
  ASSERT_TRUE(fa && fb);
  EXPECT_NE(Field(*fa, "/msgId"), Field(*fb, "/msgId"));
  // Answer in reverse order, each with its own data.
  ASSERT_TRUE(dev->SendLine(
      R"({"msgId":)" + Field(*fb, "/msgId") +
      R"(,"action":"appSendResp","code":200,"params":{"devTid":"R5","data":{"power":1}}})"));
  ASSERT_TRUE(dev->SendLine(
      R"({"msgId":)" + Field(*fa, "/msgId") +
      R"(,"action":"appSendResp","code":200,"params":{"devTid":"R5","data":{"power":0}}})"));
  ASSERT_EQ(a.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(b.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(Field(a.get().params_json, "/data/power"), "0");
  EXPECT_EQ(Field(b.get().params_json, "/data/power"), "1");
  // A late or unknown answer is dropped without harm.
  ASSERT_TRUE(dev->SendLine(R"({"msgId":12345,"action":"appSendResp","code":200})"));
  EXPECT_EQ(Field(*dev->Call(R"({"msgId":1,"action":"heartbeat"})"), "/code"), "200");
}

TEST_F(RelayTest, ReportsAndPresenceArePublished) {
  auto dev = LoginDevice("R6");
  ASSERT_EQ(
      Field(
          *dev->Call(
              R"({"msgId":"3","action":"devSend","params":{"devTid":"R6","appTid":["a1"],"data":{"cmdId":1,"power":1}}})"),
          "/code"),
      "200");
  dev->Close();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (recorder_.Presence().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  auto reports = recorder_.Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].dev_tid, "R6");
  EXPECT_EQ(reports[0].mid, "DEMOSOCKET01");
  EXPECT_EQ(reports[0].app_tids_json, R"(["a1"])");
  EXPECT_EQ(reports[0].data_json, R"({"cmdId":1,"power":1})");
  EXPECT_EQ(reports[0].msg_id, R"("3")");
  auto presence = recorder_.Presence();
  ASSERT_EQ(presence.size(), 2u);
  EXPECT_TRUE(presence[0].online);
  EXPECT_FALSE(presence[1].online);
  EXPECT_FALSE(bus_->IsOnline("R6"));
  EXPECT_FALSE(store_->GetDevice("R6")->online);
}

TEST_F(RelayTest, ReplacingASessionPublishesNoPresence) {
  auto first = std::make_unique<LineClient>(listener_->port());
  auto login = first->Call(
      R"({"msgId":"1","action":"devLogin","params":{"devTid":"R9","prodKey":"xxxxxx","token":""}})");
  ASSERT_TRUE(login && Field(*login, "/code") == "200");
  std::string token = Field(*login, "/params/token");  // with its quotes
  // The same device again on a new connection, presenting its token (D8: the newest
  // session wins). An empty token would be refused while `first` is online (D29).
  LineClient second(listener_->port());
  ASSERT_EQ(
      Field(
          *second.Call(
              R"({"msgId":"1","action":"devLogin","params":{"devTid":"R9","prodKey":"xxxxxx","token":)" +
              token + "}}"),
          "/code"),
      "200");
  EXPECT_TRUE(first->WaitClosed());
  std::this_thread::sleep_for(100ms);
  auto presence = recorder_.Presence();
  ASSERT_EQ(presence.size(), 1u);  // only the first login: no offline/online pair
  EXPECT_TRUE(presence[0].online);
  EXPECT_TRUE(bus_->IsOnline("R9"));
  EXPECT_TRUE(store_->GetDevice("R9")->online);
}

TEST_F(RelayTest, SetTokenAcknowledgedRotatesTheToken) {
  auto dev = LoginDevice("R7");
  std::string fresh = "0123456789abcdef0123456789abcdef";
  auto promise = std::make_shared<std::promise<bus::CommandReply>>();
  auto future = promise->get_future();
  bus_->SendCommand({"R7", "setToken", R"({"devTid":"R7","token":")" + fresh + R"("})"},
                    pool_->At(1).get_executor(),
                    [promise](bus::CommandReply r) { promise->set_value(std::move(r)); });
  auto frame = dev->ReadLine();
  ASSERT_TRUE(frame);
  EXPECT_EQ(Field(*frame, "/action"), "\"setToken\"");
  ASSERT_TRUE(dev->SendLine(
      R"({"msgId":)" + Field(*frame, "/msgId") +
      R"(,"action":"setTokenResp","code":200,"desc":"success","params":{"devTid":"R7"}})"));
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(future.get().code, 200);
  std::string old_hash = store_->GetDevice("R7")->last_token_hash;
  EXPECT_FALSE(old_hash.empty());
  EXPECT_EQ(store_->GetDevice("R7")->token_hash, Sha256Hex(fresh));
  dev->Close();
  LineClient again(listener_->port());
  EXPECT_EQ(
      Field(
          *again.Call(
              R"({"msgId":"1","action":"devLogin","params":{"devTid":"R7","prodKey":"xxxxxx","token":")" +
              fresh + R"("}})"),
          "/code"),
      "200");
}

TEST_F(RelayTest, DevUpgradeRefusedWhenTheDeviceForbidsOta) {
  auto dev = LoginDevice("R8");
  ASSERT_EQ(
      Field(*dev->Call(
                R"({"msgId":2,"action":"reportDevInfo","params":{"devTid":"R8","forbidOTA":1}})"),
            "/code"),
      "200");
  auto promise = std::make_shared<std::promise<bus::CommandReply>>();
  auto future = promise->get_future();
  bus_->SendCommand({"R8", "devUpgrade", R"({"devTid":"R8","binUrl":"http://x/fw.bin"})"},
                    pool_->At(1).get_executor(),
                    [promise](bus::CommandReply r) { promise->set_value(std::move(r)); });
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(future.get().code, 1400032);
  // Nothing was forwarded to the device.
  EXPECT_FALSE(dev->ReadLine(300ms).has_value());
}

// tools/devsim answers commands like nodejs-device-hekr's demo socket.
TEST_F(RelayTest, DeviceSimulatorAnswersCommandsAndReports) {
  std::string cmd = std::string(KRYPTON_DEVSIM_BINARY) + " --dev-tid SIM1 --dispatch-port " +
                    std::to_string(info_->port()) + " --token-file " + dir_ +
                    "/sim.token --run-for 10 > " + dir_ + "/sim.log 2>&1 &";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!bus_->IsOnline("SIM1") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(bus_->IsOnline("SIM1"));
  auto reply = Send("SIM1", R"({"devTid":"SIM1","appTid":"web","data":{"cmdId":2,"power":1}})");
  ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
  bus::CommandReply r = reply.get();
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(Field(r.params_json, "/data"), R"({"cmdId":2,"power":1})");
  // Its report after the command carries the new state.
  while (std::chrono::steady_clock::now() < deadline) {
    auto reports = recorder_.Reports();
    if (!reports.empty() && reports.back().data_json == R"({"cmdId":1,"power":1})") break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_FALSE(recorder_.Reports().empty());
  EXPECT_EQ(recorder_.Reports().back().data_json, R"({"cmdId":1,"power":1})");
  EXPECT_EQ(recorder_.Reports().front().data_json, R"({"cmdId":1,"power":0})");
}

}  // namespace
}  // namespace krypton::hub
