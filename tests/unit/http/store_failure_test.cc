// Storage failures on every write path of the HTTP API (issue 15 item 5). The routes run
// in-process over a storage::FaultStore decorating a SqliteStore in a temporary
// directory; each scenario is run once to count the writes it makes, then once per write
// with that write failing (FaultStore::FailWrites(k)), in a fresh database each time. The
// client must get 5500000 (HTTP 500, {"code":5500000,"desc":"Internal error",
// "timestamp":…} for the user API; the same code in the enterprise body or in the item's
// result for per-item answers), and every table of the database file must hold exactly
// the rows it held before the request: nothing half-written.
//
// The tests only use the wire (Request → Response) and the Store, so they hold whatever
// layer (routes, devices/, accounts/) implements the operation. Time is a ManualClock.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/password.h"
#include "bus/inproc_bus.h"
#include "common/clock.h"
#include "common/secrets.h"
#include "common/status.h"
#include "db_dump.h"
#include "http/routes/api.h"
#include "storage/fault_store.h"

namespace krypton::http {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;  // the ManualClock's start, epoch ms
constexpr const char* kPublic = "00000000000";
constexpr const char* kAlice = "10000000001";  // owns DEV1 (and FB1)
constexpr const char* kBob = "10000000002";
constexpr const char* kMid = "MIDPUBLIC001";       // PRODKEY product of the public pid
constexpr const char* kForceMid = "MIDFORCE0001";  // the same with forceBind
constexpr const char* kDraftMid = "MIDDRAFT0001";  // UNPUBLISHED: its template may change
constexpr const char* kServerKey = "public-server-key";
constexpr const char* kAlicePhone = "13800000001";
constexpr const char* kTemplate =
    R"({"workModeType":"JSON_TRANSPARENT","protocol":{)"
    R"("1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},)"
    R"("2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]}}})";

using krypton::testing::DumpDatabase;

