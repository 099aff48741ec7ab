// Black-box: the device part of the user API (user-api.md §5.1) and its effect on the app
// hub — a binding made over HTTP is honoured by appSend at once (access cache invalidated).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

class DevicesTest : public KryptonTest {
 protected:
  void SetUp() override {
    password_ = admin_.Demo().password;
    admin_.CreateUser("bob@example.com", "bob-secret");
    ASSERT_TRUE(Serve());
    demo_token_ = api_.Login("demo@krypton.local", password_);
    bob_token_ = api_.Login("bob@example.com", "bob-secret");
  }

  std::string password_, demo_token_, bob_token_;
};

TEST_F(DevicesTest, BindListRenameUnbind) {
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":"1","action":"devLogin","params":{"devTid":"QR1","prodKey":"xxxxxx","token":""}})");
  std::string bind_key = StringField(*login, "/params/bindKey");
  std::string ctrl_key = StringField(*login, "/params/ctrlKey");

  EXPECT_EQ(Field(api_.AsUser(demo_token_, "POST", "/device", R"({"bindKey":"x"})").body, "/code"),
            "5400017");
  EXPECT_EQ(
      Field(
          api_.AsUser(demo_token_, "POST", "/device", R"({"devTid":"QR1","bindKey":"wrong"})").body,
          "/code"),
      "5400012");
  HttpResult bound =
      api_.AsUser(demo_token_, "POST", "/device",
                  R"({"devTid":"QR1","bindKey":")" + bind_key + R"(","deviceName":"Lamp"})");
  ASSERT_EQ(bound.status, 201) << bound.body;
  EXPECT_EQ(StringField(bound.body, "/devTid"), "QR1");
  EXPECT_EQ(StringField(bound.body, "/ctrlKey"), ctrl_key);
  EXPECT_EQ(StringField(bound.body, "/deviceName"), "Lamp");
  EXPECT_EQ(StringField(bound.body, "/workModeType"), "JSON_CTRL");
  EXPECT_EQ(Field(bound.body, "/granted"), "false");
  EXPECT_EQ(Field(bound.body, "/online"), "true");
  EXPECT_NE(StringField(bound.body, "/dcInfo/connectHost"), "");
  EXPECT_EQ(Field(api_.AsUser(demo_token_, "POST", "/device",
                              R"({"devTid":"QR1","bindKey":")" + bind_key + "\"}")
                      .body,
                  "/code"),
            "5400013");
  EXPECT_EQ(Field(api_.AsUser(bob_token_, "POST", "/device",
                              R"({"devTid":"QR1","bindKey":")" + bind_key + "\"}")
                      .body,
                  "/code"),
            "5400043");

  HttpResult list = api_.AsUser(demo_token_, "GET", "/device?&page=0&size=20");  // ioBroker's "?&"
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(StringField(list.body, "/0/devTid"), "QR1");
  EXPECT_EQ(Field(list.body, "/1"), "<absent>");
  EXPECT_EQ(
      StringField(api_.AsUser(demo_token_, "GET", "/devices?size=20&page=0").body, "/0/devTid"),
      "QR1");
  EXPECT_EQ(api_.AsUser(demo_token_, "GET", "/device?page=1&size=1").body, "[]");
  EXPECT_EQ(api_.AsUser(demo_token_, "GET", "/device?devTid=OTHER").body, "[]");
  EXPECT_EQ(api_.AsUser(bob_token_, "GET", "/device").body, "[]");

  EXPECT_EQ(
      api_.AsUser(demo_token_, "PATCH", "/device/QR1", R"({"deviceName":"Desk lamp"})").status,
      204);
  EXPECT_EQ(
      StringField(api_.AsUser(demo_token_, "GET", "/device?devTid=QR1").body, "/0/deviceName"),
      "Desk lamp");
  EXPECT_EQ(Field(api_.AsUser(bob_token_, "PATCH", "/device/QR1", R"({"deviceName":"Mine"})").body,
                  "/code"),
            "5400014");
  EXPECT_EQ(Field(api_.AsUser(demo_token_, "PATCH", "/device/NOPE", R"({"deviceName":"x"})").body,
                  "/code"),
            "6400004");
  EXPECT_EQ(Field(api_.AsUser(bob_token_, "DELETE", "/device/QR1").body, "/code"), "5400014");
  EXPECT_EQ(api_.AsUser(demo_token_, "DELETE", "/device/QR1?bindKey=" + bind_key).status, 204);
  EXPECT_EQ(api_.AsUser(demo_token_, "GET", "/device").body, "[]");
  CommandResult shown = admin_.Run({"device", "show", "--dev-tid", "QR1"});
  EXPECT_NE(StringField(shown.out, "/ctrlKey"), ctrl_key);  // rotated on unbind
  EXPECT_EQ(StringField(shown.out, "/ownerUid"), "");
  // The online device is told its new ctrlKey (devSync, hub-protocol.md §3.10).
  auto sync = dev.ReadLine();
  ASSERT_TRUE(sync);
  EXPECT_EQ(Field(*sync, "/action"), R"("devSync")");
  EXPECT_EQ(Field(*sync, "/params"), R"({"devTid":"QR1","ctrlKey":")" +
                                         StringField(shown.out, "/ctrlKey") + R"(","bindKey":")" +
                                         bind_key + R"(","bind":false})");
  ASSERT_TRUE(
      dev.SendLine(R"({"msgId":)" + Field(*sync, "/msgId") + R"(,"action":"devSyncResp"})"));
  EXPECT_EQ(api_.AsUser("garbage", "GET", "/device").status, 403);
}

