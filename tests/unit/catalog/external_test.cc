#include "catalog/external.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "catalog/catalog.h"

namespace krypton::catalog {
namespace {

constexpr const char* kAcme = "12345678901";
constexpr const char* kBeta = "22222222222";

TEST(VersionTest, DottedNumbersCompareAsIntegers) {
  EXPECT_EQ(ParseVersion("4.1.6.1"), (Version{4, 1, 6, 1}));
  EXPECT_EQ(ParseVersion("007"), (Version{7}));
  for (const char* bad : {"", ".", "1.", ".1", "1..2", "v2", "-1", "+1", "1.-2", "1 ", "1234567890",
                          "1.2.3.4.5.6.7.8.9"}) {
    EXPECT_FALSE(ParseVersion(bad)) << bad;
  }
  EXPECT_EQ(CompareVersions(*ParseVersion("4.2"), *ParseVersion("4.2.0.0")), 0);
  EXPECT_GT(CompareVersions(*ParseVersion("4.10"), *ParseVersion("4.2")), 0);
  EXPECT_LT(CompareVersions(*ParseVersion("1.0.0.1"), *ParseVersion("1.1")), 0);
}

TEST(PageTest, DefaultsAndBounds) {
  auto d = ParsePage("", "");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->page, 0);
  EXPECT_EQ(d->size, 20);
  auto p = ParsePage("3", "100");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->page, 3);
  EXPECT_EQ(p->size, 100);
  for (auto [page, size] : {std::pair{"", "0"},
                            {"", "101"},
                            {"-1", ""},
                            {"x", ""},
                            {"", "2.5"},
                            {"1000001", ""},
                            {"1 ", ""}}) {
    auto r = ParsePage(page, size);
    ASSERT_FALSE(r.ok()) << page << "/" << size;
    EXPECT_EQ(r.status().detail(), "page must be 0 or more, size 1 to 100");
  }
}

class ExternalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "krypton_ext_XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    auto store = storage::OpenStore({dir_ + "/k.db", 1000});
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    for (const char* pid : {kAcme, kBeta}) {
      storage::Manufacturer m;
      m.pid = pid;
      m.name = pid;
      ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    }
    NewProduct n;
    n.pid = kAcme;
    n.fields.name = "Plug";
    n.fields.work_mode_type = "JSON_CTRL";
    auto p = CreateProduct(*store_, n, 1);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    mid_ = p->mid;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_, mid_;
  std::unique_ptr<storage::Store> store_;
};

// The typed form (the admin CLI) and the JSON form (the API) refuse alike, in one order.
TEST_F(ExternalStoreTest, FirmwareBothFormsRefuseAlike) {
  const std::string required =
      "binType (1 to 32 characters) and binUrl (1 to 1024) are required; md5 is at most 64 "
      "characters";
  struct Case {
    FirmwareFields typed;
    std::string json;
    std::string detail;
  } cases[] = {
      {{"", "v2", "u", "", 0}, R"({"binVer":"v2","binUrl":"u"})", required},
      {{"A", "v2", "u", "", -1},
       R"({"binType":"A","binVer":"v2","binUrl":"u","size":-1})",
       "binVer must be dotted numbers, e.g. 4.1.6.1"},
      {{"A", "1", "u", "", -1},
       R"({"binType":"A","binVer":"1","binUrl":"u","size":-1})",
       "size must be a non-negative integer"},
      {{"A", "1", "u", std::string(65, 'f'), 0},
       R"({"binType":"A","binVer":"1","binUrl":"u","md5":")" + std::string(65, 'f') + "\"}",
       required},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    auto typed = SetFirmwareRule(*store_, std::string(kAcme), mid_, c.typed, 5);
    auto json = SetFirmwareRuleFromJson(*store_, std::string(kAcme), mid_, c.json, 5);
    ASSERT_FALSE(typed.ok());
    ASSERT_FALSE(json.ok());
    EXPECT_EQ(typed.status().detail(), c.detail);
    EXPECT_EQ(json.status().detail(), c.detail);
  }
  // Wrong types in the JSON form: a required member counts as missing, md5 and size are
  // refused by their own checks.
  auto md5 = SetFirmwareRuleFromJson(*store_, std::nullopt, mid_,
                                     R"({"binType":"A","binVer":"v2","binUrl":"u","md5":5})", 5);
  EXPECT_EQ(md5.status().detail(), required);
  auto size = SetFirmwareRuleFromJson(
      *store_, std::nullopt, mid_, R"({"binType":"A","binVer":"v2","binUrl":"u","size":"9"})", 5);
  EXPECT_EQ(size.status().detail(), "binVer must be dotted numbers, e.g. 4.1.6.1");
  auto rules = FirmwareRules(*store_, std::nullopt, mid_);
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(rules->empty());
}

