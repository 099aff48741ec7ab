#include "scheduler/cron.h"

#include <algorithm>
#include <bit>
#include <bitset>
#include <string>
#include <vector>

namespace krypton::scheduler {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2099;
constexpr int kYearSpan = kMaxYear - kMinYear + 1;  // 130
// Instants are clamped to this many seconds either side of the epoch before any
// arithmetic (±~31,700 years), so no offset or day step can overflow.
constexpr int64_t kClampS = int64_t{1} << 40;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct Ymd {
  int64_t year;
  int month;
  int day;
};

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> proleptic Gregorian date.
Ymd CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                       // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
  return {y + (m <= 2 ? 1 : 0), static_cast<int>(m), static_cast<int>(d)};
}

// 1 = Sunday .. 7 = Saturday; day 0 (1970-01-01) was a Thursday (5).
int DayOfWeek(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7) + 1; }

// The lowest set bit of `bits` at index >= `from`, or -1.
int NextBit(uint64_t bits, int from) {
  if (from >= 64) return -1;
  const uint64_t rest = bits & (~uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

// ---- parsing -------------------------------------------------------------------------

constexpr std::string_view kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::string_view kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  std::string_view name;  // as in the detail: "second", "dayOfWeek", ...
  int min;
  int max;
  int step_max;                   // Quartz's bounds on increments
  const std::string_view* names;  // names[i] means min + i; nullptr when none
  int name_count;
  bool allow_question;
};

constexpr FieldSpec kFields[] = {
    {"second", 0, 59, 59, nullptr, 0, false},
    {"minute", 0, 59, 59, nullptr, 0, false},
    {"hour", 0, 23, 23, nullptr, 0, false},
    {"dayOfMonth", 1, 31, 31, nullptr, 0, true},
    {"month", 1, 12, 12, kMonthNames, 12, false},
    {"dayOfWeek", 1, 7, 7, kDayNames, 7, true},
    {"year", kMinYear, kMaxYear, kYearSpan - 1, nullptr, 0, false},
};

// Bit (v - spec.min) set = value v allowed.
using FieldBits = std::bitset<kYearSpan>;

struct ParsedField {
  FieldBits bits;
  bool unrestricted = false;  // exactly "*" or "?"
  bool question = false;      // exactly "?"
};

Status Invalid(std::string detail) {
  return Status(Code::kUserInvalidParam, "cronExpr").WithDetail(std::move(detail));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The refusal for unexpected text starting at `rest` (non-empty) inside `spec`'s field.
Status Unexpected(std::string_view rest, const FieldSpec& spec) {
  const std::string field(spec.name);
  if (rest.empty()) return Invalid("missing value in " + field);
  if (rest[0] == '#') return Invalid("# (nth day of week) is not supported, in " + field);
  if (!IsAlpha(rest[0])) {
    return Invalid("unexpected '" + std::string(1, rest[0]) + "' in " + field);
  }
  std::string word;
  for (size_t i = 0; i < rest.size() && IsAlpha(rest[i]); ++i) word += Upper(rest[i]);
  if (word == "L" || word == "LW") return Invalid("L (last) is not supported, in " + field);
  if (word == "W") return Invalid("W (nearest weekday) is not supported, in " + field);
  if (word == "C") return Invalid("C (calendar) is not supported, in " + field);
  if (spec.names == nullptr) return Invalid("names are not allowed in " + field + ": " + word);
  return Invalid("unknown name " + word + " in " + field);
}

// Reads a value (digits or a name) at text[*pos]; advances *pos.
Status ParseValue(std::string_view text, size_t* pos, const FieldSpec& spec, int* out) {
  const std::string field(spec.name);
  size_t p = *pos;
  if (p >= text.size()) return Invalid("missing value in " + field);
  if (IsDigit(text[p])) {
    int64_t v = 0;
    size_t start = p;
    while (p < text.size() && IsDigit(text[p])) {
      if (p - start < 10) v = v * 10 + (text[p] - '0');
      ++p;
    }
    if (p - start >= 10 || v < spec.min || v > spec.max) {
      return Invalid("value " + std::string(text.substr(start, p - start)) + " out of range " +
                     std::to_string(spec.min) + "-" + std::to_string(spec.max) + " in " + field);
    }
    *out = static_cast<int>(v);
    *pos = p;
    return Status::Ok();
  }
  if (IsAlpha(text[p]) && spec.names != nullptr) {
    size_t end = p;
    while (end < text.size() && IsAlpha(text[end])) ++end;
    const std::string_view word = text.substr(p, end - p);
    for (int i = 0; i < spec.name_count; ++i) {
      const std::string_view name = spec.names[i];
      if (word.size() != name.size()) continue;
      bool same = true;
      for (size_t k = 0; k < word.size(); ++k) same = same && Upper(word[k]) == name[k];
      if (same) {
        *out = spec.min + i;
        *pos = end;
        return Status::Ok();
      }
    }
  }
  return Unexpected(text.substr(p), spec);
}

// One comma-separated item: ('*' | value ['-' value]) ['/' step].
Status ParseItem(std::string_view item, const FieldSpec& spec, FieldBits* bits) {
  const std::string field(spec.name);
  if (item.empty()) return Invalid("empty list item in " + field);
  if (item[0] == '?') return Invalid("? must stand alone in " + field);
  size_t pos = 0;
  int lo = spec.min;
  int hi = spec.max;
  bool range = false;
  if (item[0] == '*') {
    pos = 1;
    range = true;
  } else {
    KRYPTON_RETURN_IF_ERROR(ParseValue(item, &pos, spec, &lo));
    hi = lo;
    if (pos < item.size() && item[pos] == '-') {
      ++pos;
      KRYPTON_RETURN_IF_ERROR(ParseValue(item, &pos, spec, &hi));
      range = true;
      if (lo > hi) {
        return Invalid("range " + std::string(item.substr(0, pos)) + " in " + field +
                       " starts after it ends");
      }
    }
  }
  int step = 1;
  if (pos < item.size() && item[pos] == '/') {
    ++pos;
    const size_t start = pos;
    int64_t v = 0;
    while (pos < item.size() && IsDigit(item[pos])) {
      if (pos - start < 10) v = v * 10 + (item[pos] - '0');
      ++pos;
    }
    if (pos == start) return Invalid("missing step after / in " + field);
    if (v == 0) return Invalid("step 0 in " + field);
    if (pos - start >= 10 || v > spec.step_max) {
      return Invalid("step " + std::string(item.substr(start, pos - start)) + " too large in " +
                     field + " (at most " + std::to_string(spec.step_max) + ")");
    }
    step = static_cast<int>(v);
    if (!range) hi = spec.max;  // "a/n": a, a+n, ... up to the field's end
  }
  if (pos != item.size()) return Unexpected(item.substr(pos), spec);
  for (int v = lo; v <= hi; v += step) bits->set(static_cast<size_t>(v - spec.min));
  return Status::Ok();
}

Status ParseField(std::string_view text, const FieldSpec& spec, ParsedField* out) {
  if (text == "?") {
    if (!spec.allow_question) {
      return Invalid("? is only allowed in dayOfMonth or dayOfWeek, not in " +
                     std::string(spec.name));
    }
    out->question = true;
  }
  out->unrestricted = text == "*" || text == "?";
  if (out->unrestricted) {
    for (int v = spec.min; v <= spec.max; ++v) out->bits.set(static_cast<size_t>(v - spec.min));
    return Status::Ok();
  }
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    KRYPTON_RETURN_IF_ERROR(ParseItem(item, spec, &out->bits));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

}  // namespace

// ---- civil time ----------------------------------------------------------------------

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  const auto m = static_cast<unsigned>(month);
  const auto d = static_cast<unsigned>(day);
  const int64_t y = year - (m <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

CivilTime ToCivil(int64_t epoch_s, int offset_min) {
  const int64_t local = epoch_s + int64_t{offset_min} * 60;
  const int64_t days = FloorDiv(local, kSecondsPerDay);
  const auto sod = static_cast<int>(local - days * kSecondsPerDay);
  const Ymd ymd = CivilFromDays(days);
  CivilTime t;
  t.year = static_cast<int>(ymd.year);
  t.month = ymd.month;
  t.day = ymd.day;
  t.hour = sod / 3600;
  t.minute = sod / 60 % 60;
  t.second = sod % 60;
  t.day_of_week = DayOfWeek(days);
  t.day_of_year = static_cast<int>(days - DaysFromCivil(ymd.year, 1, 1)) + 1;
  return t;
}

int64_t FromCivil(const CivilTime& t, int offset_min) {
  return DaysFromCivil(t.year, t.month, t.day) * kSecondsPerDay + int64_t{t.hour} * 3600 +
         int64_t{t.minute} * 60 + t.second - int64_t{offset_min} * 60;
}

namespace {

// Reads exactly `width` digits at text[pos].
bool Digits(std::string_view text, size_t pos, size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!IsDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool ParseTimeOfDay(std::string_view text, int* hour, int* minute, int* second) {
  int h = 0, m = 0, s = 0;
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return false;
  if (!Digits(text, 0, 2, &h) || !Digits(text, 3, 2, &m) || !Digits(text, 6, 2, &s)) return false;
  if (h > 23 || m > 59 || s > 59) return false;
  *hour = h;
  *minute = m;
  *second = s;
  return true;
}

bool ParseLocalDateTime(std::string_view text, CivilTime* out) {
  // yyyy-MM-ddTHH:mm:ss
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ')) {
    return false;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(text, 0, 4, &y) || !Digits(text, 5, 2, &mo) || !Digits(text, 8, 2, &d)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return false;
  if (!ParseTimeOfDay(text.substr(11), &h, &mi, &s)) return false;
  CivilTime t;
  t.year = y;
  t.month = mo;
  t.day = d;
  t.hour = h;
  t.minute = mi;
  t.second = s;
  *out = ToCivil(FromCivil(t, 0), 0);  // fills day_of_week and day_of_year
  return true;
}

// ---- CronExpr ------------------------------------------------------------------------

Result<CronExpr> CronExpr::Parse(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 6 && fields.size() != 7) {
    return Invalid("expected 6 or 7 fields (sec min hour dom mon dow [year]), got " +
                   std::to_string(fields.size()));
  }
  ParsedField parsed[7];
  for (size_t f = 0; f < fields.size(); ++f) {
    KRYPTON_RETURN_IF_ERROR(ParseField(fields[f], kFields[f], &parsed[f]));
  }
  if (fields.size() == 6) {
    parsed[6].bits.set();  // no year field: every year
  }
  const ParsedField& dom = parsed[3];
  const ParsedField& dow = parsed[5];
  if (dom.question && dow.question) return Invalid("? in both dayOfMonth and dayOfWeek");
  if (!dom.unrestricted && !dow.unrestricted) {
    return Invalid("dayOfMonth and dayOfWeek are both restricted; use ? (or *) in one of them");
  }

  CronExpr e;
  auto small = [](const FieldBits& bits, int min, int max) {
    uint64_t out = 0;
    for (int v = min; v <= max; ++v) {
      if (bits.test(static_cast<size_t>(v - min))) out |= uint64_t{1} << v;
    }
    return out;
  };
  e.seconds_ = small(parsed[0].bits, 0, 59);
  e.minutes_ = small(parsed[1].bits, 0, 59);
  e.hours_ = static_cast<uint32_t>(small(parsed[2].bits, 0, 23));
  e.dom_ = static_cast<uint32_t>(small(dom.bits, 1, 31));
  e.months_ = static_cast<uint16_t>(small(parsed[4].bits, 1, 12));
  e.dow_ = static_cast<uint8_t>(small(dow.bits, 1, 7));
  for (int y = 0; y < kYearSpan; ++y) {
    if (parsed[6].bits.test(static_cast<size_t>(y))) e.years_[y / 64] |= uint64_t{1} << (y % 64);
  }
  // No allowed month has an allowed day (dom 30 in February, 31 in 30-day months):
  // Next() answers at once instead of walking to 2099.
  static constexpr int kMaxDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  e.never_ = true;
  for (int m = 1; m <= 12; ++m) {
    const uint64_t days = (uint64_t{2} << kMaxDays[m - 1]) - 2;  // bits 1..max
    if (((e.months_ >> m) & 1) && (e.dom_ & days) != 0) e.never_ = false;
  }
  e.first_second_ = std::countr_zero(e.seconds_);
  e.first_minute_ = std::countr_zero(e.minutes_);
  return e;
}

bool CronExpr::YearMatches(int64_t year) const {
  if (year < kMinYear || year > kMaxYear) return false;
  const auto y = static_cast<int>(year - kMinYear);
  return (years_[y / 64] >> (y % 64)) & 1;
}

bool CronExpr::Matches(const CivilTime& t) const {
  auto in = [](uint64_t bits, int v, int max) { return v >= 0 && v <= max && ((bits >> v) & 1); };
  return YearMatches(t.year) && in(months_, t.month, 12) && in(dom_, t.day, 31) &&
         in(dow_, t.day_of_week, 7) && in(hours_, t.hour, 23) && in(minutes_, t.minute, 59) &&
         in(seconds_, t.second, 59);
}

std::optional<int> CronExpr::NextTimeOfDay(int sod) const {
  const int h0 = sod / 3600;
  const int m0 = sod / 60 % 60;
  const int s0 = sod % 60;
  const int h = NextBit(hours_, h0);
  if (h < 0) return std::nullopt;
  if (h > h0) return h * 3600 + first_minute_ * 60 + first_second_;
  const int m = NextBit(minutes_, m0);
  if (m > m0) return h * 3600 + m * 60 + first_second_;
  if (m == m0) {
    const int s = NextBit(seconds_, s0);
    if (s >= 0) return h * 3600 + m * 60 + s;
    const int m1 = NextBit(minutes_, m0 + 1);
    if (m1 >= 0) return h * 3600 + m1 * 60 + first_second_;
  }
  const int h1 = NextBit(hours_, h0 + 1);
  if (h1 < 0) return std::nullopt;
  return h1 * 3600 + first_minute_ * 60 + first_second_;
}

std::optional<int64_t> CronExpr::Next(int64_t after_s, int offset_min) const {
  const int64_t offset_s = int64_t{offset_min} * 60;
  if (never_ || after_s > kClampS) return std::nullopt;
  const int64_t local = std::max(after_s, -kClampS) + offset_s + 1;  // strictly after
  int64_t day = FloorDiv(local, kSecondsPerDay);
  auto sod = static_cast<int>(local - day * kSecondsPerDay);
  if (day < 0) {  // before 1970-01-01 (local)
    day = 0;
    sod = 0;
  }
  // Each step moves to a later day (or a later month or year), and there are ~47,500
  // days in 1970..2099, so the loop ends; the bound is only a safety net.
  for (int guard = 0; guard < 100000; ++guard) {
    const Ymd ymd = CivilFromDays(day);
    if (ymd.year > kMaxYear) return std::nullopt;
    if (!YearMatches(ymd.year)) {
      int64_t y = ymd.year + 1;
      while (y <= kMaxYear && !YearMatches(y)) ++y;
      if (y > kMaxYear) return std::nullopt;
      day = DaysFromCivil(y, 1, 1);
      sod = 0;
      continue;
    }
    if (!((months_ >> ymd.month) & 1)) {
      const int m = NextBit(months_, ymd.month + 1);
      day = m < 0 ? DaysFromCivil(ymd.year + 1, 1, 1) : DaysFromCivil(ymd.year, m, 1);
      sod = 0;
      continue;
    }
    if (!((dom_ >> ymd.day) & 1)) {
      const int d = NextBit(dom_, ymd.day + 1);
      const int dim = DaysInMonth(ymd.year, ymd.month);
      day += (d < 0 || d > dim) ? dim - ymd.day + 1 : d - ymd.day;
      sod = 0;
      continue;
    }
    const int w = DayOfWeek(day);
    if (!((dow_ >> w) & 1)) {
      int k = 1;
      while (k < 7 && !((dow_ >> ((w - 1 + k) % 7 + 1)) & 1)) ++k;
      day += k;
      sod = 0;
      continue;
    }
    if (const std::optional<int> t = NextTimeOfDay(sod)) {
      return day * kSecondsPerDay + *t - offset_s;
    }
    ++day;
    sod = 0;
  }
  return std::nullopt;
}

std::optional<int64_t> CronExpr::MinGapS(int64_t after_s, int offset_min, int max_firings) const {
  if (max_firings < 2) return std::nullopt;
  std::optional<int64_t> prev = Next(after_s, offset_min);
  if (!prev) return std::nullopt;
  std::optional<int64_t> best;
  for (int i = 1; i < max_firings; ++i) {
    const std::optional<int64_t> next = Next(*prev, offset_min);
    if (!next) break;
    const int64_t gap = *next - *prev;
    if (!best || gap < *best) best = gap;
    prev = next;
  }
  return best;
}

}  // namespace krypton::scheduler
