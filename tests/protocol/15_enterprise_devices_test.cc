// Black-box: the enterprise device registry (enterprise-api.md §3.2 E11–E16, §4.2, §5;
// docs/decisions/0008-enterprise-registry.md) on the real binary — device info and list,
// long/short codes, imports and licences with their quotas (all-or-nothing, never
// overdrawn under concurrency), `admin quota set`, and imported devices logging in on
// the hub with their product's device authentication.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";
constexpr const char* kPre = "ACMEPRE00001";   // PRODKEY + pre-register
constexpr const char* kAuth = "ACMEAUTH0001";  // AUTHKEY
constexpr const char* kLic = "ACMELIC00001";   // LICENSE
constexpr const char* kBetaMid = "BETAPROD0001";

std::string Login(const std::string& dev_tid, const std::string& prod_key,
                  const std::string& extra = "") {
  return R"({"msgId":1,"action":"devLogin","params":{"devTid":")" + dev_tid + R"(","prodKey":")" +
         prod_key + "\"" + extra + "}}";
}

class EnterpriseDevicesTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    admin_.CreateManufacturer(kAcme, "Acme");
    admin_.CreateManufacturer(kBeta, "Beta");
    acme_ = admin_.ServerKey(kAcme);
    beta_ = admin_.ServerKey(kBeta);
    std::string tpl = dir_ + "/t.json";
    std::ofstream(tpl) << R"({"workModeType":"JSON_CTRL","protocol":{}})";
    auto product = [&](const char* pid, const char* mid, const char* auth,
                       std::vector<std::string> extra = {}) {
      std::vector<std::string> args = {
          "product",     "create",    "--pid",      pid,          "--name",
          mid,           "--mid",     mid,          "--prod-key", std::string("pk-") + mid,
          "--work-mode", "JSON_CTRL", "--template", tpl,          "--device-auth",
          auth};
      args.insert(args.end(), extra.begin(), extra.end());
      admin_.Json(args);
    };
    product(kAcme, kPre, "PRODKEY", {"--pre-register"});
    product(kAcme, kAuth, "AUTHKEY");
    product(kAcme, kLic, "LICENSE");
    product(kBeta, kBetaMid, "PRODKEY");
  }

  void Quota(const char* pid, const std::string& mid, const char* kind, int total) {
    admin_.Json({"quota", "set", "--pid", pid, "--product", mid, "--kind", kind, "--total",
                 std::to_string(total)});
  }

  HttpResult Import(const std::string& key, const std::string& mid, const std::string& body) {
    return api_.Ent(key, "POST", "/api/v1/enterprise/product/" + mid + "/device/import", body);
  }

  HttpResult Licenses(const std::string& key, const std::string& mid, const std::string& body) {
    return api_.Ent(key, "POST", "/api/v1/enterprise/product/" + mid + "/license", body);
  }

  std::string uid_, acme_, beta_;
};

constexpr const char* kIllegal = "Illegal argument";

TEST_F(EnterpriseDevicesTest, EveryPathNeedsAnEnterprise) {
  ASSERT_TRUE(Serve());
  const std::vector<std::pair<std::string, std::string>> paths = {
      {"GET", "/api/v1/enterprise/device/X"},
      {"GET", "/api/v1/enterprise/device"},
      {"GET", "/api/v1/enterprise/device/X/code"},
      {"GET", "/api/v1/enterprise/quota"},
      {"POST", std::string("/api/v1/enterprise/product/") + kPre + "/device/import"},
      {"POST", std::string("/api/v1/enterprise/product/") + kLic + "/license"}};
  for (const auto& [method, path] : paths) {
    SCOPED_TRACE(path);
    HttpResult none = api_.Request(method, path, "{}");
    ExpectApiError(none, 401, "3400015", "Invalid token");
    ExpectApiError(api_.Ent("wrong", method, path, "{}"), 401, "3400015", "Invalid token");
    ExpectApiError(api_.Ent("Bearer junk", method, path, "{}"), 401, "3400015", "Invalid token");
  }
}

