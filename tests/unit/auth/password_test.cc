#include "auth/password.h"

#include <gtest/gtest.h>

#include "common/secrets.h"

namespace krypton::auth {
namespace {

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
  ASSERT_TRUE(InitSecrets());
  auto hash = HashPassword("correct horse", PasswordCost::kMinimal);
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse "));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordTest, SaltedAndMalformedHashesNeverMatch) {
  ASSERT_TRUE(InitSecrets());
  auto a = HashPassword("pw", PasswordCost::kMinimal);
  auto b = HashPassword("pw", PasswordCost::kMinimal);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(VerifyPassword("", "pw"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "pw"));
  EXPECT_FALSE(VerifyPassword(std::string(500, 'x'), "pw"));
}

TEST(PasswordTest, InteractiveCostVerifies) {
  ASSERT_TRUE(InitSecrets());
  auto hash = HashPassword("secret123");
  ASSERT_TRUE(hash.has_value());
  EXPECT_NE(hash->find("m=65536"), std::string::npos) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "secret123"));
}

}  // namespace
}  // namespace krypton::auth