// One API over a fresh database: SqliteStore ← FaultStore ← ApiContext ← Router.
class World {
 public:
  World() {
    std::string tmpl = ::testing::TempDir() + "krypton_store_failure_XXXXXX";
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    dir_ = made ? made : "/nonexistent";
    auto store = storage::OpenStore({dir_ + "/k.db", 1000});
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return;
    base_ = std::move(store).value();
    fault_ = std::make_unique<storage::FaultStore>(*base_);
    auto jwt = auth::JwtCodec::FromKey("HS256", std::string(64, 'k'));
    EXPECT_TRUE(jwt.ok());
    jwt_ = std::move(jwt).value();
    mailer_ = std::make_unique<auth::Mailer>(dir_ + "/outbox.jsonl");
    ctx_ = std::make_unique<ApiContext>(
        ApiContext{*fault_, config_, clock_, *jwt_, *mailer_, limiter_, blocking_, captcha_, bus_});
    AddApiRoutes(router_, *ctx_);
  }
  ~World() {
    blocking_.join();
    ctx_.reset();
    fault_.reset();
    base_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  bool ok() const { return base_ != nullptr; }
  storage::Store& base() { return *base_; }         // setup and checks: never faulty
  storage::FaultStore& fault() { return *fault_; }  // what the routes use
  ManualClock& clock() { return clock_; }
  std::string Dump() const { return DumpDatabase(dir_ + "/k.db"); }

  std::string Bearer(const std::string& uid) {
    auth::TokenClaims c;
    c.uid = uid;
    c.isolation = kPublic;
    c.exp = clock_.NowS() + 3600;
    return "Bearer " + jwt_->Sign(c);
  }

  // Any route, synchronous or not; waits for the answer (hashing runs on `blocking_`).
  Response Call(const std::string& method, const std::string& target, const std::string& auth,
                const std::string& body = "") {
    Request r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.body = body;
    r.remote_ip = "127.0.0.1";
    if (!auth.empty()) r.headers.emplace_back("authorization", auth);
    if (!body.empty()) r.headers.emplace_back("content-type", "application/json");
    auto promise = std::make_shared<std::promise<Response>>();
    std::future<Response> answer = promise->get_future();
    router_.Dispatch(std::move(r),
                     [promise](Response resp) { promise->set_value(std::move(resp)); });
    if (answer.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      ADD_FAILURE() << method << " " << target << ": no answer";
      return Response::Json(599, "no answer");
    }
    return answer.get();
  }

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> base_;
  std::unique_ptr<storage::FaultStore> fault_;
  config::Config config_;
  ManualClock clock_{kT0};
  std::unique_ptr<auth::JwtCodec> jwt_;
  std::unique_ptr<auth::Mailer> mailer_;
  auth::RateLimiter limiter_;
  boost::asio::thread_pool blocking_{1};
  auth::CaptchaStore captcha_;
  bus::InprocBus bus_;
  std::unique_ptr<ApiContext> ctx_;
  Router router_;
};

// The data every scenario starts from, written through the base store: the public
// manufacturer (server key kServerKey), three products, alice (phone, e-mail, password
// "oldpass1") owning DEV1 and FB1, bob, and DEV2 unbound.
void Seed(World& w) {
  storage::Store& s = w.base();
  storage::Manufacturer m;
  m.pid = kPublic;
  m.name = "Public";
  ASSERT_TRUE(s.UpsertManufacturer(m).ok());
  ASSERT_TRUE(s.SetManufacturerServerKey(kPublic, Sha256Hex(kServerKey)).ok());
  for (const char* mid : {kMid, kForceMid, kDraftMid}) {
    storage::Product p;
    p.mid = mid;
    p.pid = kPublic;
    p.name = mid;
    p.prod_key = std::string("pk-") + mid;
    p.product_public_key = std::string("ppk-") + mid;
    p.work_mode_type = "JSON_CTRL";
    p.force_bind = std::string(mid) == kForceMid;
    if (std::string(mid) == kDraftMid) {
      p.status = "UNPUBLISHED";
      p.work_mode_type = "JSON_TRANSPARENT";  // kTemplate's
    }
    p.created_at_ms = p.updated_at_ms = kT0;
    ASSERT_TRUE(s.CreateProduct(p).ok());
  }
  auto hash = auth::HashPassword("oldpass1");
  ASSERT_TRUE(hash.has_value());
  for (const char* uid : {kAlice, kBob}) {
    storage::User u;
    u.uid = uid;
    u.pid = kPublic;
    u.email = std::string(uid) + "@example.com";
    if (std::string(uid) == kAlice) u.phone = kAlicePhone;
    u.email_verified = true;
    u.password_hash = *hash;
    u.created_at_ms = kT0;
    ASSERT_TRUE(s.CreateUser(u).ok());
  }
  auto device = [&](const std::string& dev_tid, const std::string& mid, const std::string& owner) {
    storage::Device d;
    d.dev_tid = dev_tid;
    d.mid = mid;
    d.bind_key = "bk-" + dev_tid;
    d.ctrl_key = "ck-" + dev_tid;
    d.created_at_ms = kT0;
    ASSERT_TRUE(s.CreateDevice(d).ok());
    if (!owner.empty()) {
      ASSERT_TRUE(s.BindDevice(dev_tid, owner, kT0).ok());
    }
  };
  device("DEV1", kMid, kAlice);
  device("DEV2", kMid, "");
  device("FB1", kForceMid, kAlice);
}

// A verify code `code` for (pid, target, purpose), live for 10 minutes from now.
void PutCode(World& w, const std::string& pid, const std::string& target,
             const std::string& purpose, const std::string& code) {
  storage::VerifyCode c;
  c.pid = pid;
  c.target = target;
  c.purpose = purpose;
  c.code_hash = Sha256Hex(code);
  c.created_at_ms = w.clock().NowMs();
  c.expires_at_ms = c.created_at_ms + 10 * 60 * 1000;
  ASSERT_TRUE(w.base().PutVerifyCode(c).ok());
}

enum class Family {
  kUser,        // the whole answer is the user-API error body, HTTP 500
  kEnterprise,  // HTTP 500 and "code":5500000 in the enterprise error body
  kPerItem,     // HTTP 200 with the failed item's "code":5500000
};

struct Scenario {
  std::string name;
  // Extra setup beyond Seed, through w.base().
  std::function<void(World&)> setup = [](World&) {};
  std::function<Response(World&)> act;
  Family family = Family::kUser;
  // The spec's own code for a failed write of this operation, where it has one
  // (5400012 "Bind failed due to internal error", 5400009 "Modified user profile failed");
  // none = 5500000.
  std::optional<Code> spec_code = std::nullopt;
};

// The rows that differ between two dumps ("-" only before, "+" only after); "" = same.
std::string DumpDiff(const std::string& before, const std::string& after) {
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::string table;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string line = text.substr(start, end - start);
      start = end == std::string::npos ? text.size() : end + 1;
      if (!line.empty() && line[0] == '[')
        table = line;
      else
        out.push_back(table + " " + line);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<std::string> a = lines(before), b = lines(after), gone, added;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(gone));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(added));
  std::string diff;
  for (const std::string& l : gone) diff += "- " + l + "\n";
  for (const std::string& l : added) diff += "+ " + l + "\n";
  return diff;
}

