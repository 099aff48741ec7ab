// Schema v2: manufacturer derivation secrets and licence revocation, including the
// upgrade of a version-1 database that already holds data.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "storage/migrations/migrations.h"
#include "storage/store.h"

namespace krypton::storage {
namespace {

std::string TempFile() {
  std::string tmpl = ::testing::TempDir() + "krypton_devauth_XXXXXX";
  char* dir = mkdtemp(tmpl.data());
  return std::string(dir) + "/k.db";
}

std::unique_ptr<Store> Open(const std::string& path) {
  auto store = OpenStore({path, 1000});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

Manufacturer Acme(std::string auth, std::string license) {
  Manufacturer m;
  m.pid = "10000000001";
  m.name = "Acme";
  m.created_at_ms = 5;
  m.auth_secret = std::move(auth);
  m.license_secret = std::move(license);
  return m;
}

TEST(DeviceAuthStoreTest, SecretsAreStoredOnceAndKept) {
  auto store = Open(TempFile());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->UpsertManufacturer(Acme("a1", "l1")).ok());
  auto m = store->GetManufacturer("10000000001");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->auth_secret, "a1");
  EXPECT_EQ(m->license_secret, "l1");
  // A later upsert renames but never replaces secrets devices derive from.
  Manufacturer renamed = Acme("a2", "l2");
  renamed.name = "Acme Corp";
  ASSERT_TRUE(store->UpsertManufacturer(renamed).ok());
  m = store->GetManufacturer("10000000001");
  EXPECT_EQ(m->name, "Acme Corp");
  EXPECT_EQ(m->auth_secret, "a1");
  EXPECT_EQ(m->license_secret, "l1");
}

TEST(DeviceAuthStoreTest, LicenseRevocation) {
  auto store = Open(TempFile());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->UpsertManufacturer(Acme("a", "l")).ok());
  Product p;
  p.mid = "MID000000001";
  p.pid = "10000000001";
  p.prod_key = "pk";
  p.product_public_key = "ppk";
  p.work_mode_type = "JSON_CTRL";
  ASSERT_TRUE(store->CreateProduct(p).ok());
  Device d;
  d.dev_tid = "DEV1";
  d.mid = p.mid;
  ASSERT_TRUE(store->CreateDevice(d).ok());
  EXPECT_FALSE(store->GetDevice("DEV1")->license_revoked);
  ASSERT_TRUE(store->SetDeviceLicenseRevoked("DEV1", true).ok());
  EXPECT_TRUE(store->GetDevice("DEV1")->license_revoked);
  ASSERT_TRUE(store->SetDeviceLicenseRevoked("DEV1", false).ok());
  EXPECT_FALSE(store->GetDevice("DEV1")->license_revoked);
  EXPECT_TRUE(store->SetDeviceLicenseRevoked("NOPE", true).not_found());
}

TEST(DeviceAuthStoreTest, UpgradesAVersionOneDatabaseWithData) {
  std::string path = TempFile();
  {
    // Build a version-1 database by hand, as an older binary left it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string sql = std::string(AllMigrations()[0].sql) +
                      "INSERT INTO manufacturers (pid, name, created_at_ms) "
                      "VALUES ('10000000001', 'Old', 1);"
                      "PRAGMA user_version = 1;";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_close(db);
  }
  auto store = Open(path);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 2);
  auto m = store->GetManufacturer("10000000001");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->name, "Old");
  EXPECT_EQ(m->auth_secret, "");  // set later by an upsert with fresh secrets
  ASSERT_TRUE(store->UpsertManufacturer(Acme("fresh", "fresh2")).ok());
  EXPECT_EQ(store->GetManufacturer("10000000001")->auth_secret, "fresh");
}

}  // namespace
}  // namespace krypton::storage
