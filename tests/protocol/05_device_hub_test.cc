// Black-box: dispatch (getProdInfo) and the device hub, over real TCP, against the real
// binary (hub-protocol.md §3, §7; enterprise-api.md §4.1).
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

std::string Login(const std::string& dev_tid, const std::string& token,
                  const std::string& prod_key = "xxxxxx", const std::string& extra = "") {
  return R"({"msgId" : "1","action" : "devLogin","params" : {"devTid" : ")" + dev_tid +
         R"(","prodKey" : ")" + prod_key + R"(","token" : ")" + token + "\"" + extra + "}}";
}

class DeviceHubTest : public KryptonTest {
 protected:
  void SetUp() override { uid_ = admin_.Demo().uid; }

  void Start(std::vector<std::string> sets = {}) {
    sets.insert(sets.begin(), "hub.public_host=hub.example.test");
    ASSERT_TRUE(Serve(std::move(sets)));
  }

  // Logs a demo device in on a fresh connection; returns the token.
  std::string LoginNew(LineClient& c, const std::string& dev_tid) {
    auto r = c.Call(Login(dev_tid, ""));
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(Field(*r, "/code"), "200") << *r;
    std::string token = Field(*r, "/params/token");
    return token.size() > 2 ? token.substr(1, token.size() - 2) : token;
  }

  std::string uid_;
};

TEST_F(DeviceHubTest, GetProdInfoAnswersLikeTheTranscript) {
  Start();
  LineClient info(server_->port("dispatch"));
  ASSERT_TRUE(info.connected());
  auto r = info.Call(
      R"({"msgId" : "0","action" : "getProdInfo","params" : {"devTid" : "NODEJS_SN20170725001","prodKey" : "xxxxxx"}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r,
            R"({"msgId":"0","action":"getProdInfoResp","code":200,"desc":"success",)"
            R"("dcInfo":{"fromDC":"krypton","dc":"krypton","area":"local","fromArea":"local",)"
            R"("domain":"localhost"},"params":{"mid":"DEMOSOCKET01","workMode":1,"tokenType":2,)"
            R"("serviceHost":"hub.example.test","servicePort":)" +
                std::to_string(server_->port("device")) +
                R"(,"encryptType":"None","connectType":"tcp"}})");
  // The ESP firmware's request: numeric msgId, supportSSL.
  r = info.Call(
      R"({"msgId":18747,"action":"getProdInfo","params":{"devTid":"ESP_2M_F4CFA2492863","prodKey":"xxxxxx","supportSSL":1}})");
  EXPECT_EQ(Field(*r, "/msgId"), "18747");
  EXPECT_EQ(Field(*r, "/code"), "200");
}

TEST_F(DeviceHubTest, GetProdInfoErrorsKeepTheConnection) {
  Start();
  LineClient info(server_->port("dispatch"));
  EXPECT_EQ(
      *info.Call(R"({"msgId":1,"action":"getProdInfo","params":{"devTid":"D1","prodKey":"nope"}})"),
      R"({"msgId":1,"action":"getProdInfoResp","code":1400027,"desc":"Product key not available"})");
  EXPECT_EQ(*info.Call(R"({"msgId":2,"action":"getProdInfo","params":{"prodKey":"xxxxxx"}})"),
            R"({"msgId":2,"action":"getProdInfoResp","code":1400032,"desc":"Invalid Param"})");
  EXPECT_EQ(Field(*info.Call(R"({"msgId":3,"action":"getProdInfo","params":{"devTid":")" +
                             std::string(33, 'A') + R"(","prodKey":"xxxxxx"}})"),
                  "/code"),
            "1400032");
  EXPECT_EQ(Field(*info.Call(
                      R"({"msgId":4,"action":"getProdInfo","params":{"devTid":"D1","prodKey":5}})"),
                  "/code"),
            "1400032");
  EXPECT_EQ(Field(*info.Call(R"({"msgId":5,"action":"getProdInfo"})"), "/code"), "1400032");
  EXPECT_EQ(*info.Call("{not json"),
            R"({"msgId":0,"action":"errorResp","code":1400001,"desc":"Json parse error"})");
  EXPECT_EQ(*info.Call(R"({"msgId":"6","params":{}})"),
            R"({"msgId":"6","action":"errorResp","code":1400001,"desc":"Json parse error"})");
  EXPECT_EQ(
      *info.Call(R"({"msgId":7,"action":"getProdInfoX"})"),
      R"({"msgId":7,"action":"getProdInfoXResp","code":1400016,"desc":"Action not support"})");
  auto ok = info.Call(
      R"({"msgId":8,"action":"getProdInfo","params":{"devTid":"D1","prodKey":"xxxxxx"}})");
  EXPECT_EQ(Field(*ok, "/code"), "200");
  auto domain = info.Call(R"({"action":"getAppDomain"})");
  EXPECT_EQ(Field(*domain, "/action"), "\"getAppDomainResp\"");
  EXPECT_EQ(Field(*domain, "/msgId"), "0");
  EXPECT_EQ(Field(*domain, "/dcInfo/domain"), "\"localhost\"");
}