TEST_F(DevicesTest, ForceBindRotatesTheCtrlKeyAndTellsTheDevice) {
  ASSERT_EQ(admin_.Run({"product", "update", "--product", "DEMOSOCKET01", "--force-bind", "true"})
                .exit_code,
            0);
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":"1","action":"devLogin","params":{"devTid":"QR3","prodKey":"xxxxxx","token":""}})");
  ASSERT_TRUE(login);
  std::string bind_key = StringField(*login, "/params/bindKey");
  std::string ctrl_key = StringField(*login, "/params/ctrlKey");
  std::string body = R"({"devTid":"QR3","bindKey":")" + bind_key + "\"}";
  ASSERT_EQ(api_.AsUser(demo_token_, "POST", "/device", body).status, 201);
  // The product is force-bindable (the admin change reaches the server within its cache
  // time): the second user takes the device over.
  HttpResult taken;
  for (int i = 0; i < 50; ++i) {
    taken = api_.AsUser(bob_token_, "POST", "/device", body);
    if (taken.status == 201) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(taken.status, 201) << taken.body;
  std::string rotated = StringField(taken.body, "/ctrlKey");
  EXPECT_NE(rotated, ctrl_key);
  EXPECT_EQ(api_.AsUser(demo_token_, "GET", "/device").body, "[]");
  auto sync = dev.ReadLine();
  ASSERT_TRUE(sync);
  EXPECT_EQ(Field(*sync, "/action"), R"("devSync")");
  EXPECT_EQ(Field(*sync, "/params"), R"({"devTid":"QR3","ctrlKey":")" + rotated +
                                         R"(","bindKey":")" + bind_key + R"(","bind":true})");
}

TEST_F(DevicesTest, AnHttpBindingIsHonouredByTheAppHubAtOnce) {
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":"1","action":"devLogin","params":{"devTid":"QR2","prodKey":"xxxxxx","token":""}})");
  std::string bind_key = StringField(*login, "/params/bindKey");
  std::string ctrl_key = StringField(*login, "/params/ctrlKey");
  LineClient app(server_->port("app_tcp"));
  ASSERT_EQ(Field(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"a","token":")" +
                            demo_token_ + "\"}}"),
                  "/code"),
            "200");
  std::string send = R"({"msgId":2,"action":"appSend","params":{"devTid":"QR2","ctrlKey":")" +
                     ctrl_key + R"(","appTid":"a","data":{"cmdId":2,"power":1}}})";
  EXPECT_EQ(Field(*app.Call(send), "/code"), "1400012");  // not bound yet (and now cached)
  ASSERT_EQ(api_.AsUser(demo_token_, "POST", "/device",
                        R"({"devTid":"QR2","bindKey":")" + bind_key + "\"}")
                .status,
            201);
  ASSERT_TRUE(app.SendLine(send));
  auto cmd = dev.ReadLine();
  ASSERT_TRUE(cmd) << "the command did not reach the device";
  ASSERT_TRUE(dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                           R"(,"action":"appSendResp","code":200})"));
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
}

}  // namespace
}  // namespace krypton::testing

