// Black-box: the enterprise product catalogue (enterprise-api.md §3.1.1, §3.2 E1–E10,
// E17, §4.3, §6; docs/decisions/0007-enterprise-products.md) on the real binary — both
// auth styles, owner/authorized/stranger permissions, the draft → published life cycle
// that freezes the template, H5 templates and bindings, the 48 encode/decode helpers,
// and a template stored through the API used by the hub at once.
#include <gtest/gtest.h>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";
constexpr const char* kGamma = "33333333333";

constexpr const char* kTemplate48 =
    R"({"workModeType":"JSON_TRANSPARENT","protocol":{)"
    R"("1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},)"
    R"("2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]}}})";

class EnterpriseProductsTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    for (const char* pid : {kAcme, kBeta, kGamma}) {
      admin_.CreateManufacturer(pid, std::string("Ent ") + pid);
    }
    acme_ = admin_.ServerKey(kAcme);
    beta_ = admin_.ServerKey(kBeta);
    gamma_ = admin_.ServerKey(kGamma);
    // Long caches: what the hub sees at once must come from invalidation.
    ASSERT_TRUE(Serve({"hub.access_cache_ms=60000"}));
    token_ = admin_.Token(uid_);
  }

  // Creates a product of the key's enterprise; returns its mid.
  std::string Create(const std::string& key, const std::string& body) {
    HttpResult r = api_.Ent(key, "POST", "/api/v1/enterprise/product", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return StringField(r.body, "/mid");
  }

  std::string uid_, token_, acme_, beta_, gamma_;
};

TEST_F(EnterpriseProductsTest, AuthenticationStylesAnd401) {
  HttpResult none = api_.Request("GET", "/api/v1/enterprise/product");
  ExpectApiError(none, 401, "3400015", "Invalid token");
  EXPECT_EQ(Field(none.body, "/status"), "401");
  ExpectApiError(api_.Ent("not-a-key", "GET", "/api/v1/enterprise/product"), 401, "3400015",
                 "Invalid token");
  ExpectApiError(api_.Ent("Bearer junk", "GET", "/api/v1/enterprise/product"), 401, "3400015",
                 "Invalid token");
  // A server key and a console Bearer (`admin demo` makes the demo user the ADMIN member
  // of the demo enterprise 00000000000, D28).
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/product").body, "[]");
  HttpResult demo = api_.Ent("Bearer " + token_, "GET", "/api/v1/enterprise/product");
  ASSERT_EQ(demo.status, 200) << demo.body;
  EXPECT_EQ(StringField(demo.body, "/0/products/0/mid"), "DEMOSOCKET01");
  EXPECT_EQ(StringField(demo.body, "/0/products/0/ownerPid"), "00000000000");
  EXPECT_EQ(Field(demo.body, "/0/products/0/authorized"), "false");
  EXPECT_EQ(StringField(demo.body, "/0/products/0/status"), "PUBLISHED");
}

