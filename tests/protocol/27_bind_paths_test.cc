// Black-box: the three ways to bind a device — QR (POST /device), short code (POST
// /device/shortCode/bind) and PIN/SSID on the device hub — are one bind operation
// (devices/binding.h, issue 15): a force bind gives the same result on each (new owner,
// old owner's shares gone, ctrlKey rotated, devSync to the device with the new ctrlKey),
// and a DISCONTINUED product is refused on each with the same user-family code.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

const char* const kBadStatus = "Device does not found due to incorrect status";

class BindPathsTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    a_uid_ = demo.uid;
    b_uid_ = admin_.CreateUser("bob@example.com", "bob-secret");
    c_uid_ = admin_.CreateUser("carol@example.com", "carol-secret");
    admin_.Ok({"product", "update", "--product", "DEMOSOCKET01", "--force-bind", "true"});
    ASSERT_TRUE(Serve());
    a_ = api_.Login("demo@krypton.local", demo.password);
    b_ = api_.Login("bob@example.com", "bob-secret");
    c_ = api_.Login("carol@example.com", "carol-secret");
  }

  // A device of the demo product, online on the device hub.
  struct Online {
    std::unique_ptr<LineClient> dev;
    std::string dev_tid, bind_key, ctrl_key;
  };
  Online Login(const std::string& dev_tid) {
    Online o{std::make_unique<LineClient>(server_->port("device")), dev_tid, "", ""};
    auto r = o.dev->Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":")" + dev_tid +
                         R"(","prodKey":"xxxxxx","token":""}})");
    EXPECT_EQ(Field(r.value_or("{}"), "/code"), "200") << r.value_or("<none>");
    o.bind_key = StringField(r.value_or("{}"), "/params/bindKey");
    o.ctrl_key = StringField(r.value_or("{}"), "/params/ctrlKey");
    return o;
  }
  // The same, bound to A over QR and shared with C.
  Online OwnedByA(const std::string& dev_tid) {
    Online o = Login(dev_tid);
    HttpResult bound = api_.AsUser(a_, "POST", "/device", QrBody(o));
    EXPECT_EQ(bound.status, 201) << bound.body;
    HttpResult shared =
        api_.AsUser(a_, "POST", "/authorization",
                    R"({"ctrlKey":[")" + o.ctrl_key + R"("],"grantee":")" + c_uid_ + "\"}");
    EXPECT_EQ(Field(shared.body, "/success"), "1") << shared.body;
    EXPECT_EQ(StringField(api_.AsUser(c_, "GET", "/device?devTid=" + dev_tid).body, "/0/devTid"),
              dev_tid);
    return o;
  }
  static std::string QrBody(const Online& o) {
    return R"({"devTid":")" + o.dev_tid + R"(","bindKey":")" + o.bind_key + "\"}";
  }
  // The owner's short code and password of the device, as a bind body.
  std::string ShortCodeBody(const Online& o) {
    HttpResult got = api_.AsUser(a_, "GET", "/device/shortCode?devTid=" + o.dev_tid);
    EXPECT_EQ(got.status, 200) << got.body;
    return R"({"shortCode":")" + StringField(got.body, "/shortCode") + R"(","password":")" +
           StringField(got.body, "/password") + "\"}";
  }
  std::string Pin(const std::string& token, const std::string& ssid) {
    HttpResult r = api_.AsUser(token, "GET", "/getPINCode?ssid=" + ssid);
    EXPECT_EQ(r.status, 200) << r.body;
    return StringField(r.body, "/PINCode");
  }
  // The device presents `pin` for `ssid` in reportDevInfo; returns the devBind frame (any
  // devSync that the bind causes comes after it).
  std::string PresentPin(Online& o, const std::string& pin, const std::string& ssid) {
    auto resp = o.dev->Call(R"({"msgId":2,"action":"reportDevInfo","params":{"devTid":")" +
                            o.dev_tid + R"(","SSID":")" + ssid + R"(","pinCode":")" + pin + "\"}}");
    EXPECT_EQ(Field(resp.value_or("{}"), "/code"), "200") << resp.value_or("<none>");
    std::string frame = o.dev->ReadLine().value_or("{}");
    EXPECT_EQ(StringField(frame, "/action"), "devBind") << frame;
    return frame;
  }
  // The next devSync the device receives (other frames are skipped), "" when none comes.
  static std::string NextDevSync(LineClient& dev) {
    for (int i = 0; i < 5; ++i) {
      auto line = dev.ReadLine(3s);
      if (!line) return "";
      if (StringField(*line, "/action") == "devSync") return *line;
    }
    return "";
  }

  // B took the device over from A: the same result whichever path it took.
  void ExpectTakenOverByB(Online& o, const std::string& path) {
    SCOPED_TRACE(path);
    HttpResult mine = api_.AsUser(b_, "GET", "/device?devTid=" + o.dev_tid);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(StringField(mine.body, "/0/devTid"), o.dev_tid);
    EXPECT_EQ(StringField(mine.body, "/0/ownerUid"), b_uid_);
    EXPECT_EQ(Field(mine.body, "/0/granted"), "false");
    EXPECT_EQ(Field(mine.body, "/0/devShareNum"), "0");
    std::string rotated = StringField(mine.body, "/0/ctrlKey");
    EXPECT_NE(rotated, o.ctrl_key);
    EXPECT_EQ(rotated.size(), o.ctrl_key.size());
    EXPECT_EQ(api_.AsUser(a_, "GET", "/device?devTid=" + o.dev_tid).body, "[]");
    EXPECT_EQ(api_.AsUser(c_, "GET", "/device?devTid=" + o.dev_tid).body, "[]");  // share gone
    std::string sync = NextDevSync(*o.dev);
    ASSERT_NE(sync, "") << "no devSync reached the device";
    EXPECT_EQ(Field(sync, "/params"), R"({"devTid":")" + o.dev_tid + R"(","ctrlKey":")" + rotated +
                                          R"(","bindKey":")" + o.bind_key + R"(","bind":true})");
  }

  std::string a_uid_, b_uid_, c_uid_, a_, b_, c_;
};

