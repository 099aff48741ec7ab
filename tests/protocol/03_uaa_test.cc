// Black-box: the UAA endpoints of the real binary over HTTP (user-api.md §3, D2, D10,
// D18–D20, D24): exact statuses, codes and bodies; tokens; the outbox; rate limits.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

class UaaTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    uid_ = demo.uid;
    password_ = demo.password;
  }

  HttpResult Login(const std::string& user, const std::string& pw) {
    return api_.Post("/login", R"({"username":")" + user + R"(","password":")" + pw +
                                   R"(","pid":"00000000000","clientType":"web"})");
  }
  std::string LastCode() {
    std::ifstream in(dir_ + "/outbox.jsonl");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return StringField(last, "/code");
  }
  std::string LastLinkToken() {
    std::ifstream in(dir_ + "/outbox.jsonl");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    std::string link = StringField(last, "/link");
    size_t at = link.find("token=");
    return at == std::string::npos ? "" : link.substr(at + 6);
  }

  std::string uid_, password_;
};

TEST_F(UaaTest, LoginAnswersWhatClientsRead) {
  ASSERT_TRUE(Serve());
  HttpResult r = Login("demo@krypton.local", password_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(StringField(r.body, "/token_type"), "bearer");
  EXPECT_EQ(StringField(r.body, "/user"), uid_);
  int expires_in = std::stoi(Field(r.body, "/expires_in"));
  EXPECT_GT(expires_in, 86000);
  EXPECT_LE(expires_in, 86400);
  EXPECT_EQ(StringField(r.body, "/jti").size(), 36u);
  std::string access = StringField(r.body, "/access_token");
  EXPECT_NE(access, StringField(r.body, "/refresh_token"));
  // The access token opens an app session (hub-protocol.md §4.1).
  LineClient app(server_->port("app_tcp"));
  EXPECT_EQ(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"t","token":")" +
                      access + "\"}}"),
            R"({"msgId":1,"action":"appLoginResp","code":200,"desc":"success"})");
  // A refresh token is not an access token, on the hub either.
  LineClient app2(server_->port("app_tcp"));
  EXPECT_EQ(Field(*app2.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"t2","token":")" +
                             StringField(r.body, "/refresh_token") + "\"}}"),
                  "/code"),
            "1400002");
}

