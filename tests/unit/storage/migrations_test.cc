#include "storage/migrations/migrations.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/store.h"

namespace krypton::storage {
namespace {

using Kind = StoreStatus::Kind;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "krypton_migrations_XXXXXX";
    char* made = mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A connection of the test's own, independent of the store.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open failed");
  }
  ~RawDb() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(sql + ": " + msg);
    }
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return value;
  }
  int UserVersion() { return static_cast<int>(Int("PRAGMA user_version")); }
  bool HasObject(const std::string& type, const std::string& name) {
    return Int("SELECT COUNT(*) FROM sqlite_master WHERE type = '" + type + "' AND name = '" +
               name + "'") == 1;
  }

 private:
  sqlite3* db_ = nullptr;
};

const std::vector<std::string> kV1Tables = {
    "users",   "manufacturers", "products", "protocol_templates",
    "devices", "shares",        "folders",  "folder_members"};

// ---- The list itself ------------------------------------------------------------------

TEST(MigrationsTest, VersionsAreContiguousFromOne) {
  std::span<const Migration> all = AllMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_NE(std::string(all[i].description), "");
    EXPECT_NE(std::string(all[i].sql), "");
  }
  EXPECT_EQ(LatestSchemaVersion(), all.back().version);
}

TEST(MigrationsTest, PendingMigrations) {
  const int latest = LatestSchemaVersion();
  EXPECT_EQ(PendingMigrations(0).size(), AllMigrations().size());
  EXPECT_EQ(PendingMigrations(0).front().version, 1);
  EXPECT_EQ(PendingMigrations(-3).size(), AllMigrations().size());
  EXPECT_TRUE(PendingMigrations(latest).empty());
  EXPECT_TRUE(PendingMigrations(latest + 1).empty());
}

TEST(MigrationsTest, SchemaTooNewDetail) {
  EXPECT_EQ(SchemaTooNewDetail(7), "database schema version 7 is newer than this binary (" +
                                       std::to_string(LatestSchemaVersion()) + ")");
}

TEST(MigrationsTest, EveryStepAppliesToAnEmptyDatabase) {
  TempDir dir;
  RawDb db(dir.File("raw.db"));
  for (const Migration& m : AllMigrations()) {
    ASSERT_NO_THROW(db.Exec(m.sql)) << "migration " << m.version;
  }
  for (const std::string& table : kV1Tables) EXPECT_TRUE(db.HasObject("table", table)) << table;
  for (const char* index : {"users_pid_phone", "users_pid_email", "products_prod_key",
                            "products_public_key", "devices_owner_uid", "shares_grantee"}) {
    EXPECT_TRUE(db.HasObject("index", index)) << index;
  }
}

TEST(MigrationsTest, EmailUniquenessIgnoresEmptyValues) {
  TempDir dir;
  RawDb db(dir.File("raw.db"));
  db.Exec(AllMigrations()[0].sql);
  db.Exec("INSERT INTO users (uid, pid) VALUES ('1', 'p'), ('2', 'p')");
  db.Exec("INSERT INTO users (uid, pid, email) VALUES ('3', 'p', 'a@x.io')");
  EXPECT_THROW(db.Exec("INSERT INTO users (uid, pid, email) VALUES ('4', 'p', 'a@x.io')"),
               std::runtime_error);
  EXPECT_NO_THROW(db.Exec("INSERT INTO users (uid, pid, email) VALUES ('5', 'q', 'a@x.io')"));
}

// ---- Applying them through OpenStore --------------------------------------------------

TEST(MigrationsTest, MigratesAnEmptyDatabaseFromVersionZero) {
  TempDir dir;
  const std::string path = dir.File("v0.db");
  {
    RawDb db(path);
    db.Exec("CREATE TABLE unrelated (x INTEGER)");  // make sure the file exists on disk
    ASSERT_EQ(db.UserVersion(), 0);
  }
  StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  ASSERT_TRUE((*store)->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
  store->reset();

  RawDb db(path);
  EXPECT_EQ(db.UserVersion(), LatestSchemaVersion());
  for (const std::string& table : kV1Tables) EXPECT_TRUE(db.HasObject("table", table)) << table;
  EXPECT_TRUE(db.HasObject("table", "unrelated"));
  EXPECT_EQ(db.Int("SELECT COUNT(*) FROM manufacturers"), 1);
}

TEST(MigrationsTest, CreatesANewFile) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(MigrationsTest, RefusesANewerDatabase) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  const int future = LatestSchemaVersion() + 1;
  {
    RawDb db(path);
    db.Exec("PRAGMA user_version = " + std::to_string(future));
  }
  StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().kind(), Kind::kFailed);
  EXPECT_EQ(store.status().detail(), "database schema version " + std::to_string(future) +
                                         " is newer than this binary (" +
                                         std::to_string(LatestSchemaVersion()) + ")");
  RawDb db(path);
  EXPECT_EQ(db.UserVersion(), future);  // untouched
  EXPECT_FALSE(db.HasObject("table", "users"));
}

TEST(MigrationsTest, ReopeningAnUpToDateDatabaseKeepsVersionAndData) {
  TempDir dir;
  const std::string path = dir.File("k.db");
  {
    StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    User u;
    u.uid = "1";
    ASSERT_TRUE((*store)->CreateUser(u).ok());
  }
  for (int i = 0; i < 2; ++i) {
    StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
    EXPECT_TRUE((*store)->GetUser("1").ok());
  }
}

TEST(MigrationsTest, RunsNoMigrationWhenVersionIsCurrent) {
  // A database that claims the latest version but has no tables: if any migration ran,
  // its tables would appear.
  TempDir dir;
  const std::string path = dir.File("claims-latest.db");
  {
    RawDb db(path);
    db.Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion()));
  }
  StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  RawDb db(path);
  EXPECT_FALSE(db.HasObject("table", "users"));
}

TEST(MigrationsTest, AFailingMigrationLeavesTheDatabaseUntouched) {
  TempDir dir;
  const std::string path = dir.File("clash.db");
  {
    RawDb db(path);
    // v1 creates folder_members last: every table before it must be rolled back.
    db.Exec("CREATE TABLE folder_members (x INTEGER)");
  }
  StoreResult<std::unique_ptr<Store>> store = OpenStore({path, 1000});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().kind(), Kind::kFailed);
  EXPECT_NE(store.status().detail().find("migration 1"), std::string::npos)
      << store.status().detail();
  RawDb db(path);
  EXPECT_EQ(db.UserVersion(), 0);
  EXPECT_FALSE(db.HasObject("table", "users"));
  EXPECT_FALSE(db.HasObject("table", "folders"));
  EXPECT_FALSE(db.HasObject("index", "users_pid_email"));
}

}  // namespace
}  // namespace krypton::storage
