// Black-box: console members (D28, issue 14 item 1; docs/decisions/0012-console-members.md,
// docs/security/members.md) on the real binary —
// (a) the enterprise authorization matrix: every /api/v1/enterprise/… operation of
//     docs/api/openapi.yaml (so a new route cannot be forgotten) × every kind of caller,
//     with the status and code each cell must give, from the operation's x-krypton-role;
// (b) the takeover chain of issue 14 as a regression: a self-registered app user of the
//     manufacturer's pid reads nothing, changes nothing;
// (c) member management through `krypton admin manufacturer member …` and the API: roles,
//     role changes, the last ADMIN, X-Krypton-Pid, and a removed member's token.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"
#include "zip_maker.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";
constexpr const char* kGamma = "33333333333";
constexpr const char* kMid = "ACMEPROD0001";
constexpr const char* kVictimDev = "VICTIM00001";
constexpr const char* kNoPrivilege = "Has no privilege do that";

// One operation of docs/api/openapi.yaml under /api/v1/enterprise/ with its minimum role.
struct Operation {
  std::string method, pattern, role;
};

std::vector<Operation> EnterpriseOperations() {
  std::ifstream in(std::string(KRYPTON_SOURCE_DIR) + "/docs/api/openapi.yaml");
  EXPECT_TRUE(in) << "docs/api/openapi.yaml";
  std::vector<Operation> ops;
  std::string line, path;
  std::regex path_re(R"(^  (/\S*):\s*$)"),
      method_re(R"(^    (get|head|post|put|patch|delete):\s*$)"),
      role_re(R"(^      x-krypton-role:\s*(\w+)\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, path_re)) {
      path = m[1];
    } else if (std::regex_match(line, m, method_re)) {
      if (path.rfind("/api/v1/enterprise/", 0) != 0) continue;
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ops.push_back({method, path, ""});
    } else if (std::regex_match(line, m, role_re) && !ops.empty() && ops.back().role.empty()) {
      ops.back().role = m[1];
    }
  }
  return ops;
}

int Rank(const std::string& role) {
  if (role == "VIEWER") return 1;
  if (role == "DEVELOPER") return 2;
  if (role == "ADMIN") return 3;
  return 99;  // unknown: nobody may
}

class EnterpriseMembersTest : public KryptonTest {
 protected:
  void SetUp() override {
    admin_.Demo();
    for (const char* pid : {kAcme, kBeta, kGamma}) {
      admin_.CreateManufacturer(pid, std::string("Ent ") + pid);
    }
    acme_ = admin_.ServerKey(kAcme);
    beta_ = admin_.ServerKey(kBeta);
    std::string tpl = dir_ + "/t.json";
    std::ofstream(tpl) << R"({"workModeType":"JSON_CTRL","protocol":{}})";
    admin_.Json({"product", "create", "--pid", kAcme, "--name", "Socket", "--mid", kMid,
                 "--prod-key", "acme-secret-prodkey", "--work-mode", "JSON_CTRL", "--template",
                 tpl});
    h5_id_ = StringField(admin_.Json({"h5", "create", "--pid", kAcme, "--platform", "Android",
                                      "--h5-page", "http://h5.acme.example/index.html"}),
                         "/id");
    admin_.Json({"h5", "bind", "--mid", kMid, "--platform", "Android", "--id", h5_id_});
    admin_.Json({"quota", "set", "--pid", kAcme, "--kind", "DEVICE", "--total", "-1"});
    admin_.Json({"device", "import", "--product", kMid, "--dev-tid", kVictimDev});
    victim_uid_ = admin_.CreateUser("victim@acme.test", "secret-123", kAcme);
    admin_.Json({"device", "bind", "--dev-tid", kVictimDev, "--uid", victim_uid_});
    app_uid_ = admin_.CreateUser("app@acme.test", "secret-123", kAcme);
    viewer_uid_ = admin_.CreateUser("viewer@acme.test", "secret-123", kAcme);
    developer_uid_ = admin_.CreateUser("developer@acme.test", "secret-123", kAcme);
    admin_uid_ = admin_.CreateUser("admin@acme.test", "secret-123", kAcme);
    admin_.AddMember(kAcme, viewer_uid_, "VIEWER");
    admin_.AddMember(kAcme, developer_uid_, "DEVELOPER");
    admin_.AddMember(kAcme, admin_uid_, "ADMIN");
    ASSERT_TRUE(Serve());
    app_ = admin_.Token(app_uid_);
    viewer_ = admin_.Token(viewer_uid_);
    developer_ = admin_.Token(developer_uid_);
    admin_token_ = admin_.Token(admin_uid_);
  }

