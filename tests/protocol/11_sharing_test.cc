// Black-box: sharing (user-api.md §5.3) over HTTP and its enforcement in the app hub —
// owner and grantee both receive reports; a PARTIAL share limits the instructions; expiry
// and revocation apply to the next command and report without reconnecting.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

class SharingTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    owner_uid_ = demo.uid;
    bob_uid_ = admin_.CreateUser("bob@example.com", "bob-secret");
    carol_uid_ = admin_.CreateUser("carol@example.com", "carol-secret");
    ASSERT_TRUE(Serve());
    owner_ = api_.Login("demo@krypton.local", demo.password);
    bob_ = api_.Login("bob@example.com", "bob-secret");
    carol_ = api_.Login("carol@example.com", "carol-secret");
  }

  std::unique_ptr<LineClient> App(const std::string& token, const std::string& app_tid) {
    auto app = std::make_unique<LineClient>(server_->port("app_tcp"));
    auto r = app->Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":")" + app_tid +
                       R"(","token":")" + token + "\"}}");
    EXPECT_EQ(Field(r.value_or(""), "/code"), "200");
    return app;
  }
  static std::string AppSend(const std::string& dev_tid, const std::string& ctrl_key,
                             const std::string& data) {
    return R"({"msgId":9,"action":"appSend","params":{"devTid":")" + dev_tid + R"(","ctrlKey":")" +
           ctrl_key + R"(","data":)" + data + "}}";
  }
  // The device answers the next relayed command; the app's appSendResp code is returned.
  static std::string Relayed(LineClient& dev, LineClient& app) {
    auto cmd = dev.ReadLine();
    if (!cmd) return "<no command>";
    dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                 R"(,"action":"appSendResp","code":200,"desc":"success"})");
    return Field(app.ReadLine().value_or(""), "/code");
  }

  std::string owner_uid_, bob_uid_, carol_uid_, owner_, bob_, carol_;
};