TEST_F(UaaTest, LoginErrors) {
  ASSERT_TRUE(Serve());
  for (auto [user, pw] : {std::pair<std::string, std::string>{"demo@krypton.local", "wrong"},
                          {"nobody@krypton.local", "whatever"}}) {
    HttpResult r = Login(user, pw);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(Field(r.body, "/code"), "3400010");
    EXPECT_EQ(StringField(r.body, "/desc"),
              "Could not authenticate user. Verify the user name and password, and try again");
    EXPECT_NE(Field(r.body, "/timestamp"), "<absent>");
  }
  HttpResult bad = api_.Post("/login", "{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad.body, "/code"), "6400024");
  EXPECT_EQ(StringField(bad.body, "/desc"), "Translating Json to String failure");
  HttpResult pid =
      api_.Post("/login", R"({"username":"a@b.co","password":"x","pid":"99999999999"})");
  EXPECT_EQ(pid.status, 400);
  EXPECT_EQ(Field(pid.body, "/code"), "5400025");
  HttpResult app_tid = api_.Post("/login", R"({"username":"a@b.co","password":"x","appTid":""})");
  EXPECT_EQ(Field(app_tid.body, "/code"), "5400003");
  HttpResult zh =
      api_.Request("POST", "/login", R"({"username":"demo@krypton.local","password":"wrong"})",
                   {{"Accept-Language", "zh-CN,zh;q=0.9"}});
  EXPECT_EQ(StringField(zh.body, "/desc"), "账号或密码错误");
}

TEST_F(UaaTest, BruteForceIsSlowedPerAccount) {
  ASSERT_TRUE(Serve({"limits.login_failures_per_account=3"}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Login("demo@krypton.local", "wrong").status, 401);
  HttpResult r = Login("demo@krypton.local", password_);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(Field(r.body, "/code"), "400016");
  EXPECT_EQ(StringField(r.body, "/desc"), "Rate limit exceeded");
}

TEST_F(UaaTest, RefreshRotatesAndRevocationEndsIt) {
  ASSERT_TRUE(Serve());
  HttpResult login = Login("demo@krypton.local", password_);
  std::string refresh = StringField(login.body, "/refresh_token");
  HttpResult r1 =
      api_.Post("/token/refresh", R"({"refresh_token":")" + refresh + R"(","expires_in":3600})");
  ASSERT_EQ(r1.status, 200) << r1.body;
  EXPECT_NE(StringField(r1.body, "/refresh_token"), refresh);
  EXPECT_LE(std::stoi(Field(r1.body, "/expires_in")), 3600);
  // The old refresh token stays valid until it expires (user-api.md §2.2).
  EXPECT_EQ(api_.Post("/token/refresh", R"({"refresh_token":")" + refresh + "\"}").status, 200);
  // An access token is not a refresh token.
  HttpResult wrong = api_.Post(
      "/token/refresh", R"({"refresh_token":")" + StringField(login.body, "/access_token") + "\"}");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Field(wrong.body, "/code"), "3400015");
  EXPECT_EQ(StringField(wrong.body, "/path"), "/token/refresh");
  // A password change revokes every refresh token of the account.
  HttpResult change =
      api_.AsUser(StringField(login.body, "/access_token"), "POST", "/changePassword",
                  R"({"oldPassword":")" + password_ + R"(","newPassword":"n3w-secret"})");
  ASSERT_EQ(change.status, 200) << change.body;
  EXPECT_EQ(api_.Post("/token/refresh", R"({"refresh_token":")" + refresh + "\"}").status, 403);
  EXPECT_EQ(Login("demo@krypton.local", password_).status, 401);
  EXPECT_EQ(Login("demo@krypton.local", "n3w-secret").status, 200);
}

TEST_F(UaaTest, BearerFailuresGetTheMergedBody) {
  // exp is whole seconds: a 3 s lifetime leaves at least 2 s for the checks below even when
  // the machine is slow (1 s could expire before the first use).
  ASSERT_TRUE(Serve({"jwt.access_ttl_s=3"}));
  HttpResult none = api_.Get("/user/profile");
  EXPECT_EQ(none.status, 403);
  std::regex merged(R"(\{"code":3400015,"desc":"Invalid token","timestamp":\d+,"status":403,)"
                    R"("error":"Forbidden","message":"Access Denied","path":"/user/profile"\})");
  EXPECT_TRUE(std::regex_match(none.body, merged)) << none.body;
  HttpResult login = Login("demo@krypton.local", password_);
  std::string access = StringField(login.body, "/access_token");
  std::string tampered = access;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(api_.AsUser(tampered, "GET", "/user/profile").status, 403);
  EXPECT_EQ(api_.AsUser(StringField(login.body, "/refresh_token"), "GET", "/user/profile").status,
            403);
  // Another algorithm than the configured one ("none" here) is refused.
  EXPECT_EQ(
      api_.AsUser("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1aWQiOiIxIiwiZXhwIjo0MDAwMDAwMDAwfQ.",
                  "GET", "/user/profile")
          .status,
      403);
  EXPECT_EQ(api_.AsUser(access, "GET", "/user/profile").status, 200);
  // Expired: wait for it (poll, bounded) instead of sleeping a fixed time.
  int status = 200;
  for (auto deadline = std::chrono::steady_clock::now() + 15s;
       status == 200 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(200ms);
    status = api_.AsUser(access, "GET", "/user/profile").status;
  }
  EXPECT_EQ(status, 403);
}

