#include "hub/envelope.h"

#include <gtest/gtest.h>

namespace krypton::hub {
namespace {

TEST(EnvelopeTest, MsgIdKeepsItsType) {
  Envelope e;
  ASSERT_TRUE(ParseEnvelope(R"({"msgId" : "5","action" : "devLogin","params":{}})", &e).ok());
  EXPECT_EQ(e.msg_id, "\"5\"");
  EXPECT_EQ(e.action, "devLogin");
  ASSERT_TRUE(ParseEnvelope(R"({"msgId":18453,"action":"heartbeat"})", &e).ok());
  EXPECT_EQ(e.msg_id, "18453");
  EXPECT_FALSE(e.has_params);
  Envelope missing;
  ASSERT_TRUE(ParseEnvelope(R"({"action":"getAppDomain"})", &missing).ok());
  EXPECT_EQ(missing.msg_id, "0");
  Envelope null_id;
  ASSERT_TRUE(ParseEnvelope(R"({"msgId":null,"action":"x"})", &null_id).ok());
  EXPECT_EQ(null_id.msg_id, "0");
}

TEST(EnvelopeTest, BadInputIs1400001) {
  for (const char* bad :
       {"", "{", "[]", "42", R"({"msgId":1})", R"({"action":5})", R"({"action":""})", "\xff\xfe"}) {
    Envelope e;
    EXPECT_EQ(ParseEnvelope(bad, &e).code(), Code::kHubJsonParse) << bad;
  }
  Envelope e;
  EXPECT_EQ(ParseEnvelope(R"({"msgId":"7"})", &e).code(), Code::kHubJsonParse);
  EXPECT_EQ(e.msg_id, "\"7\"");  // still echoed in the errorResp
}

TEST(EnvelopeTest, Params) {
  Envelope e;
  ASSERT_TRUE(
      ParseEnvelope(
          R"({"action":"a","params":{"devTid":"D1","n":5,"empty":"","long":"123456789"}})", &e)
          .ok());
  EXPECT_EQ(*RequiredString(e, "devTid", 32), "D1");
  EXPECT_EQ(RequiredString(e, "n", 32).status().code(), Code::kHubInvalidParam);
  EXPECT_EQ(RequiredString(e, "nope", 32).status().code(), Code::kHubInvalidParam);
  EXPECT_EQ(RequiredString(e, "empty", 32).status().code(), Code::kHubInvalidParam);
  EXPECT_TRUE(RequiredString(e, "empty", 32, /*allow_empty=*/true).ok());
  EXPECT_EQ(RequiredString(e, "long", 8).status().code(), Code::kHubInvalidParam);
  EXPECT_FALSE(OptionalString(e, "nope", 8)->has_value());
  EXPECT_EQ(OptionalString(e, "n", 8).status().code(), Code::kHubInvalidParam);
  EXPECT_EQ(*RawParam(e, "n"), "5");
  EXPECT_EQ(ParamsJson(e), R"({"devTid":"D1","n":5,"empty":"","long":"123456789"})");
}

// D29: identifiers follow common/identifiers.h on every hub; the key names the field.
TEST(EnvelopeTest, Identifiers) {
  Envelope e;
  ASSERT_TRUE(
      ParseEnvelope(
          R"({"action":"a","params":{"devTid":"ESP_2M_F4CFA2492863","nul":"\u0000","ctl":"A\u0001B",)"
          R"("sp":"A B","utf":"\u00e9","long":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","empty":"",)"
          R"("n":5,"null":null,"tok":"0123456789abcdef"}})",
          &e)
          .ok());
  EXPECT_EQ(*RequiredId(e, "devTid", IdKind::kDevTid), "ESP_2M_F4CFA2492863");
  for (const char* key : {"nul", "ctl", "sp", "utf", "long", "empty", "n", "null", "nope"}) {
    Status s = RequiredId(e, key, IdKind::kDevTid).status();
    EXPECT_EQ(s.code(), Code::kHubInvalidParam) << key;
    EXPECT_EQ(s.detail(), key);
  }
  EXPECT_EQ(RequiredId(e, "empty", IdKind::kSecret).status().code(), Code::kHubInvalidParam);
  EXPECT_EQ(**OptionalId(e, "tok", IdKind::kSecret), "0123456789abcdef");
  EXPECT_EQ(**OptionalId(e, "empty", IdKind::kSecret), "");  // the first-login token
  EXPECT_FALSE(OptionalId(e, "null", IdKind::kSecret)->has_value());
  EXPECT_FALSE(OptionalId(e, "nope", IdKind::kSecret)->has_value());
  EXPECT_EQ(OptionalId(e, "nul", IdKind::kSecret).status().code(), Code::kHubInvalidParam);
  EXPECT_EQ(OptionalId(e, "n", IdKind::kAppTid).status().code(), Code::kHubInvalidParam);
  EXPECT_EQ(OptionalId(e, "empty", IdKind::kAppTid).status().code(), Code::kHubInvalidParam);
}

}  // namespace
}  // namespace krypton::hub
