// Black-box: the app-facing enterprise endpoints (enterprise-api.md §3.1.3–§3.1.6;
// docs/decisions/0009-enterprise-external.md) on the real binary — the firmware check
// against the product's rules, enterprise news with its paging envelope, feedback and demo
// devices — with the enterprise-side writes that feed them, in the exact shapes of the
// spec and every error code with its status and desc.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";

constexpr const char* kBadVersion = "Illegal argument: binVer must be dotted numbers, e.g. 4.1.6.1";
constexpr const char* kBadPaging = "Illegal argument: page must be 0 or more, size 1 to 100";

std::string Base64Url(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(n >> k) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

// Timestamps set by the server become 0, so whole bodies can be compared.
std::string Normalized(const std::string& body) {
  static const std::regex kTimes(R"re("(updateTime|createTime)":\d+)re");
  return std::regex_replace(body, kTimes, "\"$1\":0");
}

class EnterpriseExternalTest : public KryptonTest {
 protected:
  void SetUp() override {
    demo_uid_ = admin_.Demo().uid;
    for (const char* pid : {kAcme, kBeta}) {
      admin_.CreateManufacturer(pid, std::string("Ent ") + pid);
    }
    acme_ = admin_.ServerKey(kAcme);
    beta_ = admin_.ServerKey(kBeta);
    alice_uid_ = admin_.CreateUser("alice@acme.test", "secret-123", kAcme);
    bob_uid_ = admin_.CreateUser("bob@beta.test", "secret-123", kBeta);
    // Alice is also a console member of Acme (D28): her token works on the enterprise API.
    admin_.AddMember(kAcme, alice_uid_, "DEVELOPER");
    ASSERT_TRUE(Serve());
    demo_ = admin_.Token(demo_uid_);
    alice_ = admin_.Token(alice_uid_);
    bob_ = admin_.Token(bob_uid_);
  }

  // A correctly signed access token whose isolation claim names no enterprise: the
  // server never issues one (accounts need a manufacturer), so sign it with the data
  // dir's HS256 secret (openssl, as the TLS tests use it for certificates).
  std::string TokenOfUnknownPid() {
    std::ifstream in(dir_ + "/jwt.key");
    std::string key;
    in >> key;
    std::string unsigned_part =
        Base64Url(R"({"alg":"HS256","typ":"JWT"})") + "." +
        Base64Url(R"({"uid":"99999999999","isolation":"44444444444","type":"ANDROID",)"
                  R"("authorities":["ROLE_USER"],"jti":"forged","exp":4102444800})");
    std::string cmd = "printf '%s' '" + unsigned_part + "' | openssl dgst -sha256 -hmac '" + key +
                      "' -binary | base64 -w0";
    FILE* p = popen(cmd.c_str(), "r");
    EXPECT_NE(p, nullptr);
    std::string sig;
    char buf[256];
    while (p && fgets(buf, sizeof buf, p)) sig += buf;
    if (p) pclose(p);
    std::string url;
    for (char c : sig) {
      if (c == '+') url += '-';
      if (c == '/') url += '_';
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') url += c;
    }
    return unsigned_part + "." + url;
  }

  static void ExpectBadBearer(const HttpResult& r) {
    ExpectApiError(r, 403, "3400015", "Invalid token");
    EXPECT_EQ(Field(r.body, "/status"), "403") << r.body;
  }
  static void ExpectBadKey(const HttpResult& r) {
    ExpectApiError(r, 401, "3400015", "Invalid token");
    EXPECT_EQ(Field(r.body, "/status"), "401") << r.body;
  }

  std::string demo_uid_, alice_uid_, bob_uid_, acme_, beta_, demo_, alice_, bob_;
};

// ---- §3.1.3 ------------------------------------------------------------------------

TEST_F(EnterpriseExternalTest, FirmwareRulesEnterpriseSide) {
  HttpResult c = api_.Ent(acme_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Plug","workModeType":"JSON_CTRL"})");
  ASSERT_EQ(c.status, 201) << c.body;
  const std::string p = "/api/v1/enterprise/product/" + StringField(c.body, "/mid") + "/firmware";

  EXPECT_EQ(api_.Ent(acme_, "GET", p).body, "[]");
  HttpResult put = api_.Ent(acme_, "PUT", p,
                            R"({"binType":"B","binVer":"1.0","binUrl":"http://fw.example/b.bin"})");
  EXPECT_EQ(put.status, 204) << put.body;
  EXPECT_EQ(put.body, "");
  EXPECT_EQ(api_.Ent(acme_, "PUT", p,
                     R"({"binType":"A","binVer":"4.1.0.0","binUrl":"http://fw.example/old.bin"})")
                .status,
            204);
  // The same binType again replaces its rule.
  EXPECT_EQ(api_.Ent(acme_, "PUT", p,
                     R"({"binType":"A","binVer":"4.2.0.0","binUrl":"http://fw.example/a.bin",)"
                     R"("md5":"0123456789abcdef0123456789abcdef","size":123456})")
                .status,
            204);
  HttpResult g = api_.Ent(acme_, "GET", p);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_NE(Field(g.body, "/0/updateTime"), "0");
  EXPECT_EQ(Normalized(g.body),
            R"([{"binType":"A","binVer":"4.2.0.0","binUrl":"http://fw.example/a.bin",)"
            R"("md5":"0123456789abcdef0123456789abcdef","size":123456,"updateTime":0},)"
            R"({"binType":"B","binVer":"1.0","binUrl":"http://fw.example/b.bin","md5":"",)"
            R"("size":0,"updateTime":0}])");
  // A console member's Bearer (Alice, DEVELOPER of Acme) works as well.
  EXPECT_EQ(api_.Ent("Bearer " + alice_, "GET", p).status, 200);

  // Validation (8400002 naming the problem).
  const std::string kRequired =
      "Illegal argument: binType (1 to 32 characters) and binUrl (1 to 1024) are required; "
      "md5 is at most 64 characters";
  ExpectApiError(api_.Ent(acme_, "PUT", p, "{"), 400, "8400002",
                 "Illegal argument: the body must be a JSON object");
  ExpectApiError(api_.Ent(acme_, "PUT", p, "[]"), 400, "8400002",
                 "Illegal argument: the body must be a JSON object");
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"binVer":"1.0","binUrl":"u"})"), 400, "8400002",
                 kRequired);
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"binType":"A","binVer":"1.0"})"), 400, "8400002",
                 kRequired);
  ExpectApiError(
      api_.Ent(acme_, "PUT", p, R"({"binType":"A","binVer":"1.0","binUrl":"u","md5":5})"), 400,
      "8400002", kRequired);
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"binType":"A","binUrl":"u"})"), 400, "8400002",
                 kBadVersion);
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"binType":"A","binVer":"v2","binUrl":"u"})"), 400,
                 "8400002", kBadVersion);
  ExpectApiError(api_.Ent(acme_, "PUT", p, R"({"binType":"A","binVer":"1..2","binUrl":"u"})"), 400,
                 "8400002", kBadVersion);
  ExpectApiError(
      api_.Ent(acme_, "PUT", p, R"({"binType":"A","binVer":"1.0","binUrl":"u","size":-1})"), 400,
      "8400002", "Illegal argument: size must be a non-negative integer");
  ExpectApiError(
      api_.Ent(acme_, "PUT", p, R"({"binType":"A","binVer":"1.0","binUrl":"u","size":"9"})"), 400,
      "8400002", "Illegal argument: size must be a non-negative integer");

  // 8400000: unknown product; another enterprise (owner-only write; read when authorized).
  const std::string good = R"({"binType":"A","binVer":"9.0","binUrl":"u"})";
  ExpectApiError(api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/NOSUCHMID000/firmware", good),
                 400, "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/product/NOSUCHMID000/firmware"), 400,
                 "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "PUT", p, good), 400, "8400000", "Product does not exist");
  ExpectApiError(api_.Ent(beta_, "GET", p), 400, "8400000", "Product does not exist");
  const std::string authorize =
      p.substr(0, p.size() - std::string("/firmware").size()) + "/authorize";
  ASSERT_EQ(api_.Ent(acme_, "POST", authorize, R"({"pid":"22222222222"})").status, 204);
  EXPECT_EQ(api_.Ent(beta_, "GET", p).status, 200);
  ExpectApiError(api_.Ent(beta_, "PUT", p, good), 400, "8400000", "Product does not exist");

  // 401 for a bad Authorization.
  ExpectBadKey(api_.Request("GET", p));
  ExpectBadKey(api_.Ent("not-a-key", "PUT", p, good));
  ExpectBadKey(api_.Ent("Bearer junk", "GET", p));
}