TEST_F(BindPathsTest, AForceBindGivesTheSameResultOnEveryPath) {
  Online qr = OwnedByA("FQR");
  HttpResult taken = api_.AsUser(b_, "POST", "/device", QrBody(qr));
  ASSERT_EQ(taken.status, 201) << taken.body;
  EXPECT_EQ(StringField(taken.body, "/ownerUid"), b_uid_);
  ExpectTakenOverByB(qr, "QR");

  Online sc = OwnedByA("FSC");
  HttpResult typed = api_.AsUser(b_, "POST", "/device/shortCode/bind", ShortCodeBody(sc));
  ASSERT_EQ(typed.status, 201) << typed.body;
  EXPECT_EQ(StringField(typed.body, "/ownerUid"), b_uid_);
  ExpectTakenOverByB(sc, "short code");

  Online pin = OwnedByA("FPIN");
  std::string code = Pin(b_, "flat");
  std::string frame = PresentPin(pin, code, "flat");
  EXPECT_EQ(Field(frame, "/code"), "200") << frame;
  EXPECT_EQ(Field(frame, "/params/bindResultCode"), "200") << frame;
  HttpResult list = api_.AsUser(b_, "GET", "/getNewDeviceList?pinCode=" + code + "&ssid=flat");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(StringField(list.body, "/0/devTid"), "FPIN");
  EXPECT_EQ(Field(list.body, "/0/bindResultCode"), "5200000");
  ExpectTakenOverByB(pin, "PIN");
}

TEST_F(BindPathsTest, ADiscontinuedProductIsRefusedOnEveryPathWithTheSameCode) {
  Online qr = Login("DQR");
  Online sc = OwnedByA("DSC");
  std::string typed = ShortCodeBody(sc);
  Online pin = Login("DPIN");
  admin_.Ok({"product", "status", "--product", "DEMOSOCKET01", "--status", "DISCONTINUED"});

  ExpectApiError(api_.AsUser(b_, "POST", "/device", QrBody(qr)), 400, "5400028", kBadStatus);
  ExpectApiError(api_.AsUser(b_, "POST", "/device/shortCode/bind", typed), 400, "5400028",
                 kBadStatus);
  std::string code = Pin(b_, "flat");
  std::string frame = PresentPin(pin, code, "flat");
  // The spec's hub table has no row for it: 1400022, the hub twin of 5400028.
  EXPECT_EQ(Field(frame, "/code"), "1400022") << frame;
  EXPECT_EQ(StringField(frame, "/desc"), "The device is not found") << frame;
  HttpResult list = api_.AsUser(b_, "GET", "/getNewDeviceList?pinCode=" + code + "&ssid=flat");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(StringField(list.body, "/0/devTid"), "DPIN");
  EXPECT_EQ(Field(list.body, "/0/bindResultCode"), "5400028");
  EXPECT_EQ(StringField(list.body, "/0/bindResultMsg"), kBadStatus);

  // Nothing moved: B has nothing, A keeps DSC with its share and ctrlKey.
  EXPECT_EQ(api_.AsUser(b_, "GET", "/device").body, "[]");
  HttpResult a_list = api_.AsUser(a_, "GET", "/device");
  EXPECT_EQ(StringFields(a_list.body, "/devTid"), std::vector<std::string>{"DSC"});
  EXPECT_EQ(StringField(a_list.body, "/0/ctrlKey"), sc.ctrl_key);
  EXPECT_EQ(StringField(api_.AsUser(c_, "GET", "/device").body, "/0/devTid"), "DSC");
  // No devSync: no ctrlKey rotated.
  EXPECT_FALSE(sc.dev->ReadLine(300ms).has_value());
}

}  // namespace
}  // namespace krypton::testing