  // An account that registered itself under Acme's pid (e-mail code, as any app user can)
  // and logged in: its access token.
  std::string SelfRegistered(const std::string& email) {
    std::string q =
        "/email/getVerifyCode?email=" + std::regex_replace(email, std::regex("@"), "%40") +
        "&pid=" + kAcme + "&type=register";
    HttpResult sent = api_.Get(q);
    EXPECT_EQ(sent.status, 200) << sent.body;
    std::ifstream in(dir_ + "/outbox.jsonl");
    std::string l, last;
    while (std::getline(in, l)) last = l;
    std::string code = StringField(last, "/code");
    HttpResult reg = api_.Post("/register?type=email_verify_code",
                               R"({"pid":")" + std::string(kAcme) + R"(","email":")" + email +
                                   R"(","password":"s3cret!","code":")" + code + "\"}");
    EXPECT_EQ(reg.status, 200) << reg.body;
    return api_.Login(email, "s3cret!", kAcme);
  }

  // A concrete target for an operation's pattern: Acme's product, device and H5 template.
  std::string Target(const std::string& pattern) {
    std::string t = pattern;
    auto put = [&t](const std::string& from, const std::string& to) {
      for (size_t at = t.find(from); at != std::string::npos; at = t.find(from)) {
        t.replace(at, from.size(), to);
      }
    };
    put("{mid}", kMid);
    put("{devTid}", kVictimDev);
    put("{id}", h5_id_);
    put("{pid}", kBeta);
    put("{uid}", "99999999999");  // no member: removing answers 5400039
    return t;
  }

  static void ExpectAuthFailure(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(Field(r.body, "/code"), "3400015") << what << ": " << r.body;
    EXPECT_EQ(Field(r.body, "/status"), "401") << what << ": " << r.body;
  }

  std::string acme_, beta_, h5_id_, victim_uid_, app_uid_, viewer_uid_, developer_uid_, admin_uid_,
      app_, viewer_, developer_, admin_token_;
};

