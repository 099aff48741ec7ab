// The enterprise access table (http/routes/ent_access.h, decision 0012): every routed
// /api/v1/enterprise/… route has exactly one entry, the same minimum role as
// docs/api/openapi.yaml's x-krypton-role, and the guard refuses a route without an entry
// — for every caller, the server key included — and an app user's token whatever its pid.
#include "http/routes/ent_access.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/thread_pool.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "bus/inproc_bus.h"
#include "common/secrets.h"
#include "http/routes/api.h"

namespace krypton::http {
namespace {

class EntAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "krypton_ent_access_XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    auto store = storage::OpenStore({dir_ + "/k.db", 1000});
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    auto jwt = auth::JwtCodec::FromKey("HS256", std::string(64, 'k'));
    ASSERT_TRUE(jwt.ok());
    jwt_ = std::move(jwt).value();
    mailer_ = std::make_unique<auth::Mailer>(dir_ + "/outbox.jsonl");
    ctx_ = std::make_unique<ApiContext>(ApiContext{*store_, config_, SystemClock::Instance(), *jwt_,
                                                   *mailer_, limiter_, blocking_, captcha_, bus_});
    AddApiRoutes(router_, *ctx_);
  }
  void TearDown() override { blocking_.join(); }

  // Manufacturer `pid` with server key `key`.
  void Manufacturer(const std::string& pid, const std::string& key) {
    storage::Manufacturer m;
    m.pid = pid;
    m.name = "E" + pid;
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    ASSERT_TRUE(store_->SetManufacturerServerKey(pid, Sha256Hex(key)).ok());
  }
  // An account of `pid` and a Bearer header of it.
  std::string Account(const std::string& uid, const std::string& pid) {
    storage::User u;
    u.uid = uid;
    u.pid = pid;
    u.email = uid + "@example.com";
    u.password_hash = "x";
    EXPECT_TRUE(store_->CreateUser(u).ok());
    auth::TokenClaims c;
    c.uid = uid;
    c.isolation = pid;
    c.exp = SystemClock::Instance().NowS() + 3600;
    return "Bearer " + jwt_->Sign(c);
  }
  Response Call(const std::string& method, const std::string& path, const std::string& auth,
                const std::string& pid_header = "") {
    Request r;
    r.method = method;
    r.path = path;
    r.headers.emplace_back("authorization", auth);
    if (!pid_header.empty()) r.headers.emplace_back("x-krypton-pid", pid_header);
    return router_.Route(r);
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  config::Config config_;
  std::unique_ptr<auth::JwtCodec> jwt_;
  std::unique_ptr<auth::Mailer> mailer_;
  auth::RateLimiter limiter_;
  boost::asio::thread_pool blocking_{1};
  auth::CaptchaStore captcha_;
  bus::InprocBus bus_;
  std::unique_ptr<ApiContext> ctx_;
  Router router_;
};

TEST_F(EntAccessTest, EveryEnterpriseRouteHasOneEntryAndEveryEntryARoute) {
  std::set<std::string> routed;
  for (const std::string& r : router_.Describe()) {
    std::string pattern = r.substr(r.find(' ') + 1);
    if (pattern.rfind(ent::kEnterprisePrefix, 0) != 0) continue;
    routed.insert(r);
    EXPECT_TRUE(ent::RequiredRole(r.substr(0, r.find(' ')), pattern).has_value())
        << r << " has no entry in the access table (http/routes/ent_access.cc)";
  }
  std::set<std::string> listed;
  for (const ent::AccessRule& rule : ent::AccessTable()) {
    std::string key = std::string(rule.method) + " " + std::string(rule.pattern);
    EXPECT_TRUE(listed.insert(key).second) << key << " is listed twice";
    EXPECT_TRUE(routed.count(key)) << key << " is in the access table but not routed";
  }
}

TEST_F(EntAccessTest, TableEqualsTheRolesDocumentedInOpenApi) {
  std::ifstream in(std::string(KRYPTON_SOURCE_DIR) + "/docs/api/openapi.yaml");
  ASSERT_TRUE(in);
  std::map<std::string, std::string> documented;
  std::string line, path, op;
  std::regex path_re(R"(^  (/\S*):\s*$)"),
      method_re(R"(^    (get|head|post|put|patch|delete):\s*$)"),
      role_re(R"(^      x-krypton-role:\s*(\w+)\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, path_re)) {
      path = m[1];
      op.clear();
    } else if (std::regex_match(line, m, method_re)) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      op = method + " " + path;
    } else if (std::regex_match(line, m, role_re) && !op.empty()) {
      documented[op] = m[1];
    }
  }
  for (const ent::AccessRule& rule : ent::AccessTable()) {
    std::string key = std::string(rule.method) + " " + std::string(rule.pattern);
    auto it = documented.find(key);
    ASSERT_NE(it, documented.end()) << key << " has no x-krypton-role in openapi.yaml";
    EXPECT_EQ(it->second, catalog::RoleName(rule.min_role)) << key;
  }
  for (const auto& [key, role] : documented) {
    EXPECT_TRUE(key.find(std::string(ent::kEnterprisePrefix)) != std::string::npos)
        << key << ": x-krypton-role outside the enterprise API";
  }
}