TEST_F(EnterpriseExternalTest, OtaCheck) {
  HttpResult c = api_.Ent(acme_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Plug","workModeType":"JSON_CTRL"})");
  ASSERT_EQ(c.status, 201) << c.body;
  const std::string ppk = StringField(c.body, "/productPublicKey");
  const std::string p = "/api/v1/enterprise/product/" + StringField(c.body, "/mid") + "/firmware";
  ASSERT_EQ(api_.Ent(acme_, "PUT", p,
                     R"({"binType":"A","binVer":"4.2.0.0","binUrl":"http://fw.example/a.bin",)"
                     R"("md5":"0123456789abcdef0123456789abcdef","size":123456})")
                .status,
            204);
  ASSERT_EQ(
      api_.Ent(acme_, "PUT", p,
               R"({"binType":"B","binVer":"1.0","binUrl":"http://fw.example/b.bin","size":77})")
          .status,
      204);
  auto item = [&](const std::string& dev_tid, const std::string& type, const std::string& ver,
                  const std::string& key) {
    return R"({"devTid":")" + dev_tid + R"(","productPublicKey":")" + key + R"(","binType":")" +
           type + R"(","binVer":")" + ver + R"("})";
  };
  const std::string check = "/external/device/fw/ota/check";

  // One element per input, in order: older → the rule's VO; equal, newer (4.10 > 4.2
  // numerically), a binType without rule → update false, VO null.
  HttpResult r =
      api_.AsUser(alice_, "POST", check,
                  "[" + item("D1", "A", "4.1.6.1", ppk) + "," + item("D2", "A", "4.2", ppk) + "," +
                      item("D3", "A", "4.10.0", ppk) + "," + item("D4", "C", "1.0", ppk) + "," +
                      item("D5", "B", "0.9.9", ppk) + "]");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"([{"devTid":"D1","update":true,"devFirmwareOTARawRuleVO":{)"
            R"("binUrl":"http://fw.example/a.bin","md5":"0123456789abcdef0123456789abcdef",)"
            R"("latestBinType":"A","latestBinVer":"4.2.0.0","size":123456}},)"
            R"({"devTid":"D2","update":false,"devFirmwareOTARawRuleVO":null},)"
            R"({"devTid":"D3","update":false,"devFirmwareOTARawRuleVO":null},)"
            R"({"devTid":"D4","update":false,"devFirmwareOTARawRuleVO":null},)"
            R"({"devTid":"D5","update":true,"devFirmwareOTARawRuleVO":{)"
            R"("binUrl":"http://fw.example/b.bin","md5":"","latestBinType":"B",)"
            R"("latestBinVer":"1.0","size":77}}])");
  // Any valid user token (the call is scoped by ppk, not pid); an empty array.
  HttpResult other = api_.AsUser(bob_, "POST", check, "[" + item("X", "A", "1", ppk) + "]");
  EXPECT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(Field(other.body, "/0/update"), "true");
  EXPECT_EQ(api_.AsUser(demo_, "POST", check, "[]").body, "[]");

  // 6400015: unknown or missing productPublicKey.
  ExpectApiError(api_.AsUser(alice_, "POST", check, "[" + item("D1", "A", "1.0", "nope") + "]"),
                 400, "6400015", "Invalid prodPubKey");
  ExpectApiError(
      api_.AsUser(alice_, "POST", check, R"([{"devTid":"D1","binType":"A","binVer":"1.0"}])"), 400,
      "6400015", "Invalid prodPubKey");
  // 8400002: the body and its elements.
  ExpectApiError(api_.AsUser(alice_, "POST", check, "{}"), 400, "8400002",
                 "Illegal argument: the body must be a JSON array");
  ExpectApiError(api_.AsUser(alice_, "POST", check, "[1"), 400, "8400002",
                 "Illegal argument: the body must be a JSON array");
  ExpectApiError(api_.AsUser(alice_, "POST", check, "[1]"), 400, "8400002",
                 "Illegal argument: every element must be a JSON object");
  const std::string kRequired =
      "Illegal argument: devTid (at most 64 characters) and binType (1 to 32) are required";
  ExpectApiError(
      api_.AsUser(alice_, "POST", check,
                  R"([{"devTid":"D1","productPublicKey":")" + ppk + R"(","binVer":"1.0"}])"),
      400, "8400002", kRequired);
  ExpectApiError(api_.AsUser(alice_, "POST", check,
                             R"([{"devTid":7,"productPublicKey":")" + ppk +
                                 R"(","binType":"A","binVer":"1.0"}])"),
                 400, "8400002", kRequired);
  ExpectApiError(api_.AsUser(alice_, "POST", check, "[" + item("D1", "A", "4.x", ppk) + "]"), 400,
                 "8400002", kBadVersion);
  std::string many = "[";
  for (int i = 0; i <= 100; ++i) many += (i ? "," : "") + item("D", "A", "1", ppk);
  ExpectApiError(api_.AsUser(alice_, "POST", check, many + "]"), 400, "8400002",
                 "Illegal argument: at most 100 devices per check");
  // 403 for a bad bearer (user API).
  ExpectBadBearer(api_.AsUser("junk", "POST", check, "[]"));
  ExpectBadBearer(api_.Request("POST", check, "[]"));
}