TEST_F(EnterpriseDevicesTest, ImportByListAndByCount) {
  Quota(kAcme, "*", "DEVICE", 100);
  ASSERT_TRUE(Serve());
  HttpResult r = Import(acme_, kPre,
                        R"({"devTids":["A1","A2","A1","",)"
                        R"("123456789012345678901234567890123"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Field(r.body, "/success"), "2");
  EXPECT_EQ(Field(r.body, "/failure"), "3");
  EXPECT_EQ(StringField(r.body, "/results/0/devTid"), "A1");
  EXPECT_EQ(Field(r.body, "/results/0/code"), "8200000");
  EXPECT_EQ(StringField(r.body, "/results/0/desc"), "Success");
  EXPECT_TRUE(
      std::regex_match(StringField(r.body, "/results/0/bindKey"), std::regex("[0-9a-f]{32}")));
  EXPECT_TRUE(std::regex_match(StringField(r.body, "/results/0/shortCode"), std::regex("\\d{8}")));
  EXPECT_TRUE(
      std::regex_match(StringField(r.body, "/results/0/shortCodePassword"), std::regex("\\d{4}")));
  EXPECT_EQ(Field(r.body, "/results/0/license"), "<absent>");  // PRODKEY: no licence
  EXPECT_EQ(Field(r.body, "/results/1/code"), "8200000");
  EXPECT_NE(StringField(r.body, "/results/1/shortCode"),
            StringField(r.body, "/results/0/shortCode"));
  for (const char* i : {"/results/2", "/results/3", "/results/4"}) {
    EXPECT_EQ(Field(r.body, (std::string(i) + "/code").c_str()), "8400002") << r.body;
    EXPECT_EQ(StringField(r.body, (std::string(i) + "/desc").c_str()), kIllegal);
    EXPECT_EQ(Field(r.body, (std::string(i) + "/bindKey").c_str()), "<absent>");
  }
  EXPECT_EQ(StringField(r.body, "/results/3/devTid"), "");
  // Already registered (here or under another product) → per-item 8400002.
  r = Import(acme_, kAuth, R"({"devTids":["A2","A3"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Field(r.body, "/results/0/code"), "8400002");
  EXPECT_EQ(Field(r.body, "/results/1/code"), "8200000");
  // count + prefix: the next free sequence numbers.
  r = Import(acme_, kPre, R"({"count":3,"prefix":"ESP_2M_"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(StringField(r.body, "/results/0/devTid"), "ESP_2M_000001");
  EXPECT_EQ(StringField(r.body, "/results/2/devTid"), "ESP_2M_000003");
  r = Import(acme_, kPre, R"({"count":2,"prefix":"ESP_2M_"})");
  EXPECT_EQ(StringField(r.body, "/results/0/devTid"), "ESP_2M_000004");
  EXPECT_EQ(Field(r.body, "/success"), "2");
  EXPECT_EQ(Field(r.body, "/failure"), "0");
  r = api_.Ent(acme_, "GET", "/api/v1/enterprise/quota");
  EXPECT_EQ(r.body, R"([{"mid":"*","kind":"DEVICE","total":100,"used":8,"remaining":92}])");

  // Malformed requests import nothing.
  const std::string either = std::string(kIllegal) + ": give either devTids or count";
  const std::string count = std::string(kIllegal) + ": count must be 1 to 1000";
  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"{bad json", kIllegal},
      {"[]", kIllegal},
      {"{}", either},
      {R"({"devTids":[]})", std::string(kIllegal) + ": devTids must hold 1 to 1000 devTids"},
      {R"({"devTids":["A",1]})", kIllegal},
      {R"({"devTids":"A"})", kIllegal},
      {R"({"devTids":["Z"],"count":1})", either},
      {R"({"count":0})", count},
      {R"({"count":1001})", count},
      {R"({"count":"2"})", kIllegal},
      {R"({"count":1,"prefix":7})", kIllegal},
      {R"({"count":1,"prefix":"123456789012345678901234567"})",
       std::string(kIllegal) + ": prefix must be at most 26 characters"}};
  for (const auto& [body, desc] : malformed) {
    SCOPED_TRACE(body);
    ExpectApiError(Import(acme_, kPre, body), 400, "8400002", desc);
  }
  // Unknown product, another enterprise's product.
  ExpectApiError(Import(acme_, "NOSUCHPROD01", R"({"count":1})"), 400, "8400000",
                 "Product does not exist");
  ExpectApiError(Import(acme_, kBetaMid, R"({"count":1})"), 400, "8400000",
                 "Product does not exist");
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":100,"used":8,"remaining":92}])");
}

