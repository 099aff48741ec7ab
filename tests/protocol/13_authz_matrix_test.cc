// Black-box: the authorization matrix of the user API (user-api.md §5, decision 0006) — every
// device-scoped endpoint called as the owner, a grantee (ALL share), an expired grantee, a
// stranger and anonymously, with the expected HTTP status and code of each cell; and the
// same roles on the app hub. Destructive calls run last, the owner's after the others'.
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

enum Role { kOwner, kGrantee, kExpired, kStranger, kAnonymous, kRoles };
constexpr const char* kRoleNames[] = {"owner", "grantee", "expired grantee", "stranger",
                                      "anonymous"};

// One cell: the HTTP status and, for errors, the code ("" for success bodies).
struct Expect {
  int status;
  std::string code;
};

struct Row {
  std::string method, path, body;
  Expect cells[kRoles];
};

class AuthzMatrixTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    uid_[kOwner] = demo.uid;
    const char* names[] = {"", "grantee", "expired", "stranger"};
    for (int r = kGrantee; r <= kStranger; ++r) {
      uid_[r] = admin_.CreateUser(std::string(names[r]) + "@example.com",
                                  "secret-" + std::string(names[r]));
    }
    ASSERT_TRUE(Serve());
    token_[kOwner] = api_.Login("demo@krypton.local", demo.password);
    for (int r = kGrantee; r <= kStranger; ++r) {
      token_[r] =
          api_.Login(std::string(names[r]) + "@example.com", "secret-" + std::string(names[r]));
    }
    token_[kAnonymous] = "";
  }

  // The anonymous role sends no Authorization header.
  HttpResult Call(Role role, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    if (role == kAnonymous) return api_.Request(method, path, body);
    return api_.AsUser(token_[role], method, path, body);
  }

  // Runs every cell of `row` in the order of `roles`.
  void Check(const Row& row, std::initializer_list<Role> roles) {
    for (Role role : roles) {
      HttpResult r = Call(role, row.method, row.path, row.body);
      const Expect& e = row.cells[role];
      EXPECT_EQ(r.status, e.status)
          << row.method << " " << row.path << " as " << kRoleNames[role] << ": " << r.body;
      if (!e.code.empty()) {
        EXPECT_EQ(Field(r.body, "/code"), e.code)
            << row.method << " " << row.path << " as " << kRoleNames[role] << ": " << r.body;
      }
    }
  }

  std::string uid_[kRoles], token_[kRoles];
};

