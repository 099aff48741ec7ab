// Black-box: the scheduler engine (issue 16, docs/scheduler.md) — tasks fire on time
// through the appSend path to the real device session, exactly once: across restarts,
// a server down across a fire time (within the grace: once; beyond: MISSED), a SIGKILL
// right after a claim; disabling, deleting, unbinding and an expired PARTIAL grant stop
// future firings. Most tests run the server with --test-clock and move its scheduler
// clock; one fires a real ONCE task a few seconds ahead.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

// Monday 2030-01-07 07:00:00 at UTC+8 (timeZoneOffset 480).
constexpr int64_t kMonday7 = 1893970800000;
constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr const char* kPowerOn = R"({"cmdId":2,"power":1})";

class SchedulerEngineTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    email_ = demo.email;
    password_ = demo.password;
  }

  // Binds a fresh device DEV_TID to the demo account; remembers its token for Relogin.
  void Bind(LineClient& dev, const std::string& dev_tid, const std::string& prod_key = "xxxxxx") {
    owner_ = api_.Login(email_, password_);
    std::string login = dev.Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" +
                                 dev_tid + R"(","prodKey":")" + prod_key + R"(","token":""}})")
                            .value_or("");
    ASSERT_EQ(Field(login, "/code"), "200") << login;
    token_ = StringField(login, "/params/token");
    ctrl_key_ = StringField(login, "/params/ctrlKey");
    HttpResult bound = api_.AsUser(owner_, "POST", "/device",
                                   R"({"devTid":")" + dev_tid + R"(","bindKey":")" +
                                       StringField(login, "/params/bindKey") + "\"}");
    ASSERT_EQ(bound.status, 201) << bound.body;
  }

  // The device logs in again (after a restart) with its token.
  void Relogin(LineClient& dev, const std::string& dev_tid) {
    std::string login = dev.Call(R"({"msgId":"2","action":"devLogin","params":{"devTid":")" +
                                 dev_tid + R"(","prodKey":"xxxxxx","token":")" + token_ + "\"}}")
                            .value_or("");
    ASSERT_EQ(Field(login, "/code"), "200") << login;
    owner_ = api_.Login(email_, password_);
  }

  // POST /rule/schedulerTask with these extra fields; expects 200: the answer.
  std::string Create(const std::string& dev_tid, const std::string& fields) {
    HttpResult r =
        api_.AsUser(owner_, "POST", "/rule/schedulerTask",
                    R"({"devTid":")" + dev_tid + R"(","ctrlKey":")" + ctrl_key_ +
                        R"(","timeZoneOffset":480,"code":)" + kPowerOn + "," + fields + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  std::string Query(const std::string& dev_tid) {
    return "devTid=" + dev_tid + "&ctrlKey=" + ctrl_key_;
  }

  // The device's next line must be an appSend of kPowerOn from the scheduler; it
  // answers it (unless `answer` is false). The appSend frame.
  std::string ExpectCommand(LineClient& dev, bool answer = true) {
    std::string frame = dev.ReadLine(std::chrono::seconds(5)).value_or("<none>");
    EXPECT_EQ(StringField(frame, "/action"), "appSend") << frame;
    EXPECT_EQ(StringField(frame, "/params/appTid"), "krypton-scheduler") << frame;
    EXPECT_EQ(StringField(frame, "/params/ctrlKey"), ctrl_key_) << frame;
    EXPECT_EQ(Field(frame, "/params/data/cmdId"), "2") << frame;
    EXPECT_EQ(Field(frame, "/params/data/power"), "1") << frame;
    if (answer && frame != "<none>") {
      dev.SendLine(R"({"msgId":)" + Field(frame, "/msgId") +
                   R"(,"action":"appSendResp","code":200,"desc":"success","params":{"devTid":")" +
                   StringField(frame, "/params/devTid") + R"(","data":{"cmdId":2,"power":1}}})");
    }
    return frame;
  }

  // No command within `ms` (the engine looks at a moved clock at once; 700 ms is ample).
  void ExpectNoCommand(LineClient& dev, int ms = 700) {
    auto line = dev.ReadLine(std::chrono::milliseconds(ms));
    EXPECT_FALSE(line.has_value()) << *line;
  }

  // GET …/history until its first entry's outcome is `outcome` (polls: the outcome is
  // recorded when the device's answer arrives); the history.
  std::string WaitHistory(const std::string& dev_tid, const std::string& outcome,
                          const std::string& extra = "") {
    std::string body;
    for (int i = 0; i < 100; ++i) {
      body =
          api_.AsUser(owner_, "GET", "/rule/schedulerTask/history?" + Query(dev_tid) + extra).body;
      if (StringField(body, "/0/outcome") == outcome) return body;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "history never showed " << outcome << ": " << body;
    return body;
  }

  std::string email_, password_, owner_, token_, ctrl_key_;
};

