// Black-box: who may see and change what in the enterprise API (enterprise-api.md §4.2,
// §4.3; docs/decisions/0007, 0008) on the real binary — an authorized enterprise reads
// the devices of a product shared with it (E11–E13) but may not allocate, delete or
// write; withdrawing the authorization (HTTP and `admin product unauthorize`) closes
// every read; deleting devices (HTTP and `admin device delete`) with its refusals and
// the DEVICE unit a never-logged-in import gives back.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";
constexpr const char* kGamma = "33333333333";
constexpr const char* kMid = "ACMESHARED01";    // Acme's, shared with Beta
constexpr const char* kOther = "ACMEOTHER001";  // Acme's, not shared
constexpr const char* kIllegal = "Illegal argument";

class EnterprisePermissionsTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    for (const char* pid : {kAcme, kBeta, kGamma}) {
      admin_.CreateManufacturer(pid, std::string("E") + pid);
    }
    acme_ = admin_.ServerKey(kAcme);
    beta_ = admin_.ServerKey(kBeta);
    gamma_ = admin_.ServerKey(kGamma);
    std::string tpl = dir_ + "/t.json";
    std::ofstream(tpl) << R"({"workModeType":"JSON_CTRL","protocol":{}})";
    for (const char* mid : {kMid, kOther}) {
      admin_.Json({"product", "create", "--pid", kAcme, "--name", mid, "--mid", mid, "--prod-key",
                   std::string("pk-") + mid, "--work-mode", "JSON_CTRL", "--template", tpl});
    }
    admin_.Json({"quota", "set", "--pid", kAcme, "--kind", "DEVICE", "--total", "10"});
  }

  // The devTids of an E12 answer.
  static std::vector<std::string> Tids(const std::string& body) {
    return StringFields(body, "/devTid");
  }

  std::string Quota() { return api_.Ent(acme_, "GET", "/api/v1/enterprise/quota").body; }

  std::string uid_, acme_, beta_, gamma_;
};

using V = std::vector<std::string>;
const std::string kProduct = "/api/v1/enterprise/product/";
const std::string kDevice = "/api/v1/enterprise/device/";