std::string Describe(const Response& r) { return std::to_string(r.status) + " " + r.body; }

// Runs `sc` unarmed (it must succeed), then once per write it made with that write failing.
void ExpectEveryWriteFailureIsClean(const Scenario& sc) {
  SCOPED_TRACE(sc.name);
  std::vector<std::string> writes;
  {
    World w;
    ASSERT_TRUE(w.ok());
    Seed(w);
    sc.setup(w);
    w.fault().ClearLog();
    Response r = sc.act(w);
    ASSERT_LT(r.status, 300) << "unarmed run failed: " << Describe(r);
    writes = w.fault().write_log();
    ASSERT_FALSE(writes.empty()) << "the operation wrote nothing";
  }
  for (size_t k = 0; k < writes.size(); ++k) {
    SCOPED_TRACE("failing write #" + std::to_string(k) + " (" + writes[k] + ") of " +
                 std::to_string(writes.size()));
    World w;
    ASSERT_TRUE(w.ok());
    Seed(w);
    sc.setup(w);
    std::string before = w.Dump();
    w.fault().ClearLog();
    w.fault().FailWrites(static_cast<int64_t>(k));
    Response r = sc.act(w);
    EXPECT_EQ(w.fault().injected(), 1) << "the write did not happen again: " << Describe(r);
    switch (sc.family) {
      case Family::kUser:
        if (sc.spec_code) {
          Status want(*sc.spec_code);
          EXPECT_EQ(r.body, R"({"code":)" + std::to_string(want.number()) + R"(,"desc":")" +
                                want.Message() + R"(","timestamp":)" +
                                std::to_string(w.clock().NowMs()) + "}");
          break;
        }
        EXPECT_EQ(r.status, 500) << r.body;
        EXPECT_EQ(r.body, R"({"code":5500000,"desc":"Internal error","timestamp":)" +
                              std::to_string(w.clock().NowMs()) + "}");
        break;
      case Family::kEnterprise:
        EXPECT_EQ(r.status, 500) << r.body;
        EXPECT_NE(r.body.find(R"("code":5500000)"), std::string::npos) << r.body;
        break;
      case Family::kPerItem:
        EXPECT_NE(r.body.find(R"("code":5500000)"), std::string::npos) << Describe(r);
        break;
    }
    EXPECT_EQ(DumpDiff(before, w.Dump()), "") << "half-written after " << Describe(r);
  }
}

// ---- Accounts ------------------------------------------------------------------------

TEST(StoreFailureTest, Register) {
  ExpectEveryWriteFailureIsClean(
      {"POST /register", [](World& w) { PutCode(w, kPublic, "13900000009", "register", "246810"); },
       [](World& w) {
         return w.Call("POST", "/register", "",
                       R"({"phoneNumber":"13900000009","password":"secret1","code":"246810"})");
       }});
}

TEST(StoreFailureTest, ResetPasswordByCode) {
  ExpectEveryWriteFailureIsClean(
      {"POST /resetPassword",
       [](World& w) { PutCode(w, kPublic, kAlicePhone, "resetPassword", "135790"); },
       [](World& w) {
         return w.Call(
             "POST", "/resetPassword", "",
             R"({"phoneNumber":"13800000001","password":"newpass1","verifyCode":"135790"})");
       }});
}

