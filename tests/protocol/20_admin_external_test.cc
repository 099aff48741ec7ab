// Black-box: `krypton admin firmware|news|feedback|demo-devices …` — the enterprise side of
// the app-facing endpoints (catalog/external.h; decision 0009) for the operator, on the
// data directory of a running server. Each command's effect is seen through the HTTP API
// the apps call (OTA check, news by pid, demo devices), its --json output equals the
// enterprise API's answer, and its refusals are the API's detail texts on stderr (exit 1).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";
constexpr const char* kNobody = "44444444444";

constexpr const char* kBadVersion = "binVer must be dotted numbers, e.g. 4.1.6.1";
constexpr const char* kBadPaging = "page must be 0 or more, size 1 to 100";

// Timestamps set by the server become 0, so whole bodies can be compared.
std::string Normalized(const std::string& body) {
  static const std::regex kTimes(R"re("(updateTime|createTime)":\d+)re");
  return std::regex_replace(body, kTimes, "\"$1\":0");
}

class AdminExternalTest : public KryptonTest {
 protected:
  void SetUp() override {
    for (const char* pid : {kAcme, kBeta}) {
      ASSERT_EQ(
          admin_.Run({"manufacturer", "create", "--pid", pid, "--name", std::string("Ent ") + pid})
              .exit_code,
          0);
    }
    CommandResult key = admin_.Run({"manufacturer", "key", "--pid", kAcme, "--json"});
    ASSERT_EQ(key.exit_code, 0) << key.err;
    acme_key_ = StringField(key.out, "/serverKey");
    alice_uid_ = admin_.CreateUser("alice@acme.test", "secret-123", kAcme);
    bob_uid_ = admin_.CreateUser("bob@beta.test", "secret-123", kBeta);
    alice_ = admin_.Token(alice_uid_);
    bob_ = admin_.Token(bob_uid_);
    ASSERT_TRUE(Serve());
  }

  std::string File(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string acme_key_, alice_uid_, bob_uid_, alice_, bob_;
};

TEST_F(AdminExternalTest, FirmwareSetAnswersTheOtaCheck) {
  HttpResult c = api_.Ent(acme_key_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Plug","workModeType":"JSON_CTRL"})");
  ASSERT_EQ(c.status, 201) << c.body;
  const std::string mid = StringField(c.body, "/mid");
  const std::string ppk = StringField(c.body, "/productPublicKey");
  const std::string rules = "/api/v1/enterprise/product/" + mid + "/firmware";

  CommandResult none = admin_.Run({"firmware", "list", "--product", mid});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "no firmware rules for product " + mid + "\n");
  EXPECT_EQ(admin_.Run({"firmware", "list", "--product", mid, "--json"}).out, "[]\n");