TEST_F(EnterprisePermissionsTest, AnAuthorizedEnterpriseReadsDevicesButChangesNothing) {
  ASSERT_TRUE(Serve());
  HttpResult imp =
      api_.Ent(acme_, "POST", kProduct + kMid + "/device/import", R"({"devTids":["S1","S2"]})");
  ASSERT_EQ(imp.status, 201) << imp.body;
  ASSERT_EQ(
      api_.Ent(acme_, "POST", kProduct + kOther + "/device/import", R"({"devTids":["O1"]})").status,
      201);
  // Not yet authorized: Beta sees nothing of Acme's.
  ExpectApiError(api_.Ent(beta_, "GET", kDevice + "S1"), 400, "8400029",
                 "Permission error, no right to view this device");
  EXPECT_EQ(api_.Ent(beta_, "GET", "/api/v1/enterprise/device").body, "[]");
  ExpectApiError(api_.Ent(beta_, "GET", std::string("/api/v1/enterprise/device?mid=") + kMid), 400,
                 "8400000", "Product does not exist");

  ASSERT_EQ(
      api_.Ent(acme_, "POST", kProduct + kMid + "/authorize", R"({"pid":"22222222222"})").status,
      204);
  EXPECT_EQ(api_.Ent(acme_, "GET", kProduct + kMid + "/authorize").body, R"(["22222222222"])");
  ExpectApiError(api_.Ent(beta_, "GET", kProduct + kMid + "/authorize"), 400, "8400000",
                 "Product does not exist");  // the list is the owner's
  // E11, E12 (with and without mid) and E13 for the shared product's devices only.
  HttpResult s1 = api_.Ent(beta_, "GET", kDevice + "S1");
  ASSERT_EQ(s1.status, 200) << s1.body;
  EXPECT_EQ(s1.body, api_.Ent(acme_, "GET", kDevice + "S1").body);
  EXPECT_EQ(Tids(api_.Ent(beta_, "GET", "/api/v1/enterprise/device").body), (V{"S1", "S2"}));
  EXPECT_EQ(Tids(api_.Ent(beta_, "GET", std::string("/api/v1/enterprise/device?mid=") + kMid).body),
            (V{"S1", "S2"}));
  ExpectApiError(api_.Ent(beta_, "GET", std::string("/api/v1/enterprise/device?mid=") + kOther),
                 400, "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "GET", kDevice + "O1"), 400, "8400029",
                 "Permission error, no right to view this device");
  HttpResult code = api_.Ent(beta_, "GET", kDevice + "S1/code");
  ASSERT_EQ(code.status, 200) << code.body;
  EXPECT_EQ(StringField(code.body, "/shortCode"), StringField(imp.body, "/results/0/shortCode"));
  EXPECT_EQ(StringField(code.body, "/shortCodePassword"),
            StringField(imp.body, "/results/0/shortCodePassword"));
  EXPECT_EQ(Tids(api_.Ent(gamma_, "GET", "/api/v1/enterprise/device").body), V{});

  // A device registered by its own first login has no short code: only the owner may
  // allocate one.
  LineClient dev(server_->port("device"));
  ASSERT_EQ(Field(*dev.Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":"SELF1",)"
                            R"("prodKey":"pk-ACMESHARED01"}})"),
                  "/code"),
            "200");
  ExpectApiError(api_.Ent(beta_, "GET", kDevice + "SELF1/code?allocate=true"), 400, "8400030",
                 "Device long/short code info not found");
  EXPECT_EQ(api_.Ent(acme_, "GET", kDevice + "SELF1/code?allocate=true").status, 200);
  EXPECT_EQ(api_.Ent(beta_, "GET", kDevice + "SELF1/code").status, 200);  // now it can read it

  // Writes stay the owner's: import, licences, delete.
  ExpectApiError(
      api_.Ent(beta_, "POST", kProduct + kMid + "/device/import", R"({"devTids":["B1"]})"), 400,
      "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "DELETE", kDevice + "S2"), 400, "8400029",
                 "Permission error, no right to view this device");
  EXPECT_EQ(api_.Ent(acme_, "GET", kDevice + "S2").status, 200);

  // Withdrawn: every read closes again; withdrawing twice is no error.
  EXPECT_EQ(api_.Ent(acme_, "DELETE", kProduct + kMid + "/authorize/22222222222").status, 204);
  EXPECT_EQ(api_.Ent(acme_, "DELETE", kProduct + kMid + "/authorize/22222222222").status, 204);
  EXPECT_EQ(api_.Ent(acme_, "GET", kProduct + kMid + "/authorize").body, "[]");
  ExpectApiError(api_.Ent(beta_, "GET", kDevice + "S1"), 400, "8400029",
                 "Permission error, no right to view this device");
  ExpectApiError(api_.Ent(beta_, "GET", kDevice + "S1/code"), 400, "8400029",
                 "Permission error, no right to view this device");
  EXPECT_EQ(api_.Ent(beta_, "GET", "/api/v1/enterprise/device").body, "[]");
  ExpectApiError(api_.Ent(beta_, "GET", kProduct + kMid), 400, "8400000", "Product does not exist");
  EXPECT_EQ(api_.Ent(beta_, "GET", "/api/v1/enterprise/product").body.find(kMid),
            std::string::npos);
}