// The e-mailed link's token is "<uid>.<secret>", stored like a verify code of pid "".
TEST(StoreFailureTest, ResetPasswordByEmailLink) {
  ExpectEveryWriteFailureIsClean(
      {"POST /resetPassword?type=email",
       [](World& w) { PutCode(w, "", kAlice, "resetPasswordEmail", "s3cret"); },
       [](World& w) {
         return w.Call("POST", "/resetPassword?type=email", "",
                       R"({"token":"10000000001.s3cret","password":"newpass1"})");
       }});
}

// The defect named by issue 15: this route answered 200 when UpdateUserPassword failed.
TEST(StoreFailureTest, ResetByEmailLinkAnswers5500000WhenThePasswordIsNotStored) {
  World w;
  ASSERT_TRUE(w.ok());
  Seed(w);
  PutCode(w, "", kAlice, "resetPasswordEmail", "s3cret");
  std::string hash_before = w.base().GetUser(kAlice)->password_hash;
  w.fault().FailCalls("UpdateUserPassword");
  Response r = w.Call("POST", "/resetPassword?type=email", "",
                      R"({"token":"10000000001.s3cret","password":"newpass1"})");
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(r.body,
            R"({"code":5500000,"desc":"Internal error","timestamp":)" + std::to_string(kT0) + "}");
  EXPECT_EQ(w.fault().injected(), 1);
  auto user = w.base().GetUser(kAlice);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->password_hash, hash_before);
  EXPECT_EQ(user->token_epoch, 0);
}

TEST(StoreFailureTest, ChangePassword) {
  ExpectEveryWriteFailureIsClean({"POST /changePassword", [](World&) {},
                                  [](World& w) {
                                    return w.Call(
                                        "POST", "/changePassword", w.Bearer(kAlice),
                                        R"({"oldPassword":"oldpass1","newPassword":"newpass1"})");
                                  }});
}

TEST(StoreFailureTest, ProfileUpdate) {
  ExpectEveryWriteFailureIsClean({"PUT /user/profile", [](World&) {},
                                  [](World& w) {
                                    return w.Call("PUT", "/user/profile", w.Bearer(kAlice),
                                                  R"({"firstName":"Al","age":30})");
                                  },
                                  Family::kUser, Code::kUserProfileModifyFailed});
}

// ManualClock: a verify code is refused once its 10 minutes are over, and nothing is
// written (the code is kept: expiry is checked, not consumed).
TEST(StoreFailureTest, AnExpiredVerifyCodeRegistersNothing) {
  World w;
  ASSERT_TRUE(w.ok());
  Seed(w);
  PutCode(w, kPublic, "13900000009", "register", "246810");
  w.clock().AdvanceMs(10 * 60 * 1000);
  std::string before = w.Dump();
  w.fault().ClearLog();
  Response r = w.Call("POST", "/register", "",
                      R"({"phoneNumber":"13900000009","password":"secret1","code":"246810"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body, R"({"code":)" + std::to_string(Status(Code::kUaaVerifyCodeExpired).number()) +
                        R"(,"desc":")" +
                        std::string(Status(Code::kUaaVerifyCodeExpired).Message()) +
                        R"(","timestamp":)" + std::to_string(kT0 + 10 * 60 * 1000) + "}");
  EXPECT_EQ(w.fault().writes(), 0);
  EXPECT_EQ(DumpDiff(before, w.Dump()), "");
  // One millisecond earlier it was still good.
  World w2;
  ASSERT_TRUE(w2.ok());
  Seed(w2);
  PutCode(w2, kPublic, "13900000009", "register", "246810");
  w2.clock().AdvanceMs(10 * 60 * 1000 - 1);
  Response ok = w2.Call("POST", "/register", "",
                        R"({"phoneNumber":"13900000009","password":"secret1","code":"246810"})");
  EXPECT_EQ(ok.status, 200) << ok.body;
}

// ---- Devices ---------------------------------------------------------------------------

TEST(StoreFailureTest, QrBind) {
  ExpectEveryWriteFailureIsClean({"POST /device", [](World&) {},
                                  [](World& w) {
                                    return w.Call("POST", "/device", w.Bearer(kBob),
                                                  R"({"devTid":"DEV2","bindKey":"bk-DEV2",)"
                                                  R"("deviceName":"Lamp"})");
                                  },
                                  Family::kUser, Code::kUserBindInternalError});
}