TEST_F(DeviceHubTest, NodejsDeviceTranscript) {
  Start();
  LineClient dev(server_->port("device"));
  auto login = dev.Call(Login("NODEJS_SN20170725001", ""));
  ASSERT_TRUE(login);
  EXPECT_EQ(Field(*login, "/msgId"), "\"1\"");
  EXPECT_EQ(Field(*login, "/action"), "\"devLoginResp\"");
  EXPECT_EQ(Field(*login, "/code"), "200");
  EXPECT_EQ(Field(*login, "/desc"), "\"success\"");
  EXPECT_TRUE(std::regex_match(Field(*login, "/params/token"), std::regex("\"[0-9a-f]{32}\"")));
  EXPECT_TRUE(std::regex_match(Field(*login, "/params/ctrlKey"), std::regex("\"[0-9a-f]{32}\"")));
  EXPECT_TRUE(std::regex_match(Field(*login, "/params/bindKey"), std::regex("\"[0-9a-f]{32}\"")));
  EXPECT_EQ(Field(*login, "/params/devTid"), "\"NODEJS_SN20170725001\"");
  EXPECT_EQ(Field(*login, "/params/bind"), "false");
  EXPECT_EQ(Field(*login, "/params/forceBind"), "false");
  EXPECT_EQ(
      *dev.Call(
          R"({"msgId" : "2","action" : "reportDevInfo","params" : {"devTid":"NODEJS_SN20170725001","mid":"DEMOSOCKET01","workMode":1,"tokenType":2,"serviceHost":"hub.example.test","servicePort":)" +
          std::to_string(server_->port("device")) +
          R"(,"binVer":"0.1.0","binType":"NA","sdkver":"2.0.0","SDKVer":"2.0.0","mac":"","MAC":"","ssid":"","SSID":"","lanIp":""}})"),
      R"({"msgId":"2","action":"reportDevInfoResp","code":200,"desc":"success"})");
  EXPECT_EQ(*dev.Call(R"({"msgId" : 3,"action" : "heartbeat"})"),
            R"({"msgId":3,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(*dev.Call(R"({"msgId":18513,"action":"heartbeat","rssi":"-42"})"),
            R"({"msgId":18513,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(
      *dev.Call(
          R"({"msgId" : "4","action" : "devSend","params" : {"devTid" : "NODEJS_SN20170725001","appTid" : [],"data" : {"cmdId":1,"power":1}}})"),
      R"({"msgId":"4","action":"devSendResp","code":200,"desc":"success"})");
  EXPECT_EQ(
      *dev.Call(
          R"({"msgId":18485,"action":"getTimerList","params":{"devTid":"NODEJS_SN20170725001","taskFormat":"single","timeFormat":"countdown"}})"),
      R"({"msgId":18485,"action":"getTimerListResp","code":200,"desc":"success","params":{"tasksCount":0,"taskList":[]}})");
  // State and info are stored; the device is online.
  std::string shown = admin_.Json({"device", "show", "--dev-tid", "NODEJS_SN20170725001"});
  EXPECT_EQ(Field(shown, "/online"), "true");
  EXPECT_EQ(Field(shown, "/state"), R"({"cmdId":1,"power":1})");
  EXPECT_EQ(Field(shown, "/info/binVer"), "\"0.1.0\"");
  dev.Close();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "NODEJS_SN20170725001"}), "/online"),
            "false");
}