TEST_F(EnterpriseDevicesTest, QuotasAreAllOrNothingProductFirst) {
  ASSERT_TRUE(Serve());
  // No quota at all.
  ExpectApiError(Import(acme_, kPre, R"({"devTids":["Q1"]})"), 400, "8400031",
                 "Quota missing: need 1, have 0");
  Quota(kAcme, "*", "DEVICE", 3);
  Quota(kAcme, kPre, "DEVICE", 2);
  ExpectApiError(Import(acme_, kPre, R"({"count":6,"prefix":"Q"})"), 400, "8400031",
                 "Quota missing: need 6, have 5");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/Q000001"), 400, "6400004",
                 "Device with given devTid does not exist");
  // Invalid items need no quota: 4 valid of 5.
  HttpResult r = Import(acme_, kPre, R"({"devTids":["Q1","Q2","Q3","Q4","Q1"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Field(r.body, "/success"), "4");
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":3,"used":2,"remaining":1},)"
            R"({"mid":"ACMEPRE00001","kind":"DEVICE","total":2,"used":2,"remaining":0}])");
  // Another product has only the "*" pool left.
  ExpectApiError(Import(acme_, kAuth, R"({"devTids":["Q5","Q6"]})"), 400, "8400031",
                 "Quota missing: need 2, have 1");
  EXPECT_EQ(Import(acme_, kAuth, R"({"devTids":["Q5"]})").status, 201);
  // Raising a total keeps what was used.
  Quota(kAcme, "*", "DEVICE", 10);
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":10,"used":3,"remaining":7},)"
            R"({"mid":"ACMEPRE00001","kind":"DEVICE","total":2,"used":2,"remaining":0}])");
  // The public enterprise starts unlimited (-1); its console member (the demo user, ADMIN
  // since `admin demo`) may import.
  std::string bearer = Bearer(admin_.Token(uid_));
  r = Import(bearer, "DEMOSOCKET01", R"({"count":5,"prefix":"DEMO_"})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Field(r.body, "/success"), "5");
  EXPECT_EQ(api_.Ent(bearer, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":-1,"used":5,"remaining":-1},)"
            R"({"mid":"*","kind":"LICENSE","total":-1,"used":0,"remaining":-1}])");
  EXPECT_EQ(api_.Ent(beta_, "GET", "/api/v1/enterprise/quota").body, "[]");
}

TEST_F(EnterpriseDevicesTest, DeviceInfoListAndCodes) {
  Quota(kAcme, "*", "DEVICE", -1);
  Quota(kBeta, "*", "DEVICE", -1);
  ASSERT_TRUE(Serve());
  // CLI1 registers itself with its first login (AUTHKEY product without pre-registration):
  // it has no short code. It stays online.
  std::string cli1_key =
      StringField(admin_.Json({"device", "credentials", "--product", kAuth, "--dev-tid", "CLI1"}),
                  "/0/authKey");
  LineClient cli1(server_->port("device"));
  ASSERT_EQ(Field(*cli1.Call(Login("CLI1", std::string("pk-") + kAuth,
                                   ",\"authKey\":\"" + cli1_key + "\"")),
                  "/code"),
            "200");
  HttpResult imp = Import(acme_, kPre, R"({"devTids":["D1","D2","D3"]})");
  ASSERT_EQ(imp.status, 201) << imp.body;
  ASSERT_EQ(Import(beta_, kBetaMid, R"({"devTids":["B1"]})").status, 201);

  HttpResult d = api_.Ent(acme_, "GET", "/api/v1/enterprise/device/D1");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(StringField(d.body, "/devTid"), "D1");
  EXPECT_EQ(StringField(d.body, "/mid"), kPre);
  EXPECT_EQ(StringField(d.body, "/productPublicKey").size(), 32u) << d.body;
  EXPECT_EQ(Field(d.body, "/registered"), "true");
  EXPECT_EQ(Field(d.body, "/bound"), "false");
  EXPECT_EQ(Field(d.body, "/online"), "false");
  EXPECT_EQ(Field(d.body, "/firstLoginTime"), "0");
  EXPECT_EQ(Field(d.body, "/devInfo"), "{}");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/NOPE"), 400, "6400004",
                 "Device with given devTid does not exist");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/B1"), 400, "8400029",
                 "Permission error, no right to view this device");

  // Online state comes from the hub.
  LineClient dev(server_->port("device"));
  ASSERT_EQ(Field(*dev.Call(Login("D2", std::string("pk-") + kPre)), "/code"), "200");
  d = api_.Ent(acme_, "GET", "/api/v1/enterprise/device/D2");
  EXPECT_EQ(Field(d.body, "/online"), "true");
  EXPECT_NE(Field(d.body, "/firstLoginTime"), "0");

  auto tids = [](const std::string& body) { return StringFields(body, "/devTid"); };
  using V = std::vector<std::string>;
  EXPECT_EQ(tids(api_.Ent(acme_, "GET", "/api/v1/enterprise/device").body),
            (V{"CLI1", "D1", "D2", "D3"}));
  EXPECT_EQ(tids(api_.Ent(acme_, "GET", std::string("/api/v1/enterprise/device?mid=") + kPre).body),
            (V{"D1", "D2", "D3"}));
  EXPECT_EQ(tids(api_.Ent(acme_, "GET", "/api/v1/enterprise/device?online=true").body),
            (V{"CLI1", "D2"}));
  EXPECT_EQ(
      tids(api_.Ent(acme_, "GET", "/api/v1/enterprise/device?online=false&page=1&size=1").body),
      (V{"D3"}));
  EXPECT_EQ(tids(api_.Ent(beta_, "GET", "/api/v1/enterprise/device").body), (V{"B1"}));
  for (const char* q : {"?online=yes", "?page=-1", "?size=0", "?size=101", "?page=x"}) {
    ExpectApiError(api_.Ent(acme_, "GET", std::string("/api/v1/enterprise/device") + q), 400,
                   "8400002", kIllegal);
  }
  ExpectApiError(api_.Ent(acme_, "GET", std::string("/api/v1/enterprise/device?mid=") + kBetaMid),
                 400, "8400000", "Product does not exist");

  // Long and short codes: the import's, shown again.
  HttpResult c = api_.Ent(acme_, "GET", "/api/v1/enterprise/device/D1/code");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.body,
            R"({"devTid":"D1","longCode":"http://www.hekr.me?action=bind&devTid=D1&bindKey=)" +
                StringField(imp.body, "/results/0/bindKey") + R"(","shortCode":")" +
                StringField(imp.body, "/results/0/shortCode") + R"(","shortCodePassword":")" +
                StringField(imp.body, "/results/0/shortCodePassword") + R"("})");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/CLI1/code"), 400, "8400030",
                 "Device long/short code info not found");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/CLI1/code?allocate=false"), 400,
                 "8400030", "Device long/short code info not found");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/CLI1/code?allocate=maybe"), 400,
                 "8400002", kIllegal);
  c = api_.Ent(acme_, "GET", "/api/v1/enterprise/device/CLI1/code?allocate=true");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_TRUE(std::regex_match(StringField(c.body, "/shortCode"), std::regex("\\d{8}")));
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/CLI1/code").body, c.body);
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/B1/code"), 400, "8400029",
                 "Permission error, no right to view this device");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/NOPE/code"), 400, "6400004",
                 "Device with given devTid does not exist");
  // The user side binds (an online device) with the short code the enterprise printed.
  HttpResult bind = api_.AsUser(
      admin_.Token(uid_), "POST", "/device/shortCode/bind",
      R"({"shortCode":")" + StringField(imp.body, "/results/1/shortCode") + R"(","password":")" +
          StringField(imp.body, "/results/1/shortCodePassword") + R"("})");
  EXPECT_EQ(bind.status, 201) << bind.body;
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/D2").body, "/bound"), "true");
}