TEST_F(SchedulerEngineTest, FiresAtSevenOnMondaysThroughTheAppSendPath) {
  ASSERT_TRUE(ServeTestClock());
  LineClient dev(server_->port("device"));
  Bind(dev, "SE1");
  ASSERT_EQ(SetClock(kMonday7 - 2 * kDay), kMonday7 - 2 * kDay);  // Saturday
  std::string list = Create("SE1", R"("schedulerType":"GENERIC","cronExpr":"0 0 7 ? * MON")");
  EXPECT_EQ(Field(list, "/0/nextTriggerTime"), std::to_string(kMonday7));

  // The device's own timer list stays empty: tasks run in the cloud (spec question 13).
  EXPECT_EQ(
      dev.Call(R"({"msgId":7,"action":"getTimerList","params":{"devTid":"SE1"}})").value_or(""),
      R"({"msgId":7,"action":"getTimerListResp","code":200,"desc":"success",)"
      R"("params":{"tasksCount":0,"taskList":[]}})");

  SetClock(kMonday7 - 1000);
  ExpectNoCommand(dev);
  SetClock(kMonday7);
  ExpectCommand(dev);
  std::string history = WaitHistory("SE1", "SENT");
  EXPECT_EQ(Field(history, "/0/scheduledTime"), std::to_string(kMonday7));
  EXPECT_EQ(Field(history, "/0/code"), "200");
  EXPECT_EQ(Field(history, "/1"), "<absent>");
  list = api_.AsUser(owner_, "GET", "/rule/schedulerTask?" + Query("SE1")).body;
  EXPECT_EQ(Field(list, "/0/count"), "1");
  EXPECT_EQ(Field(list, "/0/nextTriggerTime"), std::to_string(kMonday7 + 7 * kDay));

  HttpResult metrics = api_.Get("/metrics");
  EXPECT_NE(metrics.body.find("krypton_scheduler_claimed_total 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("krypton_scheduler_waiting 1\n"), std::string::npos);

  // Tuesday 07:00: not a Monday.
  SetClock(kMonday7 + kDay);
  ExpectNoCommand(dev);
  SetClock(kMonday7 + 7 * kDay);
  ExpectCommand(dev);
  WaitHistory("SE1", "SENT", "&taskId=0");
  std::string lines = admin_.Ok({"task", "history", "--dev-tid", "SE1"});  // newest first
  EXPECT_EQ(Field(lines.substr(0, lines.find('\n')), "/scheduledTime"),
            std::to_string(kMonday7 + 7 * kDay));
  EXPECT_EQ(Field(lines.substr(lines.find('\n') + 1), "/scheduledTime"), std::to_string(kMonday7));
}

TEST_F(SchedulerEngineTest, ARealOnceTaskReachesTheDeviceWithinASecondOfItsTime) {
  ASSERT_TRUE(Serve());
  LineClient dev(server_->port("device"));
  Bind(dev, "SE2");
  using std::chrono::system_clock;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(system_clock::now().time_since_epoch())
          .count();
  const int64_t at = (now / 1000 + 3) * 1000;  // a whole second, 2–3 s ahead
  std::time_t t = static_cast<std::time_t>(at / 1000);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &utc);
  HttpResult r = api_.AsUser(owner_, "PUT", "/rule/schedulerTask?" + Query("SE2"),
                             R"({"schedulerType":"ONCE","timeZoneOffset":0,"triggerDateTime":")" +
                                 std::string(when) + R"(","code":)" + kPowerOn + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Field(r.body, "/0/nextTriggerTime"), std::to_string(at));

  ExpectCommand(dev);
  const int64_t received =
      std::chrono::duration_cast<std::chrono::milliseconds>(system_clock::now().time_since_epoch())
          .count();
  EXPECT_GE(received, at - 50);  // not early (50 ms: the clocks' rounding)
  EXPECT_LE(received, at + 1000) << "late by " << received - at << " ms";
  WaitHistory("SE2", "SENT");
  std::string list = api_.AsUser(owner_, "GET", "/rule/schedulerTask?" + Query("SE2")).body;
  EXPECT_EQ(Field(list, "/0/expired"), "true");
  EXPECT_EQ(Field(list, "/0/nextTriggerTime"), "null");
  EXPECT_EQ(Field(list, "/0/count"), "1");
}

