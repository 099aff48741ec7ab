// Black-box: `krypton admin product status|update|delete` — the enterprise catalogue's
// rules (catalog/catalog.h) for the operator: exit codes, messages, and the change seen
// through `admin product list --json` and the enterprise API (E1).
#include <gtest/gtest.h>

#include <fstream>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "12345678901";
constexpr const char* kTemplate =
    R"({"workModeType":"JSON_CTRL","protocol":{"2":{"cmdId":2,"cmdTag":"setPower","frameType":2,)"
    R"("fields":[{"name":"power","dataType":"INT","minValue":0,"maxValue":1}]}}})";

class AdminCatalogTest : public KryptonTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(admin_.Run({"manufacturer", "create", "--pid", kAcme, "--name", "Acme"}).exit_code,
              0);
    std::string tpl = dir_ + "/t.json";
    std::ofstream(tpl) << kTemplate;
    CommandResult p = admin_.Run({"product", "create", "--pid", kAcme, "--name", "Lamp",
                                  "--work-mode", "JSON_CTRL", "--template", tpl, "--json"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    mid_ = StringField(p.out, "/mid");
  }

  // The product's entry in `admin product list --json` ("" when it is not listed).
  std::string Listed(const std::string& pointer_suffix) {
    std::string list = admin_.Json({"product", "list"});
    std::vector<std::string> mids = StringFields(list, "/mid");
    for (size_t i = 0; i < mids.size(); ++i) {
      if (mids[i] == mid_) {
        return StringField(list, ("/" + std::to_string(i) + pointer_suffix).c_str());
      }
    }
    return "";
  }

  std::string mid_;
};