TEST_F(EnterpriseDevicesTest, ShortCodePoolExhausted) {
  Quota(kAcme, "*", "DEVICE", -1);
  ASSERT_TRUE(Serve({"limits.short_code_pool=2"}));
  ASSERT_EQ(Import(acme_, kPre, R"({"devTids":["P1","P2"]})").status, 201);
  // A device that registered itself on the hub has no short code, and the pool is empty.
  std::string key = StringField(
      admin_.Json({"device", "credentials", "--product", kAuth, "--dev-tid", "AK1"}), "/0/authKey");
  LineClient dev(server_->port("device"));
  ASSERT_EQ(
      Field(*dev.Call(Login("AK1", std::string("pk-") + kAuth, ",\"authKey\":\"" + key + "\"")),
            "/code"),
      "200");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/AK1/code?allocate=true"), 400,
                 "5400046", "Short codes exhausted (system error)");
  // The operator's import draws from the same pool: nothing imported.
  CommandResult cli = admin_.Run({"device", "import", "--set", "limits.short_code_pool=2",
                                  "--product", kPre, "--dev-tid", "CLI1"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("Short codes exhausted"), std::string::npos) << cli.err;
  // An import that cannot get its short codes imports nothing and draws no quota.
  ExpectApiError(Import(acme_, kPre, R"({"devTids":["P3"]})"), 400, "5400046",
                 "Short codes exhausted (system error)");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/P3"), 400, "6400004",
                 "Device with given devTid does not exist");
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":-1,"used":2,"remaining":-1}])");
}