// (a) Every enterprise operation × every kind of caller.
TEST_F(EnterpriseMembersTest, AuthorizationMatrixOfEveryEnterpriseRoute) {
  std::string self = SelfRegistered("mallory@evil.test");
  ASSERT_FALSE(self.empty());
  std::vector<Operation> ops = EnterpriseOperations();
  ASSERT_GE(ops.size(), 34u) << "openapi.yaml parse";

  struct Caller {
    std::string name;
    std::string authorization;  // "" = no header
    int rank;                   // 0 = no console rights at all
  };
  std::vector<Caller> callers = {
      {"no auth", "", 0},
      {"malformed header", "Basic Zm9vOmJhcg==", 0},
      {"app user of the same pid", Bearer(app_), 0},
      {"self-registered user", Bearer(self), 0},
      {"VIEWER", Bearer(viewer_), 1},
      {"DEVELOPER", Bearer(developer_), 2},
      {"ADMIN", Bearer(admin_token_), 3},
      {"another manufacturer's server key", "key=" + beta_, 3},
      {"own server key", "key=" + acme_, 3},
  };
  for (const Operation& op : ops) {
    ASSERT_FALSE(op.role.empty()) << op.method << " " << op.pattern
                                  << " has no x-krypton-role in openapi.yaml";
    ASSERT_NE(Rank(op.role), 99) << op.method << " " << op.pattern << ": role " << op.role;
    const std::string target = Target(op.pattern);
    for (const Caller& c : callers) {
      const std::string what = op.method + " " + op.pattern + " as " + c.name;
      Headers h;
      if (!c.authorization.empty()) h.emplace_back("Authorization", c.authorization);
      HttpResult r = api_.Request(op.method, target, "{}", h);
      if (op.pattern == "/api/v1/enterprise/serverKey" && r.status == 200) {
        // The caller's enterprise got a new server key: the old one is refused from now on,
        // and the callers that used it go on with the new one.
        std::string& key = StringField(r.body, "/pid") == kAcme ? acme_ : beta_;
        const std::string old_key = key;
        key = StringField(r.body, "/serverKey");
        ASSERT_EQ(key.size(), 64u) << what << ": " << r.body;
        ExpectAuthFailure(api_.Ent(old_key, "GET", "/api/v1/enterprise/quota"), what + ", old key");
        for (Caller& other : callers) {
          if (other.authorization == "key=" + old_key) other.authorization = "key=" + key;
        }
      }
      if (c.rank == 0) {
        ExpectAuthFailure(r, what);
      } else if (c.rank < Rank(op.role)) {
        EXPECT_EQ(r.status, 403) << what << ": " << r.body;
        EXPECT_EQ(Field(r.body, "/code"), "6400016") << what << ": " << r.body;
        EXPECT_EQ(StringField(r.body, "/desc"), kNoPrivilege) << what;
      } else {
        EXPECT_NE(r.status, 401) << what << ": " << r.body;
        EXPECT_NE(r.status, 403) << what << ": " << r.body;
        EXPECT_GT(r.status, 0) << what << ": " << r.error;
        EXPECT_LT(r.status, 500) << what << ": " << r.body;
      }
    }
  }
  // The exact successes that are cheap: reads as the lowest role that may.
  EXPECT_EQ(api_.Ent(Bearer(viewer_), "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":-1,"used":1,"remaining":-1}])");
  HttpResult dev =
      api_.Ent(Bearer(viewer_), "GET", std::string("/api/v1/enterprise/device/") + kVictimDev);
  ASSERT_EQ(dev.status, 200) << dev.body;
  EXPECT_EQ(Field(dev.body, "/bound"), "true");
  HttpResult code = api_.Ent(Bearer(developer_), "GET",
                             std::string("/api/v1/enterprise/device/") + kVictimDev + "/code");
  ASSERT_EQ(code.status, 200) << code.body;
  EXPECT_NE(StringField(code.body, "/longCode").find("bindKey="), std::string::npos);
  HttpResult prod =
      api_.Ent(Bearer(developer_), "GET", std::string("/api/v1/enterprise/product/") + kMid);
  ASSERT_EQ(prod.status, 200) << prod.body;
  EXPECT_EQ(StringField(prod.body, "/prodKey"), "acme-secret-prodkey");
  // Another manufacturer's key acts for its own enterprise only: Acme's objects are
  // unknown to it.
  ExpectApiError(api_.Ent(beta_, "GET", std::string("/api/v1/enterprise/product/") + kMid), 400,
                 "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "GET", std::string("/api/v1/enterprise/device/") + kVictimDev),
                 400, "8400029", "Permission error, no right to view this device");
}

// (b) Issue 14's takeover chain, step by step: all refused, nothing changed.
TEST_F(EnterpriseMembersTest, SelfRegisteredAppUserCannotTakeOverTheManufacturer) {
  const std::string before_product =
      api_.Ent(acme_, "GET", std::string("/api/v1/enterprise/product/") + kMid).body;
  const std::string before_h5 =
      api_.Ent(acme_, "GET",
               std::string("/api/v1/enterprise/product/") + kMid + "/h5?platform=Android")
          .body;
  ASSERT_NE(StringField(before_product, "/prodKey"), "");
  std::string self = SelfRegistered("mallory@evil.test");
  ASSERT_FALSE(self.empty());
  const std::string product = std::string("/api/v1/enterprise/product/") + kMid;
  const std::string zip = MakeZip({{"index.html", "<html>pwned</html>"}});
  // With and without naming the manufacturer's pid: the pid of the token never counts.
  for (const Headers& extra : {Headers{}, Headers{{"X-Krypton-Pid", kAcme}}}) {
    auto call = [&](const std::string& method, const std::string& path, const std::string& body,
                    Headers h = {}) {
      h.emplace_back("Authorization", Bearer(self));
      h.insert(h.end(), extra.begin(), extra.end());
      return api_.Request(method, path, body, h);
    };
    ExpectAuthFailure(call("GET", "/api/v1/enterprise/device", ""), "list devices");
    ExpectAuthFailure(
        call("GET", std::string("/api/v1/enterprise/device/") + kVictimDev + "/code", ""),
        "read the long code with its bindKey");
    ExpectAuthFailure(call("PUT", product, R"({"forceBind":true})"), "switch to forceBind");
    ExpectAuthFailure(call("GET", product, ""), "read the prodKey");
    ExpectAuthFailure(call("PUT", product, R"({"name":"Pwned"})"), "rename the product");
    ExpectAuthFailure(call("PUT", "/api/v1/enterprise/h5/" + h5_id_ + "/package", zip, kZip),
                      "replace the H5 page");
    HttpResult own_h5 = call("POST", "/api/v1/enterprise/h5",
                             R"({"platform":"Android","h5Page":"http://evil.example/"})");
    ExpectAuthFailure(own_h5, "create an H5 template");
    ExpectAuthFailure(call("PUT", product + "/h5", R"({"platform":"Android","h5TemplateId":"x"})"),
                      "bind another H5 template");
    ExpectAuthFailure(call("POST", "/api/v1/enterprise/member",
                           R"({"email":"mallory@evil.test","role":"ADMIN"})"),
                      "make itself a member");
  }
  // Nothing changed: read back with the server key.
  EXPECT_EQ(api_.Ent(acme_, "GET", product).body, before_product);
  EXPECT_EQ(StringField(before_product, "/name"), "Socket");
  EXPECT_EQ(Field(before_product, "/forceBind"), "false");
  EXPECT_EQ(api_.Ent(acme_, "GET", product + "/h5?platform=Android").body, before_h5);
  EXPECT_EQ(api_.Get("/h5page/" + h5_id_ + "/index.html").status, 404);
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/member").body.find("mallory"),
            std::string::npos);
  EXPECT_EQ(StringField(admin_.Json({"device", "show", "--dev-tid", kVictimDev}), "/ownerUid"),
            victim_uid_);
}