TEST_F(DeviceHubTest, ActionsBeforeLoginAndUnknownActions) {
  Start();
  LineClient dev(server_->port("device"));
  for (const char* action :
       {"devSend", "reportDevInfo", "getTimerList", "timerReport", "devLogout"}) {
    auto r = dev.Call(std::string(R"({"msgId":9,"action":")") + action + R"(","params":{}})");
    EXPECT_EQ(*r, std::string(R"({"msgId":9,"action":")") + action +
                      R"(Resp","code":1400020,"desc":"Device is not logged in"})");
  }
  EXPECT_EQ(*dev.Call(R"({"msgId":10,"action":"heartbeat"})"),
            R"({"msgId":10,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(*dev.Call(R"({"msgId":11,"action":"fly","params":{}})"),
            R"({"msgId":11,"action":"flyResp","code":1400016,"desc":"Action not support"})");
  // A failed login leaves the connection open for a retry.
  EXPECT_EQ(Field(*dev.Call(Login("D1", "", "wrong")), "/code"), "1400027");
  EXPECT_EQ(Field(*dev.Call(R"({"msgId":"1","action":"devLogin","params":{"prodKey":"xxxxxx"}})"),
                  "/code"),
            "1400032");
  EXPECT_EQ(Field(*dev.Call(Login("D1", "")), "/code"), "200");
}

TEST_F(DeviceHubTest, TokenRulesAndRestart) {
  Start();
  std::string t1, t2, ctrl;
  {
    LineClient dev(server_->port("device"));
    t1 = LoginNew(dev, "TOK1");
  }
  {
    LineClient dev(server_->port("device"));
    auto r = dev.Call(Login("TOK1", t1));
    EXPECT_EQ(Field(*r, "/code"), "200");
    EXPECT_EQ(Field(*r, "/params/token"), "\"" + t1 + "\"");
    ctrl = Field(*r, "/params/ctrlKey");
  }
  {
    LineClient dev(server_->port("device"));
    EXPECT_EQ(
        *dev.Call(Login("TOK1", "0123456789abcdef0123456789abcdef")),
        R"({"msgId":"1","action":"devLoginResp","code":1400017,"desc":"Device token can not verification"})");
  }
  {
    // Unbound and offline (D29: not while the device is online — wait until the server
    // has seen the first connection end): an empty token re-registers; the replaced token
    // becomes the last token.
    for (int i = 0; i < 100 && Field(admin_.Json({"device", "show", "--dev-tid", "TOK1"}),
                                     "/online") != "false";
         ++i) {
      std::this_thread::sleep_for(50ms);
    }
    LineClient dev(server_->port("device"));
    t2 = LoginNew(dev, "TOK1");
    EXPECT_NE(t1, t2);
  }
  {
    LineClient dev(server_->port("device"));
    EXPECT_EQ(
        *dev.Call(Login("TOK1", t1)),
        R"({"msgId":"1","action":"devLoginResp","code":1400015,"desc":"Device last token can not use"})");
  }
  // The token survives a restart.
  ASSERT_EQ(server_->Stop(SIGTERM, 10000), 0);
  Start();
  LineClient dev(server_->port("device"));
  auto r = dev.Call(Login("TOK1", t2));
  EXPECT_EQ(Field(*r, "/code"), "200");
  EXPECT_EQ(Field(*r, "/params/ctrlKey"), ctrl);
}

TEST_F(DeviceHubTest, BoundDeviceMustPresentItsToken) {
  Start();
  std::string token;
  {
    LineClient dev(server_->port("device"));
    token = LoginNew(dev, "BOUND1");
  }
  admin_.Json({"device", "bind", "--dev-tid", "BOUND1", "--uid", uid_});
  LineClient dev(server_->port("device"));
  EXPECT_EQ(Field(*dev.Call(Login("BOUND1", "")), "/code"), "1400017");
  auto r = dev.Call(Login("BOUND1", token));
  EXPECT_EQ(Field(*r, "/code"), "200");
  EXPECT_EQ(Field(*r, "/params/bind"), "true");
}

TEST_F(DeviceHubTest, SecondLoginOnSameConnectionIs1400013) {
  Start();
  LineClient dev(server_->port("device"));
  LoginNew(dev, "TWICE");
  EXPECT_EQ(*dev.Call(Login("TWICE", "")),
            R"({"msgId":"1","action":"devLoginResp","code":1400013,"desc":"Device repeat login"})");
  EXPECT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":2,"action":"devSend","params":{"devTid":"TWICE","data":{"cmdId":1,"power":0}}})"),
          "/code"),
      "200");
}

