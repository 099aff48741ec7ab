// Black-box: bind status, owner lookup and PIN/SSID binding (user-api.md §5.1.3, §5.1.4;
// hub-protocol.md §3.12, D9, D22) — the HTTP endpoints and the device's PIN hand-over on
// the hub (pinCode in reportDevInfo/devLogin, or the getPinCode exchange).
#include <gtest/gtest.h>

#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

class BindingTest : public KryptonTest {
 protected:
  void SetUp() override {
    password_ = admin_.Demo().password;
    admin_.CreateUser("bob@example.com", "bob-secret");
    admin_.CreateManufacturer("11111111111", "Acme");
    admin_.CreateUser("carol@acme.com", "carol-secret", "11111111111");
    Start({});
  }

  void Start(std::vector<std::string> sets) {
    server_.reset();
    ASSERT_TRUE(Serve(std::move(sets)));
    demo_token_ = api_.Login("demo@krypton.local", password_, "00000000000");
    bob_token_ = api_.Login("bob@example.com", "bob-secret", "00000000000");
    carol_token_ = api_.Login("carol@acme.com", "carol-secret", "11111111111");
  }

  std::string Pin(const std::string& token, const std::string& ssid) {
    HttpResult r = api_.AsUser(token, "GET", "/getPINCode?ssid=" + ssid);
    EXPECT_EQ(r.status, 200) << r.body;
    return StringField(r.body, "/PINCode");
  }
  HttpResult NewDevices(const std::string& token, const std::string& pin, const std::string& ssid) {
    return api_.AsUser(token, "GET", "/getNewDeviceList?pinCode=" + pin + "&ssid=" + ssid);
  }
  // A logged-in device; its devLoginResp in *login.
  std::unique_ptr<LineClient> Device(const std::string& dev_tid, std::string* login = nullptr,
                                     const std::string& extra = "") {
    auto dev = std::make_unique<LineClient>(server_->port("device"));
    auto r = dev->Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":")" + dev_tid +
                       R"(","prodKey":"xxxxxx","token":"")" + extra + "}}");
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(Field(r.value_or("{}"), "/code"), "200");
    if (login) *login = r.value_or("{}");
    return dev;
  }
  // reportDevInfo with `params` (inside the object); returns the devBind frame that follows.
  std::string Report(LineClient& dev, const std::string& dev_tid, const std::string& params) {
    auto resp = dev.Call(R"({"msgId":2,"action":"reportDevInfo","params":{"devTid":")" + dev_tid +
                         "\"," + params + "}}");
    EXPECT_EQ(Field(resp.value_or("{}"), "/action"), "\"reportDevInfoResp\"");
    EXPECT_EQ(Field(resp.value_or("{}"), "/code"), "200");
    return dev.ReadLine().value_or("{}");
  }
  void ExpectDevBind(const std::string& frame, const std::string& code, const std::string& desc) {
    EXPECT_EQ(StringField(frame, "/action"), "devBind") << frame;
    EXPECT_EQ(Field(frame, "/code"), code) << frame;
    EXPECT_EQ(StringField(frame, "/desc"), desc) << frame;
    EXPECT_EQ(Field(frame, "/params/bindResultCode"), code) << frame;
    EXPECT_EQ(StringField(frame, "/params/bindResultMsg"), desc) << frame;
  }
  std::string BindKey(const std::string& login) { return StringField(login, "/params/bindKey"); }

  std::string password_, demo_token_, bob_token_, carol_token_;
};

