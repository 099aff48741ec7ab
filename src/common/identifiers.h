// Identifiers on the wire: the one place their charset and length are defined (D29).
//
// Hekr's documents give lengths (devTid ≤ 32, tokens ≤ 32 chars in 33-byte device buffers,
// prodKey opaque ≤ 64) but no charset; real values are ASCII ("ESP_2M_F4CFA2492863",
// "NODEJS_SN20170725001", UUID appTids, hex keys). Krypton accepts exactly:
//
//   kind        length   characters
//   devTid      1..32    A-Z a-z 0-9 _ - . : @   (also a path segment of the user API)
//   subDevTid   1..64    as devTid
//   mid         12       A-Z a-z 0-9             (enterprise-api.md §2.1)
//   prodKey     1..64    visible ASCII 0x21..0x7E (opaque: never its format, §2.2)
//   appTid      1..128   visible ASCII 0x21..0x7E
//   secret      0..128   visible ASCII 0x21..0x7E: device token, ctrlKey, authKey, licence
//
// Anything else — a control character such as U+0000, a space, a non-ASCII byte, an
// over-long value — is refused by the caller with the field's code (1400032 on the
// hubs). Pure functions, no I/O; tests/unit/common/identifiers_test.cc.
#ifndef KRYPTON_COMMON_IDENTIFIERS_H_
#define KRYPTON_COMMON_IDENTIFIERS_H_

#include <cstddef>
#include <string_view>

namespace krypton {

// The pid of the public cloud (D28): accounts of this pid are the platform's own users,
// not an enterprise's; its manufacturer owns the demo product.
inline constexpr std::string_view kPublicPid = "00000000000";

enum class IdKind { kDevTid, kSubDevTid, kMid, kProdKey, kAppTid, kSecret };

struct IdRule {
  size_t min_len;
  size_t max_len;
  bool (*allowed)(char c);
  std::string_view charset;  // for messages and docs
};

// The rule of `kind` (table above).
const IdRule& RuleOf(IdKind kind);

// True when `value` has the length and only the characters `kind` allows.
bool ValidIdentifier(IdKind kind, std::string_view value);

}  // namespace krypton

#endif  // KRYPTON_COMMON_IDENTIFIERS_H_