// forceBind moves FB1 from alice to bob: unbind + bind must be one transaction.
TEST(StoreFailureTest, QrForceBind) {
  ExpectEveryWriteFailureIsClean({"POST /device (forceBind)", [](World&) {},
                                  [](World& w) {
                                    return w.Call("POST", "/device", w.Bearer(kBob),
                                                  R"({"devTid":"FB1","bindKey":"bk-FB1"})");
                                  },
                                  Family::kUser, Code::kUserBindInternalError});
}

TEST(StoreFailureTest, Unbind) {
  ExpectEveryWriteFailureIsClean(
      {"DELETE /device/DEV1", [](World&) {},
       [](World& w) { return w.Call("DELETE", "/device/DEV1", w.Bearer(kAlice)); }});
}

TEST(StoreFailureTest, RenameDevice) {
  ExpectEveryWriteFailureIsClean({"PATCH /device/DEV1", [](World&) {},
                                  [](World& w) {
                                    return w.Call("PATCH", "/device/DEV1", w.Bearer(kAlice),
                                                  R"({"deviceName":"Desk lamp"})");
                                  }});
}

// ---- Sharing and folders ---------------------------------------------------------------

TEST(StoreFailureTest, ShareCreate) {
  ExpectEveryWriteFailureIsClean({"POST /authorization", [](World&) {},
                                  [](World& w) {
                                    return w.Call(
                                        "POST", "/authorization", w.Bearer(kAlice),
                                        R"({"ctrlKey":["ck-DEV1"],"grantee":"10000000002"})");
                                  },
                                  Family::kPerItem});
}

void ShareDev1WithBob(World& w) {
  storage::Share s;
  s.dev_tid = "DEV1";
  s.grantor = kAlice;
  s.grantee = kBob;
  s.grant_time_ms = s.update_time_ms = kT0;
  ASSERT_TRUE(w.base().CreateShare(s).ok());
}

TEST(StoreFailureTest, ShareDelete) {
  ExpectEveryWriteFailureIsClean({"DELETE /authorization", ShareDev1WithBob, [](World& w) {
                                    return w.Call("DELETE",
                                                  "/authorization?devTid=DEV1&grantee=10000000002",
                                                  w.Bearer(kAlice));
                                  }});
}

TEST(StoreFailureTest, ReverseShareAgree) {
  ExpectEveryWriteFailureIsClean(
      {"POST /authorization/reverse",
       [](World& w) {
         storage::ReverseTemplate t;
         t.id = "TPL1";
         t.dev_tid = "DEV1";
         t.grantor = kAlice;
         t.params_json = R"({"mode":"ALL"})";
         t.created_at_ms = kT0;
         t.expires_at_ms = kT0 + 3600 * 1000;
         ASSERT_TRUE(w.base().CreateReverseTemplate(t).ok());
         storage::ReverseRequest q;
         q.register_id = "REG1";
         q.template_id = "TPL1";
         q.dev_tid = "DEV1";
         q.grantor = kAlice;
         q.grantee = kBob;
         q.params_json = t.params_json;
         q.created_at_ms = kT0;
         ASSERT_TRUE(w.base().CreateReverseRequest(q).ok());
       },
       [](World& w) {
         return w.Call("POST",
                       "/authorization/reverse?devTid=DEV1&ctrlKey=ck-DEV1&reverseRegisterId=REG1",
                       w.Bearer(kAlice));
       }});
}

TEST(StoreFailureTest, FolderCreate) {
  ExpectEveryWriteFailureIsClean({"POST /folder", [](World&) {},
                                  [](World& w) {
                                    return w.Call("POST", "/folder", w.Bearer(kAlice),
                                                  R"({"folderName":"Kitchen"})");
                                  }});
}

TEST(StoreFailureTest, FolderMove) {
  ExpectEveryWriteFailureIsClean({"POST /folder/F1",
                                  [](World& w) {
                                    storage::Folder f;
                                    f.folder_id = "F1";
                                    f.uid = kAlice;
                                    f.name = "Kitchen";
                                    f.created_at_ms = kT0;
                                    ASSERT_TRUE(w.base().CreateFolder(f).ok());
                                  },
                                  [](World& w) {
                                    return w.Call("POST", "/folder/F1", w.Bearer(kAlice),
                                                  R"({"devTid":"DEV1","ctrlKey":"ck-DEV1"})");
                                  }});
}