TEST_F(SchedulerEngineTest, ATaskSurvivesARestartAndDowntimeIsGracedOrMissed) {
  ASSERT_TRUE(ServeTestClock());
  {
    LineClient dev(server_->port("device"));
    Bind(dev, "SE3");
  }
  SetClock(kMonday7 - kDay);
  // Task 0 at 07:00 (will be 30 s late), task 1 at 07:10 (will be 2 minutes late).
  Create("SE3", R"("schedulerType":"ONCE","triggerDateTime":"2030-01-07T07:00:00")");
  Create("SE3", R"("schedulerType":"ONCE","triggerDateTime":"2030-01-07T07:10:00")");
  ASSERT_EQ(server_->Stop(SIGTERM, 10000), 0);

  ASSERT_TRUE(ServeTestClock());
  LineClient dev(server_->port("device"));
  Relogin(dev, "SE3");
  SetClock(kMonday7 + 30 * 1000);  // within scheduler.misfire_grace_s (60)
  ExpectCommand(dev);
  WaitHistory("SE3", "SENT", "&taskId=0");
  SetClock(kMonday7 + 12 * kMinute);  // 07:10 is 120 s behind
  ExpectNoCommand(dev);
  std::string missed = WaitHistory("SE3", "MISSED", "&taskId=1");
  EXPECT_EQ(Field(missed, "/0/scheduledTime"), std::to_string(kMonday7 + 10 * kMinute));
  std::string list = api_.AsUser(owner_, "GET", "/rule/schedulerTask?" + Query("SE3")).body;
  EXPECT_EQ(Field(list, "/0/expired"), "true");
  EXPECT_EQ(Field(list, "/1/expired"), "true");
  EXPECT_EQ(Field(list, "/0/count") + Field(list, "/1/count"), "01");  // task 1, then task 0

  // After another restart nothing fires again.
  ASSERT_EQ(server_->Stop(SIGTERM, 10000), 0);
  ASSERT_TRUE(ServeTestClock());
  LineClient again(server_->port("device"));
  Relogin(again, "SE3");
  SetClock(kMonday7 + 13 * kMinute);
  ExpectNoCommand(again);
}

