// Template parsing and the upload rules of templates-and-frames.md §1.4, with their
// exact messages.
#include "codec/template.h"

#include <gtest/gtest.h>

#include <string>

#include "test_templates.h"

namespace krypton::codec {
namespace {

using testing::kDemo48;
using testing::kDemoCtrl;
using testing::MustParse;

// The detail of an 8400002 refusal, or "accepted".
std::string Refusal(std::string_view json, std::optional<WorkMode> mode = std::nullopt) {
  Result<Template> t = ParseTemplate(json, mode);
  if (t.ok()) return "accepted";
  EXPECT_EQ(t.status().code(), Code::kEntIllegalArgument);
  EXPECT_EQ(t.status().Message(), "Illegal argument");
  return t.status().detail();
}

// A one-command template of `mode` with `fields` (a JSON array) and `extra` keys.
std::string One(std::string_view mode, std::string_view fields, std::string_view extra = "") {
  return std::string(R"({"workModeType":")") + std::string(mode) +
         R"(","protocol":{"2":{"cmdId":2,"cmdTag":"set","frameType":2,"fields":)" +
         std::string(fields) + std::string(extra) + "}}}";
}

TEST(TemplateTest, ParsesTheDemoTemplates) {
  Template t = MustParse(kDemo48);
  EXPECT_EQ(t.mode(), WorkMode::kTransparent48V2);
  ASSERT_EQ(t.commands().size(), 4u);
  const Command* c = t.FindById(3);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->tag, "setLabel");
  EXPECT_EQ(c->frame_type, 2);
  EXPECT_EQ(c->data_length, 6);
  ASSERT_EQ(c->fields.size(), 2u);
  EXPECT_EQ(c->fields[0].name, "label");
  EXPECT_EQ(c->fields[0].type, DataType::kString);
  EXPECT_EQ(c->fields[1].length, 2);
  EXPECT_EQ(CompareNumbers(*c->fields[1].max, Number(int64_t{3000})), 0);
  EXPECT_EQ(t.FindByTag("setPower"), t.FindById(2));
  EXPECT_EQ(t.FindById(9), nullptr);
  EXPECT_EQ(t.FindById(-1), nullptr);
  EXPECT_EQ(t.FindById(256), nullptr);
  EXPECT_EQ(t.json(), kDemo48);  // stored as given
  EXPECT_TRUE(t.warnings().empty());

  Template ctrl = MustParse(kDemoCtrl);
  EXPECT_EQ(ctrl.mode(), WorkMode::kJsonCtrl);
  ASSERT_NE(ctrl.FindById(2), nullptr);
  EXPECT_EQ(ctrl.FindById(2)->fields[0].type, DataType::kInt);
  EXPECT_EQ(ctrl.FindById(2)->fields[0].enumeration.size(), 2u);
}

TEST(TemplateTest, WorkModes) {
  for (std::string_view name : {"JSON_CTRL", "JSON_TRANSPARENT", "JSON_TRANSPARENT_NOT_CHECK_RAW",
                                "TRANSPARENT48", "TRANSPARENT48_V2"}) {
    ASSERT_TRUE(ParseWorkMode(name)) << name;
    EXPECT_EQ(WorkModeName(*ParseWorkMode(name)), name);
  }
  EXPECT_FALSE(ParseWorkMode("json_ctrl"));
  EXPECT_EQ(WorkModeNumber(WorkMode::kJsonTransparent), 0);
  EXPECT_EQ(WorkModeNumber(WorkMode::kJsonCtrl), 1);
  EXPECT_EQ(WorkModeNumber(WorkMode::kTransparent48), 2);
  EXPECT_EQ(WorkModeNumber(WorkMode::kJsonTransparentNotCheckRaw), 3);
  EXPECT_EQ(WorkModeNumber(WorkMode::kTransparent48V2), 4);
}

TEST(TemplateTest, ProductModeFillsOrMustMatch) {
  EXPECT_EQ(Refusal(R"({"protocol":{}})"), "the template has no workModeType");
  Result<Template> t = ParseTemplate(R"({"protocol":{},"v":1})", WorkMode::kJsonTransparent);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->mode(), WorkMode::kJsonTransparent);
  // Served templates always carry workModeType (SDKWEB needs it).
  EXPECT_EQ(t->json(), R"({"workModeType":"JSON_TRANSPARENT","protocol":{},"v":1})");
  EXPECT_EQ(Refusal(kDemoCtrl, WorkMode::kTransparent48V2),
            "the template's workModeType JSON_CTRL differs from TRANSPARENT48_V2");
  EXPECT_EQ(Refusal(kDemoCtrl, WorkMode::kJsonCtrl), "accepted");
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL","protocol":{}})"), "accepted");
}

