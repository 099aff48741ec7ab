#include "net/line_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace krypton::net {
namespace {

std::vector<std::string> FeedAll(LineFramer& f, const std::vector<std::string>& chunks,
                                 bool* ok = nullptr) {
  std::vector<std::string> lines;
  bool result = true;
  for (const auto& c : chunks) {
    result = f.Feed(c, [&](std::string_view l) { lines.emplace_back(l); }) && result;
  }
  if (ok) *ok = result;
  return lines;
}

TEST(LineFramerTest, SplitsJoinsAndTrims) {
  LineFramer f(64);
  EXPECT_EQ(FeedAll(f, {"a\nb", "c\r\n", "\n\n", "d"}), (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(f.buffered(), 1u);
  EXPECT_EQ(FeedAll(f, {"\n"}), (std::vector<std::string>{"d"}));
}

TEST(LineFramerTest, OneByteAtATime) {
  LineFramer f(64);
  std::string text = "{\"msgId\":1}\n{\"msgId\":2}\r\n";
  std::vector<std::string> chunks;
  for (char c : text) chunks.emplace_back(1, c);
  EXPECT_EQ(FeedAll(f, chunks), (std::vector<std::string>{"{\"msgId\":1}", "{\"msgId\":2}"}));
}

TEST(LineFramerTest, OverflowStopsTheFramer) {
  LineFramer f(8);
  bool ok = true;
  EXPECT_EQ(FeedAll(f, {"12345678\n"}, &ok), (std::vector<std::string>{"12345678"}));
  EXPECT_TRUE(ok);
  EXPECT_TRUE(FeedAll(f, {"123456789\nok\n"}, &ok).empty());
  EXPECT_FALSE(ok);
  EXPECT_TRUE(f.overflow());
  EXPECT_TRUE(FeedAll(f, {"more\n"}, &ok).empty());
  // An unterminated line overflows as soon as it is too long.
  LineFramer g(8);
  FeedAll(g, {"1234", "56789", "0"}, &ok);
  EXPECT_FALSE(ok);
  // A line of exactly max bytes followed by \r\n is fine.
  LineFramer h(4);
  EXPECT_EQ(FeedAll(h, {"abcd\r", "\n"}, &ok), (std::vector<std::string>{"abcd"}));
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace krypton::net