TEST_F(EnterprisePermissionsTest, WithdrawingHidesTheProductItsTemplateAndH5) {
  ASSERT_TRUE(Serve());
  HttpResult h5 = api_.Ent(acme_, "POST", "/api/v1/enterprise/h5",
                           R"({"platform":"Android","h5Page":"https://h5.example/p.html"})");
  ASSERT_EQ(h5.status, 201) << h5.body;
  const std::string product = kProduct + kMid;
  ASSERT_EQ(
      api_.Ent(acme_, "PUT", product + "/h5",
               R"({"platform":"Android","h5TemplateId":")" + StringField(h5.body, "/id") + "\"}")
          .status,
      204);
  ASSERT_EQ(api_.Ent(acme_, "POST", product + "/authorize", R"({"pid":"22222222222"})").status,
            204);
  // Everything a shared product opens.
  EXPECT_EQ(Field(api_.Ent(beta_, "GET", product).body, "/authorized"), "true");
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", product).body, "/authorizedPids"), R"(["22222222222"])");
  EXPECT_NE(api_.Ent(beta_, "GET", "/api/v1/enterprise/product").body.find(kMid),
            std::string::npos);
  EXPECT_EQ(api_.Ent(beta_, "GET", product + "/protocolTemplate").status, 200);
  EXPECT_EQ(api_.Ent(beta_, "GET", product + "/h5?platform=Android").status, 200);

  ASSERT_EQ(api_.Ent(acme_, "DELETE", product + "/authorize/22222222222").status, 204);
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", product).body, "/authorizedPids"), "[]");
  ExpectApiError(api_.Ent(beta_, "GET", product), 400, "8400000", "Product does not exist");
  EXPECT_EQ(api_.Ent(beta_, "GET", "/api/v1/enterprise/product").body.find(kMid),
            std::string::npos);
  ExpectApiError(api_.Ent(beta_, "GET", product + "/protocolTemplate"), 400, "8400000",
                 "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "GET", product + "/h5?platform=Android"), 400, "8400000",
                 "Product does not exist");
  // The owner keeps everything.
  EXPECT_EQ(api_.Ent(acme_, "GET", product + "/protocolTemplate").status, 200);
  EXPECT_EQ(api_.Ent(acme_, "GET", product + "/h5?platform=Android").status, 200);
}

TEST_F(EnterprisePermissionsTest, OnlyTheOwnerWithdrawsAnAuthorization) {
  ASSERT_TRUE(Serve());
  ASSERT_EQ(
      api_.Ent(acme_, "POST", kProduct + kMid + "/authorize", R"({"pid":"22222222222"})").status,
      204);
  ExpectApiError(api_.Ent(beta_, "DELETE", kProduct + kMid + "/authorize/22222222222"), 400,
                 "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(acme_, "DELETE", kProduct + "NOPE00000000/authorize/22222222222"), 400,
                 "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(acme_, "GET", kProduct + "NOPE00000000/authorize"), 400, "8400000",
                 "Product does not exist");
  ExpectApiError(api_.Ent(gamma_, "DELETE", kProduct + kMid + "/authorize/33333333333"), 400,
                 "8400000",
                 "Product does not exist");  // a stranger cannot touch the list either
  ExpectApiError(api_.Ent(acme_, "DELETE", kProduct + kMid + "/authorize/99999999999"), 400,
                 "8400004", "The pid does not exist");
  ExpectApiError(api_.Ent(acme_, "DELETE", kProduct + kMid + "/authorize/11111111111"), 400,
                 "8400002", std::string(kIllegal) + ": the product already belongs to 11111111111");
  ExpectApiError(api_.Ent("wrong", "DELETE", kProduct + kMid + "/authorize/22222222222"), 401,
                 "3400015", "Invalid token");
  EXPECT_EQ(api_.Ent(acme_, "GET", kProduct + kMid + "/authorize").body, R"(["22222222222"])");

  // The operator's commands do the same on the store.
  std::string shown = admin_.Json({"product", "authorize", "--product", kMid, "--pid", kGamma});
  EXPECT_EQ(shown, std::string(R"({"mid":")") + kMid +
                       R"(","authorizedPids":["22222222222","33333333333"]})" + "\n");
  EXPECT_EQ(api_.Ent(gamma_, "GET", kProduct + kMid).status, 200);
  shown = admin_.Json({"product", "unauthorize", "--product", kMid, "--pid", kBeta});
  EXPECT_EQ(shown,
            std::string(R"({"mid":")") + kMid + R"(","authorizedPids":["33333333333"]})" + "\n");
  ExpectApiError(api_.Ent(beta_, "GET", kProduct + kMid), 400, "8400000", "Product does not exist");
  ExpectCliFailure(
      admin_.Run({"product", "authorize", "--product", kMid, "--pid", "44444444444", "--json"}),
      "no manufacturer 44444444444");
  ExpectCliFailure(
      admin_.Run({"product", "unauthorize", "--product", "NOPE00000000", "--pid", kBeta, "--json"}),
      "no product with mid NOPE00000000");
}

