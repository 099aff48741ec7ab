#include "devices/sharing.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "bus/inproc_bus.h"
#include "devices/folders.h"
#include "devices/reverse.h"

namespace krypton::devices {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "krypton_devices_XXXXXX";
    char* made = mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Records every change event.
class Recorder final : public bus::Subscriber {
 public:
  void OnReport(const bus::DeviceReport&) override {}
  void OnPresence(const bus::PresenceEvent&) override {}
  void OnChange(const bus::ChangeEvent& e) override {
    std::lock_guard lock(mu_);
    events_.push_back(e);
  }
  std::vector<bus::ChangeEvent> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(events_, {});
  }

 private:
  std::mutex mu_;
  std::vector<bus::ChangeEvent> events_;
};

constexpr int64_t kNow = 1'700'000'000'000;

// Manufacturer 10000000001, product MID000000001 (maxDevShareNum 2), owner "1", users
// "2"…"5", device DEV1 of "1" with ctrlKey "ctrl-DEV1".
class SharingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::OpenStore({dir_.File("krypton.db"), 5000});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    storage::Manufacturer m;
    m.pid = "10000000001";
    m.name = "Acme";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    storage::Product p;
    p.mid = "MID000000001";
    p.pid = m.pid;
    p.name = "Lamp";
    p.prod_key = "prodkey";
    p.product_public_key = "ppk";
    p.work_mode_type = "JSON_CTRL";
    p.max_dev_share_num = 2;
    ASSERT_TRUE(store_->CreateProduct(p).ok());
    for (const char* uid : {"1", "2", "3", "4", "5"}) {
      storage::User u;
      u.uid = uid;
      u.pid = "00000000000";
      u.email = std::string("u") + uid + "@example.com";
      u.password_hash = "x";
      ASSERT_TRUE(store_->CreateUser(u).ok());
    }
    storage::Device d;
    d.dev_tid = "DEV1";
    d.mid = p.mid;
    d.bind_key = "bind-DEV1";
    d.ctrl_key = "ctrl-DEV1";
    d.owner_uid = "1";
    d.bound_at_ms = 1;
    ASSERT_TRUE(store_->CreateDevice(d).ok());
    bus_.Subscribe(&recorder_);
  }
  void TearDown() override { bus_.Unsubscribe(&recorder_); }

  Env env() { return Env{*store_, bus_, config_}; }
  int SharesOf(const std::string& dev_tid) {
    auto shares = store_->ListSharesByDevice(dev_tid);
    EXPECT_TRUE(shares.ok());
    return shares.ok() ? static_cast<int>(shares->size()) : -1;
  }

  TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  bus::InprocBus bus_;
  config::Config config_;
  Recorder recorder_;
  const Caller owner_{"1", "00000000000"};
  const DeviceRef dev1_{"DEV1", ""};
};

TEST(ShareLimitTest, TheProductsNumberElseTheConfiguredOne) {
  config::Config config;
  config.limits.shares_per_device = 7;
  EXPECT_EQ(ShareLimit(config, 3), 3);
  EXPECT_EQ(ShareLimit(config, 1000), 1000);
  EXPECT_EQ(ShareLimit(config, 0), 7);  // the product sets none
}

TEST_F(SharingTest, CreateAndDeletePublishAccessChangedAfterTheCommit) {
  Env e = env();
  auto made = CreateShare(e, owner_, dev1_, "2", ShareTerms{}, kNow);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->share.grantee, "2");
  EXPECT_EQ(made->ctrl_key, "ctrl-DEV1");
  EXPECT_EQ(made->grantee_name, "u2@example.com");
  auto events = recorder_.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, bus::ChangeEvent::Kind::kAccess);
  EXPECT_EQ(events[0].key, "DEV1");
  EXPECT_EQ(SharesOf("DEV1"), 1);

  ASSERT_TRUE(DeleteShares(e, owner_, dev1_, {"2"}, kNow).ok());
  events = recorder_.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, bus::ChangeEvent::Kind::kAccess);
  EXPECT_EQ(events[0].key, "DEV1");
  EXPECT_EQ(SharesOf("DEV1"), 0);
}

TEST_F(SharingTest, TheBatchPublishesOncePerSharedDevice) {
  Env e = env();
  auto results = CreateShares(e, owner_, {"ctrl-DEV1", "nosuchkey", ""}, "2", std::nullopt, kNow);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ((*results)[1].code(), Code::kUserDeviceNotExist);
  EXPECT_EQ((*results)[2].code(), Code::kUserDeviceNotExist);
  auto events = recorder_.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].key, "DEV1");
}