TEST_F(BindingTest, BindStatusAndQueryOwner) {
  std::string login1, login2;
  auto d1 = Device("BS1", &login1);
  auto d2 = Device("BS2", &login2);
  std::string k1 = BindKey(login1), k2 = BindKey(login2);
  ASSERT_EQ(
      api_.AsUser(demo_token_, "POST", "/device", R"({"devTid":"BS2","bindKey":")" + k2 + "\"}")
          .status,
      201);

  HttpResult st = api_.AsUser(
      bob_token_, "POST", "/deviceBindStatus",
      R"([{"devTid":"BS1","bindKey":")" + k1 + R"("},{"devTid":"BS2","bindKey":")" + k2 +
          R"("},{"devTid":"BS1","bindKey":"wrong"},{"devTid":"NOPE","bindKey":"x"},7])");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(StringField(st.body, "/0/devTid"), "BS1");
  EXPECT_EQ(Field(st.body, "/0/bindToUser"), "false");
  EXPECT_EQ(Field(st.body, "/0/forceBind"), "false");
  EXPECT_NE(StringField(st.body, "/0/deviceName"), "");
  for (const char* key : {"/0/logo", "/0/cid", "/0/cidName", "/0/productBand"}) {
    EXPECT_EQ(StringField(st.body, key), "") << key;
  }
  EXPECT_EQ(StringField(st.body, "/1/devTid"), "BS2");
  EXPECT_EQ(Field(st.body, "/1/bindToUser"), "true");
  EXPECT_EQ(Field(st.body, "/2"), "<absent>");
  EXPECT_EQ(api_.AsUser(bob_token_, "POST", "/deviceBindStatus", "[]").body, "[]");
  ExpectApiError(api_.AsUser(bob_token_, "POST", "/deviceBindStatus", R"({"devTid":"BS1"})"), 400,
                 "6400024", "Translating Json to String failure");
  EXPECT_EQ(api_.AsUser("garbage", "POST", "/deviceBindStatus", "[]").status, 403);

  HttpResult owner =
      api_.AsUser(bob_token_, "POST", "/queryOwner", R"({"devTid":"BS2","bindKey":")" + k2 + "\"}");
  ASSERT_EQ(owner.status, 200) << owner.body;
  EXPECT_EQ(StringField(owner.body, "/message"), "demo@krypton.local");
  HttpResult unbound =
      api_.AsUser(bob_token_, "POST", "/queryOwner", R"({"devTid":"BS1","bindKey":")" + k1 + "\"}");
  ASSERT_EQ(unbound.status, 200) << unbound.body;
  EXPECT_EQ(StringField(unbound.body, "/message"), "");
  const std::string bad_bind = "Bind failed due to internal error";
  ExpectApiError(
      api_.AsUser(bob_token_, "POST", "/queryOwner", R"({"devTid":"BS2","bindKey":"wrong"})"), 400,
      "5400012", bad_bind);
  ExpectApiError(
      api_.AsUser(bob_token_, "POST", "/queryOwner", R"({"devTid":"NOPE","bindKey":"x"})"), 400,
      "5400012", bad_bind);
  ExpectApiError(api_.AsUser(bob_token_, "POST", "/queryOwner", R"({"bindKey":"x"})"), 400,
                 "5400017", "devTid can not be empty");
}

TEST_F(BindingTest, PinBindsTheDeviceToThePinOwner) {
  ExpectApiError(api_.AsUser(demo_token_, "GET", "/getPINCode"), 400, "6400017",
                 "Invalid Param ssid");
  std::string old_pin = Pin(demo_token_, "home");
  std::string pin = Pin(demo_token_, "home");  // replaces the first: one per (uid, ssid)
  ASSERT_EQ(pin.size(), 6u);
  ExpectApiError(NewDevices(demo_token_, old_pin, "home"), 400, "6400017", "Invalid Param pinCode");
  EXPECT_EQ(NewDevices(demo_token_, pin, "home").body, "[]");
  ExpectApiError(NewDevices(bob_token_, pin, "home"), 400, "6400017", "Invalid Param pinCode");
  ExpectApiError(api_.AsUser(demo_token_, "GET", "/getNewDeviceList?ssid=home"), 400, "6400017",
                 "Invalid Param pinCode");
  ExpectApiError(NewDevices(demo_token_, pin, "other"), 400, "6400017", "Invalid Param ssid");

  std::string login;
  auto dev = Device("PIN1", &login);
  std::string ctrl_key = StringField(login, "/params/ctrlKey");
  // An app of the PIN's owner is refused before the bind (and caches that) ...
  LineClient app(server_->port("app_tcp"));
  ASSERT_EQ(Field(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"a","token":")" +
                            demo_token_ + "\"}}"),
                  "/code"),
            "200");
  std::string send = R"({"msgId":2,"action":"appSend","params":{"devTid":"PIN1","ctrlKey":")" +
                     ctrl_key + R"(","appTid":"a","data":{"cmdId":2,"power":1}}})";
  EXPECT_EQ(Field(*app.Call(send), "/code"), "1400012");

  std::string bound = Report(*dev, "PIN1", R"("SSID":"home","pinCode":")" + pin + "\"");
  ExpectDevBind(bound, "200", "success");
  EXPECT_EQ(StringField(bound, "/params/devTid"), "PIN1");
  EXPECT_EQ(StringField(bound, "/params/ssid"), "home");
  // The PIN owner's app session gets the devBind push (hub-protocol.md §4.6).
  auto push = app.ReadLine();
  ASSERT_TRUE(push);
  EXPECT_EQ(StringField(*push, "/action"), "devBind");
  EXPECT_EQ(StringField(*push, "/params/devTid"), "PIN1");
  EXPECT_EQ(StringField(*push, "/params/pinCode"), pin);
  EXPECT_EQ(Field(*push, "/params/bindResultCode"), "200");
  EXPECT_EQ(StringField(*push, "/params/device/ctrlKey"), ctrl_key);

  HttpResult list = NewDevices(demo_token_, pin, "home");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(StringField(list.body, "/0/devTid"), "PIN1");
  EXPECT_EQ(Field(list.body, "/0/bindResultCode"), "5200000");
  EXPECT_EQ(StringField(list.body, "/0/bindResultMsg"), "Success");
  EXPECT_EQ(StringField(list.body, "/0/ctrlKey"), ctrl_key);
  EXPECT_EQ(Field(list.body, "/0/granted"), "false");
  EXPECT_EQ(Field(list.body, "/1"), "<absent>");
  EXPECT_EQ(StringField(api_.AsUser(demo_token_, "GET", "/getNewDeviceList?pinCode=" + pin).body,
                        "/0/devTid"),
            "PIN1");  // ssid is optional
  HttpResult devices = api_.AsUser(demo_token_, "GET", "/device");
  EXPECT_EQ(StringField(devices.body, "/0/devTid"), "PIN1");
  EXPECT_EQ(Field(devices.body, "/0/bindResultCode"), "null");
  EXPECT_EQ(api_.AsUser(bob_token_, "GET", "/device").body, "[]");

  // ... and reaches the device at once after it (the hub's access cache was invalidated).
  ASSERT_TRUE(app.SendLine(send));
  auto cmd = dev->ReadLine();
  ASSERT_TRUE(cmd) << "the command did not reach the device";
  EXPECT_EQ(StringField(*cmd, "/action"), "appSend");

  // Presenting the PIN again keeps the recorded success.
  ExpectDevBind(Report(*dev, "PIN1", R"("ssid":"home","pinCode":")" + pin + "\""), "200",
                "success");
  EXPECT_EQ(Field(NewDevices(demo_token_, pin, "home").body, "/0/bindResultCode"), "5200000");
}

