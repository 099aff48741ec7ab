// The registry's storage (schema v10–v12): quota draw and return, device deletion with
// everything that hangs on it, product authorizations, the licence auto-issue flag.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "storage/store.h"

namespace krypton::storage {
namespace {

constexpr const char* kPid = "10000000001";
constexpr const char* kMid = "MID000000001";

std::unique_ptr<Store> OpenWithProduct() {
  std::string tmpl = ::testing::TempDir() + "krypton_registry_XXXXXX";
  std::string path = std::string(mkdtemp(tmpl.data())) + "/k.db";
  auto store = OpenStore({path, 1000});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  for (const char* pid : {kPid, "10000000002"}) {
    Manufacturer m;
    m.pid = pid;
    m.name = "M";
    EXPECT_TRUE((*store)->UpsertManufacturer(m).ok());
  }
  Product p;
  p.mid = kMid;
  p.pid = kPid;
  p.prod_key = "pk";
  p.product_public_key = "ppk";
  p.work_mode_type = "JSON_CTRL";
  p.auto_issue_license = true;
  EXPECT_TRUE((*store)->CreateProduct(p).ok());
  return std::move(store).value();
}

Quota Row(const std::string& mid, int64_t total) {
  Quota q;
  q.pid = kPid;
  q.mid = mid;
  q.kind = "DEVICE";
  q.total = total;
  return q;
}

int64_t Used(Store& store, const std::string& mid) {
  auto all = store.ListQuotas(kPid);
  if (!all.ok()) return -100;
  for (const Quota& q : *all) {
    if (q.mid == mid && q.kind == "DEVICE") return q.used;
  }
  return -200;
}

TEST(RegistryStoreTest, AutoIssueFlagRoundTrips) {
  auto store = OpenWithProduct();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->GetProduct(kMid)->auto_issue_license);
  Product p = *store->GetProduct(kMid);
  p.auto_issue_license = false;
  ASSERT_TRUE(store->UpdateProduct(p).ok());
  EXPECT_FALSE(store->GetProduct(kMid)->auto_issue_license);
}

TEST(RegistryStoreTest, ReturnGoesToTheProductRowFirstThenStar) {
  auto store = OpenWithProduct();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->SetQuota(Row(kMid, 1)).ok());
  ASSERT_TRUE(store->SetQuota(Row("*", 5)).ok());
  ASSERT_TRUE(store->DrawQuota(kPid, kMid, "DEVICE", 3).ok());  // 1 from the product, 2 from *
  EXPECT_EQ(Used(*store, kMid), 1);
  EXPECT_EQ(Used(*store, "*"), 2);
  ASSERT_TRUE(store->ReturnQuota(kPid, kMid, "DEVICE").ok());
  EXPECT_EQ(Used(*store, kMid), 0);
  ASSERT_TRUE(store->ReturnQuota(kPid, kMid, "DEVICE").ok());
  ASSERT_TRUE(store->ReturnQuota(kPid, kMid, "DEVICE").ok());
  EXPECT_EQ(Used(*store, "*"), 0);
  ASSERT_TRUE(store->ReturnQuota(kPid, kMid, "DEVICE").ok());  // nothing used: no change
  EXPECT_EQ(Used(*store, kMid), 0);
  EXPECT_EQ(Used(*store, "*"), 0);
  EXPECT_EQ(*store->QuotaRemaining(kPid, kMid, "DEVICE"), 6);
}

TEST(RegistryStoreTest, DeletingADeviceTakesItsRowsAlong) {
  auto store = OpenWithProduct();
  ASSERT_TRUE(store);
  Device d;
  d.dev_tid = "DEV1";
  d.mid = kMid;
  ASSERT_TRUE(store->CreateDevice(d).ok());
  ASSERT_TRUE(store->AllocateShortCode("00000042", "DEV1", 1).ok());
  ASSERT_TRUE(store->MarkLicenseIssued("DEV1", 1).ok());
  ASSERT_TRUE(store->DeleteDevice("DEV1").ok());
  EXPECT_TRUE(store->GetDevice("DEV1").status().not_found());
  EXPECT_TRUE(store->FindShortCode("00000042").status().not_found());
  EXPECT_EQ(*store->CountShortCodes(), 0);
  EXPECT_FALSE(*store->IsLicenseIssued("DEV1"));
  EXPECT_TRUE(store->DeleteDevice("DEV1").not_found());
  ASSERT_TRUE(store->CreateDevice(d).ok());  // the devTid is free again
  EXPECT_FALSE(*store->IsLicenseIssued("DEV1"));
}

TEST(RegistryStoreTest, AuthorizationsComeAndGo) {
  auto store = OpenWithProduct();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AuthorizeProduct(kMid, "10000000002", 1).ok());
  EXPECT_EQ(*store->ListProductAuthorizations(kMid), std::vector<std::string>{"10000000002"});
  Device d;
  d.dev_tid = "DEV1";
  d.mid = kMid;
  ASSERT_TRUE(store->CreateDevice(d).ok());
  EXPECT_EQ(*store->ListEnterpriseDevices("10000000002", "", std::nullopt, 0, 10),
            std::vector<std::string>{"DEV1"});
  ASSERT_TRUE(store->UnauthorizeProduct(kMid, "10000000002").ok());
  ASSERT_TRUE(store->UnauthorizeProduct(kMid, "10000000002").ok());  // idempotent
  EXPECT_TRUE(store->ListProductAuthorizations(kMid)->empty());
  EXPECT_TRUE(store->ListEnterpriseDevices("10000000002", "", std::nullopt, 0, 10)->empty());
}

}  // namespace
}  // namespace krypton::storage