// (c) Members through the CLI.
TEST_F(EnterpriseMembersTest, MemberManagementThroughTheCli) {
  const std::string other = admin_.CreateUser("dora@example.com", "secret-123");  // public pid
  std::string added = admin_.Json({"manufacturer", "member", "add", "--pid", kAcme, "--email",
                                   "dora@example.com", "--role", "VIEWER"});
  EXPECT_EQ(StringField(added, "/uid"), other);
  EXPECT_EQ(StringField(added, "/role"), "VIEWER");
  EXPECT_EQ(StringField(added, "/email"), "dora@example.com");
  std::string dora = admin_.Token(other);
  EXPECT_EQ(api_.Ent(Bearer(dora), "GET", "/api/v1/enterprise/quota").status, 200);
  ExpectApiError(api_.Ent(Bearer(dora), "PUT", "/api/v1/enterprise/demoDevices", "[]"), 403,
                 "6400016", kNoPrivilege);
  // add again = change the role.
  admin_.Json({"manufacturer", "member", "add", "--pid", kAcme, "--email", "dora@example.com",
               "--role", "DEVELOPER"});
  EXPECT_EQ(api_.Ent(Bearer(dora), "PUT", "/api/v1/enterprise/demoDevices", "[]").status, 204);
  std::string list = admin_.Json({"manufacturer", "member", "list", "--pid", kAcme});
  EXPECT_EQ(StringFields(list, "/role"),
            (std::vector<std::string>{"VIEWER", "DEVELOPER", "ADMIN", "DEVELOPER"}));
  EXPECT_EQ(StringFields(list, "/uid"),
            (std::vector<std::string>{viewer_uid_, developer_uid_, admin_uid_, other}));
  EXPECT_NE(admin_.Ok({"manufacturer", "member", "list", "--pid", kAcme})
                .find(other + "  DEVELOPER  dora@example.com\n"),
            std::string::npos);

  // Refusals.
  ExpectCliFailure(admin_.Run({"manufacturer", "member", "add", "--pid", kAcme, "--email",
                               "nobody@example.com", "--role", "VIEWER"}),
                   "no such account");
  ExpectCliFailure(admin_.Run({"manufacturer", "member", "add", "--pid", kAcme, "--email",
                               "dora@example.com", "--role", "OWNER"}),
                   "role must be ADMIN, DEVELOPER or VIEWER");
  ExpectCliFailure(admin_.Run({"manufacturer", "member", "add", "--pid", "44444444444", "--email",
                               "dora@example.com", "--role", "VIEWER"}),
                   "no manufacturer with that pid");
  ExpectCliFailure(
      admin_.Run({"manufacturer", "member", "remove", "--pid", kAcme, "--email", "app@acme.test"}),
      "the account is no member of that enterprise");
  ExpectCliFailure(
      admin_.Run({"manufacturer", "member", "remove", "--pid", kAcme, "--uid", admin_uid_}),
      "the last ADMIN of an enterprise cannot be removed or demoted; add another "
      "ADMIN first");
  ExpectCliFailure(admin_.Run({"manufacturer", "member", "add", "--pid", kAcme, "--uid", admin_uid_,
                               "--role", "VIEWER"}),
                   "the last ADMIN of an enterprise cannot be removed or demoted; add another "
                   "ADMIN first");
  ExpectCliFailure(
      admin_.Run({"manufacturer", "member", "add", "--pid", kAcme, "--role", "VIEWER"}),
      "give --email or --uid");

  // remove: the token is refused at once.
  admin_.Json({"manufacturer", "member", "remove", "--pid", kAcme, "--email", "dora@example.com"});
  ExpectAuthFailure(api_.Ent(Bearer(dora), "GET", "/api/v1/enterprise/quota"), "removed member");
  EXPECT_EQ(StringFields(admin_.Json({"manufacturer", "member", "list", "--pid", kAcme}), "/uid"),
            (std::vector<std::string>{viewer_uid_, developer_uid_, admin_uid_}));
}

