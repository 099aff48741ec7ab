// Black-box: the operator CLI of the krypton binary (init, admin, config).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "server_process.h"

namespace krypton::testing {
namespace {

simdjson::dom::element ParseJson(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(text).get(e), simdjson::SUCCESS) << text;
  return e;
}

std::string WriteFile(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kTemplate =
    R"({"workModeType":"JSON_CTRL","protocol":{"2":{"cmdId":2,"cmdTag":"setPower","frameType":2,)"
    R"("fields":[{"name":"power","dataType":"INT","minValue":0,"maxValue":1}]}}})";

TEST(AdminCliTest, HelpExplainsEverySubcommand) {
  CommandResult r = RunKrypton({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub : {"init", "serve", "admin", "config"}) {
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
  CommandResult u = RunKrypton({"admin", "user", "create", "--help"});
  EXPECT_EQ(u.exit_code, 0);
  EXPECT_NE(u.out.find("--password"), std::string::npos);
  EXPECT_NE(u.out.find("--email"), std::string::npos);
  CommandResult p = RunKrypton({"admin", "product", "create", "--help"});
  EXPECT_NE(p.out.find("--work-mode"), std::string::npos);
  EXPECT_NE(p.out.find("--template"), std::string::npos);
}

TEST(AdminCliTest, BadArgumentsFailWithMessage) {
  CommandResult none = RunKrypton({});
  EXPECT_NE(none.exit_code, 0);
  CommandResult missing = RunKrypton({"admin", "user", "create", "--email", "a@b.co"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("--password is required"), std::string::npos) << missing.err;
  CommandResult unknown = RunKrypton({"admin", "frobnicate"});
  EXPECT_NE(unknown.exit_code, 0);
  CommandResult bad_set = RunKrypton({"config", "show", "--set", "nope"});
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.err.find("expected section.key=value"), std::string::npos);
}

TEST(AdminCliTest, InitIsIdempotent) {
  std::string dir = MakeTempDir() + "/data";
  CommandResult first = RunKrypton({"init", "--data-dir", dir, "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  simdjson::dom::parser parser;
  EXPECT_TRUE(bool(ParseJson(parser, first.out)["created"]));
  EXPECT_TRUE(std::filesystem::exists(dir + "/krypton.db"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/jwt.key"));
  CommandResult second = RunKrypton({"init", "--data-dir", dir, "--json"});
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_FALSE(bool(ParseJson(parser, second.out)["created"]));
}

TEST(AdminCliTest, UserCreateAndDuplicates) {
  std::string dir = MakeTempDir();
  CommandResult r = RunKrypton({"admin", "user", "create", "--data-dir", dir, "--email",
                                "Alice@Example.com", "--password", "s3cret!", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  std::string uid{std::string_view(ParseJson(parser, r.out)["uid"])};
  EXPECT_TRUE(std::regex_match(uid, std::regex("[0-9]{11}"))) << uid;
  CommandResult dup = RunKrypton({"admin", "user", "create", "--data-dir", dir, "--email",
                                  "alice@example.com", "--password", "other1"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("exists"), std::string::npos) << dup.err;
  CommandResult shortpw = RunKrypton({"admin", "user", "create", "--data-dir", dir, "--email",
                                      "b@example.com", "--password", "123"});
  EXPECT_EQ(shortpw.exit_code, 1);
  EXPECT_NE(shortpw.err.find("at least 6"), std::string::npos);
  CommandResult badmail = RunKrypton({"admin", "user", "create", "--data-dir", dir, "--email",
                                      "not-an-email", "--password", "123456"});
  EXPECT_EQ(badmail.exit_code, 1);
  // The password is stored as argon2id, never in clear.
  std::ifstream db(dir + "/krypton.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("s3cret!"), std::string::npos);
}

TEST(AdminCliTest, ProductCreateAndList) {
  std::string dir = MakeTempDir();
  std::string tpl = WriteFile(dir, "t.json", kTemplate);
  CommandResult noman =
      RunKrypton({"admin", "product", "create", "--data-dir", dir, "--pid", "12345678901", "--name",
                  "Lamp", "--work-mode", "JSON_CTRL", "--template", tpl});
  EXPECT_EQ(noman.exit_code, 1);
  EXPECT_NE(noman.err.find("no manufacturer with pid 12345678901"), std::string::npos) << noman.err;

  ASSERT_EQ(RunKrypton({"admin", "manufacturer", "create", "--data-dir", dir, "--pid",
                        "12345678901", "--name", "Acme"})
                .exit_code,
            0);
  CommandResult r =
      RunKrypton({"admin", "product", "create", "--data-dir", dir, "--pid", "12345678901", "--name",
                  "Lamp", "--work-mode", "JSON_CTRL", "--template", tpl, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  auto p = ParseJson(parser, r.out);
  std::string mid{std::string_view(p["mid"])};
  std::string prod_key{std::string_view(p["prodKey"])};
  std::string ppk{std::string_view(p["productPublicKey"])};
  EXPECT_TRUE(std::regex_match(mid, std::regex("[0-9A-Za-z]{12}"))) << mid;
  EXPECT_TRUE(std::regex_match(prod_key, std::regex("[0-9a-f]{32}"))) << prod_key;
  EXPECT_TRUE(std::regex_match(ppk, std::regex("[0-9a-f]{32}"))) << ppk;
  EXPECT_NE(prod_key, ppk);

  CommandResult list = RunKrypton({"admin", "product", "list", "--data-dir", dir, "--json"});
  ASSERT_EQ(list.exit_code, 0);
  simdjson::dom::parser lp;
  simdjson::dom::array arr = ParseJson(lp, list.out);
  ASSERT_EQ(arr.size(), 1u);
  EXPECT_EQ(std::string_view(arr.at(0)["mid"]), mid);
  EXPECT_EQ(std::string_view(arr.at(0)["workModeType"]), "JSON_CTRL");

  CommandResult badmode =
      RunKrypton({"admin", "product", "create", "--data-dir", dir, "--pid", "12345678901", "--name",
                  "X", "--work-mode", "MQTT", "--template", tpl});
  EXPECT_EQ(badmode.exit_code, 1);
  EXPECT_NE(badmode.err.find("work mode must be"), std::string::npos);
  CommandResult mismatch =
      RunKrypton({"admin", "product", "create", "--data-dir", dir, "--pid", "12345678901", "--name",
                  "X", "--work-mode", "TRANSPARENT48_V2", "--template", tpl});
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.err.find("workModeType JSON_CTRL differs"), std::string::npos);
  std::string bad = WriteFile(dir, "bad.json", "{not json");
  CommandResult badjson =
      RunKrypton({"admin", "product", "create", "--data-dir", dir, "--pid", "12345678901", "--name",
                  "X", "--work-mode", "JSON_CTRL", "--template", bad});
  EXPECT_EQ(badjson.exit_code, 1);
  EXPECT_NE(badjson.err.find("not a JSON object"), std::string::npos);
  CommandResult dupmid =
      RunKrypton({"admin", "product", "create", "--data-dir", dir, "--pid", "12345678901", "--name",
                  "Y", "--work-mode", "JSON_CTRL", "--template", tpl, "--mid", mid});
  EXPECT_EQ(dupmid.exit_code, 1);
  EXPECT_NE(dupmid.err.find("exists"), std::string::npos);
}

TEST(AdminCliTest, DemoIsRepeatable) {
  std::string dir = MakeTempDir();
  CommandResult a = RunKrypton({"admin", "demo", "--data-dir", dir, "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  CommandResult b = RunKrypton({"admin", "demo", "--data-dir", dir, "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  simdjson::dom::parser pa, pb;
  auto ea = ParseJson(pa, a.out);
  auto eb = ParseJson(pb, b.out);
  EXPECT_EQ(std::string_view(ea["mid"]), "DEMOSOCKET01");
  EXPECT_EQ(std::string_view(ea["prodKey"]), "xxxxxx");
  EXPECT_EQ(std::string_view(ea["workModeType"]), "JSON_CTRL");
  EXPECT_EQ(std::string_view(ea["pid"]), "00000000000");
  EXPECT_EQ(std::string_view(ea["email"]), "demo@krypton.local");
  EXPECT_GE(std::string_view(ea["password"]).size(), 12u);
  EXPECT_EQ(std::string_view(ea["password"]), std::string_view(eb["password"]));
  EXPECT_EQ(std::string_view(ea["uid"]), std::string_view(eb["uid"]));
  EXPECT_EQ(std::string_view(ea["productPublicKey"]), std::string_view(eb["productPublicKey"]));
  CommandResult list = RunKrypton({"admin", "product", "list", "--data-dir", dir, "--json"});
  simdjson::dom::parser lp;
  simdjson::dom::array arr = ParseJson(lp, list.out);
  EXPECT_EQ(arr.size(), 1u);
}

TEST(AdminCliTest, ConfigShowAppliesEnvAndSet) {
  setenv("KRYPTON_HUB_RELAY_TIMEOUT_S", "17", 1);
  CommandResult r =
      RunKrypton({"config", "show", "--data-dir", MakeTempDir(), "--set", "profile=hekr"});
  unsetenv("KRYPTON_HUB_RELAY_TIMEOUT_S");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("relay_timeout_s = 17"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[hub.device]\nport = 83"), std::string::npos) << r.out;
}

TEST(AdminCliTest, ConfigFileInDataDirIsRead) {
  std::string dir = MakeTempDir();
  WriteFile(dir, "krypton.toml", "[hub]\nidle_timeout_s = 45\n");
  CommandResult r = RunKrypton({"config", "show", "--data-dir", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("idle_timeout_s = 45"), std::string::npos);
  CommandResult missing = RunKrypton({"config", "show", "--config", dir + "/nope.toml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace krypton::testing
