// Black-box: guessing secrets is limited (issue 14 item 3; docs/security/passwords.md).
// Passwords count per canonical account and per IP, reserved before the check so that
// concurrent guesses cannot pass the limit; /changePassword, verify codes, e-mail link
// tokens, short-code passwords and PINs (HTTP and hub) are limited too; password hashing
// runs on a bounded queue that answers 429 400016 at once when an account floods it; and a
// password change or reset ends every token signed before (HTTP, refresh, appLogin).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class PasswordLimitsTest : public KryptonTest {
 protected:
  void SetUp() override {
    password_ = admin_.Demo().password;
    bob_uid_ = admin_.CreateUser("bob@example.com", "bob-secret");
  }

  HttpResult Login(const std::string& user, const std::string& pw) const {
    return api_.Post("/login", R"({"username":")" + user + R"(","password":")" + pw +
                                   R"(","pid":"00000000000"})");
  }
  HttpResult ChangePassword(const std::string& token, const std::string& old_pw,
                            const std::string& new_pw) const {
    return api_.AsUser(token, "POST", "/changePassword",
                       R"({"oldPassword":")" + old_pw + R"(","newPassword":")" + new_pw + "\"}");
  }
  std::string LastOutboxLine() const {
    std::ifstream in(dir_ + "/outbox.jsonl");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return last;
  }
  std::string LastLinkToken() const {
    std::string link = StringField(LastOutboxLine(), "/link");
    size_t at = link.find("token=");
    return at == std::string::npos ? "" : link.substr(at + 6);
  }
  // The appLoginResp code of `token` on a fresh app connection.
  std::string AppLoginCode(const std::string& token) const {
    LineClient app(server_->port("app_tcp"));
    auto r = app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"t","token":")" + token +
                      "\"}}");
    return Field(r.value_or("{}"), "/code");
  }
  // Runs `n` copies of `call` at once; their results, in no particular order.
  static std::vector<HttpResult> AtOnce(int n, const std::function<HttpResult()>& call) {
    std::vector<HttpResult> results(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = call(); });
    }
    for (auto& t : threads) t.join();
    return results;
  }
  static int Count(const std::vector<HttpResult>& rs, int status, const std::string& code) {
    int n = 0;
    for (const auto& r : rs) n += r.status == status && Field(r.body, "/code") == code;
    return n;
  }

  std::string password_, bob_uid_;
};

// Main counted failures under the raw username: every spelling had its own 3 tries.
TEST_F(PasswordLimitsTest, CaseVariantsOfALoginNameShareOneCounter) {
  ASSERT_TRUE(Serve({"limits.login_failures_per_account=3"}));
  ExpectApiCode(Login("Demo@Krypton.local", "wrong"), 401, "3400010");
  ExpectApiCode(Login("DEMO@krypton.local", "wrong"), 401, "3400010");
  ExpectApiCode(Login("demo@KRYPTON.LOCAL", "wrong"), 401, "3400010");
  ExpectApiError(Login("demo@krypton.local", password_), 429, "400016", "Rate limit exceeded");
  ExpectApiError(Login("dEmO@krypton.local", password_), 429, "400016", "Rate limit exceeded");
  // Another account is not affected.
  EXPECT_EQ(Login("bob@example.com", "bob-secret").status, 200);
  // An unknown name is counted under its lower-cased spelling too.
  for (const char* name : {"Ghost@x.com", "GHOST@x.com", "ghost@X.com"}) {
    ExpectApiCode(Login(name, "wrong"), 401, "3400010");
  }
  ExpectApiCode(Login("ghost@x.com", "wrong"), 429, "400016");
}

// Main read the count before the hash job and wrote it after: all 40 were checked.
TEST_F(PasswordLimitsTest, ConcurrentWrongPasswordsAreCheckedAtMostLimitTimes) {
  ASSERT_TRUE(Serve({"limits.login_failures_per_account=5", "limits.login_failure_window_s=4",
                     "limits.requests_per_ip_per_s=100000", "server.hash_queue_per_account=64"}));
  auto results = AtOnce(40, [&] { return Login("demo@krypton.local", "wrong"); });
  int checked = Count(results, 401, "3400010");
  int refused = Count(results, 429, "400016");
  EXPECT_EQ(checked, 5);
  EXPECT_EQ(refused, 35);
  EXPECT_EQ(checked + refused, 40);
  // The right password is refused unchecked until the window ends …
  ExpectApiError(Login("demo@krypton.local", password_), 429, "400016", "Rate limit exceeded");
  std::this_thread::sleep_for(4100ms);
  // … and accepted after it.
  EXPECT_EQ(Login("demo@krypton.local", password_).status, 200);
}

