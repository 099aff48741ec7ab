#include "http/error_response.h"

#include <gtest/gtest.h>

namespace krypton::http {
namespace {

ErrorContext Ctx(std::string_view path = "/device") {
  ErrorContext c;
  c.now_ms = 1492990328790;
  c.path = path;
  return c;
}

TEST(ErrorResponseTest, BusinessErrorIs400) {
  Response r = ErrorResponse(Status(Code::kUserInvalidParam, "devTid"), Ctx());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"code":6400017,"desc":"Invalid Param devTid","timestamp":1492990328790})");
}

TEST(ErrorResponseTest, InternalCodesAre500) {
  for (Code c : {Code::kHubInternal, Code::kUserInternal, Code::kUserFileDeleteFailed,
                 Code::kUserFileUploadFailed, Code::kUserHttpClientFailed, Code::kHubLinkError}) {
    EXPECT_EQ(ErrorResponse(Status(c), Ctx()).status, 500) << static_cast<int>(c);
  }
}

TEST(ErrorResponseTest, RateLimitsAre429) {
  EXPECT_EQ(ErrorResponse(Status(Code::kUaaRateLimited), Ctx()).body,
            R"({"code":400016,"desc":"Rate limit exceeded","timestamp":1492990328790})");
  EXPECT_EQ(ErrorResponse(Status(Code::kUaaRateLimited), Ctx()).status, 429);
  EXPECT_EQ(ErrorResponse(Status(Code::kUaaDailyLimit), Ctx()).status, 429);
  EXPECT_EQ(ErrorResponse(Status(Code::kUaaTooManyVerifyCodes), Ctx()).status, 429);
}

TEST(ErrorResponseTest, BadCredentialsAre401) {
  EXPECT_EQ(ErrorResponse(Status(Code::kUaaBadCredentials), Ctx("/login")).status, 401);
}

TEST(ErrorResponseTest, AuthFailureHasMergedBody) {
  Response r = ErrorResponse(Status(Code::kUaaInvalidToken), Ctx());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            R"({"code":3400015,"desc":"Invalid token","timestamp":1492990328790,"status":403,)"
            R"("error":"Forbidden","message":"Access Denied","path":"/device"})");
  ErrorContext c = Ctx();
  c.auth_failure_status = 401;
  Response r401 = ErrorResponse(Status(Code::kUaaInvalidToken), c);
  EXPECT_EQ(r401.status, 401);
  EXPECT_NE(r401.body.find(R"("status":401,"error":"Unauthorized")"), std::string::npos);
}

TEST(ErrorResponseTest, OverrideAndChinese) {
  ErrorContext c = Ctx();
  c.status_override = 404;
  EXPECT_EQ(ErrorResponse(Status(Code::kUserError), c).status, 404);
  c.status_override = 0;
  c.chinese = true;
  EXPECT_EQ(ErrorResponse(Status(Code::kUserDeviceNotOwned), c).body,
            R"({"code":5400014,"desc":"设备不属于用户","timestamp":1492990328790})");
}

}  // namespace
}  // namespace krypton::http