TEST_F(DeviceHubTest, NewestConnectionWins) {
  Start();
  LineClient old_conn(server_->port("device"));
  std::string token = LoginNew(old_conn, "DUP1");
  LineClient new_conn(server_->port("device"));
  EXPECT_EQ(Field(*new_conn.Call(Login("DUP1", token)), "/code"), "200");
  EXPECT_EQ(*old_conn.ReadLine(),
            R"({"msgId":0,"action":"errorResp","code":1400013,"desc":"Device repeat login"})");
  EXPECT_TRUE(old_conn.WaitClosed());
  std::this_thread::sleep_for(200ms);
  // The replaced session did not mark its successor offline.
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "DUP1"}), "/online"), "true");
  EXPECT_EQ(Field(*new_conn.Call(R"({"msgId":5,"action":"heartbeat"})"), "/code"), "200");
}

TEST_F(DeviceHubTest, ReportDevInfoAndDevSendChecks) {
  Start();
  LineClient dev(server_->port("device"));
  LoginNew(dev, "CHK1");
  EXPECT_EQ(*dev.Call(R"({"msgId":1,"action":"reportDevInfo","params":{"devTid":"OTHER"}})"),
            R"({"msgId":1,"action":"reportDevInfoResp","code":1400008,"desc":"devTid not match"})");
  // Default D21 mode "log": a foreign hub is accepted.
  EXPECT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":2,"action":"reportDevInfo","params":{"devTid":"CHK1","serviceHost":"hub.hekr.me","servicePort":83}})"),
          "/code"),
      "200");
  EXPECT_EQ(
      *dev.Call(
          R"({"msgId":3,"action":"devSend","params":{"devTid":"OTHER","appTid":[],"data":{"cmdId":1}}})"),
      R"({"msgId":3,"action":"devSendResp","code":1400008,"desc":"devTid not match"})");
  EXPECT_EQ(*dev.Call(R"({"msgId":4,"action":"devSend","params":{"devTid":"CHK1","appTid":[]}})"),
            R"({"msgId":4,"action":"devSendResp","code":1400032,"desc":"Invalid Param"})");
  EXPECT_EQ(Field(*dev.Call(R"({"msgId":5,"action":"devSend","params":{"appTid":[],"data":{}}})"),
                  "/code"),
            "1400032");
  EXPECT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":6,"action":"timerReport","params":{"devTid":"CHK1","taskId":1,"data":{"cmdId":1,"power":0}}})"),
          "/code"),
      "200");
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "CHK1"}), "/state"),
            R"({"cmdId":1,"power":0})");
  EXPECT_TRUE(server_->Stderr().find("reports hub hub.hekr.me:83") != std::string::npos);
}

TEST_F(DeviceHubTest, ReportHostCheckReject) {
  Start({"hub.report_host_check=reject"});
  LineClient dev(server_->port("device"));
  LoginNew(dev, "REJ1");
  EXPECT_EQ(
      *dev.Call(
          R"({"msgId":2,"action":"reportDevInfo","params":{"devTid":"REJ1","serviceHost":"hub.hekr.me","servicePort":83}})"),
      R"({"msgId":2,"action":"reportDevInfoResp","code":1400024,"desc":"You report info does not match your connect server"})");
  // The session stays up, and the right host is accepted.
  EXPECT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":3,"action":"reportDevInfo","params":{"devTid":"REJ1","serviceHost":"hub.example.test","servicePort":)" +
              std::to_string(server_->port("device")) + "}}"),
          "/code"),
      "200");
}

