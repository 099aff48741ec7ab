// Exact comparison of mixed JSON numbers, and small Value helpers.
#include "codec/value.h"

#include <cmath>

#include "codec/json_internal.h"

namespace krypton::codec {
namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// An integer against a double, without rounding the integer: compare with the
// double's integral part, then its fraction.
int CmpIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return 0;  // JSON has no NaN; keep the order total anyway
  if (d >= kTwo63) return -1;
  if (d < -kTwo63) return 1;
  double t = std::trunc(d);
  int c = Cmp(i, static_cast<int64_t>(t));
  if (c != 0) return c;
  return Cmp(0.0, d - t);
}

int CmpUintDouble(uint64_t u, double d) {
  if (std::isnan(d)) return 0;
  if (d < 0) return 1;
  if (d >= kTwo64) return -1;
  double t = std::trunc(d);
  int c = Cmp(u, static_cast<uint64_t>(t));
  if (c != 0) return c;
  return Cmp(0.0, d - t);
}

int CmpIntUint(int64_t i, uint64_t u) {
  if (i < 0) return -1;
  return Cmp(static_cast<uint64_t>(i), u);
}

}  // namespace

int CompareNumbers(const Number& a, const Number& b) {
  if (const auto* ai = std::get_if<int64_t>(&a)) {
    if (const auto* bi = std::get_if<int64_t>(&b)) return Cmp(*ai, *bi);
    if (const auto* bu = std::get_if<uint64_t>(&b)) return CmpIntUint(*ai, *bu);
    return CmpIntDouble(*ai, std::get<double>(b));
  }
  if (const auto* au = std::get_if<uint64_t>(&a)) {
    if (const auto* bi = std::get_if<int64_t>(&b)) return -CmpIntUint(*bi, *au);
    if (const auto* bu = std::get_if<uint64_t>(&b)) return Cmp(*au, *bu);
    return CmpUintDouble(*au, std::get<double>(b));
  }
  double ad = std::get<double>(a);
  if (const auto* bi = std::get_if<int64_t>(&b)) return -CmpIntDouble(*bi, ad);
  if (const auto* bu = std::get_if<uint64_t>(&b)) return -CmpUintDouble(*bu, ad);
  return Cmp(ad, std::get<double>(b));
}

bool AsNumber(const Value& v, Number* out) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    *out = *i;
  } else if (const auto* u = std::get_if<uint64_t>(&v)) {
    *out = *u;
  } else if (const auto* d = std::get_if<double>(&v)) {
    *out = *d;
  } else {
    return false;
  }
  return true;
}

const Value* FindValue(const KeyValues& kv, std::string_view key) {
  for (const auto& [k, v] : kv) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string ValueToString(const Value& v) { return internal::JsonOut().Val(v).Take(); }

}  // namespace krypton::codec