TEST(TemplateTest, ShapeErrors) {
  EXPECT_EQ(Refusal("{not json"), "the template is not a JSON object");
  EXPECT_EQ(Refusal("[]"), "the template is not a JSON object");
  EXPECT_EQ(Refusal(R"({"workModeType":"MQTT","protocol":{}})"),
            "workModeType must be JSON_CTRL, JSON_TRANSPARENT, JSON_TRANSPARENT_NOT_CHECK_RAW, "
            "TRANSPARENT48 or TRANSPARENT48_V2");
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL"})"), "the template has no \"protocol\" object");
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL","protocol":[]})"),
            "\"protocol\" must be an object keyed by cmdId");
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL","protocol":{},"protocol":{}})"),
            "the template has the key \"protocol\" twice");
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL","protocol":{"1":5}})"),
            "protocol[\"1\"] must be an object");
}

TEST(TemplateTest, CommandErrors) {
  auto p = [](std::string_view protocol) {
    return Refusal(R"({"workModeType":"JSON_TRANSPARENT","protocol":)" + std::string(protocol) +
                   "}");
  };
  EXPECT_EQ(p(R"({"2":{"cmdTag":"a","frameType":2}})"),
            "protocol[\"2\"]: cmdId must be an integer 0..255");
  EXPECT_EQ(p(R"({"256":{"cmdId":256,"cmdTag":"a","frameType":2}})"),
            "protocol[\"256\"]: cmdId must be an integer 0..255");
  EXPECT_EQ(p(R"({"2":{"cmdId":2.0,"cmdTag":"a","frameType":2}})"),
            "protocol[\"2\"]: cmdId must be an integer 0..255");
  EXPECT_EQ(p(R"({"3":{"cmdId":2,"cmdTag":"a","frameType":2}})"),
            "protocol[\"3\"]: the key must be the decimal cmdId (2)");
  EXPECT_EQ(p(R"({"02":{"cmdId":2,"cmdTag":"a","frameType":2}})"),
            "protocol[\"02\"]: the key must be the decimal cmdId (2)");
  EXPECT_EQ(
      p(R"({"2":{"cmdId":2,"cmdTag":"a","frameType":2},"2":{"cmdId":2,"cmdTag":"b","frameType":2}})"),
      "protocol[\"2\"]: cmdId 2 appears twice");
  EXPECT_EQ(
      p(R"({"1":{"cmdId":1,"cmdTag":"same","frameType":1},"2":{"cmdId":2,"cmdTag":"same","frameType":2}})"),
      "protocol[\"2\"]: cmdTag \"same\" is already the cmdTag of cmdId 1");
  EXPECT_EQ(p(R"({"2":{"cmdId":2,"cmdTag":7,"frameType":2}})"),
            "protocol[\"2\"]: cmdTag must be a string");
  EXPECT_EQ(p(R"({"2":{"cmdId":2,"cmdTag":"a","frameType":3}})"),
            "protocol[\"2\"]: frameType must be 1, 2 or 7");
  EXPECT_EQ(p(R"({"2":{"cmdId":2,"cmdTag":"a"}})"),
            "protocol[\"2\"]: frameType is required in JSON_TRANSPARENT");
  EXPECT_EQ(p(R"({"2":{"cmdId":2,"cmdTag":"a","frameType":2,"fields":{}}})"),
            "protocol[\"2\"]: fields must be an array");
  EXPECT_EQ(p(R"({"2":{"cmdId":2,"cmdId":2,"cmdTag":"a","frameType":2}})"),
            "protocol[\"2\"] has the key \"cmdId\" twice");
  // JSON_CTRL: frameType is optional, fields may be absent.
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL","protocol":{"5":{"cmdId":5,"cmdTag":"x"}}})"),
            "accepted");
}

