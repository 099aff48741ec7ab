#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "storage/store.h"

namespace krypton::storage {
namespace {

using Kind = StoreStatus::Kind;
using std::chrono_literals::operator""ms;

// A fresh directory per test; removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "krypton_store_XXXXXX";
    char* made = mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Reads a single text value through an independent connection.
std::string RawQueryText(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string out = "<error>";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

User MakeUser(const std::string& uid, const std::string& email = "", const std::string& phone = "",
              const std::string& pid = "00000000000") {
  User u;
  u.uid = uid;
  u.pid = pid;
  u.email = email;
  u.phone = phone;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt$hash";
  u.created_at_ms = 1000;
  return u;
}

Product MakeProduct(const std::string& mid, const std::string& pid = "10000000001") {
  Product p;
  p.mid = mid;
  p.pid = pid;
  p.name = "Lamp " + mid;
  p.prod_key = "prodkey-" + mid;
  p.product_public_key = "ppk-" + mid;
  p.work_mode_type = "JSON_CTRL";
  p.created_at_ms = 2000;
  p.updated_at_ms = 2000;
  return p;
}

Device MakeDevice(const std::string& dev_tid, const std::string& mid = "MID000000001") {
  Device d;
  d.dev_tid = dev_tid;
  d.mid = mid;
  d.bind_key = "bind-" + dev_tid;
  d.ctrl_key = "ctrl-" + dev_tid;
  d.created_at_ms = 3000;
  return d;
}

Share MakeShare(const std::string& dev_tid, const std::string& grantor,
                const std::string& grantee) {
  Share s;
  s.dev_tid = dev_tid;
  s.grantor = grantor;
  s.grantee = grantee;
  s.grant_time_ms = 4000;
  return s;
}

Folder MakeFolder(const std::string& id, const std::string& uid, const std::string& name) {
  return Folder{id, uid, name, 5000};
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("krypton.db");
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<Store> Open(int busy_timeout_ms = 5000) {
    StoreResult<std::unique_ptr<Store>> opened = OpenStore({path_, busy_timeout_ms});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  // Manufacturer 10000000001, product MID000000001, users 1/2/3, device DEV1 owned by 1.
  void SeedDevice() {
    ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
    ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000001")).ok());
    for (const char* uid : {"1", "2", "3"}) ASSERT_TRUE(store_->CreateUser(MakeUser(uid)).ok());
    Device d = MakeDevice("DEV1");
    d.owner_uid = "1";
    d.bound_at_ms = 42;
    ASSERT_TRUE(store_->CreateDevice(d).ok());
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

// ---- store.cc -------------------------------------------------------------------------

TEST(StoreStatusTest, ToStringNamesTheKindAndDetail) {
  EXPECT_EQ(StoreStatus().ToString(), "OK");
  EXPECT_EQ(StoreStatus::NotFound("GetUser 1: not found").ToString(),
            "NOT_FOUND: GetUser 1: not found");
  EXPECT_EQ(StoreStatus::Conflict("x").ToString(), "CONFLICT: x");
  EXPECT_EQ(StoreStatus::Failed("").ToString(), "FAILED");
}

TEST(StoreStatusTest, ToStatusPicksTheCodeForEachKind) {
  const Code nf = Code::kHubDeviceNotFound, cf = Code::kHubDeviceRepeatLogin,
             in = Code::kHubInternal;
  EXPECT_TRUE(ToStatus(StoreStatus(), nf, cf, in).ok());
  Status s = ToStatus(StoreStatus::NotFound("d1"), nf, cf, in);
  EXPECT_EQ(s.code(), nf);
  EXPECT_EQ(s.detail(), "d1");
  EXPECT_EQ(ToStatus(StoreStatus::Conflict("d2"), nf, cf, in).code(), cf);
  s = ToStatus(StoreStatus::Failed("d3"), nf, cf, in);
  EXPECT_EQ(s.code(), in);
  EXPECT_EQ(s.detail(), "d3");
}

// ---- Opening, pragmas, persistence ----------------------------------------------------

TEST_F(SqliteStoreTest, UsesWriteAheadLog) {
  EXPECT_EQ(RawQueryText(path_, "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  SeedDevice();
  ASSERT_EQ(*store_->AddTemplate("MID000000001", R"({"v":1})", 7), 1);
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->GetUser("2")->uid, "2");
  EXPECT_EQ(store_->GetDevice("DEV1")->owner_uid, "1");
  EXPECT_EQ(store_->GetCurrentTemplate("MID000000001")->body_json, R"({"v":1})");
}

TEST_F(SqliteStoreTest, EnforcesForeignKeys) {
  // No manufacturer 10000000001 yet: the product's parent row is missing.
  EXPECT_EQ(store_->CreateProduct(MakeProduct("MID000000001")).kind(), Kind::kNotFound);
  EXPECT_EQ(store_->CreateDevice(MakeDevice("DEV1")).kind(), Kind::kNotFound);
  EXPECT_EQ(RawQueryText(path_, "SELECT COUNT(*) FROM products"), "0");
}

TEST_F(SqliteStoreTest, CheckpointEmptiesTheWal) {
  SeedDevice();
  ASSERT_GT(std::filesystem::file_size(path_ + "-wal"), 0u);
  ASSERT_TRUE(store_->Checkpoint().ok());
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
  EXPECT_EQ(RawQueryText(path_, "SELECT COUNT(*) FROM users"), "3");
}

TEST(SqliteStoreOpenTest, InMemoryStoreWorks) {
  StoreResult<std::unique_ptr<Store>> store = OpenStore({":memory:", 100});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->CreateUser(MakeUser("1")).ok());
  EXPECT_EQ((*store)->GetUser("1")->uid, "1");
  EXPECT_TRUE((*store)->Checkpoint().ok());
}

TEST(SqliteStoreOpenTest, UnopenablePathFails) {
  TempDir dir;
  StoreResult<std::unique_ptr<Store>> store = OpenStore({dir.File("missing/dir/k.db"), 100});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().kind(), Kind::kFailed);
  EXPECT_NE(store.status().detail().find("open"), std::string::npos);
}

TEST_F(SqliteStoreTest, WaitsForAnotherWriterThenFails) {
  store_ = Open(/*busy_timeout_ms=*/150);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto start = std::chrono::steady_clock::now();
  StoreStatus s = store_->CreateUser(MakeUser("1"));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.kind(), Kind::kFailed);
  EXPECT_GE(waited, 140ms);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_TRUE(store_->CreateUser(MakeUser("1")).ok());
}

// ---- Transactions ---------------------------------------------------------------------

TEST_F(SqliteStoreTest, InTransactionCommitsWhenBodySucceeds) {
  StoreStatus s = store_->InTransaction([](Store& tx) {
    StoreStatus r = tx.CreateUser(MakeUser("1"));
    if (!r.ok()) return r;
    return tx.UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""});
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(store_->GetUser("1").ok());
  EXPECT_TRUE(store_->GetManufacturer("10000000001").ok());
}

TEST_F(SqliteStoreTest, InTransactionRollsBackWhenBodyFails) {
  StoreStatus s = store_->InTransaction([](Store& tx) {
    EXPECT_TRUE(tx.CreateUser(MakeUser("1")).ok());
    EXPECT_TRUE(tx.UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
    EXPECT_TRUE(tx.GetUser("1").ok());  // visible inside the transaction
    return StoreStatus::Failed("quota exceeded");
  });
  EXPECT_EQ(s.kind(), Kind::kFailed);
  EXPECT_EQ(s.detail(), "quota exceeded");
  EXPECT_EQ(store_->GetUser("1").status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->GetManufacturer("10000000001").status().kind(), Kind::kNotFound);
  EXPECT_EQ(RawQueryText(path_, "SELECT COUNT(*) FROM users"), "0");
}

TEST_F(SqliteStoreTest, InTransactionReturnsTheFailingCallsStatus) {
  ASSERT_TRUE(store_->CreateUser(MakeUser("1", "a@x.io")).ok());
  StoreStatus s = store_->InTransaction([](Store& tx) {
    EXPECT_TRUE(tx.CreateUser(MakeUser("2")).ok());
    return tx.CreateUser(MakeUser("3", "A@X.IO"));
  });
  EXPECT_EQ(s.kind(), Kind::kConflict);
  EXPECT_EQ(store_->GetUser("2").status().kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, InTransactionDoesNotNest) {
  StoreStatus inner;
  StoreStatus s = store_->InTransaction([&](Store& tx) {
    EXPECT_TRUE(tx.CreateUser(MakeUser("1")).ok());
    inner = tx.InTransaction([](Store&) { return StoreStatus(); });
    return inner;
  });
  EXPECT_EQ(inner.kind(), Kind::kFailed);
  EXPECT_EQ(s.kind(), Kind::kFailed);
  EXPECT_EQ(store_->GetUser("1").status().kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, InTransactionRollsBackWhenBodyThrows) {
  EXPECT_THROW(store_->InTransaction([](Store& tx) -> StoreStatus {
    EXPECT_TRUE(tx.CreateUser(MakeUser("1")).ok());
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(store_->GetUser("1").status().kind(), Kind::kNotFound);
  // The store is usable, and a new transaction can start.
  EXPECT_TRUE(store_->InTransaction([](Store& tx) { return tx.CreateUser(MakeUser("1")); }).ok());
  EXPECT_TRUE(store_->GetUser("1").ok());
}

TEST_F(SqliteStoreTest, MultiStatementCallsInsideTransactionRollBackWithIt) {
  SeedDevice();
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV1", "1", "2")).ok());
  StoreStatus s = store_->InTransaction([](Store& tx) {
    // A failing multi-statement call undoes only itself (a savepoint)…
    EXPECT_EQ(tx.UnbindDevice("NOPE", "k").kind(), Kind::kNotFound);
    EXPECT_TRUE(tx.UnbindDevice("DEV1", "new-ctrl").ok());
    EXPECT_EQ(tx.GetDevice("DEV1")->owner_uid, "");
    return StoreStatus::Failed("abort");  // …and the whole transaction undoes the rest.
  });
  EXPECT_EQ(s.kind(), Kind::kFailed);
  Device d = *store_->GetDevice("DEV1");
  EXPECT_EQ(d.owner_uid, "1");
  EXPECT_EQ(d.ctrl_key, "ctrl-DEV1");
  EXPECT_TRUE(store_->GetShare("DEV1", "2").ok());
}

TEST_F(SqliteStoreTest, OtherThreadsWaitForTheTransaction) {
  std::atomic<bool> other_done{false};
  std::thread other;
  StoreStatus s = store_->InTransaction([&](Store& tx) {
    EXPECT_TRUE(tx.CreateUser(MakeUser("1")).ok());
    other = std::thread([&] {
      EXPECT_TRUE(store_->CreateUser(MakeUser("2")).ok());
      other_done = true;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(other_done.load());
    return StoreStatus::Failed("roll back mine only");
  });
  other.join();
  EXPECT_EQ(s.kind(), Kind::kFailed);
  EXPECT_TRUE(other_done.load());
  EXPECT_EQ(store_->GetUser("1").status().kind(), Kind::kNotFound);
  EXPECT_TRUE(store_->GetUser("2").ok());  // committed on its own after ours ended
}

// ---- Users ----------------------------------------------------------------------------

TEST_F(SqliteStoreTest, CreateAndGetUserRoundTrips) {
  User u = MakeUser("20039941211", "Alice@Example.COM", "+8613800000000", "10000000001");
  u.email_verified = true;
  u.profile_json = R"({"firstName":"A"})";
  u.created_at_ms = 1'700'000'000'123;
  ASSERT_TRUE(store_->CreateUser(u).ok());
  User got = *store_->GetUser("20039941211");
  EXPECT_EQ(got.uid, u.uid);
  EXPECT_EQ(got.pid, "10000000001");
  EXPECT_EQ(got.phone, "+8613800000000");
  EXPECT_EQ(got.email, "alice@example.com");  // stored lower-case
  EXPECT_TRUE(got.email_verified);
  EXPECT_EQ(got.password_hash, u.password_hash);
  EXPECT_EQ(got.profile_json, u.profile_json);
  EXPECT_EQ(got.created_at_ms, 1'700'000'000'123);
  EXPECT_EQ(store_->GetUser("nobody").status().kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, UserUniqueness) {
  ASSERT_TRUE(store_->CreateUser(MakeUser("1", "a@x.io", "111")).ok());
  EXPECT_EQ(store_->CreateUser(MakeUser("1", "other@x.io")).kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateUser(MakeUser("2", "A@X.io")).kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateUser(MakeUser("3", "", "111")).kind(), Kind::kConflict);
  // Another pid may reuse both; users without e-mail/phone do not collide.
  EXPECT_TRUE(store_->CreateUser(MakeUser("4", "a@x.io", "111", "10000000001")).ok());
  EXPECT_TRUE(store_->CreateUser(MakeUser("5")).ok());
  EXPECT_TRUE(store_->CreateUser(MakeUser("6")).ok());
}

TEST_F(SqliteStoreTest, FindUserByEmailAndPhone) {
  ASSERT_TRUE(store_->CreateUser(MakeUser("1", "a@x.io", "111")).ok());
  ASSERT_TRUE(store_->CreateUser(MakeUser("2", "a@x.io", "111", "10000000001")).ok());
  ASSERT_TRUE(store_->CreateUser(MakeUser("3")).ok());
  EXPECT_EQ(store_->FindUserByEmail("00000000000", "A@x.IO")->uid, "1");
  EXPECT_EQ(store_->FindUserByEmail("10000000001", "a@x.io")->uid, "2");
  EXPECT_EQ(store_->FindUserByPhone("10000000001", "111")->uid, "2");
  EXPECT_EQ(store_->FindUserByPhone("00000000000", "111")->uid, "1");
  EXPECT_EQ(store_->FindUserByEmail("00000000000", "b@x.io").status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->FindUserByEmail("99999999999", "a@x.io").status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->FindUserByPhone("00000000000", "222").status().kind(), Kind::kNotFound);
  // "" means "none": it must not find user 3, who has neither.
  EXPECT_EQ(store_->FindUserByEmail("00000000000", "").status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->FindUserByPhone("00000000000", "").status().kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, UpdateUserPasswordAndProfile) {
  ASSERT_TRUE(store_->CreateUser(MakeUser("1")).ok());
  EXPECT_EQ(store_->GetUser("1")->token_epoch, 0);
  ASSERT_TRUE(store_->UpdateUserPassword("1", "$argon2id$new").ok());
  ASSERT_TRUE(store_->UpdateUserProfile("1", R"({"age":3})").ok());
  User u = *store_->GetUser("1");
  EXPECT_EQ(u.password_hash, "$argon2id$new");
  EXPECT_EQ(u.token_epoch, 1);  // a new password ends every older token (issue 14)
  EXPECT_EQ(u.profile_json, R"({"age":3})");
  EXPECT_EQ(store_->UpdateUserPassword("2", "h").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->UpdateUserProfile("2", "{}").kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, DetailsNeverCarrySecrets) {
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000001")).ok());
  Product dup = MakeProduct("MID000000002");
  dup.prod_key = "prodkey-MID000000001";
  StoreStatus s = store_->CreateProduct(dup);
  EXPECT_EQ(s.kind(), Kind::kConflict);
  EXPECT_EQ(s.detail().find("prodkey-"), std::string::npos) << s.detail();
  s = store_->FindProductByProdKey("secret-prod-key").status();
  EXPECT_EQ(s.kind(), Kind::kNotFound);
  EXPECT_EQ(s.detail().find("secret"), std::string::npos) << s.detail();
}

// ---- Manufacturers and products -------------------------------------------------------

TEST_F(SqliteStoreTest, UpsertManufacturerKeepsCreationTime) {
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 100, "", "", ""}).ok());
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme Corp", 999, "", "", ""}).ok());
  Manufacturer m = *store_->GetManufacturer("10000000001");
  EXPECT_EQ(m.name, "Acme Corp");
  EXPECT_EQ(m.created_at_ms, 100);
  EXPECT_EQ(store_->GetManufacturer("10000000002").status().kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, CreateAndFindProducts) {
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000002", "Beta", 1, "", "", ""}).ok());
  Product p = MakeProduct("MID000000002");
  p.device_auth = "LICENSE";
  p.pre_register = true;
  p.force_bind = true;
  p.status = "DISCONTINUED";
  p.check_mode = "STRICT";
  p.decorate_dev_send = false;
  p.max_dev_share_num = 3;
  p.supports_scheduler = false;
  p.updated_at_ms = 2500;
  ASSERT_TRUE(store_->CreateProduct(p).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000001")).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000003", "10000000002")).ok());

  Product got = *store_->GetProduct("MID000000002");
  EXPECT_EQ(got.pid, "10000000001");
  EXPECT_EQ(got.name, "Lamp MID000000002");
  EXPECT_EQ(got.work_mode_type, "JSON_CTRL");
  EXPECT_EQ(got.device_auth, "LICENSE");
  EXPECT_TRUE(got.pre_register);
  EXPECT_TRUE(got.force_bind);
  EXPECT_EQ(got.status, "DISCONTINUED");
  EXPECT_EQ(got.check_mode, "STRICT");
  EXPECT_FALSE(got.decorate_dev_send);
  EXPECT_EQ(got.max_dev_share_num, 3);
  EXPECT_FALSE(got.supports_scheduler);
  EXPECT_TRUE(store_->GetProduct("MID000000001")->supports_scheduler);  // the default
  EXPECT_EQ(got.created_at_ms, 2000);
  EXPECT_EQ(got.updated_at_ms, 2500);
  EXPECT_EQ(store_->FindProductByProdKey("prodkey-MID000000002")->mid, "MID000000002");
  EXPECT_EQ(store_->FindProductByPublicKey("ppk-MID000000003")->mid, "MID000000003");
  EXPECT_EQ(store_->GetProduct("MID00000000X").status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->FindProductByPublicKey("prodkey-MID000000002").status().kind(),
            Kind::kNotFound);

  auto all = *store_->ListProducts(std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].mid, "MID000000001");
  EXPECT_EQ(all[2].mid, "MID000000003");
  auto acme = *store_->ListProducts("10000000001");
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].mid, "MID000000001");
  EXPECT_EQ(acme[1].mid, "MID000000002");
  EXPECT_TRUE(store_->ListProducts("19999999999")->empty());
}

TEST_F(SqliteStoreTest, CreateProductConflicts) {
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000001")).ok());
  Product same_mid = MakeProduct("MID000000002");
  same_mid.mid = "MID000000001";
  EXPECT_EQ(store_->CreateProduct(same_mid).kind(), Kind::kConflict);
  Product same_key = MakeProduct("MID000000002");
  same_key.prod_key = "prodkey-MID000000001";
  EXPECT_EQ(store_->CreateProduct(same_key).kind(), Kind::kConflict);
  Product same_ppk = MakeProduct("MID000000002");
  same_ppk.product_public_key = "ppk-MID000000001";
  EXPECT_EQ(store_->CreateProduct(same_ppk).kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateProduct(MakeProduct("MID000000002", "10000000009")).kind(),
            Kind::kNotFound);
  EXPECT_EQ(store_->ListProducts(std::nullopt)->size(), 1u);
}

TEST_F(SqliteStoreTest, UpdateProductReplacesAllButMidAndCreation) {
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000002", "Beta", 1, "", "", ""}).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000001")).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000002")).ok());
  Product p = MakeProduct("MID000000001", "10000000002");
  p.name = "Renamed";
  p.prod_key = "new-key";
  p.status = "UNPUBLISHED";
  p.created_at_ms = 77;
  p.updated_at_ms = 88;
  p.supports_scheduler = false;
  ASSERT_TRUE(store_->UpdateProduct(p).ok());
  Product got = *store_->GetProduct("MID000000001");
  EXPECT_FALSE(got.supports_scheduler);
  EXPECT_EQ(got.pid, "10000000002");
  EXPECT_EQ(got.name, "Renamed");
  EXPECT_EQ(got.prod_key, "new-key");
  EXPECT_EQ(got.status, "UNPUBLISHED");
  EXPECT_EQ(got.created_at_ms, 2000);
  EXPECT_EQ(got.updated_at_ms, 88);

  p.prod_key = "prodkey-MID000000002";
  EXPECT_EQ(store_->UpdateProduct(p).kind(), Kind::kConflict);
  p = MakeProduct("MID000000001", "10000000009");
  EXPECT_EQ(store_->UpdateProduct(p).kind(), Kind::kNotFound);
  EXPECT_EQ(store_->UpdateProduct(MakeProduct("MID00000000X")).kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, TemplateVersionsIncrease) {
  ASSERT_TRUE(store_->UpsertManufacturer({"10000000001", "Acme", 1, "", "", ""}).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000001")).ok());
  ASSERT_TRUE(store_->CreateProduct(MakeProduct("MID000000002")).ok());
  EXPECT_EQ(store_->GetCurrentTemplate("MID000000001").status().kind(), Kind::kNotFound);
  EXPECT_EQ(*store_->AddTemplate("MID000000001", "{\"v\":1}", 10), 1);
  EXPECT_EQ(*store_->AddTemplate("MID000000001", "{\"v\":2}", 20), 2);
  EXPECT_EQ(*store_->AddTemplate("MID000000002", "{\"other\":1}", 25), 1);
  EXPECT_EQ(*store_->AddTemplate("MID000000001", "{\"v\":3}", 30), 3);

  ProtocolTemplate current = *store_->GetCurrentTemplate("MID000000001");
  EXPECT_EQ(current.mid, "MID000000001");
  EXPECT_EQ(current.version, 3);
  EXPECT_EQ(current.body_json, "{\"v\":3}");
  EXPECT_EQ(current.created_at_ms, 30);
  ProtocolTemplate second = *store_->GetTemplate("MID000000001", 2);
  EXPECT_EQ(second.body_json, "{\"v\":2}");
  EXPECT_EQ(second.created_at_ms, 20);
  EXPECT_EQ(store_->GetTemplate("MID000000001", 4).status().kind(), Kind::kNotFound);

  auto all = *store_->ListTemplates("MID000000001");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].version, 1);
  EXPECT_EQ(all[2].version, 3);
  EXPECT_TRUE(store_->ListTemplates("MID00000000X")->empty());
  EXPECT_EQ(store_->AddTemplate("MID00000000X", "{}", 1).status().kind(), Kind::kNotFound);
}

// ---- Devices and binding ---------------------------------------------------------------

TEST_F(SqliteStoreTest, CreateAndGetDevice) {
  SeedDevice();
  Device d = MakeDevice("DEV2");
  d.token_hash = "t1";
  d.last_token_hash = "t0";
  d.device_name = "Kitchen";
  d.registered = true;
  d.info_json = R"({"mac":"x"})";
  ASSERT_TRUE(store_->CreateDevice(d).ok());
  Device got = *store_->GetDevice("DEV2");
  EXPECT_EQ(got.mid, "MID000000001");
  EXPECT_EQ(got.bind_key, "bind-DEV2");
  EXPECT_EQ(got.ctrl_key, "ctrl-DEV2");
  EXPECT_EQ(got.token_hash, "t1");
  EXPECT_EQ(got.last_token_hash, "t0");
  EXPECT_EQ(got.owner_uid, "");
  EXPECT_EQ(got.device_name, "Kitchen");
  EXPECT_TRUE(got.registered);
  EXPECT_FALSE(got.online);
  EXPECT_EQ(got.info_json, R"({"mac":"x"})");
  EXPECT_EQ(got.state_json, "{}");
  EXPECT_EQ(got.created_at_ms, 3000);
  EXPECT_EQ(store_->GetDevice("DEV1")->bound_at_ms, 42);

  EXPECT_EQ(store_->CreateDevice(MakeDevice("DEV2")).kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateDevice(MakeDevice("DEV3", "MID00000000X")).kind(), Kind::kNotFound);
  Device orphan = MakeDevice("DEV4");
  orphan.owner_uid = "nobody";
  EXPECT_EQ(store_->CreateDevice(orphan).kind(), Kind::kNotFound);
  EXPECT_EQ(store_->GetDevice("DEV3").status().kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, DeviceRuntimeUpdates) {
  SeedDevice();
  ASSERT_TRUE(store_->UpdateDeviceTokens("DEV1", "new", "old").ok());
  ASSERT_TRUE(store_->SetDeviceOnline("DEV1", true, 100).ok());
  ASSERT_TRUE(store_->SetDeviceOnline("DEV1", true, 200).ok());
  ASSERT_TRUE(store_->SaveDeviceInfo("DEV1", R"({"binVer":"1.0"})").ok());
  ASSERT_TRUE(store_->SaveDeviceState("DEV1", R"({"power":1})", 250).ok());
  Device d = *store_->GetDevice("DEV1");
  EXPECT_EQ(d.token_hash, "new");
  EXPECT_EQ(d.last_token_hash, "old");
  EXPECT_TRUE(d.online);
  EXPECT_EQ(d.first_login_ms, 100);  // only the first login is kept
  EXPECT_EQ(d.last_seen_ms, 200);
  EXPECT_EQ(d.info_json, R"({"binVer":"1.0"})");
  EXPECT_EQ(d.state_json, R"({"power":1})");
  EXPECT_EQ(d.state_at_ms, 250);

  ASSERT_TRUE(store_->SetDeviceOnline("DEV1", false, 300).ok());
  d = *store_->GetDevice("DEV1");
  EXPECT_FALSE(d.online);
  EXPECT_EQ(d.last_seen_ms, 300);
  EXPECT_EQ(d.first_login_ms, 100);

  EXPECT_EQ(store_->UpdateDeviceTokens("X", "a", "b").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->SetDeviceOnline("X", true, 1).kind(), Kind::kNotFound);
  EXPECT_EQ(store_->SaveDeviceInfo("X", "{}").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->SaveDeviceState("X", "{}", 1).kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, SetAllDevicesOfflineAndListByOwner) {
  SeedDevice();
  for (const char* tid : {"DEV3", "DEV2"}) {
    Device d = MakeDevice(tid);
    d.owner_uid = "1";
    d.online = true;
    ASSERT_TRUE(store_->CreateDevice(d).ok());
  }
  ASSERT_TRUE(store_->CreateDevice(MakeDevice("DEV9")).ok());
  auto owned = *store_->ListDevicesByOwner("1");
  ASSERT_EQ(owned.size(), 3u);
  EXPECT_EQ(owned[0].dev_tid, "DEV1");
  EXPECT_EQ(owned[1].dev_tid, "DEV2");
  EXPECT_EQ(owned[2].dev_tid, "DEV3");
  EXPECT_TRUE(store_->ListDevicesByOwner("2")->empty());
  EXPECT_TRUE(store_->ListDevicesByOwner("")->empty());  // unbound devices have no owner

  ASSERT_TRUE(store_->SetAllDevicesOffline().ok());
  EXPECT_FALSE(store_->GetDevice("DEV2")->online);
  EXPECT_FALSE(store_->GetDevice("DEV3")->online);
}

TEST_F(SqliteStoreTest, BindDevice) {
  SeedDevice();
  ASSERT_TRUE(store_->CreateDevice(MakeDevice("DEV2")).ok());
  ASSERT_TRUE(store_->BindDevice("DEV2", "2", 500).ok());
  Device d = *store_->GetDevice("DEV2");
  EXPECT_EQ(d.owner_uid, "2");
  EXPECT_EQ(d.bound_at_ms, 500);
  ASSERT_TRUE(store_->BindDevice("DEV2", "2", 600).ok());  // same user: fine
  EXPECT_EQ(store_->GetDevice("DEV2")->bound_at_ms, 500);
  EXPECT_EQ(store_->BindDevice("DEV2", "3", 700).kind(), Kind::kConflict);
  EXPECT_EQ(store_->GetDevice("DEV2")->owner_uid, "2");
  EXPECT_EQ(store_->BindDevice("NOPE", "2", 1).kind(), Kind::kNotFound);
  ASSERT_TRUE(store_->CreateDevice(MakeDevice("DEV3")).ok());
  EXPECT_EQ(store_->BindDevice("DEV3", "nobody", 1).kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, UnbindDeviceCascades) {
  SeedDevice();
  Device other = MakeDevice("DEV2");
  other.owner_uid = "1";
  ASSERT_TRUE(store_->CreateDevice(other).ok());
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV1", "1", "2")).ok());
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV1", "1", "3")).ok());
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV2", "1", "2")).ok());
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f1", "1", "Living")).ok());
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f2", "2", "Shared")).ok());
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV1", "f1").ok());
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV2", "f1").ok());
  ASSERT_TRUE(store_->SetDeviceFolder("2", "DEV1", "f2").ok());

  ASSERT_TRUE(store_->UnbindDevice("DEV1", "rotated").ok());
  Device d = *store_->GetDevice("DEV1");
  EXPECT_EQ(d.owner_uid, "");
  EXPECT_EQ(d.bound_at_ms, 0);
  EXPECT_EQ(d.ctrl_key, "rotated");
  EXPECT_TRUE(store_->ListSharesByDevice("DEV1")->empty());
  EXPECT_EQ(store_->ListSharesByDevice("DEV2")->size(), 1u);
  EXPECT_EQ(*store_->ListFolderDevices("1", "f1"), std::vector<std::string>{"DEV2"});
  EXPECT_TRUE(store_->ListFolderDevices("2", "f2")->empty());
  EXPECT_TRUE(store_->ListFolderDevices("1", "0")->empty());
  EXPECT_EQ(*store_->ListFolderDevices("2", "0"), std::vector<std::string>{"DEV2"});
  // The device can be bound again, by anyone.
  EXPECT_TRUE(store_->BindDevice("DEV1", "3", 900).ok());
  EXPECT_EQ(store_->UnbindDevice("NOPE", "k").kind(), Kind::kNotFound);
}

// ---- Shares ---------------------------------------------------------------------------

TEST_F(SqliteStoreTest, CreateGetAndListShares) {
  SeedDevice();
  Share s = MakeShare("DEV1", "1", "2");
  s.mode = "PARTIAL";
  s.instruction_expire_json = R"({"power-off":100})";
  s.enable_scheduler = true;
  s.enable_ifttt = true;
  s.desc = "for mum";
  s.update_time_ms = 4100;
  s.expire_at_ms = 9000;
  StoreResult<int64_t> id1 = store_->CreateShare(s);
  ASSERT_TRUE(id1.ok()) << id1.status().ToString();
  StoreResult<int64_t> id2 = store_->CreateShare(MakeShare("DEV1", "1", "3"));
  ASSERT_TRUE(id2.ok());
  EXPECT_GT(*id2, *id1);

  Share got = *store_->GetShare("DEV1", "2");
  EXPECT_EQ(got.id, *id1);
  EXPECT_EQ(got.grantor, "1");
  EXPECT_EQ(got.mode, "PARTIAL");
  EXPECT_EQ(got.instruction_expire_json, R"({"power-off":100})");
  EXPECT_TRUE(got.enable_scheduler);
  EXPECT_TRUE(got.enable_ifttt);
  EXPECT_EQ(got.desc, "for mum");
  EXPECT_EQ(got.grant_time_ms, 4000);
  EXPECT_EQ(got.update_time_ms, 4100);
  EXPECT_EQ(got.expire_at_ms, 9000);

  EXPECT_EQ(store_->CreateShare(MakeShare("DEV1", "1", "2")).status().kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateShare(MakeShare("NOPE", "1", "2")).status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->CreateShare(MakeShare("DEV1", "1", "nobody")).status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->GetShare("DEV1", "1").status().kind(), Kind::kNotFound);

  auto by_device = *store_->ListSharesByDevice("DEV1");
  ASSERT_EQ(by_device.size(), 2u);
  EXPECT_EQ(by_device[0].grantee, "2");
  EXPECT_EQ(by_device[1].grantee, "3");
  auto by_grantee = *store_->ListSharesByGrantee("3");
  ASSERT_EQ(by_grantee.size(), 1u);
  EXPECT_EQ(by_grantee[0].id, *id2);
  EXPECT_TRUE(store_->ListSharesByGrantee("1")->empty());
}

TEST_F(SqliteStoreTest, UpdateAndDeleteShare) {
  SeedDevice();
  Share s = MakeShare("DEV1", "1", "2");
  s.id = *store_->CreateShare(s);
  s.mode = "PARTIAL";
  s.desc = "edited";
  s.enable_ifttt = true;
  s.update_time_ms = 4500;
  s.expire_at_ms = 7000;
  ASSERT_TRUE(store_->UpdateShare(s).ok());
  Share got = *store_->GetShare("DEV1", "2");
  EXPECT_EQ(got.mode, "PARTIAL");
  EXPECT_EQ(got.desc, "edited");
  EXPECT_TRUE(got.enable_ifttt);
  EXPECT_EQ(got.update_time_ms, 4500);
  EXPECT_EQ(got.expire_at_ms, 7000);
  s.id += 100;
  EXPECT_EQ(store_->UpdateShare(s).kind(), Kind::kNotFound);

  // Deleting the share also takes the device out of the grantee's folders.
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f2", "2", "Shared")).ok());
  ASSERT_TRUE(store_->SetDeviceFolder("2", "DEV1", "f2").ok());
  ASSERT_TRUE(store_->DeleteShare("DEV1", "2").ok());
  EXPECT_EQ(store_->GetShare("DEV1", "2").status().kind(), Kind::kNotFound);
  EXPECT_TRUE(store_->ListFolderDevices("2", "f2")->empty());
  EXPECT_TRUE(store_->ListFolderDevices("2", "0")->empty());
  EXPECT_EQ(store_->DeleteShare("DEV1", "2").kind(), Kind::kNotFound);
}

// ---- Folders --------------------------------------------------------------------------

TEST_F(SqliteStoreTest, CreateListAndRenameFolders) {
  SeedDevice();
  ASSERT_TRUE(store_->CreateFolder({"fb", "1", "Bedroom", 20}).ok());
  ASSERT_TRUE(store_->CreateFolder({"fa", "1", "Attic", 10}).ok());
  ASSERT_TRUE(store_->CreateFolder({"fc", "2", "Bedroom", 10}).ok());  // other user, same name
  EXPECT_EQ(store_->CreateFolder({"fd", "1", "Bedroom", 30}).kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateFolder({"fa", "1", "Other", 30}).kind(), Kind::kConflict);
  EXPECT_EQ(store_->CreateFolder({"fe", "nobody", "X", 30}).kind(), Kind::kNotFound);
  EXPECT_EQ(store_->CreateFolder({"0", "1", "Root", 30}).kind(), Kind::kFailed);

  auto folders = *store_->ListFolders("1");
  ASSERT_EQ(folders.size(), 2u);
  EXPECT_EQ(folders[0].folder_id, "fa");  // creation order
  EXPECT_EQ(folders[0].name, "Attic");
  EXPECT_EQ(folders[0].uid, "1");
  EXPECT_EQ(folders[0].created_at_ms, 10);
  EXPECT_EQ(folders[1].folder_id, "fb");

  ASSERT_TRUE(store_->RenameFolder("1", "fa", "Loft").ok());
  EXPECT_EQ(store_->ListFolders("1")->at(0).name, "Loft");
  EXPECT_EQ(store_->RenameFolder("1", "fa", "Bedroom").kind(), Kind::kConflict);
  EXPECT_EQ(store_->RenameFolder("2", "fa", "Mine").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->RenameFolder("1", "0", "Root").kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, DeviceFolderMembership) {
  SeedDevice();
  ASSERT_TRUE(store_->CreateDevice(MakeDevice("DEV0")).ok());
  ASSERT_TRUE(store_->BindDevice("DEV0", "1", 1).ok());
  ASSERT_TRUE(store_->CreateDevice(MakeDevice("DEV5")).ok());  // owned by 2, shared with 1
  ASSERT_TRUE(store_->BindDevice("DEV5", "2", 1).ok());
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV5", "2", "1")).ok());
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f1", "1", "Living")).ok());
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f2", "2", "Theirs")).ok());
  using Tids = std::vector<std::string>;
  EXPECT_EQ(*store_->ListFolderDevices("1", "0"), (Tids{"DEV0", "DEV1", "DEV5"}));

  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV1", "f1").ok());
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV5", "f1").ok());
  EXPECT_EQ(*store_->ListFolderDevices("1", "f1"), (Tids{"DEV1", "DEV5"}));
  EXPECT_EQ(*store_->ListFolderDevices("1", "0"), (Tids{"DEV0"}));
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV1", "f1").ok());  // idempotent
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV5", "0").ok());   // back to the root
  EXPECT_EQ(*store_->ListFolderDevices("1", "f1"), (Tids{"DEV1"}));
  EXPECT_EQ(*store_->ListFolderDevices("1", "0"), (Tids{"DEV0", "DEV5"}));
  EXPECT_EQ(*store_->ListFolderDevices("2", "0"), (Tids{"DEV5"}));  // user 2 is unaffected

  EXPECT_EQ(store_->SetDeviceFolder("1", "DEV1", "f2").kind(), Kind::kNotFound);  // not theirs
  EXPECT_EQ(store_->SetDeviceFolder("1", "DEV1", "nope").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->SetDeviceFolder("1", "NOPE", "f1").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->SetDeviceFolder("1", "NOPE", "0").kind(), Kind::kNotFound);
  EXPECT_EQ(store_->ListFolderDevices("1", "f2").status().kind(), Kind::kNotFound);
  EXPECT_EQ(*store_->ListFolderDevices("1", "f1"), (Tids{"DEV1"}));
}

TEST_F(SqliteStoreTest, DeleteFolderMovesDevicesToRoot) {
  SeedDevice();
  ASSERT_TRUE(store_->CreateDevice(MakeDevice("DEV2")).ok());
  ASSERT_TRUE(store_->BindDevice("DEV2", "1", 1).ok());
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f1", "1", "Living")).ok());
  ASSERT_TRUE(store_->CreateFolder(MakeFolder("f2", "1", "Kitchen")).ok());
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV1", "f1").ok());
  ASSERT_TRUE(store_->SetDeviceFolder("1", "DEV2", "f2").ok());
  EXPECT_EQ(store_->DeleteFolder("2", "f1").kind(), Kind::kNotFound);  // not theirs
  EXPECT_EQ(store_->DeleteFolder("1", "0").kind(), Kind::kNotFound);

  ASSERT_TRUE(store_->DeleteFolder("1", "f1").ok());
  auto folders = *store_->ListFolders("1");
  ASSERT_EQ(folders.size(), 1u);
  EXPECT_EQ(folders[0].folder_id, "f2");
  EXPECT_EQ(*store_->ListFolderDevices("1", "0"), std::vector<std::string>{"DEV1"});
  EXPECT_EQ(*store_->ListFolderDevices("1", "f2"), std::vector<std::string>{"DEV2"});
  EXPECT_EQ(store_->ListFolderDevices("1", "f1").status().kind(), Kind::kNotFound);
  EXPECT_EQ(store_->DeleteFolder("1", "f1").kind(), Kind::kNotFound);
  // The name is free again.
  EXPECT_TRUE(store_->CreateFolder(MakeFolder("f3", "1", "Living")).ok());
}

}  // namespace
}  // namespace krypton::storage

// ---- sqlite_store_tasks.cc (issue 16) -------------------------------------------------

namespace krypton::storage {
namespace {

SchedulerTask MakeTask(const std::string& uid, int64_t task_id, const std::string& cron) {
  SchedulerTask t;
  t.uid = uid;
  t.dev_tid = "DEV1";
  t.task_id = task_id;
  t.ctrl_key = "ctrl-DEV1";
  t.code_json = R"({"cmdId":2,"power":1})";
  t.scheduler_type = "GENERIC";
  t.cron_expr = cron;
  t.created_at_ms = t.updated_at_ms = 100;
  return t;
}

TEST_F(SqliteStoreTest, TasksRoundTripAndTheirKeysAreUnique) {
  SeedDevice();
  SchedulerTask t = MakeTask("1", 0, "0 0 7 ? * MON");
  t.task_key = "k1";
  t.sub_dev_tid = "SUB1";
  t.repeat_list_json = R"(["MON"])";
  auto id = store_->CreateTask(t);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto got = store_->GetTask(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->task_key, std::optional<std::string>("k1"));
  EXPECT_EQ(got->sub_dev_tid, "SUB1");
  EXPECT_EQ(got->cron_expr, "0 0 7 ? * MON");
  EXPECT_EQ(got->repeat_list_json, R"(["MON"])");
  EXPECT_TRUE(got->enable);
  // The same taskId or taskKey for the same user and device: conflict; another user: fine.
  EXPECT_EQ(store_->CreateTask(MakeTask("1", 0, "0 0 8 * * ?")).status().kind(), Kind::kConflict);
  SchedulerTask same_key = MakeTask("1", 1, "0 0 8 * * ?");
  same_key.task_key = "k1";
  EXPECT_EQ(store_->CreateTask(same_key).status().kind(), Kind::kConflict);
  EXPECT_TRUE(store_->CreateTask(MakeTask("2", 0, "0 0 8 * * ?")).ok());
  EXPECT_EQ(store_->CreateTask(MakeTask("9", 0, "0 0 8 * * ?")).status().kind(), Kind::kNotFound);
  // Update replaces the editable fields only.
  got->enable = false;
  got->task_key.reset();
  got->fire_count = 99;
  ASSERT_TRUE(store_->UpdateTask(*got).ok());
  auto after = store_->GetTask(*id);
  EXPECT_FALSE(after->enable);
  EXPECT_FALSE(after->task_key.has_value());
  EXPECT_EQ(after->fire_count, 0);
  EXPECT_EQ(store_->ListTasks("1", "DEV1")->size(), 1u);
  // Disabled tasks are not scanned.
  auto active = store_->ScanActiveTasks(0, 10);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].uid, "2");
}

TEST_F(SqliteStoreTest, AFiringIsClaimedOnceAndItsHistoryIsBounded) {
  SeedDevice();
  int64_t id = *store_->CreateTask(MakeTask("1", 0, "0 * * * * ?"));
  ASSERT_TRUE(store_->ClaimFiring(id, 60000, "CLAIMED", 60010, false, 3).ok());
  EXPECT_EQ(store_->ClaimFiring(id, 60000, "CLAIMED", 60020, false, 3).kind(), Kind::kConflict);
  EXPECT_EQ(store_->GetTask(id)->last_scheduled_ms, 60000);
  auto unfinished = store_->ListUnfinishedFirings();
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ((*unfinished)[0].scheduled_ms, 60000);
  ASSERT_TRUE(store_->FinishFiring(id, 60000, "SENT", 200, "success", 60100, true).ok());
  EXPECT_TRUE(store_->ListUnfinishedFirings()->empty());
  EXPECT_EQ(store_->GetTask(id)->fire_count, 1);
  EXPECT_EQ(store_->FinishFiring(id, 1, "SENT", 200, "", 1, true).kind(), Kind::kNotFound);
  // MISSED needs no outcome; ONCE claims expire the task; only the newest 3 are kept.
  for (int64_t at : {120000, 180000, 240000}) {
    ASSERT_TRUE(store_->ClaimFiring(id, at, "MISSED", at, at == 240000, 3).ok());
  }
  auto history = store_->ListFirings("1", "DEV1", -1, 0, 10);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].scheduled_ms, 240000);
  EXPECT_EQ((*history)[0].outcome, "MISSED");
  EXPECT_EQ((*history)[2].scheduled_ms, 120000);
  EXPECT_TRUE(store_->GetTask(id)->expired);
  EXPECT_EQ(store_->ListFirings("2", "DEV1", -1, 0, 10)->size(), 0u);
  EXPECT_EQ(store_->ListFirings("", "DEV1", 0, 1, 1)->at(0).scheduled_ms, 180000);
  EXPECT_EQ(store_->ClaimFiring(id + 100, 1, "CLAIMED", 1, false, 3).kind(), Kind::kNotFound);
}

TEST_F(SqliteStoreTest, UnbindingRevokingAndDeletingRemoveTasks) {
  SeedDevice();
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV1", "1", "2")).ok());
  ASSERT_TRUE(store_->CreateShare(MakeShare("DEV1", "1", "3")).ok());
  int64_t owner = *store_->CreateTask(MakeTask("1", 0, "0 0 7 * * ?"));
  int64_t grantee = *store_->CreateTask(MakeTask("2", 0, "0 0 7 * * ?"));
  ASSERT_TRUE(store_->CreateTask(MakeTask("3", 0, "0 0 7 * * ?")).ok());
  ASSERT_TRUE(store_->ClaimFiring(grantee, 1000, "CLAIMED", 1000, false, 10).ok());
  ASSERT_TRUE(store_->DeleteShare("DEV1", "2").ok());  // the grantee's task goes with it
  EXPECT_EQ(store_->GetTask(grantee).status().kind(), Kind::kNotFound);
  EXPECT_TRUE(store_->GetTask(owner).ok());
  EXPECT_TRUE(store_->ListUnfinishedFirings()->empty());       // its firings too
  ASSERT_TRUE(store_->UnbindDevice("DEV1", "ctrl-new").ok());  // every task of the device
  EXPECT_TRUE(store_->ListTasks("1", "DEV1")->empty());
  EXPECT_TRUE(store_->ListTasks("3", "DEV1")->empty());
  ASSERT_TRUE(store_->BindDevice("DEV1", "1", 5).ok());
  int64_t again = *store_->CreateTask(MakeTask("1", 0, "0 0 7 * * ?"));
  EXPECT_GT(again, owner);  // ids are never reused
  ASSERT_TRUE(store_->DeleteDevice("DEV1").ok());
  EXPECT_EQ(store_->GetTask(again).status().kind(), Kind::kNotFound);
}

}  // namespace
}  // namespace krypton::storage
