// FaultStore (storage/fault_store.h) over a real SqliteStore: calls are forwarded until a
// rule is armed; a failed call does not reach the database; a failure inside
// InTransaction — of one call or of the commit — leaves the database file unchanged.
#include "storage/fault_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "db_dump.h"
#include "storage/store.h"

namespace krypton::storage {
namespace {

using krypton::testing::DumpDatabase;

class FaultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "krypton_fault_XXXXXX";
    char* made = mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = made;
    auto opened = OpenStore({dir_ + "/k.db", 1000});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    base_ = std::move(opened).value();
    fault_ = std::make_unique<FaultStore>(*base_);
    Manufacturer m;
    m.pid = "00000000000";
    m.name = "public";
    ASSERT_TRUE(base_->UpsertManufacturer(m).ok());
    ASSERT_TRUE(base_->CreateUser(MakeUser("10000000001")).ok());
  }
  void TearDown() override {
    fault_.reset();
    base_.reset();
    std::filesystem::remove_all(dir_);
  }
  static User MakeUser(const std::string& uid) {
    User u;
    u.uid = uid;
    u.email = uid + "@example.com";
    u.password_hash = "h0";
    return u;
  }
  std::string Dump() const { return DumpDatabase(dir_ + "/k.db"); }

  std::string dir_;
  std::unique_ptr<Store> base_;
  std::unique_ptr<FaultStore> fault_;
};

TEST_F(FaultStoreTest, ForwardsEveryCallWhileDisarmed) {
  ASSERT_TRUE(fault_->CreateUser(MakeUser("10000000002")).ok());
  auto got = base_->GetUser("10000000002");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->email, "10000000002@example.com");
  EXPECT_TRUE(fault_->GetUser("10000000001").ok());
  EXPECT_EQ(fault_->GetUser("nobody").status().kind(), StoreStatus::Kind::kNotFound);
  EXPECT_EQ(fault_->SchemaVersion(), base_->SchemaVersion());
  EXPECT_EQ(fault_->injected(), 0);
  EXPECT_EQ(fault_->write_log(), std::vector<std::string>{"CreateUser"});
}

TEST_F(FaultStoreTest, ANamedMethodFailsAfterItsSkipAndTouchesNothing) {
  fault_->FailCalls("UpdateUserPassword", 1);
  EXPECT_TRUE(fault_->UpdateUserPassword("10000000001", "h1").ok());  // skipped
  std::string before = Dump();
  StoreStatus s = fault_->UpdateUserPassword("10000000001", "h2");
  EXPECT_EQ(s.kind(), StoreStatus::Kind::kFailed);
  EXPECT_EQ(s.detail(), "injected: UpdateUserPassword");
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(base_->GetUser("10000000001")->password_hash, "h1");
  // Other methods, reads included, go through.
  EXPECT_TRUE(fault_->UpdateUserProfile("10000000001", R"({"age":3})").ok());
  EXPECT_TRUE(fault_->GetUser("10000000001").ok());
  EXPECT_EQ(fault_->injected(), 1);
  fault_->Disarm();
  EXPECT_TRUE(fault_->UpdateUserPassword("10000000001", "h3").ok());
  EXPECT_EQ(base_->GetUser("10000000001")->password_hash, "h3");
}

TEST_F(FaultStoreTest, FailWritesFailsEveryWriteButNoRead) {
  fault_->FailWrites();
  EXPECT_FALSE(fault_->CreateUser(MakeUser("10000000002")).ok());
  EXPECT_FALSE(fault_->UpdateUserProfile("10000000001", "{}").ok());
  auto share = fault_->CreateShare(Share{});
  EXPECT_EQ(share.status().kind(), StoreStatus::Kind::kFailed);
  EXPECT_TRUE(fault_->GetUser("10000000001").ok());
  EXPECT_TRUE(fault_->ListProducts(std::nullopt).ok());
  EXPECT_EQ(fault_->injected(), 3);
  EXPECT_EQ(fault_->writes(), 3);
  EXPECT_EQ(base_->GetUser("10000000002").status().kind(), StoreStatus::Kind::kNotFound);
}