TEST_F(AdminCatalogTest, StatusFollowsTheLifeCycle) {
  EXPECT_EQ(Listed("/status"), "PUBLISHED");  // an operator's product is published at once
  CommandResult off =
      admin_.Run({"product", "status", "--product", mid_, "--status", "DISCONTINUED", "--json"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(StringField(off.out, "/status"), "DISCONTINUED");
  EXPECT_EQ(Listed("/status"), "DISCONTINUED");
  CommandResult again =
      admin_.Run({"product", "status", "--product", mid_, "--status", "DISCONTINUED"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "unchanged product " + mid_ + " \"Lamp\" (DISCONTINUED)\n");
  CommandResult on = admin_.Run({"product", "status", "--product", mid_, "--status", "PUBLISHED"});
  EXPECT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(on.out, "changed product " + mid_ + " \"Lamp\" (PUBLISHED)\n");
  EXPECT_EQ(Listed("/status"), "PUBLISHED");

  ExpectCliFailure(admin_.Run({"product", "status", "--product", mid_, "--status", "UNPUBLISHED"}),
                   "status must be PUBLISHED or DISCONTINUED");
  ExpectCliFailure(
      admin_.Run({"product", "status", "--product", "NOPE00000000", "--status", "PUBLISHED"}),
      "no product with mid NOPE00000000");
  CommandResult missing = admin_.Run({"product", "status", "--product", mid_});
  EXPECT_EQ(missing.exit_code, 106) << missing.err;  // CLI11: a required option is missing
  EXPECT_NE(missing.err.find("--status is required"), std::string::npos) << missing.err;
}

TEST_F(AdminCatalogTest, UpdateAppliesTheCatalogueRules) {
  CommandResult r = admin_.Run({"product", "update", "--product", mid_, "--name", "Desk lamp",
                                "--check-mode", "STRICT", "--force-bind", "true", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(StringField(r.out, "/name"), "Desk lamp");
  EXPECT_EQ(Listed("/name"), "Desk lamp");
  EXPECT_EQ(Listed("/workModeType"), "JSON_CTRL");  // not given: unchanged
  CommandResult text = admin_.Run({"product", "update", "--product", mid_, "--model", "DL-1"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "updated product " + mid_ + " \"Desk lamp\" (PUBLISHED)\n");

  ExpectCliFailure(admin_.Run({"product", "update", "--product", mid_, "--check-mode", "SLOPPY"}),
                   "checkMode must be LENIENT or STRICT");
  ExpectCliFailure(admin_.Run({"product", "update", "--product", mid_, "--name", ""}),
                   "name must be 1 to 128 characters");
  ExpectCliFailure(
      admin_.Run({"product", "update", "--product", mid_, "--max-dev-share-num", "2000"}),
      "maxDevShareNum must be an integer from 0 to 1000");
  ExpectCliFailure(admin_.Run({"product", "update", "--product", mid_, "--device-auth", "LICENSE"}),
                   "the product is PUBLISHED: workModeType, productType and deviceAuth are frozen");
  ExpectCliFailure(admin_.Run({"product", "update", "--product", "NOPE00000000", "--name", "X"}),
                   "no product with mid NOPE00000000");
  EXPECT_EQ(Listed("/deviceAuth"), "PRODKEY");
  EXPECT_EQ(Listed("/name"), "Desk lamp");

  // supportsScheduler: true by default; the operator turns it off and on.
  EXPECT_EQ(Field(r.out, "/supportsScheduler"), "true");
  CommandResult off = admin_.Run(
      {"product", "update", "--product", mid_, "--supports-scheduler", "false", "--json"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(Field(off.out, "/supportsScheduler"), "false");
  CommandResult on = admin_.Run(
      {"product", "update", "--product", mid_, "--supports-scheduler", "true", "--json"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(Field(on.out, "/supportsScheduler"), "true");
  CommandResult bad =
      admin_.Run({"product", "update", "--product", mid_, "--supports-scheduler", "maybe"});
  EXPECT_NE(bad.exit_code, 0);
}

TEST_F(AdminCatalogTest, CreateWithoutTheScheduler) {
  std::string tpl = dir_ + "/t.json";
  CommandResult off =
      admin_.Run({"product", "create", "--pid", kAcme, "--name", "Fan", "--work-mode", "JSON_CTRL",
                  "--template", tpl, "--no-scheduler", "--json"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(Field(off.out, "/supportsScheduler"), "false");
  std::string fan = StringField(off.out, "/mid");
  std::string list = admin_.Json({"product", "list"});
  std::vector<std::string> mids = StringFields(list, "/mid");
  ASSERT_EQ(mids.size(), 2u) << list;
  for (size_t i = 0; i < mids.size(); ++i) {
    std::string flag = Field(list, ("/" + std::to_string(i) + "/supportsScheduler").c_str());
    EXPECT_EQ(flag, mids[i] == fan ? "false" : "true") << mids[i];  // SetUp's: the default
  }
}

TEST_F(AdminCatalogTest, DeleteNeedsAnUnpublishedProductWithoutDevices) {
  ExpectCliFailure(admin_.Run({"product", "delete", "--product", mid_}),
                   "a PUBLISHED product cannot be deleted (discontinue it first)");
  ASSERT_EQ(
      admin_.Run({"product", "status", "--product", mid_, "--status", "DISCONTINUED"}).exit_code,
      0);
  ASSERT_EQ(
      admin_.Run({"quota", "set", "--pid", kAcme, "--kind", "DEVICE", "--total", "1"}).exit_code,
      0);
  CommandResult imported =
      admin_.Run({"device", "import", "--product", mid_, "--dev-tid", "DEV001"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  ExpectCliFailure(admin_.Run({"product", "delete", "--product", mid_}),
                   "the product has devices; delete or move them first");
  EXPECT_EQ(Listed("/status"), "DISCONTINUED");

  std::string tpl = dir_ + "/t.json";
  CommandResult other = admin_.Run({"product", "create", "--pid", kAcme, "--name", "Fan",
                                    "--work-mode", "JSON_CTRL", "--template", tpl, "--json"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  std::string fan = StringField(other.out, "/mid");
  ASSERT_EQ(
      admin_.Run({"product", "status", "--product", fan, "--status", "DISCONTINUED"}).exit_code, 0);
  CommandResult del = admin_.Run({"product", "delete", "--product", fan});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(del.out, "deleted product " + fan + "\n");
  CommandResult list = admin_.Run({"product", "list", "--json"});
  EXPECT_EQ(list.out.find(fan), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(mid_), std::string::npos) << list.out;
  ExpectCliFailure(admin_.Run({"product", "delete", "--product", fan}),
                   "no product with mid " + fan);
}

// The operator's changes are the enterprise API's: seen by E1 at once, and an API draft
// follows the same rules on the command line.
TEST_F(AdminCatalogTest, ChangesAreTheEnterpriseApis) {
  std::string key = admin_.ServerKey(kAcme);
  ASSERT_TRUE(Serve());
  auto ent = [&](const std::string& method, const std::string& path, const std::string& body) {
    return api_.Ent(key, method, path, body);
  };

  ASSERT_EQ(admin_
                .Run({"product", "update", "--product", mid_, "--check-mode", "STRICT",
                      "--force-bind", "true", "--max-dev-share-num", "3", "--bind-type", "BLE",
                      "--supports-scheduler", "false"})
                .exit_code,
            0);
  HttpResult e1 = ent("GET", "/api/v1/enterprise/product/" + mid_, "");
  ASSERT_EQ(e1.status, 200) << e1.body;
  EXPECT_EQ(StringField(e1.body, "/checkMode"), "STRICT");
  EXPECT_EQ(Field(e1.body, "/forceBind"), "true");
  EXPECT_EQ(Field(e1.body, "/maxDevShareNum"), "3");
  EXPECT_EQ(Field(e1.body, "/supportsScheduler"), "false");
  EXPECT_EQ(StringField(e1.body, "/bindType"), "BLE");
  EXPECT_EQ(StringField(e1.body, "/status"), "PUBLISHED");

  HttpResult draft =
      ent("POST", "/api/v1/enterprise/product", R"({"name":"Draft","workModeType":"JSON_CTRL"})");
  ASSERT_EQ(draft.status, 201) << draft.body;
  std::string draft_mid = StringField(draft.body, "/mid");
  ExpectCliFailure(
      admin_.Run({"product", "status", "--product", draft_mid, "--status", "DISCONTINUED"}),
      "an UNPUBLISHED product cannot be DISCONTINUED");
  // A draft without a template may still change what publishing freezes.
  CommandResult mode = admin_.Run({"product", "update", "--product", draft_mid, "--work-mode",
                                   "TRANSPARENT48", "--device-auth", "LICENSE", "--json"});
  ASSERT_EQ(mode.exit_code, 0) << mode.err;
  EXPECT_EQ(StringField(mode.out, "/workModeType"), "TRANSPARENT48");
  ASSERT_EQ(
      admin_.Run({"product", "status", "--product", draft_mid, "--status", "PUBLISHED"}).exit_code,
      0);
  HttpResult published = ent("GET", "/api/v1/enterprise/product/" + draft_mid, "");
  EXPECT_EQ(StringField(published.body, "/status"), "PUBLISHED");
  EXPECT_EQ(StringField(published.body, "/deviceAuth"), "LICENSE");
  // Published through the command line, it is the API's published product.
  HttpResult del = ent("DELETE", "/api/v1/enterprise/product/" + draft_mid, "");
  EXPECT_EQ(del.status, 400) << del.body;  // PUBLISHED: the API's rule too
}

}  // namespace
}  // namespace krypton::testing