TEST_F(SchedulerEngineTest, ASigkillRightAfterAClaimNeverFiresItTwice) {
  ASSERT_TRUE(ServeTestClock({"hub.relay_timeout_s=60"}));
  LineClient dev(server_->port("device"));
  Bind(dev, "SE4");
  SetClock(kMonday7 - kMinute);
  Create("SE4", R"("schedulerType":"GENERIC","cronExpr":"0 0 7 * * ?")");  // daily
  SetClock(kMonday7);
  ExpectCommand(dev, /*answer=*/false);  // claimed and sent; the outcome never comes
  std::string claimed;
  for (int i = 0; i < 100 && StringField(claimed, "/outcome") != "CLAIMED"; ++i) {
    claimed = admin_.Ok({"task", "history", "--dev-tid", "SE4"});
  }
  ASSERT_EQ(StringField(claimed, "/outcome"), "CLAIMED") << claimed;
  ASSERT_EQ(server_->Stop(SIGKILL, 10000), 128 + SIGKILL);

  ASSERT_TRUE(ServeTestClock({"hub.relay_timeout_s=60"}));
  LineClient again(server_->port("device"));
  Relogin(again, "SE4");
  SetClock(kMonday7 + 1000);  // the claimed firing is within the grace: still never resent
  ExpectNoCommand(again);
  std::string history =
      api_.AsUser(owner_, "GET", "/rule/schedulerTask/history?" + Query("SE4")).body;
  EXPECT_EQ(StringField(history, "/0/outcome"), "MISSED") << history;
  EXPECT_EQ(StringField(history, "/0/desc"),
            "claimed before a restart; not known to have been sent");
  EXPECT_EQ(Field(history, "/1"), "<absent>");
  // The next day's firing is a new one.
  SetClock(kMonday7 + kDay);
  ExpectCommand(again);
  WaitHistory("SE4", "SENT");
}

TEST_F(SchedulerEngineTest, DisablingDeletingAndUnbindingStopFiringsAtOnce) {
  ASSERT_TRUE(ServeTestClock());
  LineClient dev(server_->port("device"));
  Bind(dev, "SE5");
  SetClock(kMonday7 - 30 * 1000);
  Create("SE5", R"("schedulerType":"GENERIC","cronExpr":"0 * * * * ?")");  // every minute
  ASSERT_EQ(api_.AsUser(owner_, "PUT", "/rule/schedulerTask?taskId=0&" + Query("SE5"),
                        R"({"enable":false})")
                .status,
            200);
  SetClock(kMonday7);
  ExpectNoCommand(dev);
  ASSERT_EQ(api_.AsUser(owner_, "PUT", "/rule/schedulerTask?taskId=0&" + Query("SE5"),
                        R"({"enable":true})")
                .status,
            200);
  SetClock(kMonday7 + kMinute);
  ExpectCommand(dev);
  WaitHistory("SE5", "SENT");
  ASSERT_EQ(api_.AsUser(owner_, "DELETE", "/rule/schedulerTask?taskId=0&" + Query("SE5")).body,
            "[]");
  SetClock(kMonday7 + 2 * kMinute);
  ExpectNoCommand(dev);

  Create("SE5", R"("schedulerType":"GENERIC","cronExpr":"30 * * * * ?")");
  ASSERT_EQ(api_.AsUser(owner_, "DELETE", "/device/SE5").status, 204);
  EXPECT_EQ(admin_.Ok({"task", "list", "--dev-tid", "SE5"}), "");  // unbinding deleted it
  SetClock(kMonday7 + 3 * kMinute);
  auto line = dev.ReadLine(std::chrono::milliseconds(700));  // a devSync may come; no appSend
  if (line) {
    EXPECT_NE(StringField(*line, "/action"), "appSend") << *line;
  }
}