TEST_F(BindingTest, PinOutcomesFollowTheD9Table) {
  std::string pin = Pin(demo_token_, "home");
  std::string k_mine, k_bob;
  auto unknown = Device("PUNK");
  // PIN unknown, or SSID not the PIN's: 1400028 to the device, nothing recorded.
  ExpectDevBind(Report(*unknown, "PUNK", R"("SSID":"home","pinCode":"abcdef")"), "1400028",
                "PinCode or SSID not available");
  ExpectDevBind(Report(*unknown, "PUNK", R"("SSID":"other","pinCode":")" + pin + "\""), "1400028",
                "PinCode or SSID not available");
  EXPECT_EQ(NewDevices(demo_token_, pin, "home").body, "[]");

  // Already the PIN owner's: 200 / 5400013.
  auto mine = Device("PMINE", &k_mine);
  ASSERT_EQ(api_.AsUser(demo_token_, "POST", "/device",
                        R"({"devTid":"PMINE","bindKey":")" + BindKey(k_mine) + "\"}")
                .status,
            201);
  ExpectDevBind(Report(*mine, "PMINE", R"("SSID":"home","pinCode":")" + pin + "\""), "200",
                "success");
  // Bound to another user, product not force-bindable: 1400031 / 5400043.
  auto bobs = Device("PBOB", &k_bob);
  ASSERT_EQ(api_.AsUser(bob_token_, "POST", "/device",
                        R"({"devTid":"PBOB","bindKey":")" + BindKey(k_bob) + "\"}")
                .status,
            201);
  ExpectDevBind(Report(*bobs, "PBOB", R"("SSID":"home","pinCode":")" + pin + "\""), "1400031",
                "Can not force bind device");

  HttpResult list = NewDevices(demo_token_, pin, "home");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(StringField(list.body, "/0/devTid"), "PMINE");
  EXPECT_EQ(Field(list.body, "/0/bindResultCode"), "5400013");
  EXPECT_EQ(StringField(list.body, "/0/bindResultMsg"), "Bind failed due to repeat bind");
  EXPECT_EQ(StringField(list.body, "/1/devTid"), "PBOB");
  EXPECT_EQ(Field(list.body, "/1/bindResultCode"), "5400043");
  EXPECT_EQ(StringField(list.body, "/1/bindResultMsg"), "Device can not force bind");
  EXPECT_EQ(StringField(list.body, "/1/ctrlKey"), "");  // nothing of bob's device leaks
  EXPECT_EQ(StringField(list.body, "/1/bindKey"), "");
  EXPECT_EQ(StringField(list.body, "/1/ownerUid"), "");
  EXPECT_EQ(Field(list.body, "/2"), "<absent>");
  EXPECT_EQ(StringField(api_.AsUser(bob_token_, "GET", "/device?devTid=PBOB").body, "/0/devTid"),
            "PBOB");

  // The PIN owner's pid is not the public one and not the product's: 1400030 / 5400008.
  std::string carol_pin = Pin(carol_token_, "acme");
  auto other = Device("POTHER");
  ExpectDevBind(Report(*other, "POTHER", R"("SSID":"acme","pinCode":")" + carol_pin + "\""),
                "1400030", "Can not bind other manufacture's device");
  HttpResult carol = NewDevices(carol_token_, carol_pin, "acme");
  EXPECT_EQ(Field(carol.body, "/0/bindResultCode"), "5400008") << carol.body;
  EXPECT_EQ(StringField(carol.body, "/0/bindResultMsg"), "Can not bind other manufacture's device");
  EXPECT_EQ(api_.AsUser(carol_token_, "GET", "/device").body, "[]");

  // The PIN in devLogin's params: devLoginResp first, then devBind.
  std::string bob_pin = Pin(bob_token_, "flat");
  std::string login;
  auto early = Device("PLOGIN", &login, R"(,"ssid":"flat","pinCode":")" + bob_pin + "\"");
  ExpectDevBind(early->ReadLine().value_or("{}"), "200", "success");
  EXPECT_EQ(Field(NewDevices(bob_token_, bob_pin, "flat").body, "/0/bindResultCode"), "5200000");
  EXPECT_EQ(StringField(api_.AsUser(bob_token_, "GET", "/device?devTid=PLOGIN").body, "/0/devTid"),
            "PLOGIN");
}