  CommandResult a = admin_.Run({"firmware", "set", "--product", mid, "--bin-type", "A", "--bin-ver",
                                "4.2.0.0", "--bin-url", "http://fw.example/a.bin", "--md5",
                                "0123456789abcdef0123456789abcdef", "--size", "123456", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(Field(a.out, "/updateTime"), "0");
  EXPECT_EQ(Normalized(a.out),
            R"({"binType":"A","binVer":"4.2.0.0","binUrl":"http://fw.example/a.bin",)"
            R"("md5":"0123456789abcdef0123456789abcdef","size":123456,"updateTime":0})"
            "\n");
  CommandResult b = admin_.Run({"firmware", "set", "--product", mid, "--bin-type", "B", "--bin-ver",
                                "1.0", "--bin-url", "http://fw.example/b.bin"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.out, "set firmware rule of product " + mid +
                       ": B 1.0 http://fw.example/b.bin md5 - size 0\n");

  // The apps' check answers from the operator's rules.
  auto item = [&](const std::string& dev_tid, const std::string& type, const std::string& ver) {
    return R"({"devTid":")" + dev_tid + R"(","productPublicKey":")" + ppk + R"(","binType":")" +
           type + R"(","binVer":")" + ver + R"("})";
  };
  const std::string check = "/external/device/fw/ota/check";
  HttpResult r =
      api_.AsUser(alice_, "POST", check,
                  "[" + item("D1", "A", "4.1.6.1") + "," + item("D2", "B", "1.0.0") + "]");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"([{"devTid":"D1","update":true,"devFirmwareOTARawRuleVO":{)"
            R"("binUrl":"http://fw.example/a.bin","md5":"0123456789abcdef0123456789abcdef",)"
            R"("latestBinType":"A","latestBinVer":"4.2.0.0","size":123456}},)"
            R"({"devTid":"D2","update":false,"devFirmwareOTARawRuleVO":null}])");
  // Setting binType A again replaces its rule.
  ASSERT_EQ(admin_
                .Run({"firmware", "set", "--product", mid, "--bin-type", "A", "--bin-ver", "4.10",
                      "--bin-url", "http://fw.example/a2.bin"})
                .exit_code,
            0);
  HttpResult again = api_.AsUser(alice_, "POST", check, "[" + item("D1", "A", "4.2.0.0") + "]");
  EXPECT_EQ(StringField(again.body, "/0/devFirmwareOTARawRuleVO/latestBinVer"), "4.10")
      << again.body;
  EXPECT_EQ(StringField(again.body, "/0/devFirmwareOTARawRuleVO/md5"), "");

  // The list is the enterprise API's GET.
  CommandResult list = admin_.Run({"firmware", "list", "--product", mid, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, api_.Ent(acme_key_, "GET", rules).body + "\n");
  CommandResult text = admin_.Run({"firmware", "list", "--product", mid});
  EXPECT_EQ(text.out,
            "A 4.10 http://fw.example/a2.bin md5 - size 0\n"
            "B 1.0 http://fw.example/b.bin md5 - size 0\n");

  // Refusals: the API's details, nothing changed.
  const std::string before = api_.Ent(acme_key_, "GET", rules).body;
  auto set = [&](const std::string& type, const std::string& ver, const std::string& url,
                 std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"firmware",  "set", "--product", mid, "--bin-type", type,
                                     "--bin-ver", ver,   "--bin-url", url};
    args.insert(args.end(), extra.begin(), extra.end());
    return admin_.Run(args);
  };
  ExpectCliFailure(set("A", "v2", "u"), kBadVersion);
  ExpectCliFailure(set("A", "1..2", "u"), kBadVersion);
  ExpectCliFailure(set("A", "1.2.3.4.5.6.7.8.9", "u"), kBadVersion);
  const std::string kRequired =
      "binType (1 to 32 characters) and binUrl (1 to 1024) are required; md5 is at most 64 "
      "characters";
  ExpectCliFailure(set("", "1.0", "u"), kRequired);
  ExpectCliFailure(set("A", "1.0", ""), kRequired);
  ExpectCliFailure(set("A", "1.0", "u", {"--md5", std::string(65, 'f')}), kRequired);
  // The API's order: binType/binUrl/md5 before binVer.
  ExpectCliFailure(set("", "v2", "u"), kRequired);
  ExpectCliFailure(set("A", "1.0", "u", {"--size", "-1"}), "size must be a non-negative integer");
  ExpectCliFailure(admin_.Run({"firmware", "set", "--product", "NOSUCHMID000", "--bin-type", "A",
                               "--bin-ver", "9.0", "--bin-url", "u"}),
                   "no product with mid NOSUCHMID000");
  ExpectCliFailure(admin_.Run({"firmware", "list", "--product", "NOSUCHMID000"}),
                   "no product with mid NOSUCHMID000");
  EXPECT_EQ(api_.Ent(acme_key_, "GET", rules).body, before);
  CommandResult missing = admin_.Run({"firmware", "set", "--product", mid, "--bin-type", "A"});
  EXPECT_EQ(missing.exit_code, 106) << missing.err;  // CLI11: a required option is missing
  EXPECT_NE(missing.err.find("--bin-ver is required"), std::string::npos) << missing.err;
}