TEST_F(PasswordLimitsTest, FailuresAreCountedPerIpAcrossAccounts) {
  ASSERT_TRUE(
      Serve({"limits.password_failures_per_ip=4", "limits.login_failures_per_account=100"}));
  for (const char* name : {"a@x.com", "b@x.com", "c@x.com", "bob@example.com"}) {
    ExpectApiCode(Login(name, "wrong"), 401, "3400010");
  }
  ExpectApiError(Login("demo@krypton.local", password_), 429, "400016", "Rate limit exceeded");
}

// Main had no limit on /changePassword: 25 wrong oldPasswords, then the right one → 200.
TEST_F(PasswordLimitsTest, ChangePasswordGuessesShareTheAccountLimit) {
  ASSERT_TRUE(Serve({"limits.login_failures_per_account=5"}));
  std::string token = api_.Login("bob@example.com", "bob-secret");
  for (int i = 0; i < 5; ++i) {
    ExpectApiError(ChangePassword(token, "guess" + std::to_string(i), "n3w-secret"), 400, "3400007",
                   "Invalid old password");
  }
  ExpectApiError(ChangePassword(token, "bob-secret", "n3w-secret"), 429, "400016",
                 "Rate limit exceeded");
  // The same account counter as /login: the account's login waits for the window too.
  ExpectApiCode(Login("bob@example.com", "bob-secret"), 429, "400016");
  // The password did not change.
  EXPECT_EQ(AppLoginCode(token), "200");
}

TEST_F(PasswordLimitsTest, VerifyCodeGuessesAreLimitedPerTarget) {
  ASSERT_TRUE(Serve({"limits.code_failures_per_target=3"}));
  ASSERT_EQ(
      api_.Get("/email/getVerifyCode?email=new%40example.com&pid=00000000000&type=register").status,
      200);
  std::string code = StringField(LastOutboxLine(), "/code");
  ASSERT_EQ(code.size(), 6u);
  std::string wrong = code == "000000" ? "111111" : "000000";
  // Three wrong guesses through two endpoints (the code itself would allow five).
  ExpectApiCode(api_.Get("/email/checkVerifyCode?email=new%40example.com&code=" + wrong), 400,
                "3400002");
  ExpectApiCode(api_.Get("/email/checkVerifyCode?email=NEW%40example.com&code=" + wrong), 400,
                "3400002");
  std::string reg =
      R"({"pid":"00000000000","email":"new@example.com","password":"s3cret!","code":")";
  ExpectApiCode(api_.Post("/register?type=email_verify_code", reg + wrong + "\"}"), 400, "3400002");
  // The right code is no longer checked.
  ExpectApiError(api_.Get("/email/checkVerifyCode?email=new%40example.com&code=" + code), 429,
                 "400016", "Rate limit exceeded");
  ExpectApiError(api_.Post("/register?type=email_verify_code", reg + code + "\"}"), 429, "400016",
                 "Rate limit exceeded");
}

TEST_F(PasswordLimitsTest, EmailLinkTokenGuessesAreLimitedPerAccount) {
  ASSERT_TRUE(Serve({"limits.code_failures_per_target=3"}));
  ASSERT_EQ(api_.Get("/sendResetPasswordEmail?email=demo%40krypton.local&pid=00000000000").status,
            200);
  std::string token = LastLinkToken();
  std::string uid = token.substr(0, token.find('.'));
  ASSERT_FALSE(uid.empty());
  for (int i = 0; i < 3; ++i) {
    ExpectApiCode(
        api_.Post("/resetPassword?type=email", R"({"token":")" + uid + ".bad" + std::to_string(i) +
                                                   R"(","password":"n3w-secret"})"),
        400, "3400012");
  }
  ExpectApiError(api_.Post("/resetPassword?type=email",
                           R"({"token":")" + token + R"(","password":"n3w-secret"})"),
                 429, "400016", "Rate limit exceeded");
  EXPECT_EQ(Login("demo@krypton.local", password_).status, 200);  // unchanged
}