TEST_F(AuthzMatrixTest, EveryDeviceEndpointForEveryRole) {
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":"1","action":"devLogin","params":{"devTid":"MX1","prodKey":"xxxxxx","token":""}})");
  ASSERT_TRUE(login);
  std::string key = StringField(*login, "/params/ctrlKey");
  ASSERT_EQ(Call(kOwner, "POST", "/device",
                 R"({"devTid":"MX1","bindKey":")" + StringField(*login, "/params/bindKey") + "\"}")
                .status,
            201);
  ASSERT_EQ(Field(Call(kOwner, "POST", "/authorization",
                       R"({"ctrlKey":[")" + key + R"("],"grantee":")" + uid_[kGrantee] + "\"}")
                      .body,
                  "/success"),
            "1");
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  ASSERT_EQ(Field(Call(kOwner, "POST", "/authorization",
                       R"({"ctrlKey":[")" + key + R"("],"grantee":")" + uid_[kExpired] +
                           R"(","expireAt":)" + std::to_string(now_ms + 600) + "}")
                      .body,
                  "/success"),
            "1");
  std::this_thread::sleep_for(700ms);  // the expired grantee's share is now over

  const Expect ok200{200, ""}, ok201{201, ""}, ok204{204, ""}, anon{403, "3400015"};
  auto err = [](const std::string& code) { return Expect{400, code}; };
  std::string share_v1 = R"({"grantee":")" + uid_[kStranger] + R"(","devTid":"MX1","ctrlKey":")" +
                         key + R"(","mode":"ALL"})";
  std::string edit_v1 = R"({"grantee":")" + uid_[kGrantee] + R"(","devTid":"MX1","ctrlKey":")" +
                        key + R"(","mode":"ALL","desc":"edited"})";
  const std::vector<Row> reads = {
      {"GET", "/device?devTid=MX1", "", {ok200, ok200, ok200, ok200, anon}},
      {"PATCH",
       "/device/MX1",
       R"({"deviceName":"Lamp"})",
       {ok204, err("5400047"), err("5400014"), err("5400014"), anon}},
      {"GET",
       "/authorization?devTid=MX1",
       "",
       {ok200, err("6400016"), err("5400014"), err("5400014"), anon}},
      {"PUT",
       "/authorization",
       edit_v1,
       {ok204, err("6400003"), err("6400003"), err("6400003"), anon}},
      {"GET",
       "/device/shortCode?devTid=MX1",
       "",
       {ok200, err("5400047"), err("5400014"), err("5400014"), anon}},
      {"POST",
       "/authorization/reverse/authUrl",
       R"({"ctrlKey":")" + key + "\"}",
       {ok200, err("6400003"), err("6400003"), err("6400003"), anon}},
      {"GET",
       "/authorization/reverse/register?devTid=MX1",
       "",
       {ok200, err("6400016"), err("6400016"), err("6400016"), anon}},
      {"POST",
       "/folder/0",
       R"({"devTid":"MX1","ctrlKey":")" + key + "\"}",
       {ok201, ok201, err("5400014"), err("5400014"), anon}},
      {"GET", "/user/profile", "", {ok200, ok200, ok200, ok200, anon}},
      // Scheduler tasks (issue 16): the owner and a live grantee (enableScheduler, the v2
      // default), each on their own tasks.
      {"POST",
       "/rule/schedulerTask",
       R"({"devTid":"MX1","ctrlKey":")" + key +
           R"(","schedulerType":"GENERIC","cronExpr":"0 0 7 * * ?","code":{"cmdId":2,"power":1}})",
       {ok200, ok200, err("5400014"), err("5400014"), anon}},
      {"GET",
       "/rule/schedulerTask?devTid=MX1&ctrlKey=" + key,
       "",
       {ok200, ok200, err("5400014"), err("5400014"), anon}},
      {"GET",
       "/rule/schedulerTask/count?devTid=MX1&ctrlKey=" + key,
       "",
       {ok200, ok200, err("5400014"), err("5400014"), anon}},
      {"GET",
       "/rule/schedulerTask/history?devTid=MX1&ctrlKey=" + key,
       "",
       {ok200, ok200, err("5400014"), err("5400014"), anon}},
      {"DELETE",
       "/rule/schedulerTask?devTid=MX1&ctrlKey=" + key,
       "",
       {ok200, ok200, err("5400014"), err("5400014"), anon}},
  };
  for (const Row& row : reads) Check(row, {kGrantee, kExpired, kStranger, kAnonymous, kOwner});

  // Who sees the device in their list.
  EXPECT_NE(Call(kGrantee, "GET", "/device").body.find("\"MX1\""), std::string::npos);
  EXPECT_EQ(Call(kExpired, "GET", "/device").body, "[]");
  EXPECT_EQ(Call(kStranger, "GET", "/device?devTid=MX1").body.find("\"MX1\""), std::string::npos);

  // The app hub: owner and grantee command, the others are refused.
  auto app_send = [&](Role role) {
    LineClient app(server_->port("app_tcp"));
    if (role != kAnonymous) {
      auto r = app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"m","token":")" +
                        token_[role] + "\"}}");
      EXPECT_EQ(Field(r.value_or(""), "/code"), "200");
    }
    app.SendLine(R"({"msgId":2,"action":"appSend","params":{"devTid":"MX1","ctrlKey":")" + key +
                 R"(","data":{"cmdId":0}}})");
    if (role == kOwner || role == kGrantee) {
      auto cmd = dev.ReadLine();
      if (cmd) {
        dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                     R"(,"action":"appSendResp","code":200,"desc":"success"})");
      }
    }
    return Field(app.ReadLine().value_or(""), "/code");
  };
  EXPECT_EQ(app_send(kOwner), "200");
  EXPECT_EQ(app_send(kGrantee), "200");
  EXPECT_EQ(app_send(kExpired), "1400012");
  EXPECT_EQ(app_send(kStranger), "1400012");
  EXPECT_EQ(app_send(kAnonymous), "1400019");

  // Sharing with the stranger (the owner's cell runs last and succeeds).
  Check(Row{"POST",
            "/authorization",
            share_v1,
            {ok201, err("6400003"), err("6400003"), err("6400003"), anon}},
        {kGrantee, kExpired, kStranger, kAnonymous, kOwner});

  // Destructive calls: the others first (all refused), the owner last.
  // The stranger now holds a share: a grantee cancelling it is refused, its holder could.
  Row cancel{"DELETE",
             "/authorization?devTid=MX1&grantee=" + uid_[kStranger],
             "",
             {ok204, err("6400016"), err("5400005"), ok204, anon}};
  Check(cancel, {kGrantee, kExpired, kAnonymous, kOwner});
  Row unbind{
      "DELETE", "/device/MX1", "", {ok204, err("5400047"), err("5400014"), err("5400014"), anon}};
  Check(unbind, {kGrantee, kExpired, kStranger, kAnonymous, kOwner});
  // After the unbind nobody holds anything (the owner is no longer the owner either).
  HttpResult after = Call(kGrantee, "DELETE", "/authorization?devTid=MX1");
  EXPECT_EQ(Field(after.body, "/code"), "5400005");
}

}  // namespace
}  // namespace krypton::testing
