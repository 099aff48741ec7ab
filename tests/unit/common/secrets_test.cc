#include "common/secrets.h"

#include <gtest/gtest.h>

#include <set>

namespace krypton {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSecrets()); }
};

TEST_F(SecretsTest, RandomHexShapeAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string h = RandomHex(16);
    ASSERT_EQ(h.size(), 32u);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(h).second);
  }
}

TEST_F(SecretsTest, RandomAlnumAndDigits) {
  std::string a = RandomAlnum(64);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
            std::string::npos);
  std::string d = RandomDigits(11);
  EXPECT_EQ(d.size(), 11u);
  EXPECT_EQ(d.find_first_not_of("0123456789"), std::string::npos);
}

TEST_F(SecretsTest, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST_F(SecretsTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace krypton