TEST_F(EnterprisePermissionsTest, DeletingDevices) {
  ASSERT_TRUE(Serve());
  ASSERT_EQ(api_.Ent(acme_, "POST", kProduct + kMid + "/device/import",
                     R"({"devTids":["NEW1","NEW2","USED1","BOUND1"]})")
                .status,
            201);
  EXPECT_EQ(Field(Quota(), "/0/used"), "4");
  ExpectApiError(api_.Ent(acme_, "DELETE", kDevice + "NOPE"), 400, "6400004",
                 "Device with given devTid does not exist");
  ExpectApiError(api_.Ent(beta_, "DELETE", kDevice + "NEW1"), 400, "8400029",
                 "Permission error, no right to view this device");
  ExpectApiError(api_.Ent("wrong", "DELETE", kDevice + "NEW1"), 401, "3400015", "Invalid token");

  // A never-logged-in import gives its unit back; its short code is free again.
  HttpResult code = api_.Ent(acme_, "GET", kDevice + "NEW1/code");
  ASSERT_EQ(code.status, 200);
  HttpResult del = api_.Ent(acme_, "DELETE", kDevice + "NEW1");
  EXPECT_EQ(del.status, 204) << del.body;
  ExpectApiError(api_.Ent(acme_, "GET", kDevice + "NEW1"), 400, "6400004",
                 "Device with given devTid does not exist");
  ExpectApiError(api_.Ent(acme_, "DELETE", kDevice + "NEW1"), 400, "6400004",
                 "Device with given devTid does not exist");
  EXPECT_EQ(Field(Quota(), "/0/used"), "3");
  // The devTid may be imported again (drawing a unit again).
  ASSERT_EQ(
      api_.Ent(acme_, "POST", kProduct + kMid + "/device/import", R"({"devTids":["NEW1"]})").status,
      201);
  EXPECT_EQ(Field(Quota(), "/0/used"), "4");

  // Online → refused; after it went offline, deleted but the unit stays used.
  auto login = [&](LineClient& c, const char* tid) {
    return Field(*c.Call(std::string(R"({"msgId":1,"action":"devLogin","params":{"devTid":")") +
                         tid + R"(","prodKey":"pk-ACMESHARED01"}})"),
                 "/code");
  };
  {
    LineClient used(server_->port("device"));
    ASSERT_EQ(login(used, "USED1"), "200");
    ExpectApiError(api_.Ent(acme_, "DELETE", kDevice + "USED1"), 400, "8400002",
                   std::string(kIllegal) + ": the device is online");
  }
  HttpResult gone;
  for (int i = 0; i < 50; ++i) {  // the hub marks it offline when the socket closes
    gone = api_.Ent(acme_, "DELETE", kDevice + "USED1");
    if (gone.status == 204) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(gone.status, 204) << gone.body;
  EXPECT_EQ(Field(Quota(), "/0/used"), "4");

  // Bound to a user → refused until the user unbinds.
  LineClient bound(server_->port("device"));
  ASSERT_EQ(login(bound, "BOUND1"), "200");
  CommandResult bind = admin_.Run({"device", "bind", "--dev-tid", "BOUND1", "--uid", uid_});
  ASSERT_EQ(bind.exit_code, 0) << bind.err;
  bound.Close();
  HttpResult refused;
  for (int i = 0; i < 50; ++i) {
    refused = api_.Ent(acme_, "DELETE", kDevice + "BOUND1");
    if (StringField(refused.body, "/desc").find("online") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ExpectApiError(
      refused, 400, "8400002",
      std::string(kIllegal) + ": the device is bound to a user; it must be unbound first");

  // The operator's command: the same rules.
  ExpectCliFailure(admin_.Run({"device", "delete", "--dev-tid", "BOUND1", "--json"}),
                   "BOUND1: the device is bound to a user; it must be unbound first");
  ExpectCliFailure(admin_.Run({"device", "delete", "--dev-tid", "NOPE", "--json"}),
                   "NOPE: Device with given devTid does not exist");
  EXPECT_EQ(admin_.Json({"device", "delete", "--dev-tid", "NEW2"}), "{\"deleted\":1}\n");
  ExpectApiError(api_.Ent(acme_, "GET", kDevice + "NEW2"), 400, "6400004",
                 "Device with given devTid does not exist");
  EXPECT_EQ(Field(Quota(), "/0/used"), "3");
}

}  // namespace
}  // namespace krypton::testing