TEST(TemplateTest, FieldErrors) {
  const std::string_view v2 = "TRANSPARENT48_V2";
  EXPECT_EQ(Refusal(One(v2, "[7]")), "protocol[\"2\"].fields[0] must be an object");
  EXPECT_EQ(Refusal(One(v2, R"([{"dataType":"NUMBER","dataLength":1}])")),
            "protocol[\"2\"].fields[0]: name must be a non-empty string");
  EXPECT_EQ(
      Refusal(One(v2, R"([{"name":"raw","dataType":"NUMBER","dataLength":1}])")),
      "protocol[\"2\"].fields[0] \"raw\": the name is reserved (cmdId, cmdTag, msgId and raw are)");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"a","dataType":"NUMBER","dataLength":1},)"
                            R"({"name":"a","dataType":"NUMBER","dataLength":1}])")),
            "protocol[\"2\"].fields[1] \"a\": the name appears twice in the command");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"power","dataType":"INT","dataLength":1}])")),
            "protocol[\"2\"].fields[0] \"power\": dataType \"INT\" is not allowed in "
            "TRANSPARENT48_V2 (use NUMBER or STRING)");
  EXPECT_EQ(Refusal(One("JSON_CTRL", R"([{"name":"power","dataType":"NUMBER"}])")),
            "protocol[\"2\"].fields[0] \"power\": dataType \"NUMBER\" is not allowed in JSON_CTRL "
            "(use INT, FLOAT or STRING)");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"power","dataLength":1}])")),
            "protocol[\"2\"].fields[0] \"power\": dataType must be a string");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"power","dataType":"NUMBER"}])")),
            "protocol[\"2\"].fields[0] \"power\": dataLength is required in TRANSPARENT48_V2");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"power","dataType":"NUMBER","dataLength":9}])")),
            "protocol[\"2\"].fields[0] \"power\": a NUMBER's dataLength must be 1..8");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"power","dataType":"NUMBER","dataLength":0}])")),
            "protocol[\"2\"].fields[0] \"power\": dataLength must be an integer 1..248");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"s","dataType":"STRING","dataLength":"4"}])")),
            "protocol[\"2\"].fields[0] \"s\": dataLength must be an integer 1..248");
  EXPECT_EQ(Refusal(One(v2, R"([{"name":"p","dataType":"NUMBER","dataLength":1,"maxValue":"1"}])")),
            "protocol[\"2\"].fields[0] \"p\": maxValue must be a number");
  EXPECT_EQ(
      Refusal(One(
          v2, R"([{"name":"p","dataType":"NUMBER","dataLength":1,"minValue":2,"maxValue":1}])")),
      "protocol[\"2\"].fields[0] \"p\": minValue is greater than maxValue");
  EXPECT_EQ(
      Refusal(One(v2, R"([{"name":"p","dataType":"NUMBER","dataLength":1,"enumeration":{}}])")),
      "protocol[\"2\"].fields[0] \"p\": enumeration must be an array");
  EXPECT_EQ(
      Refusal(One(
          v2, R"([{"name":"p","dataType":"NUMBER","dataLength":1,"enumeration":[{"desc":"x"}]}])")),
      "protocol[\"2\"].fields[0] \"p\": every enumeration item needs a number \"value\"");
  // Display keys are kept opaquely; null bounds mean none.
  EXPECT_EQ(
      Refusal(One(v2, R"([{"name":"p","dataType":"NUMBER","dataLength":1,"unit":"W","desc":"d",)"
                      R"("minValue":null,"enumeration":null}])")),
      "accepted");
}