TEST_F(BindingTest, AnExpiredPinIsRefused) {
  Start({"limits.pin_ttl_s=1"});
  std::string pin = Pin(demo_token_, "home");
  auto dev = Device("PLATE");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ExpectDevBind(Report(*dev, "PLATE", R"("SSID":"home","pinCode":")" + pin + "\""), "1400029",
                "Bind failed due to timeout error");
  HttpResult list = NewDevices(demo_token_, pin, "home");  // still the caller's PIN
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Field(list.body, "/0/bindResultCode"), "5400007");
  EXPECT_EQ(StringField(list.body, "/0/bindResultMsg"), "Bind failed due to timeout error");
  EXPECT_EQ(api_.AsUser(demo_token_, "GET", "/device").body, "[]");
}

TEST_F(BindingTest, TheHubAsksForThePinAndNotesADroppedConnection) {
  std::string pin = Pin(demo_token_, "lab");
  // An unbound device on an SSID with a pending PIN is asked with getPinCode.
  auto dev = Device("PASK");
  std::string ask = Report(*dev, "PASK", R"("SSID":"lab")");
  EXPECT_EQ(StringField(ask, "/action"), "getPinCode") << ask;
  EXPECT_EQ(StringField(ask, "/params/devTid"), "PASK");
  ASSERT_TRUE(dev->SendLine(R"({"msgId":)" + Field(ask, "/msgId") +
                            R"(,"action":"getPinCodeResp","code":200,"params":{"pinCode":")" + pin +
                            R"(","ssid":"lab"}})"));
  ExpectDevBind(dev->ReadLine().value_or("{}"), "200", "success");

  // A device whose connection drops during the exchange: 5400006.
  auto gone = Device("PGONE");
  EXPECT_EQ(StringField(Report(*gone, "PGONE", R"("ssid":"lab")"), "/action"), "getPinCode");
  gone->Close();
  std::string body;
  for (int i = 0; i < 50; ++i) {
    body = NewDevices(demo_token_, pin, "lab").body;
    if (Field(body, "/1") != "<absent>") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(StringField(body, "/0/devTid"), "PASK");
  EXPECT_EQ(Field(body, "/0/bindResultCode"), "5200000");
  EXPECT_EQ(StringField(body, "/1/devTid"), "PGONE");
  EXPECT_EQ(Field(body, "/1/bindResultCode"), "5400006");
  EXPECT_EQ(StringField(body, "/1/bindResultMsg"), "Bind failed due to network error");
  EXPECT_EQ(StringField(api_.AsUser(demo_token_, "GET", "/device").body, "/0/devTid"), "PASK");

  // No PIN pending for the SSID (or a bound device): no question, nothing follows.
  auto quiet = Device("PQUIET");
  auto resp = quiet->Call(R"({"msgId":2,"action":"reportDevInfo","params":{"SSID":"nowhere"}})");
  EXPECT_EQ(Field(resp.value_or("{}"), "/code"), "200");
  EXPECT_FALSE(quiet->ReadLine(std::chrono::milliseconds(300)).has_value());
}

}  // namespace
}  // namespace krypton::testing