TEST_F(SharingTest, CreateListEditCancel) {
  LineClient dev(server_->port("device"));
  std::string key = BindDemoDevice(dev, api_, owner_, "SH1");

  // v2: per-ctrlKey results.
  HttpResult v2 =
      api_.AsUser(owner_, "POST", "/authorization",
                  R"({"ctrlKey":[")" + key + R"(","nosuchkey"],"grantee":")" + bob_uid_ + "\"}");
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(
      v2.body,
      R"({"results":[{"ctrlKey":")" + key +
          R"(","result":"success","code":5200000,"desc":"Success"},)"
          R"({"ctrlKey":"nosuchkey","result":"device not exists","code":6400004,"desc":"Device with given devTid does not exist"}],"success":1,"failure":1})");
  EXPECT_EQ(
      StringField(api_.AsUser(owner_, "POST", "/authorization",
                              R"({"ctrlKey":[")" + key + R"("],"grantee":")" + bob_uid_ + "\"}")
                      .body,
                  "/results/0/result"),
      "already exists");
  EXPECT_EQ(Field(api_.AsUser(owner_, "POST", "/authorization",
                              R"({"ctrlKey":[")" + key + R"("],"grantee":"99999999999"})")
                      .body,
                  "/results/0/code"),
            "5400039");
  // A grantee cannot share further.
  EXPECT_EQ(
      StringField(api_.AsUser(bob_, "POST", "/authorization",
                              R"({"ctrlKey":[")" + key + R"("],"grantee":")" + carol_uid_ + "\"}")
                      .body,
                  "/results/0/result"),
      "permission deny");

  // v1: PARTIAL with template checks.
  auto v1 = [&](const std::string& token, const std::string& extra) {
    return api_.AsUser(token, "POST", "/authorization",
                       R"({"grantee":")" + carol_uid_ + R"(","devTid":"SH1","ctrlKey":")" + key +
                           R"(","enableScheduler":false,"enableIFTTT":true,"desc":"kitchen")" +
                           extra + "}");
  };
  HttpResult bad = v1(owner_, R"(,"mode":"PARTIAL","instructionExpire":{"fly":0})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad.body, "/code"), "5400015");
  EXPECT_EQ(StringField(bad.body, "/desc"), "No such instruction error");
  EXPECT_EQ(Field(v1(owner_, R"(,"mode":"PARTIAL","instructionExpire":{"reportDevStatus":0})").body,
                  "/code"),
            "5400020");
  EXPECT_EQ(Field(v1(bob_, R"(,"mode":"ALL")").body, "/code"), "6400003");
  HttpResult self =
      api_.AsUser(owner_, "POST", "/authorization",
                  R"({"grantee":")" + owner_uid_ + R"(","devTid":"SH1","ctrlKey":")" + key + "\"}");
  EXPECT_EQ(StringField(self.body, "/desc"), "Invalid Param grantee");
  EXPECT_EQ(
      Field(api_.AsUser(owner_, "POST", "/authorization", R"({"grantee":")" + carol_uid_ + "\"}")
                .body,
            "/code"),
      "5400017");
  HttpResult made =
      v1(owner_, R"(,"mode":"PARTIAL","instructionExpire":{"setPower":0},"expire":3600)");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(StringField(made.body, "/grantor"), owner_uid_);
  EXPECT_EQ(StringField(made.body, "/grantee"), carol_uid_);
  EXPECT_EQ(StringField(made.body, "/granteeName"), "carol@example.com");
  EXPECT_EQ(StringField(made.body, "/mode"), "PARTIAL");
  EXPECT_EQ(Field(made.body, "/instructionExpire"), R"({"setPower":0})");
  EXPECT_EQ(Field(made.body, "/expire"), "3600");
  EXPECT_EQ(Field(made.body, "/enableScheduler"), "false");
  EXPECT_EQ(StringField(made.body, "/desc"), "kitchen");
  EXPECT_EQ(Field(v1(owner_, R"(,"mode":"ALL")").body, "/code"), "5400004");

  // List: the owner sees both; a grantee only its own, and must name itself.
  HttpResult all = api_.AsUser(owner_, "GET", "/authorization?devTid=SH1");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(StringField(all.body, "/0/grantee"), bob_uid_);
  EXPECT_EQ(StringField(all.body, "/1/grantee"), carol_uid_);
  EXPECT_EQ(Field(all.body, "/2"), "<absent>");
  EXPECT_EQ(Field(api_.AsUser(bob_, "GET", "/authorization?devTid=SH1").body, "/code"), "6400016");
  HttpResult mine = api_.AsUser(bob_, "GET", "/authorization?devTid=SH1&grantee=" + bob_uid_);
  EXPECT_EQ(StringField(mine.body, "/0/grantee"), bob_uid_);
  EXPECT_EQ(Field(mine.body, "/1"), "<absent>");
  EXPECT_EQ(StringField(api_.AsUser(carol_, "GET", "/authorization?grantee=" + carol_uid_).body,
                        "/0/devTid"),
            "SH1");

  // Edit.
  EXPECT_EQ(api_.AsUser(owner_, "PUT", "/authorization",
                        R"({"grantee":")" + bob_uid_ + R"(","devTid":"SH1","ctrlKey":")" + key +
                            R"(","mode":"PARTIAL","instructionExpire":{"queryDev":0}})")
                .status,
            204);
  EXPECT_EQ(
      StringField(api_.AsUser(owner_, "GET", "/authorization?devTid=SH1&grantee=" + bob_uid_).body,
                  "/0/mode"),
      "PARTIAL");
  EXPECT_EQ(
      Field(api_.AsUser(owner_, "PUT", "/authorization",
                        R"({"grantee":"99999999999","devTid":"SH1","ctrlKey":")" + key + "\"}")
                .body,
            "/code"),
      "5400005");

  // Cancel: a grantee only its own share.
  EXPECT_EQ(
      Field(api_.AsUser(bob_, "DELETE", "/authorization?devTid=SH1&grantee=" + carol_uid_).body,
            "/code"),
      "6400016");
  EXPECT_EQ(api_.AsUser(bob_, "DELETE", "/authorization?devTid=SH1").status, 204);
  EXPECT_EQ(
      Field(api_.AsUser(owner_, "DELETE", "/authorization?devTid=SH1&grantee=" + bob_uid_).body,
            "/code"),
      "5400005");
  EXPECT_EQ(
      api_.AsUser(owner_, "DELETE", "/v1/device-auth/" + key + "?grantee=" + carol_uid_).status,
      204);
  EXPECT_EQ(api_.AsUser(owner_, "GET", "/authorization?devTid=SH1").body, "[]");
}