TEST_F(UaaTest, AuthFailureStatusCanBe401) {
  ASSERT_TRUE(Serve({"http.auth_failure_status=401"}));
  HttpResult r = api_.Get("/user/profile");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Field(r.body, "/status"), "401");
  EXPECT_EQ(StringField(r.body, "/error"), "Unauthorized");
}

TEST_F(UaaTest, RegisterByEmailCodeAndTheCodeRules) {
  ASSERT_TRUE(Serve({"limits.verify_code_interval_s=1", "limits.verify_codes_per_day=3"}));
  EXPECT_EQ(
      Field(api_.Get("/email/getVerifyCode?email=new%40example.com&pid=00000000000&type=frob").body,
            "/code"),
      "3400006");
  EXPECT_EQ(
      Field(api_.Get("/sms/getVerifyCode?phoneNumber=12ab&pid=00000000000&type=register").body,
            "/code"),
      "3400001");
  EXPECT_EQ(
      Field(
          api_.Get("/email/getVerifyCode?email=demo%40krypton.local&pid=00000000000&type=register")
              .body,
          "/code"),
      "3400008");
  EXPECT_EQ(
      Field(api_.Get("/email/"
                     "getVerifyCode?email=ghost%40example.com&pid=00000000000&type=resetPassword")
                .body,
            "/code"),
      "3400011");
  HttpResult sent =
      api_.Get("/email/getVerifyCode?email=New%40Example.com&pid=00000000000&type=register");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.body, "");
  std::string code = LastCode();
  ASSERT_EQ(code.size(), 6u);
  // The code is in the outbox, never in the log.
  EXPECT_EQ(server_->Stderr().find(code), std::string::npos);
  HttpResult again =
      api_.Get("/email/getVerifyCode?email=new%40example.com&pid=00000000000&type=register");
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(Field(again.body, "/code"), "400016");
  std::string reg =
      R"({"pid":"00000000000","email":"new@example.com","password":"s3cret!","code":")";
  HttpResult wrong = api_.Post("/register?type=email_verify_code", reg + "000000\"}");
  if (code == "000000") wrong = api_.Post("/register?type=email_verify_code", reg + "111111\"}");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(Field(wrong.body, "/code"), "3400002");
  EXPECT_EQ(
      Field(
          api_.Post(
                  "/register?type=email_verify_code",
                  R"({"pid":"00000000000","email":"other@example.com","password":"s3cret!","code":"123456"})")
              .body,
          "/code"),
      "3400021");
  EXPECT_EQ(Field(api_.Post("/register?type=email_verify_code",
                            reg.substr(0, reg.find("s3cret!")) + "123\"}")
                      .body,
                  "/code"),
            "6400017");
  HttpResult ok = api_.Post("/register?type=email_verify_code", reg + code + "\"}");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(std::regex_match(StringField(ok.body, "/uid"), std::regex("[0-9]{11}")));
  EXPECT_EQ(Login("new@example.com", "s3cret!").status, 200);
  // Daily cap per target (3 here): the 4th code of the day is 3400005.
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(
        api_.Get("/email/getVerifyCode?email=new%40example.com&pid=00000000000&type=resetPassword")
            .status,
        200);
  }
  std::this_thread::sleep_for(1100ms);
  HttpResult cap =
      api_.Get("/email/getVerifyCode?email=new%40example.com&pid=00000000000&type=resetPassword");
  EXPECT_EQ(cap.status, 429);
  EXPECT_EQ(Field(cap.body, "/code"), "3400005");
}