TEST_F(ExternalStoreTest, FirmwareOwnerAndReaders) {
  FirmwareFields f{"A", "1.0", "http://fw.example/a.bin", "", 7};
  EXPECT_EQ(SetFirmwareRule(*store_, std::string(kBeta), mid_, f, 5).status().code(),
            Code::kEntProductNotExist);
  EXPECT_EQ(SetFirmwareRule(*store_, std::nullopt, "NOSUCHMID000", f, 5).status().code(),
            Code::kEntProductNotExist);
  // An unknown product is refused before the body's members are looked at.
  EXPECT_EQ(SetFirmwareRuleFromJson(*store_, std::nullopt, "NOSUCHMID000", "{}", 5).status().code(),
            Code::kEntProductNotExist);
  EXPECT_EQ(
      SetFirmwareRuleFromJson(*store_, std::nullopt, "NOSUCHMID000", "[]", 5).status().detail(),
      "the body must be a JSON object");
  auto r = SetFirmwareRule(*store_, std::nullopt, mid_, f, 5);  // the operator
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->updated_at_ms, 5);
  EXPECT_EQ(FirmwareRules(*store_, std::string(kBeta), mid_).status().code(),
            Code::kEntProductNotExist);
  ASSERT_TRUE(SetAuthorization(*store_, std::nullopt, mid_, kBeta, true, 6).ok());
  auto seen = FirmwareRules(*store_, std::string(kBeta), mid_);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].size, 7);
}

TEST_F(ExternalStoreTest, NewsAndDemoDevicesNeedAManufacturer) {
  NewsFields n{"Hello", "", {"a", "b"}, ""};
  EXPECT_EQ(CreateNews(*store_, "44444444444", n, 5).status().code(), Code::kEntPidNotExist);
  auto ok = CreateNews(*store_, kAcme, n, 5);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->info_tags_json, R"(["a","b"])");
  auto json = CreateNewsFromJson(*store_, kAcme, R"({"title":"T","infoTags":["x\"y"]})", 5);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->info_tags_json, R"(["x\"y"])");

  EXPECT_EQ(ReplaceDemoDevices(*store_, "44444444444", {}).code(), Code::kEntPidNotExist);
  EXPECT_EQ(DemoDevices(*store_, "44444444444").status().code(), Code::kEntPidNotExist);
  EXPECT_EQ(ListFeedback(*store_, "44444444444", Page{}).status().code(), Code::kEntPidNotExist);
  std::vector<storage::DemoDevice> devices(101, storage::DemoDevice{"", "d", "", "", "", ""});
  EXPECT_EQ(ReplaceDemoDevices(*store_, kAcme, devices).detail(), "at most 100 demo devices");
  devices.resize(2);
  devices[1].device_name.clear();
  EXPECT_EQ(ReplaceDemoDevices(*store_, kAcme, devices).code(), Code::kEntIllegalArgument);
  devices.resize(1);
  ASSERT_TRUE(ReplaceDemoDevices(*store_, kAcme, devices).ok());
  auto list = DemoDevices(*store_, kAcme);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].pid, kAcme);
}

}  // namespace
}  // namespace krypton::catalog
