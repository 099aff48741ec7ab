#include "hub/reply.h"

#include <gtest/gtest.h>

namespace krypton::hub {
namespace {

TEST(ReplyTest, ErrorFrameEchoesMsgIdWithItsType) {
  EXPECT_EQ(ErrorFrame("5", "devSend", Status(Code::kHubDevTidMismatch)),
            R"({"msgId":5,"action":"devSendResp","code":1400008,"desc":"devTid not match"})");
  EXPECT_EQ(
      ErrorFrame(R"("5")", "devLogin", Status(Code::kHubProductKeyInvalid)),
      R"({"msgId":"5","action":"devLoginResp","code":1400027,"desc":"Product key not available"})");
}

TEST(ReplyTest, UndeterminedActionIsErrorResp) {
  EXPECT_EQ(ErrorFrame("", "", Status(Code::kHubJsonParse)),
            R"({"msgId":0,"action":"errorResp","code":1400001,"desc":"Json parse error"})");
}

TEST(ReplyTest, PlaceholderFilled) {
  EXPECT_EQ(
      ErrorFrame("7", "appSend", Status(Code::kHubValueTooHigh, "power")),
      R"({"msgId":7,"action":"appSendResp","code":1400003,"desc":"The field power contains a value that is too high"})");
}

TEST(ReplyTest, SuccessCodes) {
  EXPECT_EQ(SuccessFrame("1", "heartbeat", 200),
            R"({"msgId":1,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(SuccessFrame("1", "heartbeat", 1200000),
            R"({"msgId":1,"action":"heartbeatResp","code":1200000,"desc":"Success"})");
  EXPECT_EQ(
      SuccessFrame("2", "devLogin", 200, R"({"devTid":"A"})"),
      R"({"msgId":2,"action":"devLoginResp","code":200,"desc":"success","params":{"devTid":"A"}})");
}

TEST(ReplyTest, DeviceAnswerFollowsD25) {
  struct Case {
    std::optional<int64_t> code;
    std::optional<std::string_view> desc;
    int success;
    int want_code;
    std::string want_desc;
  };
  const Case cases[] = {
      {200, "success", 200, 200, "success"},
      {1200000, std::nullopt, 200, 200, "success"},       // either success code
      {200, std::nullopt, 1200000, 1200000, "Success"},   // the configured one answers
      {std::nullopt, std::nullopt, 200, 200, "success"},  // nothing said: success
      {std::nullopt, "success", 1200000, 1200000, "Success"},
      {std::nullopt, "uart timeout", 200, 1400000, "uart timeout"},
      {1400011, "no cmd", 200, 1400011, "no cmd"},
      {1400011, std::nullopt, 200, 1400011, Status(Code::kHubError).Message()},
  };
  for (const Case& c : cases) {
    bus::CommandReply r = DeviceAnswer(c.code, c.desc, c.success);
    EXPECT_EQ(r.code, c.want_code) << c.want_desc;
    EXPECT_EQ(r.desc, c.want_desc);
    EXPECT_EQ(r.params_json, "");
  }
}

TEST(ReplyTest, RelayedFrameCarriesTheReply) {
  EXPECT_EQ(
      RelayedFrame(R"("a1")", "appSend", {200, "success", R"({"devTid":"D"})"}),
      R"({"msgId":"a1","action":"appSendResp","code":200,"desc":"success","params":{"devTid":"D"}})");
  EXPECT_EQ(RelayedFrame("3", "devSync", bus::ErrorReply(Status(Code::kHubDeviceOffline))),
            R"({"msgId":3,"action":"devSyncResp","code":1400018,"desc":")" +
                Status(Code::kHubDeviceOffline).Message() + R"("})");
}

}  // namespace
}  // namespace krypton::hub