TEST_F(DeviceHubTest, AuthKeyProducts) {
  admin_.Json({"manufacturer", "create", "--pid", "20000000001", "--name", "Keys"});
  std::string tpl = dir_ + "/t.json";
  std::ofstream(tpl) << R"({"workModeType":"JSON_CTRL","protocol":{}})";
  std::string product = admin_.Json({"product", "create", "--pid", "20000000001", "--name", "Lock",
                                     "--work-mode", "JSON_CTRL", "--template", tpl, "--device-auth",
                                     "AUTHKEY", "--prod-key", "authkeyproduct"});
  std::string mid = Field(product, "/mid");
  mid = mid.substr(1, mid.size() - 2);
  std::string creds = admin_.Json({"device", "credentials", "--product", mid, "--dev-tid", "AK1"});
  std::string auth_key = Field(creds, "/0/authKey");
  Start();
  LineClient dev(server_->port("device"));
  EXPECT_EQ(*dev.Call(Login("AK1", "", "authkeyproduct")),
            R"({"msgId":"1","action":"devLoginResp","code":1400026,"desc":"AuthKey can't auth"})");
  EXPECT_EQ(Field(*dev.Call(Login("AK1", "", "authkeyproduct",
                                  R"(,"authKey":"0123456789abcdef0123456789abcdef")")),
                  "/code"),
            "1400026");
  EXPECT_EQ(
      Field(*dev.Call(Login("AK1", "", "authkeyproduct", ",\"authKey\":" + auth_key)), "/code"),
      "200");
}

TEST_F(DeviceHubTest, LicenseProducts) {
  admin_.Json({"manufacturer", "create", "--pid", "20000000002", "--name", "Lic"});
  admin_.Json({"quota", "set", "--pid", "20000000002", "--kind", "DEVICE", "--total", "-1"});
  std::string tpl = dir_ + "/t.json";
  std::ofstream(tpl) << R"({"workModeType":"JSON_TRANSPARENT","protocol":{}})";
  std::string product =
      admin_.Json({"product", "create", "--pid", "20000000002", "--name", "Meter", "--work-mode",
                   "JSON_TRANSPARENT", "--template", tpl, "--device-auth", "LICENSE", "--prod-key",
                   "ccdfab3420b5f0320674f34657882e9e"});
  std::string mid = Field(product, "/mid");
  mid = mid.substr(1, mid.size() - 2);
  auto credentials = [&](const std::string& dev_tid) {
    return Field(admin_.Json({"device", "credentials", "--product", mid, "--dev-tid", dev_tid}),
                 "/0/license");
  };
  // The import issues the licence (the enterprise API's E14 rules).
  std::string imported =
      admin_.Json({"device", "import", "--product", mid, "--dev-tid", "ESP_2M_F4CFA2492863"});
  std::string license = Field(imported, "/0/license");
  ASSERT_EQ(license.size(), 45u);  // 43 characters and the quotes
  EXPECT_EQ(credentials("ESP_2M_F4CFA2492863"), license);
  Start();
  LineClient info(server_->port("dispatch"));
  EXPECT_EQ(
      Field(
          *info.Call(
              R"({"msgId":18747,"action":"getProdInfo","params":{"devTid":"ESP_2M_F4CFA2492863","prodKey":"ccdfab3420b5f0320674f34657882e9e","supportSSL":1}})"),
          "/params/tokenType"),
      "1");
  auto login = [&](const std::string& dev_tid, const std::string& lic) {
    LineClient dev(server_->port("device"));
    return *dev.Call(R"({"msgId":0,"action":"devLogin","params":{"license":)" + lic +
                     R"(,"devTid":")" + dev_tid +
                     R"(","prodKey":"ccdfab3420b5f0320674f34657882e9e"}})");
  };
  EXPECT_EQ(
      login("ESP_2M_F4CFA2492863", "\"30bc52f9c8fc4eada019bfffb956226c\""),
      R"({"msgId":0,"action":"devLoginResp","code":1400039,"desc":"Device license can not verification"})");
  std::string ok = login("ESP_2M_F4CFA2492863", license);
  EXPECT_EQ(Field(ok, "/code"), "200");
  EXPECT_EQ(Field(ok, "/params/token"), "null");
  EXPECT_EQ(Field(ok, "/params/license"), license);
  admin_.Json({"device", "revoke", "--dev-tid", "ESP_2M_F4CFA2492863"});
  EXPECT_EQ(Field(login("ESP_2M_F4CFA2492863", license), "/code"), "1400039");
  admin_.Json({"device", "restore", "--dev-tid", "ESP_2M_F4CFA2492863"});
  EXPECT_EQ(Field(login("ESP_2M_F4CFA2492863", license), "/code"), "200");

  // A licence that was never issued does not open the hub, and the failed login
  // registers nothing.
  std::string fresh = credentials("ESP_NEW_1");
  EXPECT_EQ(Field(login("ESP_NEW_1", fresh), "/code"), "1400039");
  EXPECT_EQ(admin_.Run({"device", "show", "--dev-tid", "ESP_NEW_1"}).exit_code, 1);
  // With auto-issue, the first login of a device with the right licence gets it issued,
  // one LICENSE unit each; an empty quota is 1400039 for the device (never 8400031).
  admin_.Json({"product", "update", "--product", mid, "--auto-issue-license", "true"});
  admin_.Json({"quota", "set", "--pid", "20000000002", "--kind", "LICENSE", "--total", "1"});
  EXPECT_EQ(Field(login("ESP_NEW_1", "\"30bc52f9c8fc4eada019bfffb956226c\""), "/code"), "1400039");
  EXPECT_EQ(Field(login("ESP_NEW_1", fresh), "/code"), "200");
  EXPECT_EQ(Field(login("ESP_NEW_1", fresh), "/code"), "200");  // issued: no second unit
  EXPECT_EQ(Field(login("ESP_NEW_2", credentials("ESP_NEW_2")), "/code"), "1400039");
  EXPECT_EQ(Field(admin_.Json({"quota", "list", "--pid", "20000000002"}), "/1/used"), "1");
}