TEST_F(EnterpriseProductsTest, CreateReadUpdateListDelete) {
  HttpResult c = api_.Ent(
      acme_, "POST", "/api/v1/enterprise/product",
      R"({"name":"Lamp","workModeType":"JSON_CTRL","productType":"GATEWAY",)"
      R"("displayName":{"zh_CN":"灯","en_US":"Lamp"},"model":"L1","forceBind":true,)"
      R"("deviceAuth":"AUTHKEY","category":{"id":"KUr1cijapr2cv844","name":{"en_US":"Light"}}})");
  ASSERT_EQ(c.status, 201) << c.body;
  std::string mid = StringField(c.body, "/mid");
  EXPECT_EQ(mid.size(), 12u);
  EXPECT_EQ(StringField(c.body, "/prodKey").size(), 32u);
  EXPECT_EQ(StringField(c.body, "/productPublicKey").size(), 32u);
  EXPECT_EQ(StringField(c.body, "/status"), "UNPUBLISHED");
  EXPECT_EQ(StringField(c.body, "/productType"), "GATEWAY");
  EXPECT_EQ(StringField(c.body, "/deviceAuth"), "AUTHKEY");
  EXPECT_EQ(Field(c.body, "/forceBind"), "true");
  EXPECT_EQ(Field(c.body, "/supportsScheduler"), "true");  // not given: the default
  EXPECT_EQ(StringField(c.body, "/bindType"), "WIFI");
  EXPECT_EQ(Field(c.body, "/accessWay"), R"(["WIFI"])");
  EXPECT_EQ(Field(c.body, "/templateVersion"), "null");
  EXPECT_EQ(Field(c.body, "/h5"), R"({"Android":null,"IOS":null})");

  HttpResult g = api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(StringField(g.body, "/displayName/zh_CN"), "灯");
  EXPECT_EQ(StringField(g.body, "/ownerPid"), kAcme);

  HttpResult list = api_.Ent(acme_, "GET", "/api/v1/enterprise/product");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(StringField(list.body, "/0/category/id"), "KUr1cijapr2cv844");
  EXPECT_EQ(StringField(list.body, "/0/products/0/mid"), mid);
  EXPECT_EQ(StringField(list.body, "/0/products/0/model"), "L1");

  // Update: given members only; validation as on create.
  EXPECT_EQ(api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid,
                     R"({"name":"Lamp 2","checkMode":"STRICT","workModeType":"JSON_TRANSPARENT"})")
                .status,
            204);
  g = api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid);
  EXPECT_EQ(StringField(g.body, "/name"), "Lamp 2");
  EXPECT_EQ(StringField(g.body, "/checkMode"), "STRICT");
  EXPECT_EQ(StringField(g.body, "/workModeType"), "JSON_TRANSPARENT");
  EXPECT_EQ(StringField(g.body, "/productType"), "GATEWAY");
  EXPECT_EQ(Field(g.body, "/supportsScheduler"), "true");

  // supportsScheduler: false → scheduler task writes on its devices answer 6400025.
  EXPECT_EQ(
      api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid, R"({"supportsScheduler":false})")
          .status,
      204);
  g = api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid);
  EXPECT_EQ(Field(g.body, "/supportsScheduler"), "false");
  EXPECT_EQ(StringField(g.body, "/name"), "Lamp 2");  // not given: unchanged
  ExpectApiError(
      api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid, R"({"supportsScheduler":"no"})"),
      400, "8400002", "Illegal argument: supportsScheduler must be true or false");
  EXPECT_EQ(
      Field(api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid).body, "/supportsScheduler"),
      "false");

  ExpectApiError(
      api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid, R"({"productType":"MESH"})"), 400,
      "8400002", "Illegal argument: productType must be INDEPENDENT, GATEWAY or SUB");
  ExpectApiError(api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid, "{not json"), 400,
                 "8400002", "Illegal argument: the body must be a JSON object");

  // Delete: 204, then unknown.
  EXPECT_EQ(api_.Ent(acme_, "DELETE", "/api/v1/enterprise/product/" + mid).status, 204);
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid), 400, "8400000",
                 "Product does not exist");
  ExpectApiError(api_.Ent(acme_, "DELETE", "/api/v1/enterprise/product/" + mid), 400, "8400000",
                 "Product does not exist");
}