TEST_F(PasswordLimitsTest, ShortCodePasswordGuessesAreLimited) {
  ASSERT_TRUE(Serve({"limits.code_failures_per_target=3"}));
  std::string demo = api_.Login("demo@krypton.local", password_);
  std::string bob = api_.Login("bob@example.com", "bob-secret");
  LineClient dev(server_->port("device"));
  BindDemoDevice(dev, api_, demo, "SCG1");
  HttpResult got = api_.AsUser(demo, "GET", "/device/shortCode?devTid=SCG1");
  ASSERT_EQ(got.status, 200) << got.body;
  std::string code = StringField(got.body, "/shortCode"), pw = StringField(got.body, "/password");
  ASSERT_EQ(api_.AsUser(demo, "DELETE", "/device/SCG1").status, 204);  // free to bind
  auto bind = [&](const std::string& p) {
    return api_.AsUser(bob, "POST", "/device/shortCode/bind",
                       R"({"shortCode":")" + code + R"(","password":")" + p + "\"}");
  };
  int tried = 0;
  for (int guess = 0; tried < 3; ++guess) {
    char p[16];
    std::snprintf(p, sizeof p, "%04d", guess);
    if (p == pw) continue;
    ExpectApiCode(bind(p), 400, "5400045");
    ++tried;
  }
  ExpectApiError(bind(pw), 429, "400016", "Rate limit exceeded");
  EXPECT_EQ(api_.AsUser(bob, "GET", "/device").body, "[]");
}

TEST_F(PasswordLimitsTest, PinGuessesAreLimitedOverHttpAndOnTheHub) {
  ASSERT_TRUE(Serve({"limits.code_failures_per_target=3"}));
  std::string demo = api_.Login("demo@krypton.local", password_);
  HttpResult got = api_.AsUser(demo, "GET", "/getPINCode?ssid=home");
  ASSERT_EQ(got.status, 200) << got.body;
  std::string pin = StringField(got.body, "/PINCode");
  std::string wrong[] = {"000000", "111111", "222222", "333333"};
  int tried = 0;
  for (const std::string& w : wrong) {
    if (w == pin || tried == 3) continue;
    ExpectApiError(api_.AsUser(demo, "GET", "/getNewDeviceList?pinCode=" + w + "&ssid=home"), 400,
                   "6400017", "Invalid Param pinCode");
    ++tried;
  }
  ExpectApiError(api_.AsUser(demo, "GET", "/getNewDeviceList?pinCode=" + pin + "&ssid=home"), 429,
                 "400016", "Rate limit exceeded");

  // A device presenting PINs: three wrong ones, then the right one is refused unchecked.
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":1,"action":"devLogin","params":{"devTid":"PING1","prodKey":"xxxxxx","token":""}})");
  ASSERT_EQ(Field(login.value_or("{}"), "/code"), "200");
  auto present = [&](const std::string& p) {
    auto resp = dev.Call(
        R"({"msgId":2,"action":"reportDevInfo","params":{"devTid":"PING1","ssid":"home","pinCode":")" +
        p + "\"}}");
    EXPECT_EQ(Field(resp.value_or("{}"), "/code"), "200");
    return Field(dev.ReadLine().value_or("{}"), "/code");
  };
  tried = 0;
  for (const std::string& w : wrong) {
    if (w == pin || tried == 3) continue;
    EXPECT_EQ(present(w), "1400028");
    ++tried;
  }
  EXPECT_EQ(present(pin), "1400028");
  EXPECT_EQ(api_.AsUser(demo, "GET", "/device").body, "[]");  // not bound
}

