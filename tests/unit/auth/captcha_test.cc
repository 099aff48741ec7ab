#include "auth/captcha.h"

#include <gtest/gtest.h>

#include "common/secrets.h"

namespace krypton::auth {
namespace {

TEST(CaptchaTest, PngShape) {
  ASSERT_TRUE(InitSecrets());
  std::string png = RenderCaptchaPng("12345");
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(png.substr(16, 8), std::string("\0\0\0\x96\0\0\0\x2c", 8));  // 150 × 44
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
}

TEST(CaptchaTest, CheckAndTokens) {
  ASSERT_TRUE(InitSecrets());
  CaptchaStore store(1000, 2);
  store.Create("rid-aaaaaaaaaaaaaaaa", 0);
  std::string code = store.CodeForTest("rid-aaaaaaaaaaaaaaaa");
  ASSERT_EQ(code.size(), 5u);
  std::string wrong = code == "00000" ? "11111" : "00000";
  EXPECT_EQ(store.Check("rid-aaaaaaaaaaaaaaaa", wrong, 10).code(), Code::kUaaInvalidVerifyCode);
  EXPECT_TRUE(store.Check("rid-aaaaaaaaaaaaaaaa", code, 10).ok());
  EXPECT_EQ(store.Check("nope", code, 10).code(), Code::kUaaVerifyCodeExpired);
  EXPECT_EQ(store.Check("rid-aaaaaaaaaaaaaaaa", code, 5000).code(), Code::kUaaVerifyCodeExpired);
  EXPECT_TRUE(store.ConsumeToken("rid-aaaaaaaaaaaaaaaa:" + code, 10));
  EXPECT_FALSE(store.ConsumeToken("rid-aaaaaaaaaaaaaaaa:" + code, 10));  // once
  // Bounded: a third captcha pushes one out.
  store.Create("a", 0);
  store.Create("b", 0);
  store.Create("c", 0);
  int alive = !store.CodeForTest("a").empty() + !store.CodeForTest("b").empty() +
              !store.CodeForTest("c").empty();
  EXPECT_EQ(alive, 2);
}

}  // namespace
}  // namespace krypton::auth
