// docs/api/openapi.yaml lists exactly the routes the server registers.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/thread_pool.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "bus/inproc_bus.h"
#include "http/routes/api.h"

namespace krypton::http {
namespace {

TEST(OpenApiTest, DocumentMatchesTheRouter) {
  std::string tmpl = ::testing::TempDir() + "krypton_openapi_XXXXXX";
  std::string dir = mkdtemp(tmpl.data());
  auto store = storage::OpenStore({dir + "/k.db", 1000});
  ASSERT_TRUE(store.ok());
  config::Config config;
  auto jwt = auth::JwtCodec::FromKey("HS256", std::string(64, 'k'));
  ASSERT_TRUE(jwt.ok());
  auth::Mailer mailer(dir + "/outbox.jsonl");
  auth::RateLimiter limiter;
  boost::asio::thread_pool blocking(1);
  auth::CaptchaStore captcha;
  bus::InprocBus bus;
  ApiContext ctx{**store, config, SystemClock::Instance(), **jwt, mailer, limiter, blocking,
                 captcha, bus};
  Router router;
  AddApiRoutes(router, ctx);
  std::set<std::string> routed;
  for (const std::string& r : router.Describe()) routed.insert(r);

  std::ifstream in(std::string(KRYPTON_SOURCE_DIR) + "/docs/api/openapi.yaml");
  ASSERT_TRUE(in);
  std::set<std::string> documented;
  std::string line, path;
  std::regex path_re(R"(^  (/\S*):\s*$)"),
      method_re(R"(^    (get|head|post|put|patch|delete):\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, path_re)) {
      path = m[1];
    } else if (std::regex_match(line, m, method_re) && !path.empty()) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + path);
    }
  }
  for (const auto& r : routed) EXPECT_TRUE(documented.count(r)) << r << " is not in openapi.yaml";
  for (const auto& d : documented)
    EXPECT_TRUE(routed.count(d)) << d << " is documented but not routed";
  blocking.join();
}

}  // namespace
}  // namespace krypton::http
