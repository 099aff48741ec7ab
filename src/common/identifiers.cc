#include "common/identifiers.h"

namespace krypton {
namespace {

bool Alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool DevTidChar(char c) {
  return Alnum(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '@';
}

// Visible ASCII: no control character, no space, no byte ≥ 0x7F.
bool Visible(char c) { return c >= 0x21 && c <= 0x7E; }

constexpr IdRule kDevTid{1, 32, DevTidChar, "A-Z a-z 0-9 _ - . : @"};
constexpr IdRule kSubDevTid{1, 64, DevTidChar, "A-Z a-z 0-9 _ - . : @"};
constexpr IdRule kMid{12, 12, Alnum, "A-Z a-z 0-9"};
constexpr IdRule kProdKey{1, 64, Visible, "visible ASCII"};
constexpr IdRule kAppTid{1, 128, Visible, "visible ASCII"};
constexpr IdRule kSecret{0, 128, Visible, "visible ASCII"};

}  // namespace

const IdRule& RuleOf(IdKind kind) {
  switch (kind) {
    case IdKind::kDevTid:
      return kDevTid;
    case IdKind::kSubDevTid:
      return kSubDevTid;
    case IdKind::kMid:
      return kMid;
    case IdKind::kProdKey:
      return kProdKey;
    case IdKind::kAppTid:
      return kAppTid;
    case IdKind::kSecret:
      return kSecret;
  }
  return kSecret;
}

bool ValidIdentifier(IdKind kind, std::string_view value) {
  const IdRule& rule = RuleOf(kind);
  if (value.size() < rule.min_len || value.size() > rule.max_len) return false;
  for (char c : value) {
    if (!rule.allowed(c)) return false;
  }
  return true;
}

}  // namespace krypton