TEST_F(EnterpriseProductsTest, CreateValidation) {
  auto post = [&](const std::string& body) {
    return api_.Ent(acme_, "POST", "/api/v1/enterprise/product", body);
  };
  ExpectApiError(post("[1]"), 400, "8400002", "Illegal argument: the body must be a JSON object");
  ExpectApiError(post("{"), 400, "8400002", "Illegal argument: the body must be a JSON object");
  ExpectApiError(post(R"({"workModeType":"JSON_CTRL"})"), 400, "8400002",
                 "Illegal argument: name must be 1 to 128 characters");
  ExpectApiError(post(R"({"name":"x","workModeType":"XML"})"), 400, "8400002",
                 "Illegal argument: workModeType must be JSON_CTRL, JSON_TRANSPARENT, "
                 "JSON_TRANSPARENT_NOT_CHECK_RAW, TRANSPARENT48 or TRANSPARENT48_V2");
  ExpectApiError(post(R"({"name":"x","workModeType":"JSON_CTRL","deviceAuth":"PIN"})"), 400,
                 "8400002", "Illegal argument: deviceAuth must be PRODKEY, AUTHKEY or LICENSE");
  ExpectApiError(post(R"({"name":"x","workModeType":"JSON_CTRL","forceBind":"yes"})"), 400,
                 "8400002", "Illegal argument: forceBind must be true or false");
  ExpectApiError(post(R"({"name":"x","workModeType":"JSON_CTRL","supportsScheduler":1})"), 400,
                 "8400002", "Illegal argument: supportsScheduler must be true or false");
  HttpResult off = post(R"({"name":"x","workModeType":"JSON_CTRL","supportsScheduler":false})");
  ASSERT_EQ(off.status, 201) << off.body;
  EXPECT_EQ(Field(off.body, "/supportsScheduler"), "false");
  ExpectApiError(post(R"({"name":"x","workModeType":"JSON_CTRL","mid":"short"})"), 400, "8400002",
                 "Illegal argument: mid must be 12 letters or digits");
  // A template is checked against the product's mode (templates-and-frames.md §1.4).
  HttpResult bad = post(R"({"name":"x","workModeType":"JSON_CTRL","protocolTemplate":)" +
                        std::string(kTemplate48) + "}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad.body, "/code"), "8400002");
  EXPECT_EQ(StringField(bad.body, "/desc").rfind("Illegal argument: ", 0), 0u) << bad.body;
  // A taken mid or prodKey.
  Create(acme_, R"({"name":"a","workModeType":"JSON_CTRL","mid":"FIXEDMID0001"})");
  ExpectApiError(post(R"({"name":"b","workModeType":"JSON_CTRL","mid":"FIXEDMID0001"})"), 400,
                 "8400002", "Illegal argument: a product with that mid or prodKey exists");
  ExpectApiError(post(R"({"name":"b","workModeType":"JSON_CTRL","prodKey":"xxxxxx"})"), 400,
                 "8400002", "Illegal argument: a product with that mid or prodKey exists");
}

TEST_F(EnterpriseProductsTest, PermissionsOwnerAuthorizedStranger) {
  std::string mid = Create(acme_, R"({"name":"Shared","workModeType":"JSON_TRANSPARENT",)"
                                  R"("protocolTemplate":)" +
                                      std::string(kTemplate48) + "}");
  const std::string p = "/api/v1/enterprise/product/" + mid;
  // A stranger sees nothing and writes nothing.
  ExpectApiError(api_.Ent(beta_, "GET", p), 400, "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "GET", p + "/protocolTemplate"), 400, "8400000",
                 "Product does not exist");
  // Authorize Beta (E8); unknown and missing pids.
  ExpectApiError(api_.Ent(acme_, "POST", p + "/authorize", R"({"pid":"99999999999"})"), 400,
                 "8400004", "The pid does not exist");
  ExpectApiError(api_.Ent(acme_, "POST", p + "/authorize", "{}"), 400, "8400002",
                 "Illegal argument: pid is required");
  ExpectApiError(api_.Ent(beta_, "POST", p + "/authorize", R"({"pid":"22222222222"})"), 400,
                 "8400000", "Product does not exist");
  EXPECT_EQ(api_.Ent(acme_, "POST", p + "/authorize", R"({"pid":"22222222222"})").status, 204);
  EXPECT_EQ(api_.Ent(acme_, "POST", p + "/authorize", R"({"pid":"22222222222"})").status, 204);

  // Beta reads: the product (without prodKey), its template, its list entry.
  HttpResult g = api_.Ent(beta_, "GET", p);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(Field(g.body, "/authorized"), "true");
  EXPECT_EQ(Field(g.body, "/prodKey"), "<absent>");
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", p).body, "/authorizedPids"), R"(["22222222222"])");
  EXPECT_EQ(api_.Ent(beta_, "GET", p + "/protocolTemplate").status, 200);
  HttpResult list = api_.Ent(beta_, "GET", "/api/v1/enterprise/product");
  EXPECT_EQ(Field(list.body, "/0/category"), "null");
  EXPECT_EQ(StringField(list.body, "/0/products/0/mid"), mid);
  EXPECT_EQ(Field(list.body, "/0/products/0/authorized"), "true");
  EXPECT_EQ(Field(list.body, "/0/products/0/prodKey"), "<absent>");
  EXPECT_EQ(api_.Ent(beta_, "POST", p + "/protocol/encode", R"({"cmdId":2,"power":1})").status,
            200);
  // …but writes nothing: owner-only writes answer 8400000.
  for (auto [method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"PUT", p, R"({"name":"mine"})"},
           {"DELETE", p, ""},
           {"PUT", p + "/protocolTemplate", kTemplate48},
           {"PUT", p + "/status", R"({"status":"PUBLISHED"})"},
           {"PUT", p + "/h5", R"({"platform":"IOS","h5TemplateId":"x"})"},
           {"POST", p + "/authorize", R"({"pid":"33333333333"})"}}) {
    ExpectApiError(api_.Ent(beta_, method, path, body), 400, "8400000", "Product does not exist");
  }
  ExpectApiError(api_.Ent(gamma_, "GET", p), 400, "8400000", "Product does not exist");

  // E7: the enterprise card.
  HttpResult info = api_.Ent(beta_, "GET", "/api/v1/enterprise/info?pid=11111111111");
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(info.body,
            R"({"pid":"11111111111","name":"Ent 11111111111","logo":"","certified":false})");
  ExpectApiError(api_.Ent(beta_, "GET", "/api/v1/enterprise/info?pid=44444444444"), 400, "8400004",
                 "The pid does not exist");
}