TEST_F(UaaTest, PhoneRegistrationCheckCodeAndReset) {
  ASSERT_TRUE(Serve({"limits.verify_code_interval_s=1"}));
  ASSERT_EQ(
      api_.Get("/sms/getVerifyCode?phoneNumber=13800001234&pid=00000000000&type=register").status,
      200);
  std::string code = LastCode();
  HttpResult check = api_.Get("/sms/checkVerifyCode?phoneNumber=13800001234&code=" + code);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(StringField(check.body, "/phoneNumber"), "13800001234");
  EXPECT_EQ(StringField(check.body, "/verifyCode"), code);
  std::string token = StringField(check.body, "/token");
  EXPECT_EQ(token.size(), 36u);
  // The check token stands for the code (the 2016 drafts).
  HttpResult reg = api_.Post(
      "/register?type=phone",
      R"({"pid":"00000000000","phoneNumber":"13800001234","password":"123ABC","token":")" + token +
          "\"}");
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_EQ(Login("13800001234", "123ABC").status, 200);
  std::this_thread::sleep_for(1100ms);
  ASSERT_EQ(
      api_.Get("/sms/getVerifyCode?phoneNumber=13800001234&pid=00000000000&type=resetPassword")
          .status,
      200);
  std::string reset_code = LastCode();
  HttpResult reset =
      api_.Post("/resetPassword?type=phone",
                R"({"pid":"00000000000","phoneNumber":"13800001234","verifyCode":")" + reset_code +
                    R"(","password":"456DEF"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Login("13800001234", "123ABC").status, 401);
  EXPECT_EQ(Login("13800001234", "456DEF").status, 200);
}

TEST_F(UaaTest, ChangePasswordChecksTheOldOne) {
  ASSERT_TRUE(Serve());
  std::string access = StringField(Login("demo@krypton.local", password_).body, "/access_token");
  HttpResult r = api_.AsUser(access, "POST", "/changePassword",
                             R"({"oldPassword":"nope","newPassword":"abcdef"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Field(r.body, "/code"), "3400007");
  EXPECT_EQ(StringField(r.body, "/desc"), "Invalid old password");
}

TEST_F(UaaTest, TableErrorCodesMode) {
  ASSERT_TRUE(Serve({"uaa.error_codes=table"}));
  std::string access = StringField(Login("demo@krypton.local", password_).body, "/access_token");
  HttpResult r = api_.AsUser(access, "POST", "/changePassword",
                             R"({"oldPassword":"nope","newPassword":"abcdef"})");
  EXPECT_EQ(Field(r.body, "/code"), "5400022");
  EXPECT_EQ(StringField(r.body, "/desc"), "Invalid old password");
  // 3400021 → 5400010, 3400002 → 5400023, 3400011 → 5400039 (D18).
  EXPECT_EQ(
      Field(api_.Get("/sms/checkVerifyCode?phoneNumber=13899999999&code=123456").body, "/code"),
      "5400010");
  EXPECT_EQ(
      Field(
          api_.Get("/sms/getVerifyCode?phoneNumber=13899999999&pid=00000000000&type=resetPassword")
              .body,
          "/code"),
      "5400039");
  ASSERT_EQ(
      api_.Get("/sms/getVerifyCode?phoneNumber=13899999999&pid=00000000000&type=register").status,
      200);
  std::string wrong = LastCode() == "000000" ? "111111" : "000000";
  HttpResult reg =
      api_.Post("/register?type=phone",
                R"({"pid":"00000000000","phoneNumber":"13899999999","password":"abcdef","code":")" +
                    wrong + "\"}");
  EXPECT_EQ(Field(reg.body, "/code"), "5400023");
  EXPECT_EQ(StringField(reg.body, "/desc"), "Invalid verify code");
}

