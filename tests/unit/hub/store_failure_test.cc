// Storage failures on the device hub's write paths (issue 15 item 5): the hub runs in
// process over a storage::FaultStore decorating a SqliteStore; a device connects over
// real TCP. A failed write answers the action with 1500000 (kHubInternal, "Internal
// error") and leaves every table as it was. Only the wire and the Store are used, so the
// test holds whatever layer implements the action.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bus/inproc_bus.h"
#include "common/clock.h"
#include "common/secrets.h"
#include "config/config.h"
#include "db_dump.h"
#include "hub/hub.h"
#include "json_field.h"
#include "line_client.h"
#include "net/io_pool.h"
#include "storage/fault_store.h"

namespace krypton::hub {
namespace {

using krypton::testing::Field;
using krypton::testing::LineClient;

constexpr int64_t kT0 = 1'800'000'000'000;

using krypton::testing::DumpDatabase;

// The device hub over a fresh database: SqliteStore ← FaultStore ← HubContext.
class HubWorld {
 public:
  HubWorld() {
    EXPECT_TRUE(InitSecrets());
    std::string tmpl = ::testing::TempDir() + "krypton_hub_fault_XXXXXX";
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    dir_ = made ? made : "/nonexistent";
    auto opened = storage::OpenStore({dir_ + "/k.db", 1000});
    EXPECT_TRUE(opened.ok());
    if (!opened.ok()) return;
    base_ = std::move(opened).value();
    fault_ = std::make_unique<storage::FaultStore>(*base_);
    storage::Manufacturer m;
    m.pid = "00000000000";
    m.name = "Public";
    EXPECT_TRUE(base_->UpsertManufacturer(m).ok());
    storage::Product p;
    p.mid = "DEMOSOCKET01";
    p.pid = m.pid;
    p.name = "Socket";
    p.prod_key = "xxxxxx";
    p.product_public_key = "ppk";
    p.work_mode_type = "JSON_CTRL";
    EXPECT_TRUE(base_->CreateProduct(p).ok());
    std::string error;
    config::Sources sources;
    sources.overrides = {{"listen.address", "127.0.0.1"}, {"net.max_prelogin_per_ip", "0"}};
    EXPECT_TRUE(config::Load(sources, &config_, &error)) << error;
    pool_ = std::make_unique<net::IoPool>(1);
    codecs_ = std::make_unique<ProductCodecs>(*fault_, clock_, 0, 16, 1);
    ctx_.reset(new HubContext{.store = *fault_,
                              .config = config_,
                              .clock = clock_,
                              .bus = bus_,
                              .codecs = *codecs_,
                              .public_host = "127.0.0.1",
                              .public_device_port = 0,
                              .counters = {}});
    auto listener = OpenDeviceListener(*pool_, *ctx_, 0);
    EXPECT_TRUE(listener.ok());
    if (!listener.ok()) return;
    device_ = std::move(listener).value();
    device_->Start();
    pool_->Start();
  }
  ~HubWorld() {
    if (device_) {
      device_->Stop();
      device_->CloseSessions();
    }
    if (pool_) {
      pool_->Stop();
      pool_->Join();
    }
    device_.reset();
    ctx_.reset();
    codecs_.reset();
    fault_.reset();
    base_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool ok() const { return device_ != nullptr; }
  int port() const { return device_->port(); }
  storage::Store& base() { return *base_; }
  storage::FaultStore& fault() { return *fault_; }
  std::string Dump() const { return DumpDatabase(dir_ + "/k.db"); }

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> base_;
  std::unique_ptr<storage::FaultStore> fault_;
  config::Config config_;
  ManualClock clock_{kT0};
  bus::InprocBus bus_;
  std::unique_ptr<net::IoPool> pool_;
  std::unique_ptr<ProductCodecs> codecs_;
  std::unique_ptr<HubContext> ctx_;
  std::shared_ptr<net::Listener> device_;
};

constexpr const char* kLogin =
    R"({"msgId":"1","action":"devLogin","params":{"devTid":"HUBDEV1","prodKey":"xxxxxx","token":""}})";

// A first devLogin registers the device (PRODKEY self-registration) and stores its token:
// each of its writes, failing, answers 1500000 and registers nothing.
TEST(HubStoreFailureTest, DevLoginEveryWrite) {
  std::vector<std::string> writes;
  {
    HubWorld w;
    ASSERT_TRUE(w.ok());
    LineClient dev(w.port());
    w.fault().ClearLog();
    auto r = dev.Call(kLogin);
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(Field(*r, "/code"), "200") << *r;
    writes = w.fault().write_log();
    ASSERT_FALSE(writes.empty());
  }
  for (size_t k = 0; k < writes.size(); ++k) {
    SCOPED_TRACE("failing write #" + std::to_string(k) + " (" + writes[k] + ")");
    HubWorld w;
    ASSERT_TRUE(w.ok());
    std::string before = w.Dump();
    w.fault().ClearLog();
    w.fault().FailWrites(static_cast<int64_t>(k));
    LineClient dev(w.port());
    auto r = dev.Call(kLogin);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r,
              R"({"msgId":"1","action":"devLoginResp","code":1500000,"desc":"Internal error"})");
    EXPECT_EQ(w.fault().injected(), 1);
    EXPECT_EQ(w.Dump(), before) << "half-written after " << *r;
  }
}

TEST(HubStoreFailureTest, ReportDevInfo) {
  HubWorld w;
  ASSERT_TRUE(w.ok());
  LineClient dev(w.port());
  auto login = dev.Call(kLogin);
  ASSERT_TRUE(login.has_value());
  ASSERT_EQ(Field(*login, "/code"), "200") << *login;
  std::string before = w.Dump();
  w.fault().FailCalls("SaveDeviceInfo");
  auto r = dev.Call(
      R"({"msgId":"2","action":"reportDevInfo","params":{"devTid":"HUBDEV1","mid":"DEMOSOCKET01","workMode":1}})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(Field(*r, "/code"), "1500000") << *r;
  EXPECT_EQ(w.fault().injected(), 1);
  EXPECT_EQ(w.Dump(), before);
  EXPECT_EQ(w.base().GetDevice("HUBDEV1")->info_json, "{}");
}

}  // namespace
}  // namespace krypton::hub