TEST_F(EntAccessTest, ARouteWithoutAnEntryIsRefusedEvenToTheServerKey) {
  Manufacturer("11111111111", "acme-key");
  bool ran = false;
  router_.Add("GET", "/api/v1/enterprise/unlisted", [&ran](const Request&) {
    ran = true;
    return Response::Json(200, "[]");
  });
  Response r = Call("GET", "/api/v1/enterprise/unlisted", "key=acme-key");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find(R"("code":6400016)"), std::string::npos) << r.body;
  EXPECT_FALSE(ran);
  // A listed route with the same key passes.
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/quota", "key=acme-key").status, 200);
}

TEST_F(EntAccessTest, MembershipNotPidDecides) {
  Manufacturer("11111111111", "acme-key");
  Manufacturer("22222222222", "beta-key");
  std::string app_user = Account("10000000001", "11111111111");
  std::string viewer = Account("10000000002", "11111111111");
  std::string both = Account("10000000003", "00000000000");
  auto put = [&](const std::string& pid, const std::string& uid, const std::string& role) {
    ASSERT_TRUE(store_->PutConsoleMember({pid, uid, role, 1}).ok());
  };
  put("11111111111", "10000000002", "VIEWER");
  put("11111111111", "10000000003", "ADMIN");
  put("22222222222", "10000000003", "DEVELOPER");

  Response app = Call("GET", "/api/v1/enterprise/quota", app_user);
  EXPECT_EQ(app.status, 401);
  EXPECT_NE(app.body.find(R"("code":3400015)"), std::string::npos) << app.body;
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/quota", viewer).status, 200);
  Response write = Call("PUT", "/api/v1/enterprise/demoDevices", viewer);
  EXPECT_EQ(write.status, 403);
  EXPECT_NE(write.body.find(R"("code":6400016,"desc":"Has no privilege do that")"),
            std::string::npos)
      << write.body;
  // Several enterprises: X-Krypton-Pid chooses; none → 8400002; another pid → 401.
  Response unnamed = Call("GET", "/api/v1/enterprise/quota", both);
  EXPECT_EQ(unnamed.status, 400);
  EXPECT_NE(unnamed.body.find(R"("code":8400002)"), std::string::npos) << unnamed.body;
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/member", both, "11111111111").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/member", both, "22222222222").status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/quota", both, "33333333333").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/quota", viewer, "22222222222").status, 401);
  // The server key acts for its own pid only.
  EXPECT_EQ(Call("GET", "/api/v1/enterprise/quota", "key=acme-key", "22222222222").status, 401);
}

}  // namespace
}  // namespace krypton::http