TEST(TemplateTest, FrameLengthLimit) {
  // 6 + 31 × 8 = 254 bytes: the longest classic frame.
  std::string fields = "[";
  for (int i = 0; i < 31; ++i) {
    fields += (i ? "," : "") + std::string(R"({"name":"f)") + std::to_string(i) +
              R"(","dataType":"NUMBER","dataLength":8})";
  }
  EXPECT_EQ(Refusal(One("JSON_TRANSPARENT", fields + "]")), "accepted");
  EXPECT_EQ(Refusal(One("JSON_TRANSPARENT",
                        fields + R"(,{"name":"x","dataType":"NUMBER","dataLength":1}])")),
            "protocol[\"2\"]: the frame would be 255 bytes, more than 254");
  // TRANSPARENT48: 8 fixed bytes, so 248 data bytes are too many.
  EXPECT_EQ(Refusal(One("TRANSPARENT48", fields + "]")),
            "protocol[\"2\"]: the frame would be 256 bytes, more than 254");
  // …and 72 with the appTid block of frameType 7: 182 data bytes at most.
  std::string t7 =
      R"({"workModeType":"TRANSPARENT48","protocol":{"1":{"cmdId":1,"cmdTag":"t","frameType":7,)"
      R"("fields":[{"name":"s","dataType":"STRING","dataLength":182}]}}})";
  EXPECT_EQ(Refusal(t7), "accepted");
  t7.replace(t7.find("182"), 3, "183");
  EXPECT_EQ(Refusal(t7), "protocol[\"1\"]: the frame would be 255 bytes, more than 254");
}

TEST(TemplateTest, FieldCountLimit) {
  std::string fields = "[";
  for (int i = 0; i < 249; ++i) {
    fields += (i ? "," : "") + std::string(R"({"name":"f)") + std::to_string(i) +
              R"(","dataType":"INT"})";
  }
  EXPECT_EQ(Refusal(One("JSON_CTRL", fields + "]")), "protocol[\"2\"]: more than 248 fields");
}

TEST(TemplateTest, Warnings) {
  Template t = MustParse(One(
      "JSON_TRANSPARENT", R"([{"name":"big","dataType":"NUMBER","dataLength":6},)"
                          R"({"name":"neg","dataType":"NUMBER","dataLength":1,"minValue":-1}])"));
  ASSERT_EQ(t.warnings().size(), 2u);
  EXPECT_EQ(
      t.warnings()[0],
      "protocol[\"2\"].fields[0] \"big\": NUMBER of 6 bytes (SDKWEB encodes only up to 4 exactly)");
  EXPECT_EQ(
      t.warnings()[1],
      "protocol[\"2\"].fields[1] \"neg\": minValue < 0, but 48 frames carry unsigned numbers");
}

// §1.2 and §9.6 Q3: a template without cmdTags is completed with cmd<id>, so that a
// client selecting by tag can never fall back to the first command.
TEST(TemplateTest, MissingTagsAreCompleted) {
  Template t = MustParse(
      R"({"workModeType":"TRANSPARENT48_V2","mid":"X",)"
      R"("protocol":{"0":{"cmdId":0,"frameType":2,"fields":[]},)"
      R"("2":{"cmdId":2,"cmdTag":"","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"desc":"电源"}]}}})");
  EXPECT_EQ(t.FindById(0)->tag, "cmd0");
  EXPECT_EQ(t.FindById(2)->tag, "cmd2");
  EXPECT_EQ(
      t.json(),
      R"({"workModeType":"TRANSPARENT48_V2","mid":"X",)"
      R"("protocol":{"0":{"cmdId":0,"cmdTag":"cmd0","frameType":2,"fields":[]},)"
      R"("2":{"cmdId":2,"cmdTag":"cmd2","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"desc":"电源"}]}}})");
  ASSERT_EQ(t.warnings().size(), 2u);
  EXPECT_EQ(t.warnings()[0], "protocol[\"0\"]: cmdTag completed as cmd0");
  // The completed json parses to the same template.
  Template again = MustParse(t.json());
  EXPECT_EQ(again.json(), t.json());
  EXPECT_TRUE(again.warnings().empty());
  // A completed tag may not collide with an explicit one.
  EXPECT_EQ(
      Refusal(
          R"({"workModeType":"JSON_CTRL","protocol":{"2":{"cmdId":2},"3":{"cmdId":3,"cmdTag":"cmd2"}}})"),
      "protocol[\"3\"]: cmdTag \"cmd2\" is already the cmdTag of cmdId 2");
}

TEST(TemplateTest, LongKeysAreCutInMessages) {
  std::string key(100, 'k');
  EXPECT_EQ(Refusal(R"({"workModeType":"JSON_CTRL","protocol":{")" + key + R"(":{"cmdId":1}}})"),
            "protocol[\"" + std::string(40, 'k') + "…\"]: the key must be the decimal cmdId (1)");
}

}  // namespace
}  // namespace krypton::codec
