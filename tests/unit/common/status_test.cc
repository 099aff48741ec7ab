#include "common/status.h"

#include <gtest/gtest.h>

namespace krypton {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.number(), 0);
  EXPECT_EQ(s.Message(), "success");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeArgAndDetail) {
  Status s = Status(Code::kHubValueTooHigh, "power").WithDetail("power=3 > 1");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.number(), 1400003);
  EXPECT_EQ(s.arg(), "power");
  EXPECT_EQ(s.detail(), "power=3 > 1");
  EXPECT_EQ(s.ToString(),
            "1400003 The field power contains a value that is too high [power=3 > 1]");
  EXPECT_EQ(s.MessageZh(), "属性值过高");
}

TEST(StatusTest, FormatMessage) {
  EXPECT_EQ(FormatMessage("a {0} b {0}", "x"), "a x b x");
  EXPECT_EQ(FormatMessage("Invalid Param {0}", ""), "Invalid Param");
  EXPECT_EQ(FormatMessage("no placeholder", "x"), "no placeholder");
}

TEST(StatusTest, EqualityIgnoresDetail) {
  EXPECT_EQ(Status(Code::kHubJsonParse), Status(Code::kHubJsonParse).WithDetail("x"));
  EXPECT_FALSE(Status(Code::kHubJsonParse) == Status(Code::kHubFrameParse));
}

Result<int> Half(int v) {
  if (v % 2 != 0) return Status(Code::kHubInvalidParam, "v");
  return v / 2;
}

Status UseHalf(int v, int* out) {
  auto r = Half(v);
  KRYPTON_RETURN_IF_ERROR(r.status());
  *out = *r;
  return Status();
}

TEST(ResultTest, ValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  EXPECT_TRUE(ok.status().ok());
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kHubInvalidParam);
  int out = 0;
  EXPECT_EQ(UseHalf(3, &out).code(), Code::kHubInvalidParam);
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
}

}  // namespace
}  // namespace krypton
