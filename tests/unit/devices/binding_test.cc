#include "devices/binding.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <vector>

#include "bus/inproc_bus.h"
#include "common/identifiers.h"
#include "config/config.h"

namespace krypton::devices {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kOther = "22222222222";

// Records every change event, synchronously on the publisher's thread.
class Recorder final : public bus::Subscriber {
 public:
  void OnReport(const bus::DeviceReport&) override {}
  void OnPresence(const bus::PresenceEvent&) override {}
  void OnChange(const bus::ChangeEvent& event) override { events.push_back(event); }
  std::vector<bus::ChangeEvent> events;
};

class BindingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/krypton-binding-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto opened = storage::OpenStore({dir_ + "/krypton.db", 1000});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    env_ = std::make_unique<Env>(Env{*store_, bus_, config_});
    bus_.Subscribe(&recorder_);
    for (const char* pid : {kAcme, kOther}) {
      storage::Manufacturer m;
      m.pid = pid;
      m.name = pid;
      ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    }
    Product("FORCE0000001", true, "PUBLISHED");
    Product("NOFORCE00001", false, "PUBLISHED");
    Product("STOPPED00001", true, "DISCONTINUED");
    for (const char* uid : {"10000000001", "10000000002", "10000000003"}) {
      storage::User u;
      u.uid = uid;
      u.pid = std::string(kPublicPid);
      u.email = std::string(uid) + "@example.com";
      u.password_hash = "x";
      ASSERT_TRUE(store_->CreateUser(u).ok());
    }
  }
  void TearDown() override {
    bus_.Unsubscribe(&recorder_);
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Product(const std::string& mid, bool force_bind, const std::string& status) {
    storage::Product p;
    p.mid = mid;
    p.pid = kAcme;
    p.name = mid;
    p.prod_key = "pk" + mid;
    p.product_public_key = "ppk" + mid;
    p.work_mode_type = "JSON_CTRL";
    p.force_bind = force_bind;
    p.status = status;
    ASSERT_TRUE(store_->CreateProduct(p).ok());
  }
  // A device of `mid` that has logged in, owned by `owner` ("" = nobody).
  void Device(const std::string& dev_tid, const std::string& mid, const std::string& owner,
              bool logged_in = true) {
    storage::Device d;
    d.dev_tid = dev_tid;
    d.mid = mid;
    d.bind_key = "bind-" + dev_tid;
    d.ctrl_key = "ctrl-" + dev_tid;
    d.registered = true;
    d.first_login_ms = logged_in ? 1 : 0;
    ASSERT_TRUE(store_->CreateDevice(d).ok());
    if (!owner.empty()) {
      ASSERT_TRUE(store_->BindDevice(dev_tid, owner, 1).ok());
    }
  }
  void Share(const std::string& dev_tid, const std::string& grantor, const std::string& grantee) {
    storage::Share s;
    s.dev_tid = dev_tid;
    s.grantor = grantor;
    s.grantee = grantee;
    ASSERT_TRUE(store_->CreateShare(s).ok());
  }
  storage::Device Get(const std::string& dev_tid) {
    auto d = store_->GetDevice(dev_tid);
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : storage::Device{};
  }
  size_t Shares(const std::string& dev_tid) {
    auto s = store_->ListSharesByDevice(dev_tid);
    EXPECT_TRUE(s.ok());
    return s.ok() ? s->size() : 0;
  }
  // A refused bind: the code, and neither the device, its shares nor the bus changed.
  void ExpectRefused(const Caller& caller, const std::string& dev_tid, Code code) {
    storage::Device before = Get(dev_tid);
    size_t shares = Shares(dev_tid);
    recorder_.events.clear();
    auto r = Bind(*env_, caller, dev_tid, "New name", 5);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    storage::Device after = Get(dev_tid);
    EXPECT_EQ(after.owner_uid, before.owner_uid);
    EXPECT_EQ(after.ctrl_key, before.ctrl_key);
    EXPECT_EQ(after.device_name, before.device_name);
    EXPECT_EQ(after.bound_at_ms, before.bound_at_ms);
    EXPECT_EQ(Shares(dev_tid), shares);
    EXPECT_TRUE(recorder_.events.empty());
  }

  const Caller a_{"10000000001", std::string(kPublicPid)};
  const Caller b_{"10000000002", std::string(kPublicPid)};
  const std::string c_uid_ = "10000000003";
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  bus::InprocBus bus_;
  config::Config config_;
  std::unique_ptr<Env> env_;
  Recorder recorder_;
};

TEST_F(BindingTest, ABindPublishesAccessAndAForceBindMovesTheDeviceInOneStep) {
  Device("D1", "FORCE0000001", "");
  auto bound = Bind(*env_, a_, "D1", "Lamp", 10);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->owner_uid, a_.uid);
  EXPECT_EQ(bound->device_name, "Lamp");
  EXPECT_EQ(bound->ctrl_key, "ctrl-D1");  // an unowned device keeps its ctrlKey
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].kind, bus::ChangeEvent::Kind::kAccess);
  EXPECT_EQ(recorder_.events[0].key, "D1");

  Share("D1", a_.uid, c_uid_);
  recorder_.events.clear();
  auto taken = Bind(*env_, b_, "D1", "", 20);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->owner_uid, b_.uid);
  EXPECT_EQ(taken->bound_at_ms, 20);
  EXPECT_NE(taken->ctrl_key, "ctrl-D1");
  EXPECT_EQ(taken->device_name, "Lamp");
  storage::Device stored = Get("D1");
  EXPECT_EQ(stored.owner_uid, b_.uid);
  EXPECT_EQ(stored.ctrl_key, taken->ctrl_key);
  EXPECT_EQ(Shares("D1"), 0u);  // A's shares went with the old owner
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].kind, bus::ChangeEvent::Kind::kAccess);
  EXPECT_EQ(recorder_.events[0].key, "D1");
}