TEST_F(EnterpriseDevicesTest, Licenses) {
  Quota(kAcme, "*", "DEVICE", -1);
  Quota(kAcme, "*", "LICENSE", 2);
  Quota(kBeta, "*", "DEVICE", -1);
  // The operator's import issues licences too (DEVICE quota only); revoked through the
  // API, each needs a new LICENSE unit.
  std::string cli = admin_.Json({"device", "import", "--product", kLic, "--dev-tid", "L1",
                                 "--dev-tid", "L2", "--dev-tid", "L3"});
  EXPECT_EQ(StringField(cli, "/2/license").size(), 43u) << cli;
  EXPECT_EQ(StringField(cli, "/2/shortCode").size(), 8u) << cli;
  ASSERT_TRUE(Serve());
  for (const char* tid : {"L1", "L2", "L3"}) {
    HttpResult revoke = api_.Ent(
        acme_, "DELETE", std::string("/api/v1/enterprise/product/") + kLic + "/license/" + tid);
    EXPECT_EQ(revoke.status, 204) << revoke.body;
  }
  // An import issues the licence with the device (DEVICE quota only).
  HttpResult imp = Import(acme_, kLic, R"({"devTids":["L0"]})");
  ASSERT_EQ(imp.status, 201) << imp.body;
  std::string l0 = StringField(imp.body, "/results/0/license");
  EXPECT_EQ(l0.size(), 43u) << imp.body;
  ASSERT_EQ(Import(beta_, kBetaMid, R"({"devTids":["B1"]})").status, 201);
  ASSERT_EQ(Import(acme_, kPre, R"({"devTids":["OTHER"]})").status, 201);

  ExpectApiError(Licenses(acme_, kLic, R"({"devTids":["L1","L2","L3"]})"), 400, "8400031",
                 "Quota missing: need 3, have 2");
  HttpResult r = Licenses(acme_, kLic, R"({"devTids":["L1","L0","NOPE","B1","OTHER","L2","L1"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Field(r.body, "/success"), "4");
  EXPECT_EQ(Field(r.body, "/failure"), "3");
  std::string l1 = StringField(r.body, "/results/0/license");
  EXPECT_EQ(l1.size(), 43u);
  EXPECT_EQ(Field(r.body, "/results/0/code"), "8200000");
  EXPECT_EQ(Field(r.body, "/results/0/bindKey"), "<absent>");  // licences only
  EXPECT_EQ(StringField(r.body, "/results/1/license"), l0);
  EXPECT_EQ(Field(r.body, "/results/2/code"), "6400004");
  EXPECT_EQ(StringField(r.body, "/results/2/desc"), "Device with given devTid does not exist");
  EXPECT_EQ(Field(r.body, "/results/3/code"), "8400029");
  EXPECT_EQ(StringField(r.body, "/results/3/desc"),
            "Permission error, no right to view this device");
  EXPECT_EQ(Field(r.body, "/results/4/code"), "8400029");
  EXPECT_EQ(StringField(r.body, "/results/6/license"), l1);
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":-1,"used":5,"remaining":-1},)"
            R"({"mid":"*","kind":"LICENSE","total":2,"used":2,"remaining":0}])");
  // Re-issuing a live licence returns it again and draws nothing.
  r = Licenses(acme_, kLic, R"({"devTids":["L1"]})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(StringField(r.body, "/results/0/license"), l1);
  ExpectApiError(Licenses(acme_, kLic, R"({"devTids":["L3"]})"), 400, "8400031",
                 "Quota missing: need 1, have 0");
  // A revoked licence needs a new unit; re-issuing restores it.
  admin_.Json({"device", "revoke", "--dev-tid", "L1"});
  ExpectApiError(Licenses(acme_, kLic, R"({"devTids":["L1"]})"), 400, "8400031",
                 "Quota missing: need 1, have 0");
  Quota(kAcme, kLic, "LICENSE", 1);
  EXPECT_EQ(Licenses(acme_, kLic, R"({"devTids":["L1"]})").status, 201);
  LineClient dev(server_->port("device"));
  EXPECT_EQ(Field(*dev.Call(Login("L1", std::string("pk-") + kLic, ",\"license\":\"" + l1 + "\"")),
                  "/code"),
            "200");

  ExpectApiError(Licenses(acme_, kPre, R"({"devTids":["OTHER"]})"), 400, "8400002",
                 std::string(kIllegal) + ": the product's deviceAuth is not LICENSE");
  ExpectApiError(Licenses(acme_, kBetaMid, R"({"devTids":["B1"]})"), 400, "8400000",
                 "Product does not exist");
  for (const char* body : {"nope", R"({"count":1})", R"({"devTids":[1]})"}) {
    ExpectApiError(Licenses(acme_, kLic, body), 400, "8400002", kIllegal);
  }
  ExpectApiError(Licenses(acme_, kLic, R"({"devTids":[]})"), 400, "8400002",
                 std::string(kIllegal) + ": devTids must hold 1 to 1000 devTids");
}

TEST_F(EnterpriseDevicesTest, ImportedDevicesLogInWithTheirProductsAuth) {
  Quota(kAcme, "*", "DEVICE", -1);
  ASSERT_TRUE(Serve());
  HttpResult pre = Import(acme_, kPre, R"({"devTids":["PRE1"]})");
  HttpResult ak = Import(acme_, kAuth, R"({"devTids":["AK1"]})");
  HttpResult lic = Import(acme_, kLic, R"({"devTids":["LIC1"]})");
  ASSERT_EQ(lic.status, 201) << lic.body;
  std::string license = StringField(lic.body, "/results/0/license");
  std::string auth_key = StringField(
      admin_.Json({"device", "credentials", "--product", kAuth, "--dev-tid", "AK1"}), "/0/authKey");
  ASSERT_EQ(auth_key.size(), 32u);
  auto login = [&](const std::string& dev_tid, const char* mid, const std::string& extra = "") {
    LineClient dev(server_->port("device"));
    return *dev.Call(Login(dev_tid, std::string("pk-") + mid, extra));
  };
  // Pre-registered PRODKEY: the imported device, not a stranger.
  EXPECT_EQ(Field(login("PRE1", kPre), "/code"), "200");
  EXPECT_EQ(
      login("STRANGER", kPre),
      R"({"msgId":1,"action":"devLoginResp","code":1400022,"desc":"The device is not found"})");
  // AUTHKEY: the derived authKey.
  EXPECT_EQ(login("AK1", kAuth),
            R"({"msgId":1,"action":"devLoginResp","code":1400026,"desc":"AuthKey can't auth"})");
  EXPECT_EQ(Field(login("AK1", kAuth, R"(,"authKey":"0123456789abcdef0123456789abcdef")"), "/code"),
            "1400026");
  std::string ok = login("AK1", kAuth, ",\"authKey\":\"" + auth_key + "\"");
  EXPECT_EQ(Field(ok, "/code"), "200");
  EXPECT_EQ(StringField(ok, "/params/bindKey"), StringField(ak.body, "/results/0/bindKey"));
  // LICENSE: the licence the import issued.
  EXPECT_EQ(
      login("LIC1", kLic),
      R"({"msgId":1,"action":"devLoginResp","code":1400039,"desc":"Device license can not verification"})");
  EXPECT_EQ(
      Field(login("LIC1", kLic, R"(,"license":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")"),
            "/code"),
      "1400039");
  EXPECT_EQ(Field(login("LIC1", kLic, ",\"license\":\"" + license + "\""), "/code"), "200");
  EXPECT_EQ(StringField(pre.body, "/results/0/devTid"), "PRE1");
}

TEST_F(EnterpriseDevicesTest, RevokedLicencesCloseTheHubAndAutoIssueOpensIt) {
  Quota(kAcme, "*", "DEVICE", -1);
  Quota(kBeta, "*", "DEVICE", -1);
  Quota(kAcme, kLic, "LICENSE", 1);
  ASSERT_TRUE(Serve());
  HttpResult lic = Import(acme_, kLic, R"({"devTids":["LIC1"]})");
  ASSERT_EQ(lic.status, 201) << lic.body;
  ASSERT_EQ(Import(acme_, kPre, R"({"devTids":["PRE1"]})").status, 201);
  ASSERT_EQ(Import(beta_, kBetaMid, R"({"devTids":["B1"]})").status, 201);
  const std::string license = StringField(lic.body, "/results/0/license");
  auto login = [&](const std::string& dev_tid, const std::string& lic) {
    LineClient dev(server_->port("device"));
    return Field(
        *dev.Call(Login(dev_tid, std::string("pk-") + kLic, ",\"license\":\"" + lic + "\"")),
        "/code");
  };
  auto revoke = [&](const std::string& key, const std::string& mid, const std::string& tid) {
    return api_.Ent(key, "DELETE", "/api/v1/enterprise/product/" + mid + "/license/" + tid);
  };
  // An online device whose licence is revoked is told and disconnected at once.
  LineClient online(server_->port("device"));
  ASSERT_EQ(Field(*online.Call(
                      Login("LIC1", std::string("pk-") + kLic, ",\"license\":\"" + license + "\"")),
                  "/code"),
            "200");
  ExpectApiError(revoke(acme_, kLic, "NOPE"), 400, "6400004",
                 "Device with given devTid does not exist");
  ExpectApiError(revoke(acme_, kLic, "PRE1"), 400, "8400029",
                 "Permission error, no right to view this device");
  ExpectApiError(revoke(acme_, kPre, "PRE1"), 400, "8400002",
                 "Illegal argument: the product's deviceAuth is not LICENSE");
  ExpectApiError(revoke(beta_, kLic, "LIC1"), 400, "8400000", "Product does not exist");
  ExpectApiError(revoke("wrong", kLic, "LIC1"), 401, "3400015", "Invalid token");
  HttpResult ok = revoke(acme_, kLic, "LIC1");
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(
      online.ReadLine().value_or("<none>"),
      R"({"msgId":0,"action":"errorResp","code":1400039,"desc":"Device license can not verification"})");
  EXPECT_FALSE(online.ReadLine(std::chrono::seconds(2)).has_value());  // closed
  EXPECT_EQ(revoke(acme_, kLic, "LIC1").status, 204);                  // twice: no error
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/LIC1").body, "/licenseRevoked"),
            "true");
  EXPECT_EQ(login("LIC1", license), "1400039");
  // E15 issues it again (one LICENSE unit) and the device is back.
  ASSERT_EQ(Licenses(acme_, kLic, R"({"devTids":["LIC1"]})").status, 201);
  EXPECT_EQ(login("LIC1", license), "200");

  // A licence never issued: 1400039 and nothing registered, until the product auto-issues.
  const std::string fresh =
      StringField(admin_.Json({"device", "credentials", "--product", kLic, "--dev-tid", "AUTO1"}),
                  "/0/license");
  EXPECT_EQ(login("AUTO1", fresh), "1400039");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/AUTO1"), 400, "6400004",
                 "Device with given devTid does not exist");
  const std::string product = std::string("/api/v1/enterprise/product/") + kLic;
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", product).body, "/autoIssueLicense"), "false");
  HttpResult put = api_.Ent(acme_, "PUT", product, R"({"autoIssueLicense":true})");
  ASSERT_EQ(put.status / 100, 2) << put.body;
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", product).body, "/autoIssueLicense"), "true");
  Quota(kAcme, kLic, "LICENSE", 2);  // one left
  EXPECT_EQ(login("AUTO1", fresh), "200");
  EXPECT_EQ(
      Field(api_.Ent(acme_, "GET", "/api/v1/enterprise/device/AUTO1").body, "/licenseRevoked"),
      "false");
  const std::string other =
      StringField(admin_.Json({"device", "credentials", "--product", kLic, "--dev-tid", "AUTO2"}),
                  "/0/license");
  EXPECT_EQ(login("AUTO2", other), "1400039");  // quota empty: the device never sees 8400031
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":-1,"used":2,"remaining":-1},)"
            R"({"mid":")" +
                std::string(kLic) + R"(","kind":"LICENSE","total":2,"used":2,"remaining":0}])");
}