// (c) Members through the API, by an ADMIN member and by the server key.
TEST_F(EnterpriseMembersTest, MemberManagementThroughTheApi) {
  const std::string admin = Bearer(admin_token_);
  const std::string path = "/api/v1/enterprise/member";
  HttpResult list = api_.Ent(admin, "GET", path);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(
      StringFields(list.body, "/email"),
      (std::vector<std::string>{"viewer@acme.test", "developer@acme.test", "admin@acme.test"}));
  // Only ADMINs manage members.
  ExpectApiError(api_.Ent(Bearer(developer_), "GET", path), 403, "6400016", kNoPrivilege);
  ExpectApiError(
      api_.Ent(Bearer(developer_), "POST", path, R"({"email":"app@acme.test","role":"ADMIN"})"),
      403, "6400016", kNoPrivilege);
  ExpectApiError(api_.Ent(Bearer(viewer_), "DELETE", path + "/" + developer_uid_), 403, "6400016",
                 kNoPrivilege);

  // Add the app user as a VIEWER: it reads, a write is 403.
  HttpResult added = api_.Ent(admin, "POST", path, R"({"email":"app@acme.test","role":"VIEWER"})");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(StringField(added.body, "/uid"), app_uid_);
  EXPECT_EQ(StringField(added.body, "/role"), "VIEWER");
  const std::string app = Bearer(app_);
  EXPECT_EQ(api_.Ent(app, "GET", "/api/v1/enterprise/quota").status, 200);
  const std::string product = std::string("/api/v1/enterprise/product/") + kMid;
  ExpectApiError(api_.Ent(app, "PUT", product, R"({"name":"Viewer rename"})"), 403, "6400016",
                 kNoPrivilege);
  ExpectApiError(api_.Ent(app, "GET", product), 403, "6400016", kNoPrivilege);  // prodKey
  // Promote: the same write now passes.
  ASSERT_EQ(api_.Ent(admin, "POST", path, R"({"email":"app@acme.test","role":"DEVELOPER"})").status,
            200);
  EXPECT_EQ(api_.Ent(app, "PUT", product, R"({"name":"Renamed"})").status, 204);
  EXPECT_EQ(StringField(api_.Ent(acme_, "GET", product).body, "/name"), "Renamed");
  // Refusals with their codes.
  ExpectApiError(api_.Ent(admin, "POST", path, R"({"email":"ghost@acme.test","role":"VIEWER"})"),
                 400, "5400039", "User does not exist");
  ExpectApiError(api_.Ent(admin, "POST", path, R"({"email":"app@acme.test","role":"owner"})"), 400,
                 "8400002", "Illegal argument: role must be ADMIN, DEVELOPER or VIEWER");
  ExpectApiError(api_.Ent(admin, "POST", path, "[1]"), 400, "8400002",
                 "Illegal argument: the body must be a JSON object");
  const std::string last_admin =
      "Illegal argument: the last ADMIN of an enterprise cannot be removed or demoted; add "
      "another ADMIN first";
  ExpectApiError(api_.Ent(admin, "POST", path, R"({"email":"admin@acme.test","role":"DEVELOPER"})"),
                 400, "8400002", last_admin);
  ExpectApiError(api_.Ent(admin, "DELETE", path + "/" + admin_uid_), 400, "8400002", last_admin);
  ExpectApiError(api_.Ent(admin, "DELETE", path + "/" + victim_uid_), 400, "5400039",
                 "User does not exist");
  // The server key manages members too; with a second ADMIN the first may step down.
  ASSERT_EQ(
      api_.Ent(acme_, "POST", path, R"({"uid":")" + viewer_uid_ + R"(","role":"ADMIN"})").status,
      200);
  EXPECT_EQ(api_.Ent(admin, "DELETE", path + "/" + admin_uid_).status, 204);
  ExpectAuthFailure(api_.Ent(admin, "GET", path), "removed ADMIN");
  // Removed: the member's token is refused at once.
  EXPECT_EQ(api_.Ent(Bearer(viewer_), "DELETE", path + "/" + app_uid_).status, 204);
  ExpectAuthFailure(api_.Ent(app, "GET", "/api/v1/enterprise/quota"), "removed member");
  // Nothing of another enterprise: Beta's key sees only Beta's members.
  EXPECT_EQ(api_.Ent(beta_, "GET", path).body, "[]");
  ExpectApiError(api_.Ent(beta_, "DELETE", path + "/" + developer_uid_), 400, "5400039",
                 "User does not exist");
}