TEST_F(EnterpriseProductsTest, TemplatesAndPublishingFreezeThem) {
  std::string mid = Create(acme_, R"({"name":"Socket","workModeType":"JSON_TRANSPARENT"})");
  const std::string p = "/api/v1/enterprise/product/" + mid;
  ExpectApiError(api_.Ent(acme_, "GET", p + "/protocolTemplate"), 400, "8400001",
                 "Protocol template does not exist");
  HttpResult bad = api_.Ent(acme_, "PUT", p + "/protocolTemplate", R"({"protocol":3})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad.body, "/code"), "8400002");
  EXPECT_EQ(StringField(bad.body, "/desc").rfind("Illegal argument: ", 0), 0u) << bad.body;
  HttpResult not_json = api_.Ent(acme_, "PUT", p + "/protocolTemplate", "{oops");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(Field(not_json.body, "/code"), "8400002");
  EXPECT_EQ(StringField(not_json.body, "/desc").rfind("Illegal argument: ", 0), 0u)
      << not_json.body;
  EXPECT_EQ(api_.Ent(acme_, "PUT", p + "/protocolTemplate", kTemplate48).status, 204);
  HttpResult t = api_.Ent(acme_, "GET", p + "/protocolTemplate");
  ASSERT_EQ(t.status, 200);
  EXPECT_EQ(StringField(t.body, "/protocol/2/cmdTag"), "setPower");
  EXPECT_EQ(Field(api_.Ent(acme_, "GET", p).body, "/templateVersion"), "1");
  // The mode cannot change under a stored template.
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"workModeType":"JSON_CTRL"})"), 400, "8400002",
                 "Illegal argument: workModeType cannot change while the product has a "
                 "JSON_TRANSPARENT protocol template");

  // E17: invalid transitions, then publish.
  ExpectApiError(api_.Ent(acme_, "PUT", p + "/status", R"({"status":"UNPUBLISHED"})"), 400,
                 "8400002", "Illegal argument: status must be PUBLISHED or DISCONTINUED");
  ExpectApiError(api_.Ent(acme_, "PUT", p + "/status", R"({"status":"DISCONTINUED"})"), 400,
                 "8400002", "Illegal argument: an UNPUBLISHED product cannot be DISCONTINUED");
  EXPECT_EQ(api_.Ent(acme_, "PUT", p + "/status", R"({"status":"PUBLISHED"})").status, 204);
  EXPECT_EQ(StringField(api_.Ent(acme_, "GET", p).body, "/status"), "PUBLISHED");
  // Published: the template and the frozen settings cannot change; no delete.
  ExpectApiError(api_.Ent(acme_, "PUT", p + "/protocolTemplate", kTemplate48), 400, "8400002",
                 "Illegal argument: the product is PUBLISHED: its protocol template is frozen");
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"deviceAuth":"LICENSE"})"), 400, "8400002",
                 "Illegal argument: the product is PUBLISHED: workModeType, productType and "
                 "deviceAuth are frozen");
  EXPECT_EQ(api_.Ent(acme_, "PUT", p, R"({"name":"Socket v2","forceBind":true})").status, 204);
  ExpectApiError(api_.Ent(acme_, "DELETE", p), 400, "8400002",
                 "Illegal argument: a PUBLISHED product cannot be deleted (discontinue it first)");
  ExpectApiError(api_.Ent(acme_, "PUT", p + "/status", R"({"status":"UNPUBLISHED"})"), 400,
                 "8400002", "Illegal argument: status must be PUBLISHED or DISCONTINUED");
  EXPECT_EQ(api_.Ent(acme_, "PUT", p + "/status", R"({"status":"DISCONTINUED"})").status, 204);
  ExpectApiError(api_.Ent(acme_, "PUT", p + "/protocolTemplate", kTemplate48), 400, "8400002",
                 "Illegal argument: the product is DISCONTINUED: its protocol template is frozen");
  EXPECT_EQ(api_.Ent(acme_, "DELETE", p).status, 204);
}