TEST_F(BindingTest, ARefusedBindWritesAndPublishesNothing) {
  Device("NEVER", "FORCE0000001", "", /*logged_in=*/false);
  ExpectRefused(b_, "NEVER", Code::kUserDeviceNeverLoggedIn);
  Device("STOP", "STOPPED00001", a_.uid);
  Share("STOP", a_.uid, c_uid_);
  ExpectRefused(b_, "STOP", Code::kUserDeviceBadStatus);  // even with forceBind
  ExpectRefused(a_, "STOP", Code::kUserDeviceBadStatus);
  Device("KEEP", "NOFORCE00001", a_.uid);
  Share("KEEP", a_.uid, c_uid_);
  ExpectRefused(b_, "KEEP", Code::kUserForceBindForbidden);
  ExpectRefused(a_, "KEEP", Code::kUserBindRepeat);
  ExpectRefused(Caller{b_.uid, kOther}, "KEEP", Code::kUserBindOtherManufacturer);
  Device("FREE", "FORCE0000001", "");
  ExpectRefused(Caller{b_.uid, kOther}, "FREE", Code::kUserBindOtherManufacturer);
  recorder_.events.clear();
  EXPECT_EQ(Bind(*env_, b_, "NOPE", "", 3).status().code(), Code::kUserBindInternalError);
  EXPECT_TRUE(recorder_.events.empty());
  // The enterprise's own users may bind its devices.
  EXPECT_TRUE(Bind(*env_, Caller{b_.uid, kAcme}, "FREE", "", 3).ok());
}

TEST_F(BindingTest, UnbindRotatesAndPublishesRenameOnlyRenames) {
  Device("U1", "NOFORCE00001", a_.uid);
  Share("U1", a_.uid, c_uid_);
  const Caller c{c_uid_, std::string(kPublicPid)};
  EXPECT_EQ(Unbind(*env_, b_, "U1", "", 5).code(), Code::kUserDeviceNotOwned);
  EXPECT_EQ(Unbind(*env_, c, "U1", "", 5).code(), Code::kUserDeviceBoundByOther);
  EXPECT_EQ(Unbind(*env_, a_, "U1", "wrong", 5).code(), Code::kUserDeviceNotOwned);
  EXPECT_EQ(Unbind(*env_, a_, "NOPE", "", 5).code(), Code::kUserDeviceNotExist);
  EXPECT_EQ(Rename(*env_, a_, "U1", "", "", 5), Status(Code::kUserInvalidParam, "deviceName"));
  EXPECT_EQ(Rename(*env_, a_, "U1", "x", "wrong", 5).code(), Code::kUserDeviceNotOwned);
  EXPECT_EQ(Rename(*env_, c, "U1", "x", "", 5).code(), Code::kUserDeviceBoundByOther);
  EXPECT_EQ(Get("U1").owner_uid, a_.uid);
  EXPECT_EQ(Get("U1").device_name, "");
  EXPECT_EQ(Shares("U1"), 1u);
  EXPECT_TRUE(recorder_.events.empty());

  EXPECT_TRUE(Rename(*env_, a_, "U1", "Desk", "ctrl-U1", 5).ok());
  EXPECT_EQ(Get("U1").device_name, "Desk");
  EXPECT_TRUE(recorder_.events.empty());  // a name changes nobody's access

  ASSERT_TRUE(Unbind(*env_, a_, "U1", "bind-U1", 6).ok());
  storage::Device d = Get("U1");
  EXPECT_EQ(d.owner_uid, "");
  EXPECT_NE(d.ctrl_key, "ctrl-U1");
  EXPECT_EQ(Shares("U1"), 0u);
  ASSERT_EQ(recorder_.events.size(), 1u);
  EXPECT_EQ(recorder_.events[0].kind, bus::ChangeEvent::Kind::kAccess);
  EXPECT_EQ(recorder_.events[0].key, "U1");
}

TEST(HubCodeOfBindTest, OneTable) {
  EXPECT_TRUE(HubCodeOfBind(Status()).ok());
  EXPECT_TRUE(HubCodeOfBind(Status(Code::kUserBindRepeat)).ok());
  EXPECT_EQ(HubCodeOfBind(Status(Code::kUserBindOtherManufacturer)).code(),
            Code::kHubBindOtherManufacturer);
  EXPECT_EQ(HubCodeOfBind(Status(Code::kUserForceBindForbidden)).code(),
            Code::kHubForceBindForbidden);
  EXPECT_EQ(HubCodeOfBind(Status(Code::kUserDeviceBadStatus)).code(), Code::kHubDeviceNotFound);
  EXPECT_EQ(HubCodeOfBind(Status(Code::kUserDeviceNeverLoggedIn)).code(),
            Code::kHubDeviceNotLoggedIn);
  EXPECT_EQ(HubCodeOfBind(Status(Code::kUserBindInternalError)).code(), Code::kHubInternal);
  EXPECT_TRUE(IsRecordedBindOutcome(Status(Code::kUserDeviceBadStatus)));
  EXPECT_FALSE(IsRecordedBindOutcome(Status(Code::kUserBindInternalError)));
  EXPECT_FALSE(IsRecordedBindOutcome(Status(Code::kUserInternal)));
}

}  // namespace
}  // namespace krypton::devices