// Main ran hashing on the shared pool without a bound: one token's 30 parallel
// /changePassword calls were all queued, and another user's login waited behind them.
TEST_F(PasswordLimitsTest, FullHashingQueueAnswersAtOnceWhileOthersLogIn) {
  ASSERT_TRUE(
      Serve({"server.hash_queue_per_account=1", "limits.login_failures_per_account=1000",
             "limits.password_failures_per_ip=1000", "limits.requests_per_ip_per_s=100000"}));
  std::string bob = api_.Login("bob@example.com", "bob-secret");
  std::mutex mu;
  std::vector<double> refused_s;
  std::atomic<int> refused{0}, checked{0}, other{0};
  // Another account logs in while the flood is on.
  HttpResult other_login;
  std::thread demo([&] {
    std::this_thread::sleep_for(20ms);
    other_login = Login("demo@krypton.local", password_);
  });
  auto flood = AtOnce(30, [&] {
    auto start = Clock::now();
    HttpResult r = ChangePassword(bob, "wrong-old", "n3w-secret");
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (r.status == 429 && Field(r.body, "/code") == "400016") {
      ++refused;
      std::lock_guard lock(mu);
      refused_s.push_back(s);
    } else if (r.status == 400 && Field(r.body, "/code") == "3400007") {
      ++checked;
    } else {
      ++other;
    }
    return r;
  });
  demo.join();
  EXPECT_GT(refused, 0);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(refused + checked, 30);
  // Refusals do not wait for a hash (queued, the 30th would wait for 29 argon2id jobs).
  for (double s : refused_s) EXPECT_LT(s, 2.0);
  EXPECT_EQ(other_login.status, 200) << other_login.body;
  // The queue gave the account's share back: the right old password is accepted.
  EXPECT_EQ(ChangePassword(bob, "bob-secret", "n3w-secret").status, 200);
}

// Main kept every access token working for its whole life after a password change.
TEST_F(PasswordLimitsTest, TokensSignedBeforeAPasswordChangeAreRefused) {
  ASSERT_TRUE(Serve());
  HttpResult login = Login("bob@example.com", "bob-secret");
  ASSERT_EQ(login.status, 200);
  std::string old_access = StringField(login.body, "/access_token");
  std::string old_refresh = StringField(login.body, "/refresh_token");
  std::string cli_token = admin_.Token(bob_uid_);  // signed by `admin token issue`
  EXPECT_EQ(api_.AsUser(old_access, "GET", "/device").status, 200);
  EXPECT_EQ(api_.AsUser(cli_token, "GET", "/device").status, 200);
  EXPECT_EQ(AppLoginCode(old_access), "200");
  ASSERT_EQ(ChangePassword(old_access, "bob-secret", "n3w-secret").status, 200);

  for (const std::string& t : {old_access, cli_token}) {
    HttpResult r = api_.AsUser(t, "GET", "/device");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Field(r.body, "/code"), "3400015");
    EXPECT_EQ(AppLoginCode(t), "1400002");
  }
  ExpectApiCode(api_.Post("/token/refresh", R"({"refresh_token":")" + old_refresh + "\"}"), 403,
                "3400015");
  // A token signed after the change works everywhere.
  std::string fresh = api_.Login("bob@example.com", "n3w-secret");
  EXPECT_EQ(api_.AsUser(fresh, "GET", "/device").status, 200);
  EXPECT_EQ(AppLoginCode(fresh), "200");
  EXPECT_EQ(api_.AsUser(admin_.Token(bob_uid_), "GET", "/device").status, 200);
}

TEST_F(PasswordLimitsTest, TokensSignedBeforeAPasswordResetAreRefused) {
  ASSERT_TRUE(Serve({"http.auth_failure_status=401"}));
  std::string old_access = api_.Login("demo@krypton.local", password_);
  EXPECT_EQ(api_.AsUser(old_access, "GET", "/device").status, 200);
  ASSERT_EQ(api_.Get("/sendResetPasswordEmail?email=demo%40krypton.local&pid=00000000000").status,
            200);
  ASSERT_EQ(api_.Post("/resetPassword?type=email",
                      R"({"token":")" + LastLinkToken() + R"(","password":"n3w-secret"})")
                .status,
            200);
  HttpResult r = api_.AsUser(old_access, "GET", "/device");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Field(r.body, "/code"), "3400015");
  EXPECT_EQ(AppLoginCode(old_access), "1400002");
  std::string fresh = api_.Login("demo@krypton.local", "n3w-secret");
  EXPECT_EQ(api_.AsUser(fresh, "GET", "/device").status, 200);
}

}  // namespace
}  // namespace krypton::testing
