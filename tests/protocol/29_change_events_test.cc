// Black-box: changes made through the HTTP APIs reach the hub at once through the bus's
// change events (issue 15), not through a cache's expiry: the server runs with
// hub.access_cache_ms of ten minutes (its maximum), so only the event can explain what
// the hub does next.
//   - a protocol template stored through the enterprise API applies to the very next
//     device report and the very next app command (bus::ChangeEvent kTemplate);
//   - an unbind through the user API refuses the very next app command (kAccess);
//   - a licence revoked through the enterprise API disconnects the online device.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kMid = "CHGEVENTS001";
constexpr const char* kProdKey = "chg-prod-key";

// cmd 1 reports the power, cmd 2 sets it; `max` bounds both.
std::string Template(int max) {
  const std::string field =
      R"([{"name":"power","dataType":"INT","minValue":0,"maxValue":)" + std::to_string(max) + "}]";
  return R"({"workModeType":"JSON_CTRL","protocol":{)"
         R"("1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":)" +
         field +
         "},"
         R"("2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":)" +
         field + "}}}";
}

class ChangeEventsTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    // Ten minutes (the maximum): nothing below may be explained by a cache expiring.
    ASSERT_TRUE(Serve({"hub.access_cache_ms=600000"}));
    token_ = admin_.Token(uid_);
    bearer_ = "Bearer " + token_;  // the demo user is the demo enterprise's ADMIN member
  }

  // A STRICT product of the demo enterprise with Template(max), made through the API.
  void CreateProduct(int max) {
    HttpResult r = api_.Ent(bearer_, "POST", "/api/v1/enterprise/product",
                            R"({"name":"Events","workModeType":"JSON_CTRL","checkMode":"STRICT",)"
                            R"("mid":")" +
                                std::string(kMid) + R"(","prodKey":")" + kProdKey +
                                R"(","protocolTemplate":)" + Template(max) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // Logs `dev` in as `dev_tid` and binds it to the demo user through the user API;
  // returns its ctrlKey.
  std::string OnlineBoundDevice(LineClient& dev, const std::string& dev_tid) {
    auto login = dev.Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":")" + dev_tid +
                          R"(","prodKey":")" + kProdKey + R"(","token":""}})");
    EXPECT_EQ(Field(login.value_or(""), "/code"), "200") << login.value_or("");
    HttpResult bound = api_.Request("POST", "/device",
                                    R"({"devTid":")" + dev_tid + R"(","bindKey":")" +
                                        StringField(login.value_or(""), "/params/bindKey") + "\"}",
                                    {{"Authorization", bearer_}});
    EXPECT_EQ(bound.status, 201) << bound.body;
    return StringField(bound.body, "/ctrlKey");
  }

  void AppLogin(LineClient& app) {
    auto r = app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"a1","token":")" +
                      token_ + "\"}}");
    ASSERT_EQ(Field(r.value_or(""), "/code"), "200") << r.value_or("");
  }

  static std::string AppSend(int msg_id, const std::string& dev_tid, const std::string& ctrl_key,
                             const std::string& data) {
    return R"({"msgId":)" + std::to_string(msg_id) + R"(,"action":"appSend","params":{"devTid":")" +
           dev_tid + R"(","ctrlKey":")" + ctrl_key + R"(","appTid":"a1","data":)" + data + "}}";
  }
  static std::string DevSend(int msg_id, const std::string& dev_tid, const std::string& data) {
    return R"({"msgId":)" + std::to_string(msg_id) + R"(,"action":"devSend","params":{"devTid":")" +
           dev_tid + R"(","appTid":[],"data":)" + data + "}}";
  }

  // The device reads the relayed command, answers it, and returns the command's data.
  static std::string RelayedData(LineClient& dev) {
    auto cmd = dev.ReadLine();
    if (!cmd) return "<nothing>";
    dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                 R"(,"action":"appSendResp","code":200,"desc":"success"})");
    return Field(*cmd, "/params/data");
  }

  std::string uid_, token_, bearer_;
};