TEST_F(DeviceHubTest, PreRegisteredProducts) {
  admin_.Json({"manufacturer", "create", "--pid", "20000000003", "--name", "Pre"});
  std::string tpl = dir_ + "/t.json";
  std::ofstream(tpl) << R"({"workModeType":"JSON_CTRL","protocol":{}})";
  std::string mid =
      Field(admin_.Json({"product", "create", "--pid", "20000000003", "--name", "P", "--work-mode",
                         "JSON_CTRL", "--template", tpl, "--prod-key", "prekey", "--pre-register"}),
            "/mid");
  mid = mid.substr(1, mid.size() - 2);
  admin_.Json({"quota", "set", "--pid", "20000000003", "--kind", "DEVICE", "--total", "-1"});
  admin_.Json({"device", "import", "--product", mid, "--dev-tid", "IMPORTED1"});
  Start();
  LineClient info(server_->port("dispatch"));
  EXPECT_EQ(
      *info.Call(
          R"({"msgId":1,"action":"getProdInfo","params":{"devTid":"STRANGER","prodKey":"prekey"}})"),
      R"({"msgId":1,"action":"getProdInfoResp","code":1400022,"desc":"The device is not found"})");
  EXPECT_EQ(
      Field(
          *info.Call(
              R"({"msgId":2,"action":"getProdInfo","params":{"devTid":"IMPORTED1","prodKey":"prekey"}})"),
          "/code"),
      "200");
  LineClient dev(server_->port("device"));
  EXPECT_EQ(Field(*dev.Call(Login("STRANGER", "", "prekey")), "/code"), "1400022");
  EXPECT_EQ(Field(*dev.Call(Login("IMPORTED1", "", "prekey")), "/code"), "200");
  // A device of one product cannot log in with another product's key.
  LineClient other(server_->port("device"));
  EXPECT_EQ(Field(*other.Call(Login("IMPORTED1", "", "xxxxxx")), "/code"), "1400027");
}

TEST_F(DeviceHubTest, Framing) {
  Start();
  LineClient dev(server_->port("device"));
  // One line split over many segments.
  std::string line = R"({"msgId":1,"action":"heartbeat"})";
  for (char c : line) {
    ASSERT_TRUE(dev.SendRaw(std::string(1, c)));
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_TRUE(dev.SendRaw("\r\n"));  // CRLF accepted
  EXPECT_EQ(Field(*dev.ReadLine(), "/msgId"), "1");
  // Several lines in one segment, answered in order; empty lines ignored.
  ASSERT_TRUE(dev.SendRaw(R"({"msgId":2,"action":"heartbeat"})"
                          "\n\n"
                          R"({"msgId":3,"action":"heartbeat"})"
                          "\n"));
  EXPECT_EQ(Field(*dev.ReadLine(), "/msgId"), "2");
  EXPECT_EQ(Field(*dev.ReadLine(), "/msgId"), "3");
  // Binary garbage is a parse error, not the end of the connection.
  ASSERT_TRUE(dev.SendRaw(std::string("\x00\xff\xfe garbage", 11) + "\n"));
  EXPECT_EQ(*dev.ReadLine(),
            R"({"msgId":0,"action":"errorResp","code":1400001,"desc":"Json parse error"})");
  // UTF-8 passes through.
  LoginNew(dev, "UTF8");
  EXPECT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":4,"action":"devSend","params":{"devTid":"UTF8","data":{"cmdId":1,"name":"客厅插座"}}})"),
          "/code"),
      "200");
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "UTF8"}), "/state/name"),
            "\"客厅插座\"");
}