// ---- §3.1.4 ------------------------------------------------------------------------

TEST_F(EnterpriseExternalTest, NewsByPid) {
  HttpResult n1 = api_.Ent(acme_, "POST", "/api/v1/enterprise/news",
                           R"({"title":"Hello","infoContent":"<html>hi</html>",)"
                           R"("infoTags":["new","fw"],"authorName":"Acme PR"})");
  ASSERT_EQ(n1.status, 201) << n1.body;
  const std::string id1 = StringField(n1.body, "/id");
  EXPECT_EQ(id1.size(), 16u);
  EXPECT_EQ(n1.body, R"({"id":")" + id1 + R"("})");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // A console member of the enterprise may publish too; optional members default.
  HttpResult n2 =
      api_.Ent("Bearer " + alice_, "POST", "/api/v1/enterprise/news", R"({"title":"Second"})");
  ASSERT_EQ(n2.status, 201) << n2.body;
  const std::string id2 = StringField(n2.body, "/id");
  ASSERT_EQ(api_.Ent(beta_, "POST", "/api/v1/enterprise/news", R"({"title":"Beta news"})").status,
            201);

  const std::string hello = R"({"id":")" + id1 +
                            R"(","authorName":"Acme PR","updateTime":0,"title":"Hello",)"
                            R"("infoContent":"<html>hi</html>","infoTags":["new","fw"]})";
  const std::string second = R"({"id":")" + id2 +
                             R"(","authorName":"","updateTime":0,"title":"Second",)"
                             R"("infoContent":"","infoTags":[]})";
  HttpResult all = api_.AsUser(alice_, "GET", "/external/vc/getByPid");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(Field(all.body, "/result/0/updateTime"), "0");
  EXPECT_EQ(Normalized(all.body),
            R"({"page":0,"size":20,"totalResults":2,"totalPages":1,"first":true,"last":true,)"
            R"("result":[)" +
                second + "," + hello + "]}");
  EXPECT_EQ(Normalized(api_.AsUser(alice_, "GET", "/external/vc/getByPid?page=0&size=1").body),
            R"({"page":0,"size":1,"totalResults":2,"totalPages":2,"first":true,"last":false,)"
            R"("result":[)" +
                second + "]}");
  EXPECT_EQ(Normalized(api_.AsUser(alice_, "GET", "/external/vc/getByPid?page=1&size=1").body),
            R"({"page":1,"size":1,"totalResults":2,"totalPages":2,"first":false,"last":true,)"
            R"("result":[)" +
                hello + "]}");
  EXPECT_EQ(api_.AsUser(alice_, "GET", "/external/vc/getByPid?page=5&size=1").body,
            R"({"page":5,"size":1,"totalResults":2,"totalPages":2,"first":false,"last":true,)"
            R"("result":[]})");
  // Each pid sees its own news; an enterprise without news gets an empty page.
  HttpResult beta = api_.AsUser(bob_, "GET", "/external/vc/getByPid");
  EXPECT_EQ(Field(beta.body, "/totalResults"), "1");
  EXPECT_EQ(StringField(beta.body, "/result/0/title"), "Beta news");
  EXPECT_EQ(api_.AsUser(demo_, "GET", "/external/vc/getByPid").body,
            R"({"page":0,"size":20,"totalResults":0,"totalPages":0,"first":true,"last":true,)"
            R"("result":[]})");

  // 8400004: the token's pid is no enterprise.
  ExpectApiError(api_.AsUser(TokenOfUnknownPid(), "GET", "/external/vc/getByPid"), 400, "8400004",
                 "The pid does not exist");
  // 8400002: paging.
  for (const char* q : {"?size=0", "?size=101", "?page=-1", "?page=x", "?size=2.5"}) {
    ExpectApiError(api_.AsUser(alice_, "GET", std::string("/external/vc/getByPid") + q), 400,
                   "8400002", kBadPaging);
  }
  ExpectBadBearer(api_.AsUser("junk", "GET", "/external/vc/getByPid"));
}

