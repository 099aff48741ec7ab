// Black-box: protocol templates through the operator CLI (`krypton admin template set
// |show`, and `admin product create`, which validates with the same codec rules).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

// §9.2 of templates-and-frames.md: the demo socket as a 48 product.
constexpr const char* kDemo48 =
    R"({"workModeType":"TRANSPARENT48_V2","protocol":{)"
    R"("0":{"cmdId":0,"cmdTag":"queryDev","frameType":2,"fields":[]},)"
    R"("1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},)"
    R"("2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]}}})";

class TemplateCliTest : public KryptonTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(
        admin_.Run({"manufacturer", "create", "--pid", "12345678901", "--name", "Acme"}).exit_code,
        0);
    CommandResult p = admin_.Run({"product", "create", "--pid", "12345678901", "--name", "Socket48",
                                  "--work-mode", "TRANSPARENT48_V2", "--template",
                                  Write("t1.json", kDemo48), "--json"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    mid_ = StringField(p.out, "/mid");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string mid_;
};

TEST_F(TemplateCliTest, SetStoresANewVersionAndShowPrintsIt) {
  CommandResult v1 = admin_.Run({"template", "show", "--product", mid_});
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  EXPECT_EQ(v1.out, std::string(kDemo48) + "\n");

  // Version 2: setLabel added, one cmdTag left out (completed as cmd0).
  std::string v2_text = std::string(kDemo48);
  v2_text.replace(v2_text.find(R"("cmdTag":"queryDev",)"), 20, "");
  CommandResult set = admin_.Run({"template", "set", "--product", mid_, Write("t2.json", v2_text)});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "stored template version 2 of product " + mid_ + " (3 commands)\n");
  EXPECT_NE(set.err.find("warning: protocol[\"0\"]: cmdTag completed as cmd0"), std::string::npos)
      << set.err;

  CommandResult current = admin_.Run({"template", "show", "--product", mid_, "--json"});
  ASSERT_EQ(current.exit_code, 0) << current.err;
  EXPECT_EQ(Field(current.out, "/mid"), "\"" + mid_ + "\"");
  EXPECT_EQ(Field(current.out, "/version"), "2");
  EXPECT_EQ(Field(current.out, "/template/workModeType"), "\"TRANSPARENT48_V2\"");
  EXPECT_EQ(Field(current.out, "/template/protocol/0/cmdTag"), "\"cmd0\"");
  EXPECT_NE(Field(current.out, "/createdAt"), "<absent>");

  CommandResult old =
      admin_.Run({"template", "show", "--product", mid_, "--version", "1", "--json"});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(Field(old.out, "/version"), "1");
  EXPECT_EQ(Field(old.out, "/template/protocol/0/cmdTag"), "\"queryDev\"");

  CommandResult json_set =
      admin_.Run({"template", "set", "--product", mid_, Write("t3.json", kDemo48), "--json"});
  ASSERT_EQ(json_set.exit_code, 0) << json_set.err;
  EXPECT_EQ(json_set.out,
            R"({"mid":")" + mid_ +
                R"(","version":3,"workModeType":"TRANSPARENT48_V2","commands":3,"warnings":0})"
                "\n");
}

TEST_F(TemplateCliTest, InvalidTemplatesAreRefusedWithTheRule) {
  auto refused = [&](const std::string& text) {
    CommandResult r = admin_.Run({"template", "set", "--product", mid_, Write("bad.json", text)});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    return r.err;
  };
  EXPECT_EQ(refused("{not json"), "krypton: invalid template: the template is not a JSON object\n");
  EXPECT_EQ(refused(R"({"workModeType":"JSON_CTRL","protocol":{}})"),
            "krypton: invalid template: the template's workModeType JSON_CTRL differs from "
            "TRANSPARENT48_V2\n");
  EXPECT_EQ(refused(R"({"protocol":{"2":{"cmdId":2,"cmdTag":"a","frameType":2,)"
                    R"("fields":[{"name":"power","dataType":"INT","dataLength":1}]}}})"),
            "krypton: invalid template: protocol[\"2\"].fields[0] \"power\": dataType \"INT\" is "
            "not allowed in TRANSPARENT48_V2 (use NUMBER or STRING)\n");
  EXPECT_EQ(refused(R"({"protocol":{"1":{"cmdId":1,"cmdTag":"a","frameType":1},)"
                    R"("2":{"cmdId":2,"cmdTag":"a","frameType":2}}})"),
            "krypton: invalid template: protocol[\"2\"]: cmdTag \"a\" is already the cmdTag of "
            "cmdId 1\n");
  // Nothing was stored.
  EXPECT_EQ(Field(admin_.Run({"template", "show", "--product", mid_, "--json"}).out, "/version"),
            "1");
}

TEST_F(TemplateCliTest, UnknownProductsAndVersions) {
  ExpectCliFailure(admin_.Run({"template", "set", "--product", "NOPE", Write("t.json", kDemo48)}),
                   "no product with mid NOPE");
  ExpectCliFailure(admin_.Run({"template", "show", "--product", "NOPE"}),
                   "no product with mid NOPE");
  ExpectCliFailure(admin_.Run({"template", "show", "--product", mid_, "--version", "9"}),
                   "product " + mid_ + " has no template version 9");
  ExpectCliFailure(admin_.Run({"template", "set", "--product", mid_, dir_ + "/none.json"}),
                   "cannot read template file " + dir_ + "/none.json");
  EXPECT_NE(admin_.Run({"template", "set", "--product", mid_}).exit_code, 0);  // no file
}

// `admin product create` applies the same rules and stores what the codec completed.
TEST_F(TemplateCliTest, ProductCreateValidatesTheTemplate) {
  CommandResult bad =
      admin_.Run({"product", "create", "--pid", "12345678901", "--name", "X", "--work-mode",
                  "JSON_TRANSPARENT", "--template",
                  Write("nolen.json", R"({"protocol":{"2":{"cmdId":2,"cmdTag":"s","frameType":2,)"
                                      R"("fields":[{"name":"p","dataType":"NUMBER"}]}}})")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(
      bad.err,
      "krypton: protocol[\"2\"].fields[0] \"p\": dataLength is required in JSON_TRANSPARENT\n");
  CommandResult ok = admin_.Run(
      {"product", "create", "--pid", "12345678901", "--name", "Y", "--work-mode", "JSON_CTRL",
       "--template", Write("ctrl.json", R"({"protocol":{"1":{"cmdId":1}}})"), "--json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  CommandResult shown = admin_.Run({"template", "show", "--product", StringField(ok.out, "/mid")});
  EXPECT_EQ(shown.out,
            R"({"workModeType":"JSON_CTRL","protocol":{"1":{"cmdId":1,"cmdTag":"cmd1"}}})"
            "\n");
}

TEST(TemplateCliHelpTest, HelpNamesTheSubcommands) {
  CommandResult r = RunKrypton({"admin", "template", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("set"), std::string::npos);
  EXPECT_NE(r.out.find("show"), std::string::npos);
  CommandResult show = RunKrypton({"admin", "template", "show", "--help"});
  EXPECT_NE(show.out.find("--version"), std::string::npos);
  EXPECT_NE(show.out.find("--product"), std::string::npos);
}

}  // namespace
}  // namespace krypton::testing