// (c) A member of several enterprises chooses one with X-Krypton-Pid.
TEST_F(EnterpriseMembersTest, MemberOfSeveralEnterprisesNamesOne) {
  admin_.AddMember(kBeta, developer_uid_, "VIEWER");
  const std::string dev = Bearer(developer_);
  ExpectApiError(api_.Ent(dev, "GET", "/api/v1/enterprise/quota"), 400, "8400002",
                 "Illegal argument: X-Krypton-Pid is required: the account is a member of several "
                 "enterprises");
  EXPECT_EQ(api_.Ent(dev, "GET", "/api/v1/enterprise/quota", "", {{"X-Krypton-Pid", kAcme}}).body,
            R"([{"mid":"*","kind":"DEVICE","total":-1,"used":1,"remaining":-1}])");
  EXPECT_EQ(api_.Ent(dev, "GET", "/api/v1/enterprise/quota", "", {{"X-Krypton-Pid", kBeta}}).body,
            "[]");
  // Its role is per enterprise: DEVELOPER at Acme, VIEWER at Beta.
  EXPECT_EQ(api_.Ent(dev, "PUT", "/api/v1/enterprise/demoDevices", "[]", {{"X-Krypton-Pid", kAcme}})
                .status,
            204);
  ExpectApiError(
      api_.Ent(dev, "PUT", "/api/v1/enterprise/demoDevices", "[]", {{"X-Krypton-Pid", kBeta}}), 403,
      "6400016", kNoPrivilege);
  ExpectAuthFailure(
      api_.Ent(dev, "GET", "/api/v1/enterprise/quota", "", {{"X-Krypton-Pid", kGamma}}),
      "a pid it is no member of");
  // A server key with another enterprise's pid named is refused too.
  ExpectAuthFailure(
      api_.Ent(acme_, "GET", "/api/v1/enterprise/quota", "", {{"X-Krypton-Pid", kBeta}}),
      "server key with another pid");
}

// (c) Server keys are ADMIN's: an ADMIN member issues a new one, shown once; the old key is
// refused at once; a DEVELOPER may not; the operator's CLI does the same.
TEST_F(EnterpriseMembersTest, AdminIssuesANewServerKey) {
  const std::string path = "/api/v1/enterprise/serverKey";
  ExpectApiError(api_.Ent(Bearer(developer_), "POST", path), 403, "6400016", kNoPrivilege);
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").status, 200);

  HttpResult issued = api_.Ent(Bearer(admin_token_), "POST", path);
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(StringField(issued.body, "/pid"), kAcme);
  const std::string fresh = StringField(issued.body, "/serverKey");
  ASSERT_EQ(fresh.size(), 64u) << issued.body;
  ExpectAuthFailure(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota"), "the old key");
  EXPECT_EQ(api_.Ent(fresh, "GET", "/api/v1/enterprise/quota").status, 200);
  // Beta's key is untouched.
  EXPECT_EQ(api_.Ent(beta_, "GET", "/api/v1/enterprise/quota").status, 200);

  // The key itself may issue its successor; then the operator issues another.
  HttpResult again = api_.Ent(fresh, "POST", path);
  ASSERT_EQ(again.status, 200) << again.body;
  ExpectAuthFailure(api_.Ent(fresh, "GET", "/api/v1/enterprise/quota"), "the second key");
  const std::string by_cli = admin_.ServerKey(kAcme);
  ExpectAuthFailure(
      api_.Ent(StringField(again.body, "/serverKey"), "GET", "/api/v1/enterprise/quota"),
      "the key before the operator's");
  EXPECT_EQ(api_.Ent(by_cli, "GET", "/api/v1/enterprise/quota").status, 200);
}

}  // namespace
}  // namespace krypton::testing
