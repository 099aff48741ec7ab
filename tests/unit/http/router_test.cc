#include <gtest/gtest.h>

#include "http/http.h"

namespace krypton::http {
namespace {

Request Req(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

TEST(RouterTest, MatchesLiteralAndParamSegments) {
  Router router;
  router.Add("GET", "/device", [](const Request&) { return Response::Json(200, "list"); });
  router.Add("GET", "/device/{devTid}",
             [](const Request& r) { return Response::Json(200, "one:" + r.params.at("devTid")); });
  Request a = Req("GET", "/device");
  EXPECT_EQ(router.Route(a).body, "list");
  Request b = Req("GET", "/device/ESP_2M_1");
  EXPECT_EQ(router.Route(b).body, "one:ESP_2M_1");
  Request c = Req("GET", "//device/ESP_2M_1/");
  EXPECT_EQ(router.Route(c).body, "one:ESP_2M_1");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  Router router;
  router.Add("GET", "/healthz", [](const Request&) { return Response::Json(200, "ok"); });
  Request a = Req("GET", "/nope");
  Response r = router.Route(a);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find(R"("code":5400000,"desc":"Error")"), std::string::npos);
  Request b = Req("DELETE", "/healthz");
  EXPECT_EQ(router.Route(b).status, 405);
}

TEST(RouterTest, TailSegmentTakesTheRestOfThePath) {
  Router router;
  router.Add("GET", "/h5page/{id}/{path...}", [](const Request& r) {
    return Response::Json(200, r.params.at("id") + "|" + r.params.at("path"));
  });
  Request a = Req("GET", "/h5page/abc/index.html");
  EXPECT_EQ(router.Route(a).body, "abc|index.html");
  Request b = Req("GET", "/h5page/abc/js//app%2Fx.js");  // empty segments skipped, raw kept
  EXPECT_EQ(router.Route(b).body, "abc|js/app%2Fx.js");
  Request c = Req("GET", "/h5page/abc/../../etc/passwd");  // the handler must refuse ".."
  EXPECT_EQ(router.Route(c).body, "abc|../../etc/passwd");
  Request d = Req("GET", "/h5page/abc");  // the tail needs at least one segment
  EXPECT_EQ(router.Route(d).status, 404);
  EXPECT_EQ(router.Describe(), std::vector<std::string>{"GET /h5page/{id}/{path...}"});
}

TEST(RouterTest, BodyLimitsPerRoute) {
  Router router;
  router.Add("GET", "/small", [](const Request&) { return Response::Json(200, ""); });
  router.Add("PUT", "/big/{id}", [](const Request&) { return Response::Json(200, ""); }, {5000});
  router.Add("PUT", "/tiny", [](const Request&) { return Response::Json(200, ""); }, {10});
  EXPECT_EQ(router.BodyLimit("PUT", "/big/x?version=2"), 5000u);
  EXPECT_EQ(router.BodyLimit("PUT", "/tiny"), 10u);
  EXPECT_EQ(router.BodyLimit("GET", "/big/x"), 0u);  // another method: the server's limit
  EXPECT_EQ(router.BodyLimit("GET", "/small"), 0u);
  EXPECT_EQ(router.BodyLimit("GET", "/nope"), 0u);
  EXPECT_EQ(router.LargestBodyLimit(), 5000u);
}

TEST(RouterTest, HeadersAndLanguage) {
  Request r = Req("GET", "/");
  r.headers = {{"accept-language", "zh-CN,zh;q=0.9,en;q=0.8"}, {"x-a", "1"}};
  EXPECT_TRUE(r.PrefersChinese());
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("x-b"), "");
  r.headers = {{"accept-language", "en-US,zh;q=0.5"}};
  EXPECT_FALSE(r.PrefersChinese());
}

}  // namespace
}  // namespace krypton::http

namespace krypton::http {
namespace {

TEST(RouterGuardTest, GuardRunsBeforeCoveredRoutesOnly) {
  Router router;
  router.Add("GET", "/open", [](const Request&) { return Response::Json(200, "open"); });
  router.Add("GET", "/closed/{id}", [](const Request& r) {
    return Response::Json(200, "closed:" + r.attributes.at("who"));
  });
  router.AddGuard("/closed/", [](Request& r) -> std::optional<Response> {
    if (r.Header("authorization") != "yes") return Response::Json(401, "no");
    r.attributes["who"] = r.route;
    return std::nullopt;
  });
  Request open = Req("GET", "/open");
  EXPECT_EQ(router.Route(open).body, "open");
  Request refused = Req("GET", "/closed/1");
  EXPECT_EQ(router.Route(refused).status, 401);
  Request admitted = Req("GET", "/closed/1");
  admitted.headers.emplace_back("authorization", "yes");
  admitted.attributes["who"] = "forged";  // never trusted from before routing
  EXPECT_EQ(router.Route(admitted).body, "closed:/closed/{id}");
  // Unmatched paths answer 404 without reaching the guard.
  Request missing = Req("GET", "/closed");
  EXPECT_EQ(router.Route(missing).status, 404);
}

TEST(RouterGuardTest, AsyncRoutesAreGuardedToo) {
  Router router;
  router.AddAsync("PUT", "/closed/x",
                  [](Request, Responder respond) { respond(Response::Json(200, "ran")); });
  router.AddGuard("/closed/",
                  [](Request&) -> std::optional<Response> { return Response::Json(403, "no"); });
  Response got;
  router.Dispatch(Req("PUT", "/closed/x"), [&](Response r) { got = std::move(r); });
  EXPECT_EQ(got.status, 403);
  EXPECT_EQ(got.body, "no");
}

}  // namespace
}  // namespace krypton::http
