#include "hub/reply.h"

#include <gtest/gtest.h>

namespace krypton::hub {
namespace {

TEST(ReplyTest, ErrorFrameEchoesMsgIdWithItsType) {
  EXPECT_EQ(ErrorFrame("5", "devSend", Status(Code::kHubDevTidMismatch)),
            R"({"msgId":5,"action":"devSendResp","code":1400008,"desc":"devTid not match"})");
  EXPECT_EQ(ErrorFrame(R"("5")", "devLogin", Status(Code::kHubProductKeyInvalid)),
            R"({"msgId":"5","action":"devLoginResp","code":1400027,"desc":"Product key not available"})");
}

TEST(ReplyTest, UndeterminedActionIsErrorResp) {
  EXPECT_EQ(ErrorFrame("", "", Status(Code::kHubJsonParse)),
            R"({"msgId":0,"action":"errorResp","code":1400001,"desc":"Json parse error"})");
}

TEST(ReplyTest, PlaceholderFilled) {
  EXPECT_EQ(ErrorFrame("7", "appSend", Status(Code::kHubValueTooHigh, "power")),
            R"({"msgId":7,"action":"appSendResp","code":1400003,"desc":"The field power contains a value that is too high"})");
}

TEST(ReplyTest, SuccessCodes) {
  EXPECT_EQ(SuccessFrame("1", "heartbeat", 200),
            R"({"msgId":1,"action":"heartbeatResp","code":200,"desc":"success"})");
  EXPECT_EQ(SuccessFrame("1", "heartbeat", 1200000),
            R"({"msgId":1,"action":"heartbeatResp","code":1200000,"desc":"Success"})");
  EXPECT_EQ(SuccessFrame("2", "devLogin", 200, R"({"devTid":"A"})"),
            R"({"msgId":2,"action":"devLoginResp","code":200,"desc":"success","params":{"devTid":"A"}})");
}

}  // namespace
}  // namespace krypton::hub