TEST_F(ChangeEventsTest, TemplateStoredThroughTheApiAppliesToTheNextReportAndCommand) {
  CreateProduct(1);
  LineClient dev(server_->port("device"));
  const std::string ctrl_key = OnlineBoundDevice(dev, "EV1");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);

  // Template v1 (power ≤ 1) is loaded and cached by the hub on both paths.
  const std::string too_high = R"("desc":"The field power contains a value that is too high"})";
  EXPECT_EQ(dev.Call(DevSend(2, "EV1", R"({"cmdId":1,"power":5})")).value_or(""),
            R"({"msgId":2,"action":"devSendResp","code":1400003,)" + too_high);
  EXPECT_EQ(app.Call(AppSend(3, "EV1", ctrl_key, R"({"cmdId":2,"power":5})")).value_or(""),
            R"({"msgId":3,"action":"appSendResp","code":1400003,)" + too_high);

  // v2 (power ≤ 9) through the enterprise API: the very next report and command use it.
  HttpResult put = api_.Ent(bearer_, "PUT",
                            std::string("/api/v1/enterprise/product/") + kMid + "/protocolTemplate",
                            Template(9));
  ASSERT_EQ(put.status, 204) << put.body;
  EXPECT_EQ(Field(dev.Call(DevSend(4, "EV1", R"({"cmdId":1,"power":5})")).value_or(""), "/code"),
            "200");
  auto pushed = app.ReadLine();
  ASSERT_TRUE(pushed.has_value());
  EXPECT_EQ(Field(*pushed, "/action"), R"("devSend")");
  EXPECT_EQ(Field(*pushed, "/params/data/power"), "5");
  ASSERT_TRUE(app.SendLine(AppSend(5, "EV1", ctrl_key, R"({"cmdId":2,"power":5})")));
  EXPECT_EQ(Field(RelayedData(dev), "/power"), "5");
  auto answer = app.ReadLine();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(Field(*answer, "/msgId"), "5");
  EXPECT_EQ(Field(*answer, "/code"), "200");
}

TEST_F(ChangeEventsTest, UnbindThroughTheUserApiRefusesTheNextCommand) {
  CreateProduct(9);
  LineClient dev(server_->port("device"));
  const std::string ctrl_key = OnlineBoundDevice(dev, "EV2");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);
  ASSERT_TRUE(app.SendLine(AppSend(2, "EV2", ctrl_key, R"({"cmdId":2,"power":1})")));
  EXPECT_EQ(Field(RelayedData(dev), "/power"), "1");
  EXPECT_EQ(Field(app.ReadLine().value_or(""), "/code"), "200");  // the grant is cached

  HttpResult unbind = api_.Request("DELETE", "/device/EV2", "", {{"Authorization", bearer_}});
  ASSERT_EQ(unbind.status, 204) << unbind.body;
  // The device learns its rotated ctrlKey (devSync, hub-protocol.md §3.10) ...
  auto sync = dev.ReadLine();
  ASSERT_TRUE(sync.has_value());
  EXPECT_EQ(Field(*sync, "/action"), R"("devSync")");
  // ... and the app's next command with the old one is refused at once.
  auto refused = app.Call(AppSend(3, "EV2", ctrl_key, R"({"cmdId":2,"power":1})"));
  EXPECT_EQ(Field(refused.value_or(""), "/code"), "1400012");
}

TEST_F(ChangeEventsTest, LicenceRevokedThroughTheApiDisconnectsTheDevice) {
  HttpResult created = api_.Ent(bearer_, "POST", "/api/v1/enterprise/product",
                                R"({"name":"Lic","workModeType":"JSON_CTRL","mid":"CHGEVENTLIC1",)"
                                R"("prodKey":"chg-lic-key","deviceAuth":"LICENSE"})");
  ASSERT_EQ(created.status, 201) << created.body;
  for (const char* kind : {"DEVICE", "LICENSE"}) {
    admin_.Json({"quota", "set", "--pid", "00000000000", "--product", "CHGEVENTLIC1", "--kind",
                 kind, "--total", "5"});
  }
  HttpResult imported =
      api_.Ent(bearer_, "POST", "/api/v1/enterprise/product/CHGEVENTLIC1/device/import",
               R"({"devTids":["EVLIC1"]})");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const std::string license = StringField(imported.body, "/results/0/license");
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":1,"action":"devLogin","params":{"devTid":"EVLIC1","prodKey":"chg-lic-key",)"
      R"("token":"","license":")" +
      license + "\"}}");
  ASSERT_EQ(Field(login.value_or(""), "/code"), "200") << login.value_or("");

  HttpResult revoked =
      api_.Ent(bearer_, "DELETE", "/api/v1/enterprise/product/CHGEVENTLIC1/license/EVLIC1");
  ASSERT_EQ(revoked.status, 204) << revoked.body;
  EXPECT_EQ(dev.ReadLine().value_or("<none>"), R"({"msgId":0,"action":"errorResp","code":1400039,)"
                                               R"("desc":"Device license can not verification"})");
  EXPECT_FALSE(dev.ReadLine(std::chrono::seconds(2)).has_value());  // closed
}

}  // namespace
}  // namespace krypton::testing
