// Black-box: device identity is never claimed by a failed or anonymous login (D29,
// issue 14 item 2; docs/security/devid.md). Over real TCP against the real binary:
// failed devLogins store nothing, a squatted devTid does not lock out the real device,
// an empty-token newcomer does not displace an online device, self-registration is a
// product switch with a per-IP rate, and identifiers follow one charset.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPid = "20000000022";
constexpr const char* kRealKey = "realprodkey0001";
constexpr const char* kOtherKey = "otherprodkey001";
constexpr const char* kLicKey = "licprodkey00001";
constexpr const char* kWrongToken = "0123456789abcdef0123456789abcdef";

std::string Login(const std::string& dev_tid, const std::string& token, const std::string& prod_key,
                  const std::string& extra = "") {
  return R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid + R"(","prodKey":")" +
         prod_key + R"(","token":")" + token + "\"" + extra + "}}";
}

std::string Unquote(const std::string& s) {
  return s.size() >= 2 && s.front() == '"' ? s.substr(1, s.size() - 2) : s;
}

class DeviceIdentityTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    admin_.CreateManufacturer(kPid, "Ident");
    key_ = admin_.ServerKey(kPid);
    tpl_ = dir_ + "/t.json";
    std::ofstream(tpl_) << R"({"workModeType":"JSON_CTRL","protocol":{}})";
    real_mid_ = Product("Real", kRealKey);
    Product("Other", kOtherKey);
  }

  std::string Product(const std::string& name, const std::string& prod_key,
                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"product",    "create", "--pid",       kPid,
                                     "--name",     name,     "--work-mode", "JSON_CTRL",
                                     "--template", tpl_,     "--prod-key",  prod_key};
    args.insert(args.end(), extra.begin(), extra.end());
    return Unquote(Field(admin_.Json(args), "/mid"));
  }

  void Start(std::vector<std::string> sets = {}) { ASSERT_TRUE(ServeUncached(std::move(sets))); }

  // Devices of the manufacturer's products, counted through the enterprise API (E12)
  // with its server key.
  int DeviceCount() {
    int n = 0;
    for (int page = 0; page < 100; ++page) {
      HttpResult r =
          api_.Ent(key_, "GET", "/api/v1/enterprise/device?size=100&page=" + std::to_string(page));
      EXPECT_EQ(r.status, 200) << r.body;
      auto tids = StringFields(r.body, "/devTid");
      if (tids.size() == 1 && tids[0].starts_with("<")) {
        ADD_FAILURE() << r.body;
        return -1;
      }
      n += static_cast<int>(tids.size());
      if (tids.size() < 100) break;
    }
    return n;
  }

  bool Stored(const std::string& dev_tid) {
    return admin_.Run({"device", "show", "--dev-tid", dev_tid}).exit_code == 0;
  }

  // Waits until the server has seen the device's connection end.
  bool WaitOffline(const std::string& dev_tid) { return WaitOnline(dev_tid, false); }

  std::string uid_, key_, tpl_, real_mid_;
};

// 5,000 rows in 1.3 s came from one connection with wrong tokens (issue 14). Now no
// failed devLogin leaves a row, whatever its code.
TEST_F(DeviceIdentityTest, FailedLoginsStoreNothing) {
  // A LICENSE product with auto-issue and an empty LICENSE quota: the right licence of a
  // new device fails with 1400039 inside the login's transaction.
  std::string lic_mid = Product("Lic", kLicKey, {"--device-auth", "LICENSE"});
  admin_.Json({"product", "update", "--product", lic_mid, "--auto-issue-license", "true"});
  admin_.Json({"quota", "set", "--pid", kPid, "--kind", "LICENSE", "--total", "0"});
  std::string license =
      Field(admin_.Json({"device", "credentials", "--product", lic_mid, "--dev-tid", "LIC1"}),
            "/0/license");
  ASSERT_NO_FATAL_FAILURE(Start());
  LineClient dev(server_->port("device"));
  ASSERT_TRUE(dev.connected());
  constexpr int kAttempts = 500;
  for (int i = 0; i < kAttempts; ++i) {
    std::string tid = "FRESH" + std::to_string(i);
    ASSERT_EQ(
        *dev.Call(Login(tid, kWrongToken, i % 2 ? kRealKey : kOtherKey)),
        R"({"msgId":"1","action":"devLoginResp","code":1400017,"desc":"Device token can not verification"})")
        << i;
  }
  EXPECT_EQ(
      *dev.Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":"LIC1","prodKey":")" +
                std::string(kLicKey) + R"(","license":)" + license + "}}"),
      R"({"msgId":"1","action":"devLoginResp","code":1400039,"desc":"Device license can not verification"})");
  EXPECT_EQ(Field(*dev.Call(Login("FRESH0", "", "nosuchprodkey")), "/code"), "1400027");
  EXPECT_EQ(DeviceCount(), 0);
  EXPECT_FALSE(Stored("FRESH1"));
  EXPECT_FALSE(Stored("LIC1"));
  EXPECT_EQ(Field(admin_.Json({"quota", "list", "--pid", kPid}), "/0/used"), "0");
  // The connection stays open for a retry (hub-protocol.md §3.2), and a right login works.
  EXPECT_EQ(Field(*dev.Call(Login("FRESH1", "", kRealKey)), "/code"), "200");
  EXPECT_EQ(DeviceCount(), 1);
}