TEST_F(EnterpriseDevicesTest, ConcurrentImportsNeverOverdraw) {
  Quota(kAcme, "*", "DEVICE", 25);
  ASSERT_TRUE(Serve());
  constexpr int kThreads = 8, kEach = 4;
  std::vector<HttpResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Half share one prefix (the sequence is drawn inside the transaction), half
      // name their devices.
      std::string body = t % 2 == 0 ? R"({"count":4,"prefix":"C_"})"
                                    : R"({"devTids":["T)" + std::to_string(t) + R"(a","T)" +
                                          std::to_string(t) + R"(b","T)" + std::to_string(t) +
                                          R"(c","T)" + std::to_string(t) + R"(d"]})";
      results[t] = Import(acme_, kPre, body);
    });
  }
  for (auto& th : threads) th.join();
  int ok = 0;
  std::set<std::string> imported;
  for (const HttpResult& r : results) {
    if (r.status == 201) {
      ++ok;
      EXPECT_EQ(Field(r.body, "/success"), "4") << r.body;
      for (int i = 0; i < kEach; ++i) {
        std::string p = "/results/" + std::to_string(i) + "/devTid";
        EXPECT_TRUE(imported.insert(StringField(r.body, p.c_str())).second) << r.body;
      }
    } else {
      ExpectApiError(r, 400, "8400031", "Quota missing: need 4, have 1");
    }
  }
  EXPECT_EQ(ok, 6);
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body,
            R"([{"mid":"*","kind":"DEVICE","total":25,"used":24,"remaining":1}])");
  HttpResult list = api_.Ent(acme_, "GET", "/api/v1/enterprise/device?size=100");
  int listed = 0;
  for (const std::string& tid : imported) {
    listed += list.body.find("\"" + tid + "\"") != std::string::npos;
  }
  EXPECT_EQ(listed, 24);
  EXPECT_NE(StringField(list.body, "/23/devTid"), "<absent>");
  EXPECT_EQ(StringField(list.body, "/24/devTid"), "<absent>");
}

}  // namespace
}  // namespace krypton::testing