TEST_F(EnterpriseProductsTest, EncodeDecode48) {
  std::string mid = Create(acme_, R"({"name":"S","workModeType":"JSON_TRANSPARENT"})");
  const std::string p = "/api/v1/enterprise/product/" + mid;
  ExpectApiError(api_.Ent(acme_, "POST", p + "/protocol/encode", R"({"cmdId":2,"power":1})"), 400,
                 "8400001", "Protocol template does not exist");
  ASSERT_EQ(api_.Ent(acme_, "PUT", p + "/protocolTemplate", kTemplate48).status, 204);
  HttpResult e =
      api_.Ent(acme_, "POST", p + "/protocol/encode", R"({"cmdId":2,"power":1,"msgId":5})");
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(e.body, R"({"raw":"48070205020159"})");
  EXPECT_EQ(api_.Ent(acme_, "POST", p + "/protocol/encode",
                     R"({"cmdTag":"setPower","power":1,"msgId":5})")
                .body,
            R"({"raw":"48070205020159"})");
  ExpectApiError(api_.Ent(acme_, "POST", p + "/protocol/encode", R"({"cmdId":2,"power":7})"), 400,
                 "1400003", "The field power contains a value that is too high");
  ExpectApiError(api_.Ent(acme_, "POST", p + "/protocol/encode", R"({"cmdId":9})"), 400, "1400011",
                 "The device does not have this instruction");
  ExpectApiError(api_.Ent(acme_, "POST", p + "/protocol/encode", R"({"power":1})"), 400, "8400002",
                 "Illegal argument: cmdId (a number) or cmdTag (a string) is required");

  HttpResult d = api_.Ent(acme_, "POST", p + "/protocol/decode", R"({"raw":"48070205020159"})");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.body, R"({"cmdId":2,"cmdTag":"setPower","power":1})");
  EXPECT_EQ(
      Field(api_.Ent(acme_, "POST", p + "/protocol/decode", R"({"raw":"48070205020158"})").body,
            "/code"),
      "1400040");
  EXPECT_EQ(
      Field(api_.Ent(acme_, "POST", p + "/protocol/decode", R"({"raw":"4807"})").body, "/code"),
      "1400014");
  EXPECT_EQ(Field(api_.Ent(acme_, "POST", p + "/protocol/decode", R"({"raw":"zz"})").body, "/code"),
            "1400025");

  // JSON_CTRL products: 8400028.
  ExpectApiError(api_.Ent("Bearer " + token_, "POST",
                          "/api/v1/enterprise/product/DEMOSOCKET01/protocol/encode",
                          R"({"cmdId":2,"power":1})"),
                 400, "8400028", "Product type error, only 48 products are supported");
  ExpectApiError(api_.Ent("Bearer " + token_, "POST",
                          "/api/v1/enterprise/product/DEMOSOCKET01/protocol/decode",
                          R"({"raw":"48070205020159"})"),
                 400, "8400028", "Product type error, only 48 products are supported");
}

