#include "common/status.h"

namespace krypton {

std::string FormatMessage(std::string_view pattern, std::string_view arg) {
  static constexpr std::string_view kPlaceholder = "{0}";
  std::string out;
  out.reserve(pattern.size() + arg.size());
  size_t pos = 0;
  while (true) {
    size_t at = pattern.find(kPlaceholder, pos);
    if (at == std::string_view::npos) break;
    out.append(pattern.substr(pos, at - pos));
    out.append(arg);
    pos = at + kPlaceholder.size();
  }
  out.append(pattern.substr(pos));
  // "Invalid Param {0}" without an argument reads "Invalid Param", not "Invalid Param ".
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Status::Message() const { return FormatMessage(Describe(code_).message_en, arg_); }

std::string_view Status::MessageZh() const { return Describe(code_).meaning_zh; }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = std::to_string(number()) + " " + Message();
  if (!detail_.empty()) s += " [" + detail_ + "]";
  return s;
}

}  // namespace krypton
