// Test support: read one value out of a JSON text by JSON pointer.
#ifndef KRYPTON_TESTS_SUPPORT_JSON_FIELD_H_
#define KRYPTON_TESTS_SUPPORT_JSON_FIELD_H_

#include <simdjson.h>

#include <string>

namespace krypton::testing {

// The minified JSON at `pointer` ("/params/token" → "\"ab12…\"", "/code" → "200"),
// "<absent>" when there is none, "<bad json>" when `json` does not parse.
inline std::string Field(const std::string& json, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element e, v;
  if (parser.parse(json).get(e) != simdjson::SUCCESS) return "<bad json>";
  if (e.at_pointer(pointer).get(v) != simdjson::SUCCESS) return "<absent>";
  return simdjson::minify(v);
}

// The same with the quotes of a string value removed.
inline std::string StringField(const std::string& json, const char* pointer) {
  std::string s = Field(json, pointer);
  return s.size() >= 2 && s.front() == '"' ? s.substr(1, s.size() - 2) : s;
}

}  // namespace krypton::testing

#endif  // KRYPTON_TESTS_SUPPORT_JSON_FIELD_H_