TEST_F(FaultStoreTest, WriteClassification) {
  for (const char* w :
       {"CreateUser", "UpdateUserPassword", "DeleteVerifyCode", "BindDevice", "UnbindDevice",
        "CreateShare", "DeleteShare", "SetReverseRequestStatus", "CreateFolder", "SetDeviceFolder",
        "DrawQuota", "AddTemplate", "SaveDeviceState", "RevokeUserRefreshTokens",
        "ReplaceDemoDevices", "CreateTask", "ClaimFiring", "FinishFiring"}) {
    EXPECT_TRUE(FaultStore::IsWrite(w)) << w;
    EXPECT_TRUE(FaultStore::IsMethod(w)) << w;
  }
  for (const char* r :
       {"GetUser", "FindShortCode", "ListFolderDevices", "CountNews", "QuotaRemaining",
        "IsLicenseIssued", "ListEnterpriseDevices", "ListFirings", "ScanActiveTasks"}) {
    EXPECT_FALSE(FaultStore::IsWrite(r)) << r;
    EXPECT_TRUE(FaultStore::IsMethod(r)) << r;
  }
  EXPECT_FALSE(FaultStore::IsMethod("InTransaction"));
  EXPECT_FALSE(FaultStore::IsMethod("UpdateUserPasword"));
  const auto& writes = FaultStore::WriteMethods();
  EXPECT_TRUE(std::is_sorted(writes.begin(), writes.end()));
  EXPECT_EQ(writes.size(), 61u);
}

// The body's second write fails and the body returns that failure: its first write is
// rolled back too — the SQLite file is byte-for-byte the same rows as before.
TEST_F(FaultStoreTest, AFailureInsideInTransactionRollsBackTheWholeTransaction) {
  std::string before = Dump();
  fault_->FailWrites(1);
  int calls = 0;
  StoreStatus s = fault_->InTransaction([&](Store& tx) -> StoreStatus {
    ++calls;
    if (StoreStatus a = tx.CreateUser(MakeUser("10000000002")); !a.ok()) return a;
    if (StoreStatus b = tx.UpdateUserPassword("10000000001", "h9"); !b.ok()) return b;
    return {};
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.kind(), StoreStatus::Kind::kFailed);
  EXPECT_EQ(s.detail(), "injected: UpdateUserPassword");
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(base_->GetUser("10000000002").status().kind(), StoreStatus::Kind::kNotFound);
  EXPECT_EQ(base_->GetUser("10000000001")->password_hash, "h0");
  EXPECT_EQ(fault_->write_log(), (std::vector<std::string>{"CreateUser", "UpdateUserPassword"}));

  // Disarmed, the same transaction commits both writes.
  fault_->Disarm();
  ASSERT_TRUE(fault_
                  ->InTransaction([&](Store& tx) -> StoreStatus {
                    if (StoreStatus a = tx.CreateUser(MakeUser("10000000002")); !a.ok()) {
                      return a;
                    }
                    return tx.UpdateUserPassword("10000000001", "h9");
                  })
                  .ok());
  EXPECT_TRUE(base_->GetUser("10000000002").ok());
  EXPECT_EQ(base_->GetUser("10000000001")->password_hash, "h9");
}

// The commit itself fails: every write the body made is undone.
TEST_F(FaultStoreTest, AFailedCommitRollsBackEverything) {
  std::string before = Dump();
  fault_->FailCalls("InTransaction");
  StoreStatus s = fault_->InTransaction([&](Store& tx) -> StoreStatus {
    if (StoreStatus a = tx.CreateUser(MakeUser("10000000002")); !a.ok()) return a;
    return tx.UpdateUserProfile("10000000001", R"({"age":4})");
  });
  EXPECT_EQ(s.kind(), StoreStatus::Kind::kFailed);
  EXPECT_EQ(s.detail(), "injected: InTransaction");
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(fault_->injected(), 1);
}

// A body that goes on after a failed call commits what did succeed: the store does not
// decide for the caller (store.h).
TEST_F(FaultStoreTest, ABodyThatIgnoresAFailureCommitsTheRest) {
  fault_->FailCalls("UpdateUserProfile");
  ASSERT_TRUE(fault_
                  ->InTransaction([&](Store& tx) -> StoreStatus {
                    if (StoreStatus a = tx.CreateUser(MakeUser("10000000002")); !a.ok()) {
                      return a;
                    }
                    // Ignored on purpose: this test shows what a careless body gets.
                    (void)tx.UpdateUserProfile("10000000001", R"({"age":5})");
                    return {};
                  })
                  .ok());
  EXPECT_TRUE(base_->GetUser("10000000002").ok());
  EXPECT_EQ(base_->GetUser("10000000001")->profile_json, "{}");
}

TEST_F(FaultStoreTest, TransactionsStillDoNotNest) {
  StoreStatus s = fault_->InTransaction([&](Store& tx) -> StoreStatus {
    return tx.InTransaction([](Store&) { return StoreStatus(); });
  });
  EXPECT_EQ(s.kind(), StoreStatus::Kind::kFailed);
}

}  // namespace
}  // namespace krypton::storage