TEST_F(AdminExternalTest, NewsAddIsSeenByGetByPid) {
  CommandResult n =
      admin_.Run({"news", "add", "--pid", kAcme, "--title", "Hello", "--content", "<html>hi</html>",
                  "--tags", "new", "fw", "--author", "Acme PR", "--json"});
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const std::string id = StringField(n.out, "/id");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(n.out, R"({"id":")" + id + "\"}\n");

  HttpResult page = api_.AsUser(alice_, "GET", "/external/vc/getByPid");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(Field(page.body, "/result/0/updateTime"), "0");
  EXPECT_EQ(Normalized(page.body),
            R"({"page":0,"size":20,"totalResults":1,"totalPages":1,"first":true,"last":true,)"
            R"("result":[{"id":")" +
                id +
                R"(","authorName":"Acme PR","updateTime":0,"title":"Hello",)"
                R"("infoContent":"<html>hi</html>","infoTags":["new","fw"]}]})");
  // Optional members default; another enterprise's news stays its own.
  CommandResult beta = admin_.Run({"news", "add", "--pid", kBeta, "--title", "Beta news"});
  ASSERT_EQ(beta.exit_code, 0) << beta.err;
  EXPECT_TRUE(std::regex_match(
      beta.out, std::regex(R"(added news [A-Za-z0-9]{16} "Beta news" of 22222222222\n)")))
      << beta.out;
  HttpResult b = api_.AsUser(bob_, "GET", "/external/vc/getByPid");
  EXPECT_EQ(Field(b.body, "/totalResults"), "1") << b.body;
  EXPECT_EQ(Field(b.body, "/result/0/infoTags"), "[]");
  EXPECT_EQ(StringField(b.body, "/result/0/authorName"), "");
  EXPECT_EQ(Field(api_.AsUser(alice_, "GET", "/external/vc/getByPid").body, "/totalResults"), "1");

  // Refusals: the API's details; nothing stored.
  const std::string kTitle =
      "title is required (1 to 256 characters); infoContent is at most 65536, authorName 128";
  const std::string kTags = "infoTags must be at most 32 strings of at most 64 characters";
  ExpectCliFailure(admin_.Run({"news", "add", "--pid", kNobody, "--title", "t"}),
                   std::string("no manufacturer ") + kNobody);
  ExpectCliFailure(admin_.Run({"news", "add", "--pid", kAcme, "--title", ""}), kTitle);
  ExpectCliFailure(admin_.Run({"news", "add", "--pid", kAcme, "--title", std::string(257, 'x')}),
                   kTitle);
  ExpectCliFailure(admin_.Run({"news", "add", "--pid", kAcme, "--title", "t", "--author",
                               std::string(129, 'a')}),
                   kTitle);
  ExpectCliFailure(
      admin_.Run({"news", "add", "--pid", kAcme, "--title", "t", "--tags", std::string(65, 'g')}),
      kTags);
  std::vector<std::string> many = {"news", "add", "--pid", kAcme, "--title", "t", "--tags"};
  for (int i = 0; i < 33; ++i) many.push_back("tag" + std::to_string(i));
  ExpectCliFailure(admin_.Run(many), kTags);
  EXPECT_EQ(Field(api_.AsUser(alice_, "GET", "/external/vc/getByPid").body, "/totalResults"), "1");
}

TEST_F(AdminExternalTest, FeedbackPostedOverHttpIsListed) {
  ASSERT_EQ(
      api_.AsUser(alice_, "POST", "/external/feedback",
                  R"({"UserNumber":"alice@acme.test","title":"Broken","content":"It stopped"})")
          .status,
      201);
  ASSERT_EQ(
      api_.AsUser(alice_, "POST", "/external/feedback", R"({"title":"T2","content":"C2"})").status,
      201);

  CommandResult all = admin_.Run({"feedback", "list", "--pid", kAcme, "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, api_.Ent(acme_key_, "GET", "/api/v1/enterprise/feedback").body + "\n");
  EXPECT_EQ(Normalized(all.out),
            R"([{"id":2,"uid":")" + alice_uid_ +
                R"(","UserNumber":"","title":"T2","content":"C2","images":"","createTime":0},)"
                R"({"id":1,"uid":")" +
                alice_uid_ +
                R"(","UserNumber":"alice@acme.test","title":"Broken","content":"It stopped",)"
                R"("images":"","createTime":0}])"
                "\n");
  CommandResult second =
      admin_.Run({"feedback", "list", "--pid", kAcme, "--page", "1", "--size", "1"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, "#1 from " + alice_uid_ + " (alice@acme.test): Broken: It stopped\n");
  CommandResult text = admin_.Run({"feedback", "list", "--pid", kAcme});
  EXPECT_EQ(text.out, "#2 from " + alice_uid_ + " (-): T2: C2\n#1 from " + alice_uid_ +
                          " (alice@acme.test): Broken: It stopped\n");
  EXPECT_EQ(
      admin_.Run({"feedback", "list", "--pid", kAcme, "--page", "2", "--size", "1", "--json"}).out,
      "[]\n");
  EXPECT_EQ(admin_.Run({"feedback", "list", "--pid", kBeta}).out, "no feedback for 22222222222\n");

  ExpectCliFailure(admin_.Run({"feedback", "list", "--pid", kAcme, "--size", "0"}), kBadPaging);
  ExpectCliFailure(admin_.Run({"feedback", "list", "--pid", kAcme, "--size", "101"}), kBadPaging);
  ExpectCliFailure(admin_.Run({"feedback", "list", "--pid", kAcme, "--page", "x"}), kBadPaging);
  ExpectCliFailure(admin_.Run({"feedback", "list", "--pid", kNobody}),
                   std::string("no manufacturer ") + kNobody);
}