TEST_F(SharingTest, ShareLimitOfTheProduct) {
  LineClient dev(server_->port("device"));
  std::string key = BindDemoDevice(dev, api_, owner_, "SH2");
  std::vector<std::string> uids;
  for (int i = 0; i < 10; ++i) {
    uids.push_back(admin_.CreateUser("g" + std::to_string(i) + "@example.com", "grantee-secret"));
  }
  for (const auto& uid : uids) {
    ASSERT_EQ(Field(api_.AsUser(owner_, "POST", "/authorization",
                                R"({"ctrlKey":[")" + key + R"("],"grantee":")" + uid + "\"}")
                        .body,
                    "/success"),
              "1");
  }
  HttpResult over = api_.AsUser(owner_, "POST", "/authorization",
                                R"({"ctrlKey":[")" + key + R"("],"grantee":")" + bob_uid_ + "\"}");
  EXPECT_EQ(Field(over.body, "/results/0/code"), "5400011");
  EXPECT_EQ(StringField(over.body, "/results/0/result"), "exceed share limit");
  EXPECT_EQ(StringField(over.body, "/results/0/desc"),
            "You have reached your device's authorization limits");
}

TEST_F(SharingTest, TheHubEnforcesSharesAtOnce) {
  LineClient dev(server_->port("device"));
  std::string key = BindDemoDevice(dev, api_, owner_, "SH3");
  auto owner = App(owner_, "owner-app");
  auto bob = App(bob_, "bob-app");
  auto carol = App(carol_, "carol-app");
  EXPECT_EQ(Field(*bob->Call(AppSend("SH3", key, R"({"cmdId":0})")), "/code"), "1400012");

  // ALL: bob commands and, like the owner, receives reports; carol (no share) does not.
  ASSERT_EQ(api_.AsUser(owner_, "POST", "/authorization",
                        R"({"ctrlKey":[")" + key + R"("],"grantee":")" + bob_uid_ + "\"}")
                .status,
            200);
  ASSERT_TRUE(bob->SendLine(AppSend("SH3", key, R"({"cmdId":2,"power":1})")));
  EXPECT_EQ(Relayed(dev, *bob), "200");
  ASSERT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":5,"action":"devSend","params":{"devTid":"SH3","appTid":[],"data":{"cmdId":1,"power":1}}})"),
          "/code"),
      "200");
  EXPECT_EQ(Field(owner->ReadLine().value_or(""), "/params/data/power"), "1");
  EXPECT_EQ(Field(bob->ReadLine().value_or(""), "/params/data/power"), "1");
  EXPECT_FALSE(carol->ReadLine(300ms).has_value());

  // PARTIAL: only the granted instruction; another → 1400011.
  ASSERT_EQ(
      api_.AsUser(owner_, "PUT", "/authorization",
                  R"({"grantee":")" + bob_uid_ + R"(","devTid":"SH3","ctrlKey":")" + key +
                      R"(","mode":"PARTIAL","instructionExpire":{"queryDev":0,"setPower":1}})")
          .status,
      204);
  ASSERT_TRUE(bob->SendLine(AppSend("SH3", key, R"({"cmdTag":"queryDev"})")));
  EXPECT_EQ(Relayed(dev, *bob), "200");
  EXPECT_EQ(
      *bob->Call(AppSend("SH3", key, R"({"cmdId":3})")),
      R"({"msgId":9,"action":"appSendResp","code":1400011,"desc":"The device does not have this instruction"})");
  // setPower was granted for one second: then 1400012, while queryDev (never expires) works.
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(Field(*bob->Call(AppSend("SH3", key, R"({"cmdId":2,"power":0})")), "/code"), "1400012");
  ASSERT_TRUE(bob->SendLine(AppSend("SH3", key, R"({"cmdId":0})")));
  EXPECT_EQ(Relayed(dev, *bob), "200");
  // The owner is never limited.
  ASSERT_TRUE(owner->SendLine(AppSend("SH3", key, R"({"cmdId":2,"power":0})")));
  EXPECT_EQ(Relayed(dev, *owner), "200");

  // Revoked: refused at once and no more reports, on the same session.
  ASSERT_EQ(api_.AsUser(owner_, "DELETE", "/authorization?devTid=SH3&grantee=" + bob_uid_).status,
            204);
  EXPECT_EQ(Field(*bob->Call(AppSend("SH3", key, R"({"cmdId":0})")), "/code"), "1400012");
  ASSERT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":6,"action":"devSend","params":{"devTid":"SH3","appTid":[],"data":{"cmdId":1,"power":0}}})"),
          "/code"),
      "200");
  EXPECT_EQ(Field(owner->ReadLine().value_or(""), "/params/data/power"), "0");
  EXPECT_FALSE(bob->ReadLine(300ms).has_value());

  // Expiring: carol's share ends after ~1.5 s — then refused, no reports.
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  ASSERT_EQ(Field(api_.AsUser(owner_, "POST", "/authorization",
                              R"({"ctrlKey":[")" + key + R"("],"grantee":")" + carol_uid_ +
                                  R"(","expireAt":)" + std::to_string(now_ms + 1500) + "}")
                      .body,
                  "/success"),
            "1");
  ASSERT_TRUE(carol->SendLine(AppSend("SH3", key, R"({"cmdId":0})")));
  EXPECT_EQ(Relayed(dev, *carol), "200");
  std::this_thread::sleep_for(1600ms);
  EXPECT_EQ(Field(*carol->Call(AppSend("SH3", key, R"({"cmdId":0})")), "/code"), "1400012");
  ASSERT_EQ(
      Field(
          *dev.Call(
              R"({"msgId":7,"action":"devSend","params":{"devTid":"SH3","appTid":[],"data":{"cmdId":1,"power":1}}})"),
          "/code"),
      "200");
  EXPECT_EQ(Field(owner->ReadLine().value_or(""), "/params/data/power"), "1");
  EXPECT_FALSE(carol->ReadLine(300ms).has_value());
}