// A squatter tries the devTid of a real product's device with a wrong token (with another
// product's key and with the right one); the real device's first login still works.
TEST_F(DeviceIdentityTest, SquattedDevTidDoesNotLockOutTheRealDevice) {
  ASSERT_NO_FATAL_FAILURE(Start());
  {
    LineClient attacker(server_->port("device"));
    EXPECT_EQ(Field(*attacker.Call(Login("ESP_2M_F4CFA2492863", kWrongToken, kOtherKey)), "/code"),
              "1400017");
    EXPECT_EQ(Field(*attacker.Call(Login("ESP_2M_F4CFA2492863", kWrongToken, kRealKey)), "/code"),
              "1400017");
  }
  EXPECT_FALSE(Stored("ESP_2M_F4CFA2492863"));
  LineClient real(server_->port("device"));
  auto r = real.Call(Login("ESP_2M_F4CFA2492863", "", kRealKey));
  EXPECT_EQ(Field(*r, "/code"), "200") << *r;
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "ESP_2M_F4CFA2492863"}), "/mid"),
            "\"" + real_mid_ + "\"");
}

// An empty-token login for an online device gets 1400015; the live session stays and
// keeps receiving commands, and its token still works.
TEST_F(DeviceIdentityTest, EmptyTokenWhileOnlineIs1400015) {
  ASSERT_NO_FATAL_FAILURE(Start());
  LineClient real(server_->port("device"));
  auto first = real.Call(Login("LIVE1", "", "xxxxxx"));
  ASSERT_EQ(Field(*first, "/code"), "200");
  std::string token = StringField(*first, "/params/token");
  std::string ctrl_key = StringField(*first, "/params/ctrlKey");
  {
    LineClient newcomer(server_->port("device"));
    EXPECT_EQ(
        *newcomer.Call(Login("LIVE1", "", "xxxxxx")),
        R"({"msgId":"1","action":"devLoginResp","code":1400015,"desc":"Device last token can not use"})");
    // Refused, the newcomer may retry on the same connection (§3.2).
    EXPECT_EQ(Field(*newcomer.Call(R"({"msgId":2,"action":"heartbeat"})"), "/code"), "200");
  }
  // The real session was not told 1400013 nor closed.
  EXPECT_EQ(*real.Call(R"({"msgId":3,"action":"heartbeat"})"),
            R"({"msgId":3,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(Field(admin_.Json({"device", "show", "--dev-tid", "LIVE1"}), "/online"), "true");
  // It keeps receiving commands.
  admin_.Ok({"device", "bind", "--dev-tid", "LIVE1", "--uid", uid_});
  LineClient app(server_->port("app_tcp"));
  ASSERT_EQ(Field(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"t1","token":")" +
                            admin_.Token(uid_) + "\"}}"),
                  "/code"),
            "200");
  ASSERT_TRUE(
      app.SendLine(R"({"msgId":"12","action":"appSend","params":{"devTid":"LIVE1","ctrlKey":")" +
                   ctrl_key + R"(","appTid":"t1","data":{"cmdId":2,"power":1}}})"));
  auto cmd = real.ReadLine();
  ASSERT_TRUE(cmd);
  EXPECT_EQ(Field(*cmd, "/action"), "\"appSend\"");
  ASSERT_TRUE(real.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                            R"(,"action":"appSendResp","code":200,"desc":"success"})"));
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
  // The device's token did not change.
  real.Close();
  ASSERT_TRUE(WaitOffline("LIVE1"));
  LineClient again(server_->port("device"));
  EXPECT_EQ(Field(*again.Call(Login("LIVE1", token, "xxxxxx")), "/code"), "200");
}

