// Values of the template codec: the numbers and strings of a K-V command or report.
//
// A Value is what one template field holds: a JSON number as simdjson reads it
// (int64_t, or uint64_t above INT64_MAX, or double) or a UTF-8 string. KeyValues is an
// ordered list of (field name, Value); the codec produces fields in template order and
// looks keys up linearly (commands have a handful of fields, so a vector beats a map).
//
// Numbers of different types compare exactly (CompareNumbers never rounds an int64 or
// uint64 through double), which is what the range and enumeration checks of
// templates-and-frames.md §6 need. Plain values: no ownership, no threads involved.
#ifndef KRYPTON_CODEC_VALUE_H_
#define KRYPTON_CODEC_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace krypton::codec {

// A JSON number: int64_t for integers that fit, uint64_t for larger non-negative
// integers, double otherwise (as simdjson's element types).
using Number = std::variant<int64_t, uint64_t, double>;

// A field value: a Number's alternatives, or a string.
using Value = std::variant<int64_t, uint64_t, double, std::string>;

using KeyValues = std::vector<std::pair<std::string, Value>>;

// -1, 0 or 1 as a < b, a == b, a > b, exactly (no rounding through double).
int CompareNumbers(const Number& a, const Number& b);

// The Number alternative of `v`; false when `v` holds a string.
bool AsNumber(const Value& v, Number* out);

// An unsigned decoded integer as a Value: int64_t when it fits, else uint64_t.
inline Value UnsignedValue(uint64_t u) {
  return u <= static_cast<uint64_t>(INT64_MAX) ? Value(static_cast<int64_t>(u)) : Value(u);
}

// The value of `key` in `kv`, or nullptr.
const Value* FindValue(const KeyValues& kv, std::string_view key);

// "1", "18446744073709551615", "2.5", "\"ab\"" — for messages and test output.
std::string ValueToString(const Value& v);

}  // namespace krypton::codec

#endif  // KRYPTON_CODEC_VALUE_H_