TEST_F(EnterpriseProductsTest, H5TemplatesBindAndAppSide) {
  std::string mid = Create(acme_, R"({"name":"Panel","workModeType":"JSON_CTRL"})");
  const std::string p = "/api/v1/enterprise/product/" + mid;
  ExpectApiError(
      api_.Ent(acme_, "POST", "/api/v1/enterprise/h5", R"({"platform":"web","h5Page":"x"})"), 400,
      "8400003", "The param of platform is not illegal. The client should be Android or IOS");
  // h5Page may be left for a package upload (decision 0010), but not be too long.
  ExpectApiError(api_.Ent(acme_, "POST", "/api/v1/enterprise/h5",
                          R"({"platform":"ios","h5Page":")" + std::string(1025, 'x') + "\"}"),
                 400, "8400002",
                 "Illegal argument: h5Page and pageZipURL are at most 1024 characters, version and "
                 "md5 64");
  HttpResult h =
      api_.Ent(acme_, "POST", "/api/v1/enterprise/h5",
               R"({"platform":"android","h5Page":"http://h/h5page/a1/index.html",)"
               R"("pageZipURL":"http://h/h5package/a1/p.zip","version":"1.0.2","md5":"abc"})");
  ASSERT_EQ(h.status, 201) << h.body;
  std::string id = StringField(h.body, "/id");
  EXPECT_EQ(StringField(h.body, "/platform"), "Android");
  EXPECT_EQ(StringField(h.body, "/version"), "1.0.2");
  std::string other = StringField(
      api_.Ent(beta_, "POST", "/api/v1/enterprise/h5", R"({"platform":"IOS","h5Page":"http://b"})")
          .body,
      "/id");

  ExpectApiError(api_.Ent(acme_, "GET", p + "/h5?platform=Android"), 400, "8400005",
                 "The h5 template does not exist");
  ExpectApiError(api_.Ent(acme_, "GET", p + "/h5?platform=web"), 400, "8400003",
                 "The param of platform is not illegal. The client should be Android or IOS");
  ExpectApiError(
      api_.Ent(acme_, "PUT", p + "/h5", R"({"platform":"Android","h5TemplateId":"nope"})"), 400,
      "8400005", "The h5 template does not exist");
  ExpectApiError(
      api_.Ent(acme_, "PUT", p + "/h5", R"({"platform":"IOS","h5TemplateId":")" + other + "\"}"),
      400, "8400005", "The h5 template does not exist");
  ExpectApiError(
      api_.Ent(acme_, "PUT", p + "/h5", R"({"platform":"IOS","h5TemplateId":")" + id + "\"}"), 400,
      "8400002", "Illegal argument: h5 template " + id + " is for Android");
  ExpectApiError(
      api_.Ent(acme_, "PUT", p + "/h5", R"({"platform":"pc","h5TemplateId":")" + id + "\"}"), 400,
      "8400003", "The param of platform is not illegal. The client should be Android or IOS");
  EXPECT_EQ(
      api_.Ent(acme_, "PUT", p + "/h5", R"({"platform":"ANDROID","h5TemplateId":")" + id + "\"}")
          .status,
      204);
  HttpResult got = api_.Ent(acme_, "GET", p + "/h5?platform=aNdRoId");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, h.body);
  EXPECT_EQ(StringField(api_.Ent(acme_, "GET", p).body, "/h5/Android/id"), id);

  // E6: the app side, by productPublicKey.
  std::string ppk = StringField(api_.Ent(acme_, "GET", p).body, "/productPublicKey");
  auto app = [&](const std::string& query, const std::string& ppk_header,
                 const std::string& token) {
    return api_.Request("GET", "/external/device/h5" + query, "",
                        {{"Authorization", "Bearer " + token}, {"X-Hekr-ProdPubKey", ppk_header}});
  };
  HttpResult a = app("?platform=android", ppk, token_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, h.body);
  ExpectApiError(app("?platform=IOS", ppk, token_), 400, "8400005",
                 "The h5 template does not exist");
  ExpectApiError(app("?platform=x", ppk, token_), 400, "8400003",
                 "The param of platform is not illegal. The client should be Android or IOS");
  ExpectApiError(app("?platform=IOS", "nope", token_), 400, "6400015", "Invalid prodPubKey");
  EXPECT_EQ(app("?platform=IOS", ppk, "junk").status, 403);
}