TEST_F(UaaTest, Profile) {
  ASSERT_TRUE(Serve());
  std::string access = StringField(Login("demo@krypton.local", password_).body, "/access_token");
  HttpResult get = api_.AsUser(access, "GET", "/user/profile");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(StringField(get.body, "/uid"), uid_);
  EXPECT_EQ(StringField(get.body, "/email"), "demo@krypton.local");
  EXPECT_EQ(Field(get.body, "/age"), "0");
  EXPECT_EQ(Field(get.body, "/gender"), "null");
  EXPECT_EQ(Field(get.body, "/thirdAccount"), "[]");
  HttpResult put = api_.AsUser(access, "PUT", "/user/profile",
                               R"({"firstName":"Ada","age":36,"extraProperties":{"foo":"bar"}})");
  EXPECT_EQ(put.status, 204);
  put = api_.AsUser(access, "PUT", "/user/profile",
                    R"({"extraProperties":{"k":"v"},"gender":"WOMAN"})");
  EXPECT_EQ(put.status, 204);
  get = api_.AsUser(access, "GET", "/user/profile");
  EXPECT_EQ(StringField(get.body, "/firstName"), "Ada");
  EXPECT_EQ(Field(get.body, "/age"), "36");
  EXPECT_EQ(StringField(get.body, "/gender"), "WOMAN");
  EXPECT_EQ(Field(get.body, "/extraProperties"), R"({"foo":"bar","k":"v"})");
  EXPECT_EQ(StringField(get.body, "/foo"), "bar");  // echoed at the top level
  HttpResult ro = api_.AsUser(access, "PUT", "/user/profile", R"({"uid":"1"})");
  EXPECT_EQ(ro.status, 400);
  EXPECT_EQ(Field(ro.body, "/code"), "5400009");
  HttpResult age = api_.AsUser(access, "PUT", "/user/profile", R"({"age":300})");
  EXPECT_EQ(Field(age.body, "/code"), "6400017");
  EXPECT_EQ(StringField(age.body, "/desc"), "Invalid Param age");
}

TEST_F(UaaTest, EmailLinkRegistrationAndReset) {
  ASSERT_TRUE(Serve());
  HttpResult reg =
      api_.Post("/register?type=email",
                R"({"pid":"00000000000","email":"link@example.com","password":"s3cret!"})");
  ASSERT_EQ(reg.status, 200) << reg.body;
  HttpResult early = Login("link@example.com", "s3cret!");
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(Field(early.body, "/code"), "3400009");
  std::string token = LastLinkToken();
  ASSERT_FALSE(token.empty());
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';  // always differs from the real token
  HttpResult bad = api_.Get("/emailVerify?token=" + forged);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad.body, "/code"), "3400012");
  EXPECT_EQ(StringField(bad.body, "/desc"), "Invalid email token");
  EXPECT_EQ(api_.Get("/emailVerify?token=" + token).status, 200);
  EXPECT_EQ(Field(api_.Get("/emailVerify?token=" + token).body, "/code"), "3400012");  // single use
  EXPECT_EQ(Login("link@example.com", "s3cret!").status, 200);
  EXPECT_EQ(Field(api_.Get("/resendVerifiedEmail?email=link%40example.com&pid=00000000000").body,
                  "/code"),
            "3400013");
  ASSERT_EQ(api_.Get("/sendResetPasswordEmail?email=link%40example.com&pid=00000000000").status,
            200);
  HttpResult reset = api_.Post("/resetPassword?type=email",
                               R"({"token":")" + LastLinkToken() + R"(","password":"n3w-pass"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Login("link@example.com", "n3w-pass").status, 200);
}

TEST_F(UaaTest, Captcha) {
  ASSERT_TRUE(Serve({"uaa.captcha_required=true"}));
  HttpResult c = api_.Get("/api/v1/captcha");
  ASSERT_EQ(c.status, 200);
  std::string rid = StringField(c.body, "/rid");
  EXPECT_EQ(rid.size(), 36u);
  EXPECT_EQ(StringField(c.body, "/png").substr(0, 8), "iVBORw0K");  // base64 of the PNG signature
  HttpResult img = api_.Get("/images/getImgCaptcha?rid=client-chosen-rid-123456");
  EXPECT_EQ(img.status, 200);
  EXPECT_EQ(img.headers["content-type"], "image/png");
  EXPECT_EQ(img.body.substr(1, 3), "PNG");
  EXPECT_EQ(Field(api_.Get("/images/getImgCaptcha?rid=short").body, "/code"), "6400017");
  HttpResult wrong = api_.Get("/images/checkCaptcha?rid=" + rid + "&code=abcde");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(Field(wrong.body, "/code"), "3400002");
  EXPECT_EQ(
      Field(api_.Post("/images/checkCaptcha", R"({"rid":"unknown-rid-xxxxxxxxxx","code":"12345"})")
                .body,
            "/code"),
      "3400003");
  // Verify codes now need a captcha token.
  HttpResult sms =
      api_.Get("/sms/getVerifyCode?phoneNumber=13800000009&pid=00000000000&type=register");
  EXPECT_EQ(Field(sms.body, "/code"), "3400002");
  HttpResult bad_token = api_.Get(
      "/sms/getVerifyCode?phoneNumber=13800000009&pid=00000000000&type=register&token=" + rid +
      "%3Aabcde");
  EXPECT_EQ(Field(bad_token.body, "/code"), "3400002");
}