TEST_F(EnterpriseExternalTest, NewsEnterpriseSideErrors) {
  const std::string path = "/api/v1/enterprise/news";
  const std::string kTitle =
      "Illegal argument: title is required (1 to 256 characters); infoContent is at most "
      "65536, authorName 128";
  const std::string kTags =
      "Illegal argument: infoTags must be at most 32 strings of at most 64 characters";
  ExpectApiError(api_.Ent(acme_, "POST", path, "[]"), 400, "8400002",
                 "Illegal argument: the body must be a JSON object");
  ExpectApiError(api_.Ent(acme_, "POST", path, R"({"infoContent":"x"})"), 400, "8400002", kTitle);
  ExpectApiError(api_.Ent(acme_, "POST", path, R"({"title":""})"), 400, "8400002", kTitle);
  ExpectApiError(api_.Ent(acme_, "POST", path, R"({"title":"t","authorName":1})"), 400, "8400002",
                 kTitle);
  ExpectApiError(
      api_.Ent(acme_, "POST", path, std::string(R"({"title":")") + std::string(257, 'x') + "\"}"),
      400, "8400002", kTitle);
  ExpectApiError(api_.Ent(acme_, "POST", path, R"({"title":"t","infoTags":"x"})"), 400, "8400002",
                 kTags);
  ExpectApiError(api_.Ent(acme_, "POST", path, R"({"title":"t","infoTags":[1]})"), 400, "8400002",
                 kTags);
  ExpectBadKey(api_.Request("POST", path, R"({"title":"t"})"));
  ExpectBadKey(api_.Ent("Bearer " + demo_ + "x", "POST", path, R"({"title":"t"})"));
  // Nothing was stored.
  EXPECT_EQ(Field(api_.AsUser(alice_, "GET", "/external/vc/getByPid").body, "/totalResults"), "0");
}