TEST_F(AdminExternalTest, DemoDevicesSetIsSeenByTheApps) {
  const std::string path = "/external/device/default/static";
  const std::string devices =
      File("devices.json", R"([{"deviceName":"Socket","logo":"http://l.example/s.png",)"
                           R"("desc":"A demo socket",)"
                           R"("androidH5Page":"http://h5.example/a/index.html",)"
                           R"("iosH5Page":"http://h5.example/i/index.html"},)"
                           R"({"deviceName":"Lamp","pid":"99999999999"}])");
  CommandResult set = admin_.Run({"demo-devices", "set", "--pid", kAcme, "--file", devices});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "set 2 demo devices of 11111111111\n");
  HttpResult g = api_.AsUser(alice_, "GET", path);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.body,
            R"([{"pid":"11111111111","deviceName":"Socket","logo":"http://l.example/s.png",)"
            R"("desc":"A demo socket","androidH5Page":"http://h5.example/a/index.html",)"
            R"("iosH5Page":"http://h5.example/i/index.html"},)"
            R"({"pid":"11111111111","deviceName":"Lamp","logo":"","desc":"",)"
            R"("androidH5Page":"","iosH5Page":""}])");
  EXPECT_EQ(api_.AsUser(bob_, "GET", path).body, "[]");
  CommandResult list = admin_.Run({"demo-devices", "list", "--pid", kAcme, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, g.body + "\n");
  EXPECT_EQ(admin_.Run({"demo-devices", "list", "--pid", kAcme}).out,
            "Socket logo http://l.example/s.png androidH5Page http://h5.example/a/index.html "
            "iosH5Page http://h5.example/i/index.html\n"
            "Lamp logo - androidH5Page - iosH5Page -\n");

  // Refusals: the details the PUT answers for the same body; nothing changed.
  std::string many = "[";
  for (int i = 0; i <= 100; ++i) many += std::string(i ? "," : "") + R"({"deviceName":"d"})";
  const std::string kDevice =
      "deviceName is required (1 to 128 characters); logo, desc, androidH5Page and iosH5Page "
      "are strings of at most 1024";
  const std::pair<std::string, std::string> bad[] = {
      {"[{", "the body must be a JSON array"},
      {"", "the body must be a JSON array"},
      {R"({"deviceName":"x"})", "the body must be a JSON array"},
      {R"(["x"])", "every element must be a JSON object"},
      {R"([{"deviceName":"ok"},{"logo":"x"}])", kDevice},
      {R"([{"deviceName":"ok","desc":3}])", kDevice},
      {many + "]", "at most 100 demo devices"},
  };
  for (const auto& [body, detail] : bad) {
    SCOPED_TRACE(body.substr(0, 40));
    ExpectCliFailure(
        admin_.Run({"demo-devices", "set", "--pid", kAcme, "--file", File("bad.json", body)}),
        detail);
    HttpResult put = api_.Ent(acme_key_, "PUT", "/api/v1/enterprise/demoDevices", body);
    EXPECT_EQ(put.status, 400) << put.body;
    EXPECT_EQ(StringField(put.body, "/desc"), "Illegal argument: " + detail) << put.body;
  }
  ExpectCliFailure(
      admin_.Run({"demo-devices", "set", "--pid", kAcme, "--file", dir_ + "/none.json"}),
      "cannot read " + dir_ + "/none.json");
  ExpectCliFailure(admin_.Run({"demo-devices", "set", "--pid", kNobody, "--file", devices}),
                   std::string("no manufacturer ") + kNobody);
  ExpectCliFailure(admin_.Run({"demo-devices", "list", "--pid", kNobody}),
                   std::string("no manufacturer ") + kNobody);
  EXPECT_EQ(api_.AsUser(alice_, "GET", path).body, g.body);

  // [] empties the list.
  CommandResult empty = admin_.Run(
      {"demo-devices", "set", "--pid", kAcme, "--file", File("empty.json", "[]"), "--json"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "[]\n");
  EXPECT_EQ(api_.AsUser(alice_, "GET", path).body, "[]");
  EXPECT_EQ(admin_.Run({"demo-devices", "list", "--pid", kAcme}).out,
            "no demo devices of 11111111111\n");
}

}  // namespace
}  // namespace krypton::testing