TEST_F(DeviceHubTest, OversizeLineIsAnsweredThenClosed) {
  Start({"hub.max_line_bytes=1024"});
  LineClient dev(server_->port("device"));
  ASSERT_TRUE(dev.SendRaw(std::string(4096, 'x')));
  EXPECT_EQ(*dev.ReadLine(),
            R"({"msgId":0,"action":"errorResp","code":1400001,"desc":"Json parse error"})");
  EXPECT_TRUE(dev.WaitClosed());
  // Other connections are unaffected.
  LineClient other(server_->port("device"));
  EXPECT_EQ(Field(*other.Call(R"({"msgId":1,"action":"heartbeat"})"), "/code"), "200");
}

TEST_F(DeviceHubTest, IdleAndLoginTimeouts) {
  Start({"hub.idle_timeout_s=1", "hub.idle_grace_s=0", "hub.login_timeout_s=1"});
  LineClient silent(server_->port("device"));
  LineClient dev(server_->port("device"));
  LoginNew(dev, "IDLE1");
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "IDLE1"}), "/online"), "true");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.WaitClosed(5s));
  EXPECT_TRUE(dev.WaitClosed(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  // The close is seen before the hub has marked the device offline: wait for it.
  EXPECT_TRUE(WaitOnline("IDLE1", false));
  // Heartbeats keep a connection alive past the timeout.
  LineClient alive(server_->port("device"));
  LoginNew(alive, "IDLE2");
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(400ms);
    ASSERT_EQ(Field(*alive.Call(R"({"msgId":1,"action":"heartbeat"})"), "/code"), "200") << i;
  }
}

TEST_F(DeviceHubTest, ThousandDevicesLogInConcurrently) {
  // 1,000 new devTids from one IP at once: above the default per-IP registration rate
  // (D29) and the per-IP pre-login bound (net.max_prelogin_per_ip,
  // 24_connection_limits_test.cc), which this load test is not about.
  Start({"hub.device_registrations_per_ip_per_min=1000", "net.max_prelogin_per_ip=0"});
  constexpr int kDevices = 1000;
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < kDevices; ++i) {
    clients.push_back(std::make_unique<LineClient>(server_->port("device")));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  for (int i = 0; i < kDevices; ++i) {
    ASSERT_TRUE(clients[i]->SendLine(Login("MANY" + std::to_string(i), "")));
  }
  int ok = 0;
  for (int i = 0; i < kDevices; ++i) {
    auto r = clients[i]->ReadLine(20s);
    ASSERT_TRUE(r) << i;
    if (Field(*r, "/code") == "200" &&
        Field(*r, "/params/devTid") == "\"MANY" + std::to_string(i) + "\"") {
      ++ok;
    }
  }
  EXPECT_EQ(ok, kDevices);
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "MANY999"}), "/online"), "true");
}

}  // namespace
}  // namespace krypton::testing

namespace krypton::testing {
namespace {

// The device TLS port (9183/183): the same protocol over server-side TLS, with a
// self-signed certificate generated for the test.
TEST_F(DeviceHubTest, TlsPortServesTheSameProtocol) {
  std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                    " -days 1 -subj /CN=localhost >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Start({"tls.cert_file=" + cert, "tls.key_file=" + key, "hub.device.tls_port=0"});
  int port = server_->port("device_tls");
  ASSERT_GT(port, 0);

  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
  stream.handshake(asio::ssl::stream_base::client);
  std::string login = Login("TLS1", "") + "\n";
  asio::write(stream, asio::buffer(login));
  asio::streambuf buf;
  asio::read_until(stream, buf, '\n');
  std::string line(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
  EXPECT_EQ(Field(line.substr(0, line.find('\n')), "/code"), "200") << line;
  // Plain TCP on the TLS port is not a device session: the handshake fails, the
  // connection closes, and the plain port is unaffected.
  LineClient plain(port);
  plain.SendLine(R"({"msgId":1,"action":"heartbeat"})");
  EXPECT_TRUE(plain.WaitClosed());
  LineClient dev(server_->port("device"));
  EXPECT_EQ(Field(*dev.Call(R"({"msgId":1,"action":"heartbeat"})"), "/code"), "200");
}

}  // namespace
}  // namespace krypton::testing