TEST_F(SharingTest, ReverseAuthorization) {
  LineClient dev(server_->port("device"));
  std::string key = BindDemoDevice(dev, api_, owner_, "RV1");
  auto tpl = [&](const std::string& token, const std::string& body) {
    return api_.AsUser(token, "POST", "/authorization/reverse/authUrl", body);
  };
  std::string v1 =
      R"({"grantor":")" + owner_uid_ + R"(","devTid":"RV1","ctrlKey":")" + key +
      R"(","expire":3110400000,"mode":"ALL","enableScheduler":true,"enableIFTTT":true})";
  EXPECT_EQ(Field(tpl(bob_, v1).body, "/code"), "6400003");
  HttpResult made = tpl(owner_, v1);
  ASSERT_EQ(made.status, 200) << made.body;
  std::string template_id = StringField(made.body, "/reverseAuthorizationTemplateId");
  HttpResult dup = tpl(owner_, v1);
  EXPECT_EQ(Field(dup.body, "/code"), "5400036");
  EXPECT_EQ(StringField(dup.body, "/desc"), "Can not create duplicate template");
  // The newer body names only the ctrlKey (an ALL share without expiry): a different template.
  EXPECT_EQ(tpl(owner_, R"({"ctrlKey":")" + key + "\"}").status, 200);

  auto reg = [&](const std::string& token, const std::string& id) {
    return api_.AsUser(token, "POST", "/authorization/reverse/register?reverseTemplateId=" + id);
  };
  HttpResult unknown = reg(bob_, "nosuch");
  EXPECT_EQ(Field(unknown.body, "/code"), "5400027");
  EXPECT_EQ(StringField(unknown.body, "/desc"), "Template with given id does not exist");
  EXPECT_EQ(Field(reg(owner_, template_id).body, "/code"), "6400002");
  HttpResult bob_req = reg(bob_, template_id);
  ASSERT_EQ(bob_req.status, 200) << bob_req.body;
  std::string bob_reg = StringField(bob_req.body, "/registerId");
  std::string carol_reg = StringField(reg(carol_, template_id).body, "/registerId");

  // Pending requests, seen by the owner only.
  HttpResult pending =
      api_.AsUser(owner_, "GET", "/authorization/reverse/register?devTid=RV1&page=0&size=10");
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(StringField(pending.body, "/0/registerId"), bob_reg);
  EXPECT_EQ(StringField(pending.body, "/0/grantee"), bob_uid_);
  EXPECT_EQ(StringField(pending.body, "/0/granteeName"), "bob@example.com");
  EXPECT_EQ(StringField(pending.body, "/0/mode"), "ALL");
  EXPECT_EQ(StringField(pending.body, "/1/registerId"), carol_reg);
  EXPECT_EQ(
      Field(api_.AsUser(bob_, "GET", "/authorization/reverse/register?devTid=RV1").body, "/code"),
      "6400016");

  // Approve bob: the share exists and the request is handled.
  std::string approve = "/authorization/reverse?devTid=RV1&ctrlKey=" + key + "&reverseRegisterId=";
  EXPECT_EQ(Field(api_.AsUser(bob_, "POST", approve + bob_reg).body, "/code"), "6400002");
  EXPECT_EQ(api_.AsUser(owner_, "POST", approve + bob_reg).status, 200);
  EXPECT_EQ(StringField(api_.AsUser(owner_, "GET", "/authorization?devTid=RV1").body, "/0/grantee"),
            bob_uid_);
  HttpResult again = api_.AsUser(owner_, "POST", approve + bob_reg);
  EXPECT_EQ(Field(again.body, "/code"), "6400001");
  EXPECT_EQ(StringField(again.body, "/desc"), "Reverse auth template with given id does not exist");
  EXPECT_EQ(Field(reg(bob_, template_id).body, "/code"), "5400004");
  // Reject carol.
  std::string reject = "/authorization/reverse/register/" + carol_reg +
                       "?devTid=RV1&uid=" + carol_uid_ + "&ctrlKey=" + key;
  EXPECT_EQ(api_.AsUser(owner_, "DELETE", reject).status, 204);
  EXPECT_EQ(Field(api_.AsUser(owner_, "DELETE", reject).body, "/code"), "6400001");
  EXPECT_EQ(api_.AsUser(owner_, "GET", "/authorization/reverse/register?devTid=RV1").body, "[]");

  // With _ReverseAuthAgree, a scan grants at once.
  ASSERT_EQ(api_.AsUser(owner_, "PUT", "/user/preferences", R"({"_ReverseAuthAgree":true})").status,
            204);
  EXPECT_EQ(
      Field(api_.AsUser(owner_, "GET", "/user/preferences").body, "/global/_ReverseAuthAgree"),
      "true");
  ASSERT_EQ(reg(carol_, template_id).status, 200);
  HttpResult shares = api_.AsUser(owner_, "GET", "/authorization?devTid=RV1");
  EXPECT_EQ(StringField(shares.body, "/1/grantee"), carol_uid_);
  // Unbinding removes templates, requests and shares.
  ASSERT_EQ(api_.AsUser(owner_, "DELETE", "/device/RV1").status, 204);
  EXPECT_EQ(Field(reg(bob_, template_id).body, "/code"), "5400027");
}

}  // namespace
}  // namespace krypton::testing
