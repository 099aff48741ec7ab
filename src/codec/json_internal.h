// Codec-internal JSON helpers: simdjson DOM in, a small object writer out.
#ifndef KRYPTON_CODEC_JSON_INTERNAL_H_
#define KRYPTON_CODEC_JSON_INTERNAL_H_

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "codec/value.h"

namespace krypton::codec::internal {

// A JSON writer, just what the codec emits (objects, strings, numbers, raw values;
// arrays for tests). RapidJSON 1.1's writer is not used here: its internal stack adds an offset
// to a null pointer on first use, which UBSan (asan and fuzz presets) rejects.
class JsonOut {
 public:
  JsonOut& Begin() {
    Comma();
    out_ += '{';
    comma_ = false;
    return *this;
  }
  JsonOut& End() {
    out_ += '}';
    comma_ = true;
    return *this;
  }
  JsonOut& BeginArray() {
    Comma();
    out_ += '[';
    comma_ = false;
    return *this;
  }
  JsonOut& EndArray() {
    out_ += ']';
    comma_ = true;
    return *this;
  }
  JsonOut& Key(std::string_view k) {
    Comma();
    Quoted(k);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  JsonOut& String(std::string_view s) {
    Comma();
    Quoted(s);
    comma_ = true;
    return *this;
  }
  template <typename N>
  JsonOut& Number(N n) {  // int64_t, uint64_t or double (finite)
    Comma();
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
    out_ += text;
    if constexpr (std::is_floating_point_v<N>) {
      if (text.find_first_of(".eE") == std::string_view::npos) out_ += ".0";  // stays a double
    }
    comma_ = true;
    return *this;
  }
  // `json` must be one complete JSON value.
  JsonOut& Raw(std::string_view json) {
    Comma();
    out_ += json;
    comma_ = true;
    return *this;
  }
  JsonOut& Raw(simdjson::dom::element e) { return Raw(simdjson::minify(e)); }
  JsonOut& Val(const Value& v) {
    std::visit(
        [this](const auto& x) {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>) {
            String(x);
          } else {
            Number(x);
          }
        },
        v);
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  void Comma() {
    if (comma_) out_ += ',';
  }
  // UTF-8 passes through; quotes, backslashes and control characters are escaped.
  void Quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (u < 0x20) {
        out_ += "\\u00";
        out_ += kHex[u >> 4];
        out_ += kHex[u & 0xF];
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  }

  std::string out_;
  bool comma_ = false;
};

// A JSON number element as a Number; false for any other type.
inline bool ReadNumber(simdjson::dom::element e, Number* out) {
  switch (e.type()) {
    case simdjson::dom::element_type::INT64:
      *out = int64_t(e.get_int64().value_unsafe());
      return true;
    case simdjson::dom::element_type::UINT64:
      *out = uint64_t(e.get_uint64().value_unsafe());
      return true;
    case simdjson::dom::element_type::DOUBLE:
      *out = double(e.get_double().value_unsafe());
      return true;
    default:
      return false;
  }
}

// Each thread's parser for K-V data on the hub path (distinct from the hub's own, so
// the caller's Envelope stays valid). Documents it returns live until the next call.
simdjson::dom::parser& ThreadParser();

}  // namespace krypton::codec::internal

#endif  // KRYPTON_CODEC_JSON_INTERNAL_H_