TEST_F(UaaTest, DailyEmailCap) {
  ASSERT_TRUE(Serve({"limits.emails_per_day=1"}));
  EXPECT_EQ(api_.Get("/sendResetPasswordEmail?email=demo%40krypton.local&pid=00000000000").status,
            200);
  HttpResult second =
      api_.Get("/sendResetPasswordEmail?email=demo%40krypton.local&pid=00000000000");
  EXPECT_EQ(second.status, 429);
  EXPECT_EQ(Field(second.body, "/code"), "400017");
  EXPECT_EQ(StringField(second.body, "/desc"), "Daily operation limit reached");
  EXPECT_EQ(
      Field(api_.Get("/sendResetPasswordEmail?email=ghost%40krypton.local&pid=00000000000").body,
            "/code"),
      "3400011");
}

TEST_F(UaaTest, EmailTokenTableCode) {
  ASSERT_TRUE(Serve({"uaa.error_codes=table"}));
  HttpResult bad = api_.Get("/emailVerify?token=1.2");
  EXPECT_EQ(Field(bad.body, "/code"), "5400021");
  EXPECT_EQ(StringField(bad.body, "/desc"), "Invalid email token");
}

TEST_F(UaaTest, ChangePhoneNeedsBothCodes) {
  ASSERT_TRUE(Serve({"limits.verify_code_interval_s=1"}));
  ASSERT_EQ(
      api_.Get("/sms/getVerifyCode?phoneNumber=13800000001&pid=00000000000&type=register").status,
      200);
  ASSERT_EQ(
      api_.Post("/register?type=phone",
                R"({"pid":"00000000000","phoneNumber":"13800000001","password":"abcdef","code":")" +
                    LastCode() + "\"}")
          .status,
      200);
  std::string access = StringField(Login("13800000001", "abcdef").body, "/access_token");
  std::this_thread::sleep_for(1100ms);  // one code per target per second here
  ASSERT_EQ(api_.Get("/sms/getVerifyCode?phoneNumber=13800000001&pid=00000000000&type=changePhone")
                .status,
            200);
  std::string token = StringField(
      api_.Get("/sms/checkVerifyCode?phoneNumber=13800000001&code=" + LastCode()).body, "/token");
  ASSERT_EQ(
      api_.Get("/sms/getVerifyCode?phoneNumber=13800000002&pid=00000000000&type=register").status,
      200);
  std::string code = LastCode();
  HttpResult wrong =
      api_.AsUser(access, "POST", "/changePhoneNumber",
                  R"({"token":"nope","verifyCode":")" + code + R"(","phoneNumber":"13800000002"})");
  EXPECT_EQ(Field(wrong.body, "/code"), "3400021");
  HttpResult ok = api_.AsUser(
      access, "POST", "/changePhoneNumber",
      R"({"token":")" + token + R"(","verifyCode":")" + code + R"(","phoneNumber":"13800000002"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Login("13800000002", "abcdef").status, 200);
  EXPECT_EQ(Login("13800000001", "abcdef").status, 401);
}

}  // namespace
}  // namespace krypton::testing
