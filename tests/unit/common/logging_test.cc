#include "common/logging.h"

#include <gtest/gtest.h>

namespace krypton {
namespace {

TEST(LoggingTest, RedactKeepsAtMostTwoCharactersAndLength) {
  EXPECT_EQ(Redact("0123456789abcdef"), "01…(16)");
  EXPECT_EQ(Redact("short"), "…(5)");  // short secrets show nothing
  EXPECT_EQ(Redact(""), "…(0)");
}

TEST(LoggingTest, JsonEscape) {
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001");
  EXPECT_EQ(JsonEscape("设备"), "设备");
}

TEST(LoggingTest, InitRejectsUnknownLevel) {
  EXPECT_FALSE(InitLogging({"loud", false}));
  EXPECT_TRUE(InitLogging({"off", false}));
  EXPECT_TRUE(InitLogging({"debug", true}));
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
}

}  // namespace
}  // namespace krypton