// ---- Enterprise ------------------------------------------------------------------------

TEST(StoreFailureTest, EnterpriseProductCreate) {
  ExpectEveryWriteFailureIsClean(
      {"POST /api/v1/enterprise/product", [](World&) {},
       [](World& w) {
         return w.Call("POST", "/api/v1/enterprise/product", std::string("key=") + kServerKey,
                       R"({"name":"Lamp","workModeType":"JSON_CTRL","model":"L1",)"
                       R"("displayName":{"en_US":"Lamp"}})");
       },
       Family::kEnterprise});
}

TEST(StoreFailureTest, EnterpriseTemplateUpload) {
  ExpectEveryWriteFailureIsClean(
      {"PUT /api/v1/enterprise/product/{mid}/protocolTemplate", [](World&) {},
       [](World& w) {
         return w.Call("PUT",
                       std::string("/api/v1/enterprise/product/") + kDraftMid + "/protocolTemplate",
                       std::string("key=") + kServerKey, kTemplate);
       },
       Family::kEnterprise});
}

TEST(StoreFailureTest, EnterpriseDeviceImport) {
  ExpectEveryWriteFailureIsClean(
      {"POST /api/v1/enterprise/product/{mid}/device/import",
       [](World& w) {
         storage::Quota q;
         q.pid = kPublic;
         q.mid = "*";
         q.kind = "DEVICE";
         q.total = storage::Quota::kUnlimited;
         ASSERT_TRUE(w.base().SetQuota(q).ok());
       },
       [](World& w) {
         return w.Call("POST", std::string("/api/v1/enterprise/product/") + kMid + "/device/import",
                       std::string("key=") + kServerKey, R"({"devTids":["IMP1","IMP2"]})");
       },
       Family::kEnterprise});
}

// ---- Scheduler tasks (issue 16) --------------------------------------------------------

void PutTask(World& w) {
  storage::SchedulerTask t;
  t.uid = kAlice;
  t.dev_tid = "DEV1";
  t.ctrl_key = "ck-DEV1";
  t.code_json = R"({"cmdId":2,"power":1})";
  t.scheduler_type = "GENERIC";
  t.cron_expr = "0 0 7 * * ?";
  t.created_at_ms = t.updated_at_ms = kT0;
  ASSERT_TRUE(w.base().CreateTask(t).ok());
}

TEST(StoreFailureTest, SchedulerTaskCreate) {
  ExpectEveryWriteFailureIsClean(
      {"POST /rule/schedulerTask", PutTask, [](World& w) {
         return w.Call(
             "POST", "/rule/schedulerTask", w.Bearer(kAlice),
             R"({"devTid":"DEV1","ctrlKey":"ck-DEV1","schedulerType":"LOOP",)"
             R"("triggerTime":"08:00:00","repeatList":["MON"],"code":{"cmdId":2,"power":0}})");
       }});
}

TEST(StoreFailureTest, SchedulerTaskUpdate) {
  ExpectEveryWriteFailureIsClean(
      {"PUT /rule/schedulerTask?taskId=0", PutTask, [](World& w) {
         return w.Call("PUT", "/rule/schedulerTask?taskId=0&devTid=DEV1&ctrlKey=ck-DEV1",
                       w.Bearer(kAlice), R"({"enable":false})");
       }});
}

TEST(StoreFailureTest, SchedulerTaskDeleteAll) {
  ExpectEveryWriteFailureIsClean({"DELETE /rule/schedulerTask",
                                  [](World& w) {
                                    PutTask(w);
                                    storage::SchedulerTask t;
                                    t.uid = kAlice;
                                    t.dev_tid = "DEV1";
                                    t.task_id = 1;
                                    t.code_json = "{}";
                                    t.scheduler_type = "GENERIC";
                                    t.cron_expr = "0 0 9 * * ?";
                                    ASSERT_TRUE(w.base().CreateTask(t).ok());
                                  },
                                  [](World& w) {
                                    return w.Call("DELETE",
                                                  "/rule/schedulerTask?devTid=DEV1&ctrlKey=ck-DEV1",
                                                  w.Bearer(kAlice));
                                  }});
}

}  // namespace
}  // namespace krypton::http
