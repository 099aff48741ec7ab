#include "common/identifiers.h"

#include <gtest/gtest.h>

#include <string>

namespace krypton {
namespace {

using namespace std::string_literals;

TEST(IdentifiersTest, RealValuesPass) {
  for (const char* v : {"ESP_2M_F4CFA2492863", "NODEJS_SN20170725001", "SIM001", "LG123",
                        "AA:BB:CC:DD:EE:FF", "dev-1.a@b"}) {
    EXPECT_TRUE(ValidIdentifier(IdKind::kDevTid, v)) << v;
  }
  EXPECT_TRUE(ValidIdentifier(IdKind::kMid, "45a3KOPKLImt"));
  EXPECT_TRUE(ValidIdentifier(IdKind::kProdKey, "xxxxxx"));
  EXPECT_TRUE(ValidIdentifier(IdKind::kProdKey, "ccdfab3420b5f0320674f34657882e9e"));
  for (const char* v :
       {"E897DCA2-0D8A-4531-AC91-9BC0900318D9", "hekr_python_connector", "web", "358974675345"}) {
    EXPECT_TRUE(ValidIdentifier(IdKind::kAppTid, v)) << v;
  }
  EXPECT_TRUE(ValidIdentifier(IdKind::kSecret, ""));                // the first-login token
  EXPECT_TRUE(ValidIdentifier(IdKind::kSecret, "Zm9v_YmFy-YmF6"));  // base64url licence
}

TEST(IdentifiersTest, LengthBounds) {
  EXPECT_FALSE(ValidIdentifier(IdKind::kDevTid, ""));
  EXPECT_TRUE(ValidIdentifier(IdKind::kDevTid, std::string(32, 'A')));
  EXPECT_FALSE(ValidIdentifier(IdKind::kDevTid, std::string(33, 'A')));
  EXPECT_TRUE(ValidIdentifier(IdKind::kSubDevTid, std::string(64, 'A')));
  EXPECT_FALSE(ValidIdentifier(IdKind::kSubDevTid, std::string(65, 'A')));
  EXPECT_TRUE(ValidIdentifier(IdKind::kProdKey, std::string(64, 'x')));
  EXPECT_FALSE(ValidIdentifier(IdKind::kProdKey, std::string(65, 'x')));
  EXPECT_FALSE(ValidIdentifier(IdKind::kProdKey, ""));
  EXPECT_TRUE(ValidIdentifier(IdKind::kAppTid, std::string(128, 'a')));
  EXPECT_FALSE(ValidIdentifier(IdKind::kAppTid, std::string(129, 'a')));
  EXPECT_TRUE(ValidIdentifier(IdKind::kSecret, std::string(128, 'f')));
  EXPECT_FALSE(ValidIdentifier(IdKind::kSecret, std::string(129, 'f')));
}

TEST(IdentifiersTest, ControlAndNonAsciiCharactersFail) {
  for (IdKind kind : {IdKind::kDevTid, IdKind::kSubDevTid, IdKind::kMid, IdKind::kProdKey,
                      IdKind::kAppTid, IdKind::kSecret}) {
    for (const std::string& bad : {"\0"s, "A\0B"s, "A\nB"s, "A\rB"s, "A\tB"s, "A\x1f"s, "A\x7f"s,
                                   "A B"s, "\xe5\xae\xa2"s, "A\xc2\x85"s}) {
      EXPECT_FALSE(ValidIdentifier(kind, bad)) << static_cast<int>(kind) << " " << bad.size();
    }
  }
}

TEST(IdentifiersTest, DevTidCharset) {
  for (const char* bad : {"A/B", "A?B", "A#B", "A\"B", "A\\B", "A%20", "A+B", "A'B", "A<B"}) {
    EXPECT_FALSE(ValidIdentifier(IdKind::kDevTid, bad)) << bad;
  }
  EXPECT_FALSE(ValidIdentifier(IdKind::kMid, "45a3KOPKLIm."));
  EXPECT_FALSE(ValidIdentifier(IdKind::kMid, "45a3KOPKLIm"));
  EXPECT_FALSE(ValidIdentifier(IdKind::kMid, "45a3KOPKLImtt"));
  EXPECT_TRUE(ValidIdentifier(IdKind::kProdKey, "a\"b"));  // opaque: any visible ASCII
  EXPECT_EQ(RuleOf(IdKind::kDevTid).max_len, 32u);
}

}  // namespace
}  // namespace krypton