TEST_F(SchedulerEngineTest, AnOfflineDeviceAndAnExpiredGrantAreRecordedNotSent) {
  ASSERT_TRUE(ServeTestClock());
  auto dev = std::make_unique<LineClient>(server_->port("device"));
  Bind(*dev, "SE6");
  SetClock(kMonday7 - kMinute);
  // A grantee holding setPower for 1 second (PARTIAL, enableScheduler).
  std::string grantee = admin_.CreateUser("g6@example.com", "grantee-secret");
  HttpResult share = api_.AsUser(
      owner_, "POST", "/authorization",
      R"({"grantee":")" + grantee + R"(","devTid":"SE6","ctrlKey":")" + ctrl_key_ +
          R"(","mode":"PARTIAL","instructionExpire":{"setPower":1},"enableScheduler":true})");
  ASSERT_EQ(share.status, 201) << share.body;
  std::string grantee_token = api_.Login("g6@example.com", "grantee-secret");
  HttpResult g = api_.AsUser(grantee_token, "POST", "/rule/schedulerTask",
                             R"({"devTid":"SE6","ctrlKey":")" + ctrl_key_ +
                                 R"(","timeZoneOffset":480,"code":)" + kPowerOn +
                                 R"(,"schedulerType":"GENERIC","cronExpr":"0 0 7 * * ?"})");
  ASSERT_EQ(g.status, 200) << g.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // the grant expires (real time)
  SetClock(kMonday7);
  ExpectNoCommand(*dev);
  std::string history;
  for (int i = 0; i < 100 && StringField(history, "/0/outcome") != "REFUSED"; ++i) {
    history = api_.AsUser(grantee_token, "GET", "/rule/schedulerTask/history?" + Query("SE6")).body;
  }
  EXPECT_EQ(StringField(history, "/0/outcome"), "REFUSED") << history;
  EXPECT_EQ(Field(history, "/0/code"), "5400019");
  EXPECT_EQ(StringField(history, "/0/desc"), "Instruction expired");

  // The owner's task while the device is offline.
  Create("SE6", R"("schedulerType":"GENERIC","cronExpr":"0 0 8 * * ?")");
  dev.reset();
  ASSERT_TRUE(WaitOnline("SE6", false));
  SetClock(kMonday7 + 60 * kMinute);
  history = WaitHistory("SE6", "OFFLINE");
  EXPECT_EQ(Field(history, "/0/code"), "1400018");
  std::string list = api_.AsUser(owner_, "GET", "/rule/schedulerTask?" + Query("SE6")).body;
  EXPECT_EQ(Field(list, "/0/count"), "0");
}

// A 48 product's task: the K-V command is encoded into a frame, as an app's appSend is.
TEST_F(SchedulerEngineTest, AFortyEightProductsCommandIsEncodedIntoAFrame) {
  std::string tpl = dir_ + "/t48.json";
  std::ofstream(tpl)
      << R"({"workModeType":"TRANSPARENT48_V2","protocol":{)"
         R"("1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":[)"
         R"({"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},)"
         R"("2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[)"
         R"({"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]}}})";
  admin_.Ok({"product", "create", "--pid", "00000000000", "--name", "SCHED48", "--mid",
             "SCHED48AAAAA", "--prod-key", "sched48", "--template", tpl, "--work-mode",
             "TRANSPARENT48_V2"});
  ASSERT_TRUE(ServeTestClock());
  LineClient dev(server_->port("device"));
  Bind(dev, "SE7", "sched48");
  SetClock(kMonday7 - kMinute);
  Create("SE7", R"("schedulerType":"GENERIC","cronExpr":"0 0 7 * * ?")");
  SetClock(kMonday7);
  std::string frame = dev.ReadLine(std::chrono::seconds(5)).value_or("<none>");
  ASSERT_EQ(StringField(frame, "/action"), "appSend") << frame;
  // 48 07 02 <frame no.> 02 01 <checksum: the sum of the bytes before it, mod 256>.
  std::string raw = StringField(frame, "/params/data/raw");
  ASSERT_EQ(raw.size(), 14u) << frame;
  EXPECT_EQ(raw.substr(0, 6), "480702");
  EXPECT_EQ(raw.substr(8, 4), "0201");
  int sum = 0;
  for (size_t i = 0; i < 12; i += 2) sum += std::stoi(raw.substr(i, 2), nullptr, 16);
  EXPECT_EQ(std::stoi(raw.substr(12, 2), nullptr, 16), sum % 256) << raw;
  dev.SendLine(R"({"msgId":)" + Field(frame, "/msgId") +
               R"(,"action":"appSendResp","code":200,"desc":"success","params":{"devTid":"SE7"}})");
  WaitHistory("SE7", "SENT");
}

}  // namespace
}  // namespace krypton::testing