namespace krypton::testing {
namespace {

// Short codes (user-api.md §5.1.7): the owner reads the code and password; after an
// unbind another user binds by typing them.
TEST_F(DevicesTest, ShortCodeBinding) {
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":"1","action":"devLogin","params":{"devTid":"SC1","prodKey":"xxxxxx","token":""}})");
  std::string bind_key = StringField(*login, "/params/bindKey");
  ASSERT_EQ(api_.AsUser(demo_token_, "POST", "/device",
                        R"({"devTid":"SC1","bindKey":")" + bind_key + "\"}")
                .status,
            201);
  EXPECT_EQ(Field(api_.AsUser(bob_token_, "GET", "/device/shortCode?devTid=SC1").body, "/code"),
            "5400014");
  EXPECT_EQ(Field(api_.AsUser(demo_token_, "GET", "/device/shortCode?devTid=NOPE").body, "/code"),
            "6400004");
  HttpResult got = api_.AsUser(demo_token_, "GET", "/device/shortCode?devTid=SC1");
  ASSERT_EQ(got.status, 200) << got.body;
  std::string code = StringField(got.body, "/shortCode"),
              password = StringField(got.body, "/password");
  EXPECT_EQ(code.size(), 8u);
  EXPECT_EQ(password.size(), 4u);
  EXPECT_EQ(Field(got.body, "/expireAt"), "null");
  EXPECT_EQ(api_.AsUser(demo_token_, "GET", "/device/shortCode?devTid=SC1").body,
            got.body);  // stable

  auto bind = [&](const std::string& token, const std::string& c, const std::string& p) {
    return api_.AsUser(
        token, "POST", "/device/shortCode/bind",
        R"({"shortCode":")" + c + R"(","password":")" + p + R"(","deviceName":"Typed"})");
  };
  std::string wrong = password == "0000" ? "0001" : "0000";
  HttpResult bad = bind(bob_token_, code, wrong);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad.body, "/code"), "5400045");
  EXPECT_EQ(Field(bind(bob_token_, "99999999x", password).body, "/code"), "5400045");
  EXPECT_EQ(Field(bind(demo_token_, code, password).body, "/code"), "5400013");
  EXPECT_EQ(Field(bind(bob_token_, code, password).body, "/code"),
            "5400043");  // owned, no force bind
  ASSERT_EQ(api_.AsUser(demo_token_, "DELETE", "/device/SC1").status, 204);
  HttpResult bound = bind(bob_token_, code, password);
  ASSERT_EQ(bound.status, 201) << bound.body;
  EXPECT_EQ(StringField(bound.body, "/devTid"), "SC1");
  EXPECT_EQ(StringField(bound.body, "/deviceName"), "Typed");
  EXPECT_EQ(StringField(api_.AsUser(bob_token_, "GET", "/device").body, "/0/devTid"), "SC1");
}

TEST(ShortCodePoolTest, AnExhaustedPoolIsRefused) {
  AdminCli admin(MakeTempDir());
  std::string password = admin.Demo().password;
  std::unique_ptr<ServerProcess> server;
  ASSERT_TRUE(StartServer(&server, admin.data_dir(), {"limits.short_code_pool=1"}));
  ApiClient api(server->port("http"));
  std::string token = api.Login("demo@krypton.local", password);
  for (const char* dev_tid : {"P1", "P2"}) {
    LineClient dev(server->port("device"));
    auto r = dev.Call(std::string(R"({"msgId":"1","action":"devLogin","params":{"devTid":")") +
                      dev_tid + R"(","prodKey":"xxxxxx","token":""}})");
    HttpResult b = api.AsUser(token, "POST", "/device",
                              std::string(R"({"devTid":")") + dev_tid + R"(","bindKey":")" +
                                  StringField(*r, "/params/bindKey") + "\"}");
    ASSERT_EQ(b.status, 201) << b.body;
  }
  auto get = [&](const std::string& dev_tid) {
    return api.AsUser(token, "GET", "/device/shortCode?devTid=" + dev_tid);
  };
  EXPECT_EQ(StringField(get("P1").body, "/shortCode"), "00000000");
  HttpResult none = get("P2");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(Field(none.body, "/code"), "5400046");
}

}  // namespace
}  // namespace krypton::testing