// While the device is offline, the empty-token (first-login / factory-reset) flow issues a
// new token; the old one becomes the last token (1400015).
TEST_F(DeviceIdentityTest, EmptyTokenWhileOfflineIssuesANewToken) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::string t1;
  {
    LineClient dev(server_->port("device"));
    t1 = StringField(*dev.Call(Login("RESET1", "", kRealKey)), "/params/token");
  }
  ASSERT_TRUE(WaitOffline("RESET1"));
  std::string t2;
  {
    LineClient dev(server_->port("device"));
    auto r = dev.Call(Login("RESET1", "", kRealKey));
    EXPECT_EQ(Field(*r, "/code"), "200");
    t2 = StringField(*r, "/params/token");
    EXPECT_NE(t1, t2);
  }
  ASSERT_TRUE(WaitOffline("RESET1"));
  LineClient dev(server_->port("device"));
  EXPECT_EQ(Field(*dev.Call(Login("RESET1", t1, kRealKey)), "/code"), "1400015");
  EXPECT_EQ(Field(*dev.Call(Login("RESET1", t2, kRealKey)), "/code"), "200");
}

// preRegister is the self-registration switch: a product that has it refuses unknown
// devTids with 1400022 and stores nothing. It can be switched on a PUBLISHED product
// (through the enterprise API and `krypton admin product update`).
TEST_F(DeviceIdentityTest, ProductWithoutSelfRegistrationRefusesUnknownDevTids) {
  ASSERT_NO_FATAL_FAILURE(Start());
  HttpResult created =
      api_.Ent(key_, "POST", "/api/v1/enterprise/product",
               R"({"name":"Closed","workModeType":"JSON_CTRL","prodKey":"closedprodkey01"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string p = "/api/v1/enterprise/product/" + StringField(created.body, "/mid");
  ASSERT_EQ(api_.Ent(key_, "PUT", p + "/status", R"({"status":"PUBLISHED"})").status, 204);
  HttpResult closed = api_.Ent(key_, "PUT", p, R"({"preRegister":true})");
  EXPECT_EQ(closed.status, 204) << closed.body;
  EXPECT_EQ(Field(api_.Ent(key_, "GET", p).body, "/preRegister"), "true");
  LineClient dev(server_->port("device"));
  EXPECT_EQ(
      *dev.Call(Login("STRANGER1", "", "closedprodkey01")),
      R"({"msgId":"1","action":"devLoginResp","code":1400022,"desc":"The device is not found"})");
  LineClient info(server_->port("dispatch"));
  EXPECT_EQ(
      Field(
          *info.Call(
              R"({"msgId":1,"action":"getProdInfo","params":{"devTid":"STRANGER1","prodKey":"closedprodkey01"}})"),
          "/code"),
      "1400022");
  EXPECT_EQ(DeviceCount(), 0);
  // Switched back on (operator CLI), the same devTid registers on its first login.
  admin_.Json({"product", "update", "--product", StringField(created.body, "/mid"),
               "--pre-register", "false"});
  EXPECT_EQ(Field(*dev.Call(Login("STRANGER1", "", "closedprodkey01")), "/code"), "200");
  EXPECT_EQ(DeviceCount(), 1);
  // The admin-created (PUBLISHED) product closes the same way.
  admin_.Json({"product", "update", "--product", real_mid_, "--pre-register", "true"});
  LineClient other(server_->port("device"));
  EXPECT_EQ(Field(*other.Call(Login("STRANGER2", "", kRealKey)), "/code"), "1400022");
  EXPECT_EQ(DeviceCount(), 1);
}

// hub.device_registrations_per_ip_per_min: beyond it a new devTid gets 1400000 and is
// not stored; the connection stays; known devices are not counted.
TEST_F(DeviceIdentityTest, RegistrationsPerIpAreBounded) {
  ASSERT_NO_FATAL_FAILURE(Start({"hub.device_registrations_per_ip_per_min=5"}));
  std::string token;
  for (int i = 0; i < 5; ++i) {
    LineClient dev(server_->port("device"));
    auto r = dev.Call(Login("RATE" + std::to_string(i), "", kRealKey));
    ASSERT_EQ(Field(*r, "/code"), "200") << i;
    if (i == 0) token = StringField(*r, "/params/token");
  }
  LineClient dev(server_->port("device"));
  EXPECT_EQ(*dev.Call(Login("RATE5", "", kRealKey)),
            R"({"msgId":"1","action":"devLoginResp","code":1400000,"desc":"Error"})");
  EXPECT_FALSE(Stored("RATE5"));
  EXPECT_EQ(DeviceCount(), 5);
  // The connection stays open; a registered device still logs in on it.
  ASSERT_TRUE(WaitOffline("RATE0"));
  EXPECT_EQ(Field(*dev.Call(Login("RATE0", token, kRealKey)), "/code"), "200");
  EXPECT_TRUE(server_->Stderr().find("device registrations from 127.0.0.1") != std::string::npos ||
              server_->Stdout().find("device registrations from 127.0.0.1") != std::string::npos);
}

// Identifiers outside the charset/length of common/identifiers.h are refused with the
// field's code (1400032) before anything is looked up or stored; the connection stays.
TEST_F(DeviceIdentityTest, MalformedIdentifiersAreRefused) {
  ASSERT_NO_FATAL_FAILURE(Start());
  LineClient dev(server_->port("device"));
  const std::string refused =
      R"({"msgId":"1","action":"devLoginResp","code":1400032,"desc":"Invalid Param"})";
  for (const std::string& tid : std::vector<std::string>{
           R"(\u0000)", R"(A\u0000B)", R"(A\u0001B)", R"(A\nB)", R"(A\u007fB)", "A B", "A/B",
           "A\\\"B", R"(\u00e9t\u00e9)", "\xe5\xae\xa2", std::string(33, 'A'), ""}) {
    EXPECT_EQ(*dev.Call(Login(tid, "", kRealKey)), refused) << tid;
  }
  EXPECT_EQ(*dev.Call(Login("OK1", "", R"(realprodkey0001\u0000)")), refused);
  EXPECT_EQ(*dev.Call(Login("OK1", R"(\u0000)", kRealKey)), refused);
  EXPECT_EQ(*dev.Call(Login("OK1", std::string(129, 'a'), kRealKey)), refused);
  EXPECT_EQ(DeviceCount(), 0);
  // Dispatch applies the same rule.
  LineClient info(server_->port("dispatch"));
  EXPECT_EQ(
      *info.Call(
          R"({"msgId":1,"action":"getProdInfo","params":{"devTid":"\u0000","prodKey":"realprodkey0001"}})"),
      R"({"msgId":1,"action":"getProdInfoResp","code":1400032,"desc":"Invalid Param"})");
  // The device connection stays usable.
  auto ok = dev.Call(Login("OK1", "", kRealKey));
  EXPECT_EQ(Field(*ok, "/code"), "200");
  std::string ctrl_key = StringField(*ok, "/params/ctrlKey");
  EXPECT_EQ(
      Field(
          *dev.Call(R"({"msgId":2,"action":"devSend","params":{"devTid":"OK1\u0000","data":{}}})"),
          "/code"),
      "1400032");
  // And the app hub: appTid at login, devTid / ctrlKey / appTid in appSend.
  LineClient app(server_->port("app_tcp"));
  std::string user_token = admin_.Token(uid_);
  EXPECT_EQ(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"a\u0000","token":")" +
                      user_token + "\"}}"),
            R"({"msgId":1,"action":"appLoginResp","code":1400032,"desc":"Invalid Param"})");
  ASSERT_EQ(Field(*app.Call(R"({"msgId":2,"action":"appLogin","params":{"appTid":"a1","token":")" +
                            user_token + "\"}}"),
                  "/code"),
            "200");
  for (const std::string& params : std::vector<std::string>{
           R"("devTid":"OK1\u0000","ctrlKey":"k")", R"("devTid":"OK1","ctrlKey":"k\u0001")",
           R"("devTid":"OK1","ctrlKey":"k","appTid":"a1\n")"}) {
    EXPECT_EQ(*app.Call(R"({"msgId":3,"action":"appSend","params":{)" + params +
                        R"(,"data":{"cmdId":1}}})"),
              R"({"msgId":3,"action":"appSendResp","code":1400032,"desc":"Invalid Param"})")
        << params;
  }
  // The enterprise import (E14) refuses, per item, the devTids the hubs would refuse.
  admin_.Json({"quota", "set", "--pid", kPid, "--kind", "DEVICE", "--total", "-1"});
  HttpResult imp =
      api_.Ent(key_, "POST", "/api/v1/enterprise/product/" + real_mid_ + "/device/import",
               R"({"devTids":["IMP_OK","IMP\u0000","IMP B"]})");
  ASSERT_EQ(imp.status, 201) << imp.body;
  EXPECT_EQ(Field(imp.body, "/success"), "1");
  EXPECT_EQ(Field(imp.body, "/results/1/code"), "8400002");
  EXPECT_EQ(Field(imp.body, "/results/2/code"), "8400002");
  EXPECT_FALSE(Stored("IMP B"));
}

}  // namespace
}  // namespace krypton::testing