// ---- §3.1.5 ------------------------------------------------------------------------

TEST_F(EnterpriseExternalTest, Feedback) {
  HttpResult f1 =
      api_.AsUser(alice_, "POST", "/external/feedback",
                  R"({"UserNumber":"alice@acme.test","title":"Broken","content":"It stopped",)"
                  R"("images":"http://i.example/1.png,http://i.example/2.png"})");
  EXPECT_EQ(f1.status, 201) << f1.body;
  EXPECT_EQ(f1.body, "");
  EXPECT_EQ(
      api_.AsUser(alice_, "POST", "/external/feedback", R"({"title":"T2","content":"C2"})").status,
      201);
  EXPECT_EQ(
      api_.AsUser(bob_, "POST", "/external/feedback", R"({"title":"Beta","content":"B"})").status,
      201);

  const std::string first = R"({"id":1,"uid":")" + alice_uid_ +
                            R"(","UserNumber":"alice@acme.test","title":"Broken",)"
                            R"("content":"It stopped",)"
                            R"("images":"http://i.example/1.png,http://i.example/2.png",)"
                            R"("createTime":0})";
  const std::string second = R"({"id":2,"uid":")" + alice_uid_ +
                             R"(","UserNumber":"","title":"T2","content":"C2","images":"",)"
                             R"("createTime":0})";
  HttpResult list = api_.Ent(acme_, "GET", "/api/v1/enterprise/feedback");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(Field(list.body, "/0/createTime"), "0");
  EXPECT_EQ(Normalized(list.body), "[" + second + "," + first + "]");
  EXPECT_EQ(Normalized(api_.Ent(acme_, "GET", "/api/v1/enterprise/feedback?page=1&size=1").body),
            "[" + first + "]");
  EXPECT_EQ(api_.Ent(acme_, "GET", "/api/v1/enterprise/feedback?page=2&size=1").body, "[]");
  HttpResult beta = api_.Ent(beta_, "GET", "/api/v1/enterprise/feedback");
  EXPECT_EQ(Field(beta.body, "/0/id"), "3") << beta.body;
  EXPECT_EQ(StringField(beta.body, "/0/uid"), bob_uid_);
  EXPECT_EQ(Field(beta.body, "/1"), "<absent>");

  // 8400002: title/content missing, malformed body, wrong types.
  const std::string kRequired =
      "Illegal argument: title (1 to 256 characters) and content (1 to 65536) are required";
  ExpectApiError(api_.AsUser(alice_, "POST", "/external/feedback", R"({"content":"c"})"), 400,
                 "8400002", kRequired);
  ExpectApiError(api_.AsUser(alice_, "POST", "/external/feedback", R"({"title":"t"})"), 400,
                 "8400002", kRequired);
  ExpectApiError(api_.AsUser(alice_, "POST", "/external/feedback", R"({"title":"t","content":""})"),
                 400, "8400002", kRequired);
  ExpectApiError(api_.AsUser(alice_, "POST", "/external/feedback", "nope"), 400, "8400002",
                 "Illegal argument: the body must be a JSON object");
  ExpectApiError(api_.AsUser(alice_, "POST", "/external/feedback",
                             R"({"title":"t","content":"c","UserNumber":5})"),
                 400, "8400002",
                 "Illegal argument: UserNumber is at most 128 characters, images 8192");
  ExpectApiError(api_.Ent(acme_, "GET", "/api/v1/enterprise/feedback?size=0"), 400, "8400002",
                 kBadPaging);
  // Auth: 403 on the app side, 401 on the enterprise side.
  ExpectBadBearer(
      api_.AsUser("junk", "POST", "/external/feedback", R"({"title":"t","content":"c"})"));
  ExpectBadKey(api_.Ent("wrong", "GET", "/api/v1/enterprise/feedback"));
}