TEST_F(EnterpriseProductsTest, TemplateStoredThroughTheApiIsUsedByTheHubAtOnce) {
  // A product of the demo enterprise (the demo user is its ADMIN member), so its devices
  // bind to the demo user.
  const std::string bearer = "Bearer " + token_;
  Create(bearer, R"({"name":"Hub","workModeType":"JSON_TRANSPARENT","mid":"HUBPRODUCT01",)"
                 R"("prodKey":"hub-prod-key"})");
  LineClient dev(server_->port("device"));
  auto login = dev.Call(
      R"({"msgId":1,"action":"devLogin","params":{"devTid":"HUB1","prodKey":"hub-prod-key","token":""}})");
  ASSERT_EQ(Field(login.value_or(""), "/code"), "200") << login.value_or("");
  HttpResult bound = api_.Request(
      "POST", "/device",
      R"({"devTid":"HUB1","bindKey":")" + StringField(*login, "/params/bindKey") + "\"}",
      {{"Authorization", bearer}});
  ASSERT_EQ(bound.status, 201) << bound.body;
  std::string ctrl_key = StringField(bound.body, "/ctrlKey");
  LineClient app(server_->port("app_tcp"));
  auto al = app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"a1","token":")" +
                     token_ + "\"}}");
  ASSERT_EQ(Field(al.value_or(""), "/code"), "200") << al.value_or("");
  auto app_send = [&](int msg_id, const std::string& data) {
    return R"({"msgId":)" + std::to_string(msg_id) +
           R"(,"action":"appSend","params":{"devTid":"HUB1","ctrlKey":")" + ctrl_key +
           R"(","appTid":"a1","data":)" + data + "}}";
  };
  auto relayed = [&]() {
    auto cmd = dev.ReadLine();
    if (!cmd) return std::string("<nothing>");
    dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                 R"(,"action":"appSendResp","code":200,"desc":"success"})");
    return Field(*cmd, "/params/data");
  };

  // No template: forwarded unchecked (and the hub caches that).
  ASSERT_TRUE(app.SendLine(app_send(5, R"({"cmdId":2,"power":7})")));
  EXPECT_EQ(relayed(), R"({"cmdId":2,"power":7})");
  EXPECT_EQ(Field(app.ReadLine().value_or(""), "/code"), "200");

  ASSERT_EQ(api_.Ent(bearer, "PUT", "/api/v1/enterprise/product/HUBPRODUCT01/protocolTemplate",
                     kTemplate48)
                .status,
            204);
  // At once: refused by the template, and K-V encoded.
  EXPECT_EQ(Field(app.Call(app_send(6, R"({"cmdId":2,"power":7})")).value_or(""), "/code"),
            "1400003");
  ASSERT_TRUE(app.SendLine(app_send(5, R"({"cmdId":2,"power":1})")));
  EXPECT_EQ(relayed(), R"({"raw":"48070205020159"})");
  EXPECT_EQ(Field(app.ReadLine().value_or(""), "/code"), "200");

  // A product with devices cannot be deleted.
  ExpectApiError(api_.Ent(bearer, "DELETE", "/api/v1/enterprise/product/HUBPRODUCT01"), 400,
                 "8400002", "Illegal argument: the product has devices; delete or move them first");
}

}  // namespace
}  // namespace krypton::testing