TEST_F(SharingTest, RefusedChecksWriteNothingAndPublishNothing) {
  Env e = env();
  // Not the owner; unknown grantee; to oneself; malformed terms; a PARTIAL instruction
  // of a product without template.
  EXPECT_EQ(CreateShare(e, {"2", "00000000000"}, dev1_, "3", {}, kNow).status().code(),
            Code::kUserOnlyOwnerCanAuthorize);
  EXPECT_EQ(CreateShare(e, owner_, dev1_, "99", {}, kNow).status().code(), Code::kUserNotExist);
  EXPECT_EQ(CreateShare(e, owner_, dev1_, "1", {}, kNow).status(),
            Status(Code::kUserInvalidParam, "grantee"));
  ShareTerms bad;
  bad.mode = "SOME";
  EXPECT_EQ(CreateShare(e, owner_, dev1_, "2", bad, kNow).status(),
            Status(Code::kUserInvalidParam, "mode"));
  ShareTerms partial;
  partial.mode = "PARTIAL";
  partial.instructions_json = R"({"setPower":0})";
  EXPECT_EQ(CreateShare(e, owner_, dev1_, "2", partial, kNow).status().code(),
            Code::kUserNoSuchInstruction);
  EXPECT_EQ(SharesOf("DEV1"), 0);
  EXPECT_TRUE(recorder_.Take().empty());

  // The product's limit (2): the third share is refused and not written.
  ASSERT_TRUE(CreateShare(e, owner_, dev1_, "2", {}, kNow).ok());
  ASSERT_TRUE(CreateShare(e, owner_, dev1_, "3", {}, kNow).ok());
  recorder_.Take();
  EXPECT_EQ(CreateShare(e, owner_, dev1_, "4", {}, kNow).status().code(), Code::kUserShareLimit);
  auto batch = CreateShares(e, owner_, {"ctrl-DEV1"}, "5", std::nullopt, kNow);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)[0].code(), Code::kUserShareLimit);
  EXPECT_EQ(SharesOf("DEV1"), 2);
  EXPECT_TRUE(recorder_.Take().empty());

  // A cancellation naming a grantee without a share deletes none of the named.
  EXPECT_EQ(DeleteShares(e, owner_, dev1_, {"2", "4"}, kNow).code(),
            Code::kUserAuthorizationNotExist);
  EXPECT_EQ(SharesOf("DEV1"), 2);
  EXPECT_TRUE(recorder_.Take().empty());
}

TEST_F(SharingTest, TheConfiguredLimitAppliesWhenTheProductSetsNone) {
  auto p = store_->GetProduct("MID000000001");
  ASSERT_TRUE(p.ok());
  p->max_dev_share_num = 0;
  ASSERT_TRUE(store_->UpdateProduct(*p).ok());
  config_.limits.shares_per_device = 1;
  Env e = env();
  ASSERT_TRUE(CreateShare(e, owner_, dev1_, "2", {}, kNow).ok());
  EXPECT_EQ(CreateShare(e, owner_, dev1_, "3", {}, kNow).status().code(), Code::kUserShareLimit);
  EXPECT_EQ(SharesOf("DEV1"), 1);
}

TEST_F(SharingTest, AnExpiredShareIsReplacedAndNotCounted) {
  Env e = env();
  ShareTerms brief;
  brief.expire_s = 10;
  ASSERT_TRUE(CreateShare(e, owner_, dev1_, "2", brief, kNow).ok());
  ASSERT_TRUE(CreateShare(e, owner_, dev1_, "3", brief, kNow).ok());
  const int64_t later = kNow + 11'000;
  auto again = CreateShare(e, owner_, dev1_, "2", {}, later);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->share.expire_at_ms, 0);
  auto listed = ListShares(e, owner_, dev1_, {}, later);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].share.grantee, "2");
}

TEST_F(SharingTest, ReverseApprovalCreatesTheShareAndPublishes) {
  Env e = env();
  auto t = CreateReverseTemplate(e, owner_, dev1_, "", {}, kNow);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto r = RegisterReverse(e, {"2", "00000000000"}, *t, kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(recorder_.Take().empty());  // pending: nothing shared yet
  EXPECT_EQ(SharesOf("DEV1"), 0);
  ASSERT_TRUE(ApproveReverse(e, owner_, dev1_, *r, kNow).ok());
  auto events = recorder_.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].key, "DEV1");
  EXPECT_EQ(SharesOf("DEV1"), 1);
  // Handled: a second approval is refused and writes nothing.
  EXPECT_EQ(ApproveReverse(e, owner_, dev1_, *r, kNow).code(),
            Code::kUserReverseAuthTemplateNotExist);
  EXPECT_TRUE(recorder_.Take().empty());
}

TEST_F(SharingTest, AFolderBatchChecksEachItemInOneTransaction) {
  Env e = env();
  config_.limits.devices_per_folder = 1;
  auto f = CreateFolder(e, owner_, "kitchen", kNow);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  FolderView after;
  auto results =
      FileDevices(e, owner_, f->folder.folder_id,
                  {{"DEV1", "wrong"}, {"DEV1", "ctrl-DEV1"}, {"NODEV", "x"}}, kNow, &after);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_EQ((*results)[0].code(), Code::kUserDeviceNotOwned);
  EXPECT_TRUE((*results)[1].ok());
  EXPECT_EQ((*results)[2].code(), Code::kUserDeviceNotExist);
  EXPECT_EQ(after.dev_tids, std::set<std::string>{"DEV1"});
  EXPECT_EQ(FileDevices(e, owner_, "nosuchfolder", {{"DEV1", "ctrl-DEV1"}}, kNow, nullptr)
                .status()
                .code(),
            Code::kUserFolderNotExist);
  EXPECT_TRUE(recorder_.Take().empty());  // folders change no one's access
}

}  // namespace
}  // namespace krypton::devices