// ---- §3.1.6 ------------------------------------------------------------------------

TEST_F(EnterpriseExternalTest, DemoDevices) {
  const std::string path = "/external/device/default/static";
  const std::string put = "/api/v1/enterprise/demoDevices";
  EXPECT_EQ(api_.AsUser(alice_, "GET", path).body, "[]");

  HttpResult r =
      api_.Ent(acme_, "PUT", put,
               R"([{"deviceName":"Socket","logo":"http://l.example/s.png",)"
               R"("desc":"A demo socket","androidH5Page":"http://h5.example/a/index.html",)"
               R"("iosH5Page":"http://h5.example/i/index.html"},{"deviceName":"Lamp"}])");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  HttpResult g = api_.AsUser(alice_, "GET", path);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.body,
            R"([{"pid":"11111111111","deviceName":"Socket","logo":"http://l.example/s.png",)"
            R"("desc":"A demo socket","androidH5Page":"http://h5.example/a/index.html",)"
            R"("iosH5Page":"http://h5.example/i/index.html"},)"
            R"({"pid":"11111111111","deviceName":"Lamp","logo":"","desc":"",)"
            R"("androidH5Page":"","iosH5Page":""}])");
  // Other pids see their own (none here).
  EXPECT_EQ(api_.AsUser(bob_, "GET", path).body, "[]");
  EXPECT_EQ(api_.AsUser(demo_, "GET", path).body, "[]");
  // The whole list is replaced; [] empties it.
  EXPECT_EQ(api_.Ent("Bearer " + alice_, "PUT", put, R"([{"deviceName":"Fan"}])").status, 204);
  EXPECT_EQ(StringField(api_.AsUser(alice_, "GET", path).body, "/0/deviceName"), "Fan");
  EXPECT_EQ(Field(api_.AsUser(alice_, "GET", path).body, "/1"), "<absent>");
  EXPECT_EQ(api_.Ent(acme_, "PUT", put, "[]").status, 204);
  EXPECT_EQ(api_.AsUser(alice_, "GET", path).body, "[]");

  // 8400002 (nothing changed).
  ASSERT_EQ(api_.Ent(acme_, "PUT", put, R"([{"deviceName":"Keep"}])").status, 204);
  const std::string kDevice =
      "Illegal argument: deviceName is required (1 to 128 characters); logo, desc, "
      "androidH5Page and iosH5Page are strings of at most 1024";
  ExpectApiError(api_.Ent(acme_, "PUT", put, R"({"deviceName":"x"})"), 400, "8400002",
                 "Illegal argument: the body must be a JSON array");
  ExpectApiError(api_.Ent(acme_, "PUT", put, R"(["x"])"), 400, "8400002",
                 "Illegal argument: every element must be a JSON object");
  ExpectApiError(api_.Ent(acme_, "PUT", put, R"([{"deviceName":"ok"},{"logo":"x"}])"), 400,
                 "8400002", kDevice);
  ExpectApiError(api_.Ent(acme_, "PUT", put, R"([{"deviceName":"ok","desc":3}])"), 400, "8400002",
                 kDevice);
  std::string many = "[";
  for (int i = 0; i <= 100; ++i) many += std::string(i ? "," : "") + R"({"deviceName":"d"})";
  ExpectApiError(api_.Ent(acme_, "PUT", put, many + "]"), 400, "8400002",
                 "Illegal argument: at most 100 demo devices");
  EXPECT_EQ(StringField(api_.AsUser(alice_, "GET", path).body, "/0/deviceName"), "Keep");
  // Auth: 401 on the enterprise side, 403 on the app side.
  ExpectBadKey(api_.Ent("wrong", "PUT", put, "[]"));
  ExpectBadBearer(api_.AsUser("junk", "GET", path));
}

}  // namespace
}  // namespace krypton::testing
