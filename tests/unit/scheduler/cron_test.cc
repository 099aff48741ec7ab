#include "scheduler/cron.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace krypton::scheduler {
namespace {

// UTC epoch seconds of a local "yyyy-MM-ddTHH:mm:ss" in the zone `offset_min`.
int64_t At(std::string_view local, int offset_min = 0) {
  CivilTime t;
  EXPECT_TRUE(ParseLocalDateTime(local, &t)) << local;
  return FromCivil(t, offset_min);
}

CronExpr MustParse(std::string_view text) {
  Result<CronExpr> r = CronExpr::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  if (!r.ok()) return CronExpr::Parse("* * * * * ?").value();
  return std::move(r).value();
}

// ---- parsing ---------------------------------------------------------------------------

TEST(CronParseTest, AcceptsQuartzForms) {
  const char* kAccepted[] = {
      "0 0 12 ? * MON,TUE,THU *",  // spec §5.5 example
      "0 30 7 ? * 2-6",            // numbers 1..7, 1 = Sunday
      "0 0/15 * * * ?",
      "* * * * * ?",
      "* * * * * *",
      "0 0 12 * * MON",
      "0 0 12 15 * *",
      "0 0 12 15 * ?",
      "0 0 12 ? jan-mar mon-fri",
      "0 0 12 ? Jul,DEC sun",
      "0 0 12 ? * 1-7/2",
      "0 0 12 ? * */7",
      "  0\t0  12 ? * *  ",
      "0 0 12 ? * MON 2024",
      "0 0 12 ? * MON 2024-2030/2",
      "0 0 12 ? * MON *",
      "59 59 23 31 12 ? 2099",
      "0 0 0 1 1 ? 1970",
      "0 1,3-5,50/5 * * * ?",
      "0 */59 */23 */31 */12 ?",
      "0 0 12 ? FEB-FEB 7",
  };
  for (const char* text : kAccepted) {
    Result<CronExpr> r = CronExpr::Parse(text);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  }
}

TEST(CronParseTest, RefusesWithInvalidParamCronExpr) {
  struct Case {
    const char* text;
    const char* detail;  // a substring of the detail
  };
  const Case kRefused[] = {
      {"", "6 or 7 fields"},
      {"   ", "got 0"},
      {"0 0 12 * *", "got 5"},
      {"0 0 12 * * ? 2020 1", "got 8"},
      {"60 0 12 * * ?", "value 60 out of range 0-59 in second"},
      {"0 60 12 * * ?", "in minute"},
      {"0 0 24 * * ?", "value 24 out of range 0-23 in hour"},
      {"0 0 12 0 * ?", "out of range 1-31 in dayOfMonth"},
      {"0 0 12 32 * ?", "in dayOfMonth"},
      {"0 0 12 ? 13 *", "out of range 1-12 in month"},
      {"0 0 12 ? 0 *", "in month"},
      {"0 0 12 ? * 0", "out of range 1-7 in dayOfWeek"},
      {"0 0 12 ? * 8", "in dayOfWeek"},
      {"0 0 12 ? * MON 1969", "out of range 1970-2099 in year"},
      {"0 0 12 ? * MON 2100", "in year"},
      {"0 99999999999 * * * ?", "out of range"},
      {"0 0 12 ? * 5-2", "starts after it ends"},
      {"0 0 12 ? * FRI-MON", "starts after it ends"},
      {"0 5-3 * * * ?", "range 5-3 in minute"},
      {"0 0 12 * * ? 2020-2019", "in year"},
      {"0 0/0 * * * ?", "step 0"},
      {"0 */60 * * * ?", "too large"},
      {"0 0 12 ? * */8", "too large"},
      {"0 1/ * * * ?", "missing step"},
      {"0 0 12 1 * MON", "both restricted"},
      {"0 0 12 1-5 * 2", "both restricted"},
      {"0 0 12 ? * ?", "? in both"},
      {"? 0 12 * * ?", "only allowed in dayOfMonth or dayOfWeek"},
      {"0 0 12 * ? ?", "not in month"},
      {"0 0 12 * * ? ?", "not in year"},
      {"0 0 12 ?,1 * *", "? must stand alone"},
      {"0 0 12 L * ?", "L (last) is not supported"},
      {"0 0 12 LW * ?", "L (last) is not supported"},
      {"0 0 12 L-3 * ?", "L (last) is not supported"},
      {"0 0 12 ? * 6L", "L (last) is not supported"},
      {"0 0 12 ? * l", "L (last) is not supported"},
      {"0 0 12 15W * ?", "W (nearest weekday) is not supported"},
      {"0 0 12 ? * 6#3", "# (nth day of week) is not supported"},
      {"0 0 12 5C * ?", "C (calendar) is not supported"},
      {"0 0 12 ? * FOO", "unknown name FOO in dayOfWeek"},
      {"0 0 12 ? JANUARY *", "unknown name JANUARY in month"},
      {"0 0 12 ? * JAN", "unknown name JAN in dayOfWeek"},
      {"0 0 MON * * ?", "names are not allowed in hour"},
      {"0 0 12 * * ? abc", "names are not allowed in year"},
      {"0 1,,2 * * * ?", "empty list item in minute"},
      {"0 1, * * * ?", "empty list item"},
      {"0 1- * * * ?", "missing value in minute"},
      {"0 0 12 ? * MON-", "missing value in dayOfWeek"},
      {"0 -1 * * * ?", "unexpected '-'"},
      {"0 *5 * * * ?", "unexpected '5'"},
      {"0 1.5 * * * ?", "unexpected '.'"},
  };
  for (const Case& c : kRefused) {
    Result<CronExpr> r = CronExpr::Parse(c.text);
    ASSERT_FALSE(r.ok()) << "accepted: '" << c.text << "'";
    const Status s = r.status();
    EXPECT_EQ(s.code(), Code::kUserInvalidParam) << c.text;
    EXPECT_EQ(s.number(), 6400017) << c.text;
    EXPECT_EQ(s.arg(), "cronExpr") << c.text;
    EXPECT_NE(s.detail().find(c.detail), std::string::npos)
        << "'" << c.text << "' gave detail '" << s.detail() << "', expected '" << c.detail << "'";
  }
}

// The minutes of an hour that `text` (with a seconds field of 0) allows.
std::set<int> MinutesOf(std::string_view text) {
  const CronExpr e = MustParse(text);
  std::set<int> out;
  for (int m = 0; m < 60; ++m) {
    if (e.Matches(ToCivil(At("2024-01-15T12:00:00") + m * 60, 0))) out.insert(m);
  }
  return out;
}

// The days of week (1 = Sunday) on which `text` fires at noon.
std::set<int> DaysOf(std::string_view text) {
  const CronExpr e = MustParse(text);
  std::set<int> out;
  for (int d = 0; d < 7; ++d) {
    const CivilTime t = ToCivil(At("2024-01-14T12:00:00") + d * 86400, 0);  // a Sunday first
    if (e.Matches(t)) out.insert(t.day_of_week);
  }
  return out;
}

TEST(CronParseTest, ListsRangesAndSteps) {
  EXPECT_EQ(MinutesOf("0 0/15 * * * ?"), (std::set<int>{0, 15, 30, 45}));
  EXPECT_EQ(MinutesOf("0 5/20 * * * ?"), (std::set<int>{5, 25, 45}));
  EXPECT_EQ(MinutesOf("0 */25 * * * ?"), (std::set<int>{0, 25, 50}));
  EXPECT_EQ(MinutesOf("0 10-40/15 * * * ?"), (std::set<int>{10, 25, 40}));
  EXPECT_EQ(MinutesOf("0 1,3-5,50/5 * * * ?"), (std::set<int>{1, 3, 4, 5, 50, 55}));
  EXPECT_EQ(MinutesOf("0 7 * * * ?"), (std::set<int>{7}));
  EXPECT_EQ(MinutesOf("0 58-59 * * * ?"), (std::set<int>{58, 59}));
  EXPECT_EQ(MinutesOf("0 * * * * ?").size(), 60u);
  EXPECT_EQ(MinutesOf("0 0 11 * * ?"), (std::set<int>{}));  // other hour
}

TEST(CronParseTest, DayNamesAndNumbersOneIsSunday) {
  EXPECT_EQ(DaysOf("0 0 12 ? * MON,TUE,THU *"), (std::set<int>{2, 3, 5}));
  EXPECT_EQ(DaysOf("0 0 12 ? * 2-6"), (std::set<int>{2, 3, 4, 5, 6}));
  EXPECT_EQ(DaysOf("0 0 12 ? * mon-Fri"), (std::set<int>{2, 3, 4, 5, 6}));
  EXPECT_EQ(DaysOf("0 0 12 ? * SUN,sat"), (std::set<int>{1, 7}));
  EXPECT_EQ(DaysOf("0 0 12 ? * 1"), (std::set<int>{1}));
  EXPECT_EQ(DaysOf("0 0 12 ? * 7"), (std::set<int>{7}));
  EXPECT_EQ(DaysOf("0 0 12 ? * 1-7/3"), (std::set<int>{1, 4, 7}));
  EXPECT_EQ(DaysOf("0 0 12 ? * TUE/2"), (std::set<int>{3, 5, 7}));
  EXPECT_EQ(DaysOf("0 0 12 * * *").size(), 7u);
  EXPECT_EQ(DaysOf("0 0 12 * * ?").size(), 7u);
  EXPECT_EQ(DaysOf("0 0 12 ? * *").size(), 7u);
  EXPECT_EQ(DaysOf("0 0 12 * * WED"), (std::set<int>{4}));  // * in dom: dow decides
}

TEST(CronParseTest, MonthNamesAndYearField) {
  const CronExpr e = MustParse("0 0 12 1 jan-MAR,Dec ? 2024-2030/3");
  auto fires = [&](int year, int month) {
    CivilTime t;
    t.year = year;
    t.month = month;
    t.day = 1;
    t.hour = 12;
    return e.Matches(ToCivil(FromCivil(t, 0), 0));
  };
  EXPECT_TRUE(fires(2024, 1));
  EXPECT_TRUE(fires(2024, 3));
  EXPECT_FALSE(fires(2024, 4));
  EXPECT_TRUE(fires(2024, 12));
  EXPECT_TRUE(fires(2027, 2));
  EXPECT_TRUE(fires(2030, 12));
  EXPECT_FALSE(fires(2025, 1));
  EXPECT_FALSE(fires(2033, 1));  // past the range's end
  EXPECT_FALSE(fires(2021, 1));
}

// ---- Next() ----------------------------------------------------------------------------

struct NextCase {
  const char* expr;
  int offset_min;
  const char* after;  // local
  const char* next;   // local; nullptr = none
};

void CheckNext(const NextCase& c) {
  const CronExpr e = MustParse(c.expr);
  const std::optional<int64_t> got = e.Next(At(c.after, c.offset_min), c.offset_min);
  if (c.next == nullptr) {
    EXPECT_FALSE(got.has_value()) << c.expr << " after " << c.after << " gave " << *got;
    return;
  }
  ASSERT_TRUE(got.has_value()) << c.expr << " after " << c.after;
  EXPECT_EQ(*got, At(c.next, c.offset_min))
      << c.expr << " after " << c.after << " (offset " << c.offset_min << ")";
}

TEST(CronNextTest, SpecExample) {
  // createTime 1484898296709 (Fri 2017-01-20 15:44:56 +08:00) -> nextTriggerTime 1485144000000.
  const CronExpr e = MustParse("0 0 12 ? * MON,TUE,THU *");
  EXPECT_EQ(e.Next(1484898296, 480), std::optional<int64_t>(1485144000));
  EXPECT_EQ(e.Next(1485144000, 480), std::optional<int64_t>(1485144000 + 86400));  // Tue
  EXPECT_EQ(e.Next(1485144000 + 86400, 480),
            std::optional<int64_t>(1485144000 + 3 * 86400));  // Thu
  EXPECT_EQ(MustParse("0 30 7 ? * 2-6").Next(1484898296, 480),
            std::optional<int64_t>(1485127800));  // Mon 07:30 +08:00
}

TEST(CronNextTest, Examples) {
  const NextCase kCases[] = {
      // Strictly after; steps across hour, day and month ends.
      {"0 0/15 * * * ?", 0, "2024-01-31T23:50:00", "2024-02-01T00:00:00"},
      {"0 0/15 * * * ?", 0, "2024-02-01T00:00:00", "2024-02-01T00:15:00"},
      {"0 0/15 * * * ?", 0, "2024-02-01T00:14:59", "2024-02-01T00:15:00"},
      {"*/20 * * * * ?", 0, "2024-03-10T12:00:40", "2024-03-10T12:01:00"},
      {"*/20 * * * * ?", 0, "2024-03-10T12:00:39", "2024-03-10T12:00:40"},
      {"30 59 23 * * ?", 0, "2024-03-10T23:59:30", "2024-03-11T23:59:30"},
      {"0 0 9-17 * * ?", 0, "2024-03-10T17:00:00", "2024-03-11T09:00:00"},
      {"0 0 9-17 * * ?", 0, "2024-03-10T08:59:59", "2024-03-10T09:00:00"},
      {"15 10 * * * ?", 0, "2024-03-10T10:10:15", "2024-03-10T11:10:15"},
      {"15,45 10 * * * ?", 0, "2024-03-10T10:10:15", "2024-03-10T10:10:45"},
      {"15 10,20 * * * ?", 0, "2024-03-10T10:10:15", "2024-03-10T10:20:15"},
      // Month ends: dom 31 skips 30-day months and February; Feb 30 never fires.
      {"0 0 0 31 * ?", 0, "2023-01-31T00:00:00", "2023-03-31T00:00:00"},
      {"0 0 0 31 * ?", 0, "2023-03-31T00:00:00", "2023-05-31T00:00:00"},
      {"0 0 0 30 * ?", 0, "2023-01-30T00:00:00", "2023-03-30T00:00:00"},
      {"0 0 0 30 2 ?", 0, "2023-01-01T00:00:00", nullptr},
      {"0 0 0 31 4,6,9,11 ?", 0, "2023-01-01T00:00:00", nullptr},
      // Leap years.
      {"0 0 0 29 2 ?", 0, "2023-03-01T00:00:00", "2024-02-29T00:00:00"},
      {"0 0 0 29 2 ?", 0, "2024-02-29T00:00:00", "2028-02-29T00:00:00"},
      {"0 0 0 29 2 ?", 0, "1999-01-01T00:00:00", "2000-02-29T00:00:00"},  // 2000 is leap
      {"0 0 0 29 2 ?", 0, "2096-03-01T00:00:00", nullptr},  // 2100 is not, and is out of range
      {"0 0 12 ? FEB 5", 0, "2024-02-28T12:00:00", "2024-02-29T12:00:00"},  // a Thursday
      // Year boundaries and the year field.
      {"0 0 0 1 1 ?", 0, "2023-12-31T23:59:59", "2024-01-01T00:00:00"},
      {"0 59 23 31 12 ?", 0, "2024-12-31T23:59:00", "2025-12-31T23:59:00"},
      {"0 0 0 1 1 ? 2030", 0, "2024-05-01T00:00:00", "2030-01-01T00:00:00"},
      {"0 0 0 1 1 ? 2030", 0, "2030-01-01T00:00:00", nullptr},
      {"0 0 0 1 1 ? 2030,2033", 0, "2030-01-01T00:00:00", "2033-01-01T00:00:00"},
      {"0 0 0 1 1 ?", 0, "2099-06-01T00:00:00", nullptr},
      {"59 59 23 31 12 ?", 0, "2099-12-31T23:59:58", "2099-12-31T23:59:59"},
      {"59 59 23 31 12 ?", 0, "2099-12-31T23:59:59", nullptr},
      {"0 0 12 ? * MON 2024", 0, "2024-12-30T12:00:00", nullptr},        // last Monday of 2024
      {"0 0 0 1 * ?", 0, "1960-05-05T00:00:00", "1970-01-01T00:00:00"},  // clamped to 1970
      // Offsets: fields are read in the zone.
      {"0 0 0 1 1 ?", -300, "2023-12-31T23:00:00", "2024-01-01T00:00:00"},
      {"0 15 9 * * ?", 345, "2024-06-01T05:45:00", "2024-06-01T09:15:00"},
      {"0 15 9 * * ?", 345, "2024-06-01T09:15:00", "2024-06-02T09:15:00"},
      {"0 0 1 ? * MON", 480, "2024-05-15T00:00:00", "2024-05-20T01:00:00"},
      {"0 0 23 ? * SUN", -300, "2024-05-15T00:00:00", "2024-05-19T23:00:00"},
      {"0 30 0 1 * ?", 840, "2024-01-31T12:00:00", "2024-02-01T00:30:00"},
      {"0 30 0 1 * ?", -720, "2024-01-31T12:00:00", "2024-02-01T00:30:00"},
      // Day of week vs day of month.
      {"0 0 8 * * 1", 0, "2024-05-15T00:00:00", "2024-05-19T08:00:00"},  // Sunday
      {"0 0 8 1 * ?", 0, "2024-05-15T00:00:00", "2024-06-01T08:00:00"},  // the 1st
      {"0 0 8 1 * *", 0, "2024-05-15T00:00:00", "2024-06-01T08:00:00"},
      {"0 0 8 * * *", 0, "2024-05-15T08:00:00", "2024-05-16T08:00:00"},
      {"0 0 8 ? * SAT", 0, "2024-05-25T08:00:01", "2024-06-01T08:00:00"},
      {"0 0 8 ? DEC SAT", 0, "2024-05-25T00:00:00", "2024-12-07T08:00:00"},
  };
  for (const NextCase& c : kCases) CheckNext(c);
}

TEST(CronNextTest, MatchesEveryAnswer) {
  const CronExpr e = MustParse("7 */13 1-5,22 ? JAN,JUL-AUG TUE-THU");
  int64_t t = At("2024-01-01T00:00:00", 330);
  for (int i = 0; i < 500; ++i) {
    const std::optional<int64_t> n = e.Next(t, 330);
    ASSERT_TRUE(n.has_value());
    ASSERT_GT(*n, t);
    ASSERT_TRUE(e.Matches(ToCivil(*n, 330))) << *n;
    t = *n;
  }
}

// ---- property test: Next() against a brute-force scan -----------------------------------

class CronGen {
 public:
  explicit CronGen(uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin(int percent) { return Uniform(1, 100) <= percent; }

  // A random field over [min, max]; `names` (min-based) may render values as names.
  std::string Field(int min, int max, const std::vector<std::string>& names = {}) {
    switch (Uniform(0, 6)) {
      case 0:
        return "*";
      case 1:
        return Value(min, max, names);
      case 6: {
        std::string list;
        const int n = Uniform(2, 4);
        for (int i = 0; i < n; ++i) {
          if (i > 0) list += ',';
          list += Item(min, max, names, Uniform(1, 5));
        }
        return list;
      }
      default:
        return Item(min, max, names, Uniform(2, 5));
    }
  }

  std::string DayFields() {
    static const std::vector<std::string> kDays = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    switch (Uniform(0, 9)) {
      case 0:
        return "* *";
      case 1:
        return "* ?";
      case 2:
        return "? *";
      case 3:
      case 4:
      case 5:
        return Restricted(1, 31, {}) + (Coin(50) ? " ?" : " *");
      default:
        return (Coin(50) ? "? " : "* ") + Restricted(1, 7, kDays);
    }
  }

  std::string Months() {
    static const std::vector<std::string> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    return Field(1, 12, kMonths);
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::string Restricted(int min, int max, const std::vector<std::string>& names) {
    std::string f;
    do {
      f = Field(min, max, names);
    } while (f == "*");
    return f;
  }

  std::string Value(int min, int max, const std::vector<std::string>& names, int v = -1) {
    if (v < 0) v = Uniform(min, max);
    if (!names.empty() && Coin(50)) {
      std::string name = names[static_cast<size_t>(v - min)];
      if (Coin(30)) name[1] = static_cast<char>(name[1] - 'A' + 'a');  // any case
      return name;
    }
    return std::to_string(v);
  }

  // 1 value, 2 range, 3 a/n, 4 */n, 5 a-b/n.
  std::string Item(int min, int max, const std::vector<std::string>& names, int kind) {
    const int span = max - min;
    switch (kind) {
      case 1:
        return Value(min, max, names);
      case 2: {
        const int a = Uniform(min, max);
        return Value(min, max, names, a) + "-" + Value(min, max, names, Uniform(a, max));
      }
      case 3:
        return Value(min, max, names) + "/" + std::to_string(Uniform(1, span));
      case 4:
        return "*/" + std::to_string(Uniform(1, span));
      default: {
        const int a = Uniform(min, max);
        return Value(min, max, names, a) + "-" + Value(min, max, names, Uniform(a, max)) + "/" +
               std::to_string(Uniform(1, span));
      }
    }
  }

  std::mt19937 rng_;
};

// Firings of `e` in (after_s, end_s) by iterating Next().
std::vector<int64_t> ByNext(const CronExpr& e, int64_t after_s, int64_t end_s, int offset) {
  std::vector<int64_t> out;
  int64_t t = after_s;
  while (true) {
    const std::optional<int64_t> n = e.Next(t, offset);
    if (!n || *n >= end_s) break;
    out.push_back(*n);
    t = *n;
  }
  return out;
}

TEST(CronPropertyTest, NextAgreesWithMinuteScanOverAYear) {
  CronGen gen(20240116);
  constexpr int64_t kMinutesPerYear = 525600;
  int total_firings = 0;
  for (int i = 0; i < 60; ++i) {
    const int sec = gen.Uniform(0, 59);
    const std::string days = gen.DayFields();  // "dom dow"; the month goes between them
    const size_t space = days.find(' ');
    std::string text = std::to_string(sec) + " " + gen.Field(0, 59) + " " + gen.Field(0, 23) + " " +
                       days.substr(0, space) + " " + gen.Months() + days.substr(space);
    // Start anywhere in 1970..2099, sometimes at the very end (the years run out).
    const int year = gen.Coin(10) ? 2099 : gen.Uniform(1970, 2098);
    if (gen.Coin(20)) {
      text += " " + std::to_string(year) + "," + std::to_string(std::min(year + 1, 2099));
    }
    const int offset = gen.Uniform(-720, 840);
    const int64_t start_s = At(std::to_string(year) + "-01-01T00:00:00", offset) +
                            gen.Uniform(0, 364 * 86400) + gen.Uniform(0, 59);
    SCOPED_TRACE("expr '" + text + "' offset " + std::to_string(offset) + " after " +
                 std::to_string(start_s));
    Result<CronExpr> parsed = CronExpr::Parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const CronExpr& e = parsed.value();

    // Offsets are whole minutes, so UTC and local minutes share boundaries.
    const int64_t base_min = start_s >= 0 ? start_s / 60 : -((-start_s + 59) / 60);
    const int64_t end_s = (base_min + kMinutesPerYear) * 60;
    std::vector<int64_t> brute;
    for (int64_t m = 0; m < kMinutesPerYear; ++m) {
      const int64_t t = (base_min + m) * 60 + sec;
      if (t > start_s && t < end_s && e.Matches(ToCivil(t, offset))) brute.push_back(t);
    }
    const std::vector<int64_t> fast = ByNext(e, start_s, end_s, offset);
    ASSERT_EQ(fast.size(), brute.size());
    for (size_t k = 0; k < fast.size(); ++k) ASSERT_EQ(fast[k], brute[k]) << "firing " << k;
    total_firings += static_cast<int>(fast.size());
  }
  EXPECT_GT(total_firings, 10000);  // the generator produces expressions that fire
}

TEST(CronPropertyTest, NextAgreesWithSecondScanOverTwoDays) {
  CronGen gen(77);
  constexpr int64_t kSpan = 2 * 86400;
  for (int i = 0; i < 40; ++i) {
    const std::string days = gen.DayFields();
    const size_t space = days.find(' ');
    const std::string text = gen.Field(0, 59) + " " + gen.Field(0, 59) + " " + gen.Field(0, 23) +
                             " " + days.substr(0, space) + " " + gen.Months() + days.substr(space);
    const int offset = gen.Uniform(-720, 840);
    const int64_t start_s = At(std::to_string(gen.Uniform(1970, 2098)) + "-01-01T00:00:00") +
                            gen.Uniform(0, 364 * 86400);
    SCOPED_TRACE("expr '" + text + "' offset " + std::to_string(offset));
    Result<CronExpr> parsed = CronExpr::Parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const CronExpr& e = parsed.value();
    std::vector<int64_t> brute;
    for (int64_t t = start_s + 1; t < start_s + kSpan; ++t) {
      if (e.Matches(ToCivil(t, offset))) brute.push_back(t);
    }
    EXPECT_EQ(ByNext(e, start_s, start_s + kSpan, offset), brute);
  }
}

// ---- MinGapS -----------------------------------------------------------------------------

TEST(CronMinGapTest, Examples) {
  const int64_t t = At("2024-05-15T10:00:00");
  EXPECT_EQ(MustParse("0 * * * * ?").MinGapS(t, 0), std::optional<int64_t>(60));
  EXPECT_EQ(MustParse("0,30 * * * * ?").MinGapS(t, 0), std::optional<int64_t>(30));
  EXPECT_EQ(MustParse("0 0 7 ? * MON").MinGapS(t, 480), std::optional<int64_t>(604800));
  EXPECT_EQ(MustParse("* * * * * ?").MinGapS(t, 0), std::optional<int64_t>(1));
  EXPECT_EQ(MustParse("0 0 8,9 ? * MON").MinGapS(t, 0), std::optional<int64_t>(3600));
  EXPECT_EQ(MustParse("0 0 0,12 * * ?").MinGapS(t, 0, 2), std::optional<int64_t>(43200));
  // 0 and 50 past each hour: the 10-minute gap appears within the first firings.
  EXPECT_EQ(MustParse("0 0,50 * * * ?").MinGapS(t, 0), std::optional<int64_t>(600));
  EXPECT_EQ(MustParse("0 0 0 1 1 ? 2030,2031").MinGapS(t, 0), std::optional<int64_t>(365 * 86400));
  EXPECT_EQ(MustParse("0 0 0 1 1 ? 2030").MinGapS(t, 0), std::nullopt);  // one firing
  EXPECT_EQ(MustParse("0 0 0 30 2 ?").MinGapS(t, 0), std::nullopt);      // none
  EXPECT_EQ(MustParse("0 * * * * ?").MinGapS(t, 0, 1), std::nullopt);
}

// ---- civil time ----------------------------------------------------------------------------

TEST(CivilTimeTest, KnownDates) {
  struct Case {
    int64_t epoch_s;
    int offset;
    CivilTime want;
  };
  const Case kCases[] = {
      {0, 0, {1970, 1, 1, 0, 0, 0, 5, 1}},
      {0, 480, {1970, 1, 1, 8, 0, 0, 5, 1}},
      {0, -300, {1969, 12, 31, 19, 0, 0, 4, 365}},
      {0, 345, {1970, 1, 1, 5, 45, 0, 5, 1}},
      {-1, 0, {1969, 12, 31, 23, 59, 59, 4, 365}},
      {1484898296, 480, {2017, 1, 20, 15, 44, 56, 6, 20}},
      {951782400, 0, {2000, 2, 29, 0, 0, 0, 3, 60}},
      {1735689540, 0, {2024, 12, 31, 23, 59, 0, 3, 366}},
      {1704081600, -300, {2023, 12, 31, 23, 0, 0, 1, 365}},
      {1704085200, -300, {2024, 1, 1, 0, 0, 0, 2, 1}},
      {4102444799, 0, {2099, 12, 31, 23, 59, 59, 5, 365}},
      {4102444800, 0, {2100, 1, 1, 0, 0, 0, 6, 1}},
  };
  for (const Case& c : kCases) {
    const CivilTime t = ToCivil(c.epoch_s, c.offset);
    SCOPED_TRACE(std::to_string(c.epoch_s) + " offset " + std::to_string(c.offset));
    EXPECT_EQ(t.year, c.want.year);
    EXPECT_EQ(t.month, c.want.month);
    EXPECT_EQ(t.day, c.want.day);
    EXPECT_EQ(t.hour, c.want.hour);
    EXPECT_EQ(t.minute, c.want.minute);
    EXPECT_EQ(t.second, c.want.second);
    EXPECT_EQ(t.day_of_week, c.want.day_of_week);
    EXPECT_EQ(t.day_of_year, c.want.day_of_year);
    EXPECT_EQ(FromCivil(t, c.offset), c.epoch_s);
  }
}

// Walks every day of 1900..2200 with a naive calendar and compares.
TEST(CivilTimeTest, DayWalkAgreesWithNaiveCalendar) {
  int y = 1900, m = 1, d = 1, dow = 2, doy = 1;  // 1900-01-01 was a Monday
  auto leap = [](int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; };
  const int64_t first_day = -25567;  // 1900-01-01
  EXPECT_EQ(DaysFromCivil(1900, 1, 1), first_day);
  for (int64_t day = first_day; y < 2200; ++day) {
    const CivilTime t = ToCivil(day * 86400 + 43200, 0);
    ASSERT_EQ(t.year, y);
    ASSERT_EQ(t.month, m);
    ASSERT_EQ(t.day, d);
    ASSERT_EQ(t.day_of_week, dow);
    ASSERT_EQ(t.day_of_year, doy);
    ASSERT_EQ(DaysFromCivil(y, m, d), day);
    const int dim =
        m == 2 ? (leap(y) ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31);
    ASSERT_EQ(DaysInMonth(y, m), dim);
    dow = dow % 7 + 1;
    ++doy;
    if (++d > dim) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
        doy = 1;
      }
    }
  }
}

TEST(CivilTimeTest, RoundTripsRandomInstantsAndOffsets) {
  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<int64_t> instant(-(int64_t{1} << 36), int64_t{1} << 36);
  std::uniform_int_distribution<int> offset(-720, 840);
  for (int i = 0; i < 200000; ++i) {
    const int64_t t = instant(rng);
    const int off = offset(rng);
    const CivilTime c = ToCivil(t, off);
    ASSERT_EQ(FromCivil(c, off), t) << t << " " << off;
    ASSERT_GE(c.month, 1);
    ASSERT_LE(c.month, 12);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, DaysInMonth(c.year, c.month));
    ASSERT_GE(c.hour, 0);
    ASSERT_LE(c.hour, 23);
    ASSERT_GE(c.minute, 0);
    ASSERT_LE(c.minute, 59);
    ASSERT_GE(c.second, 0);
    ASSERT_LE(c.second, 59);
    ASSERT_GE(c.day_of_week, 1);
    ASSERT_LE(c.day_of_week, 7);
    // Local = UTC shifted by the offset.
    const CivilTime shifted = ToCivil(t + int64_t{off} * 60, 0);
    ASSERT_EQ(shifted.day_of_year, c.day_of_year);
    ASSERT_EQ(shifted.day_of_week, c.day_of_week);
    ASSERT_EQ(shifted.hour, c.hour);
  }
}

TEST(CivilTimeTest, ParseLocalDateTime) {
  CivilTime t;
  ASSERT_TRUE(ParseLocalDateTime("2017-01-20T15:44:56", &t));
  EXPECT_EQ(t.year, 2017);
  EXPECT_EQ(t.month, 1);
  EXPECT_EQ(t.day, 20);
  EXPECT_EQ(t.hour, 15);
  EXPECT_EQ(t.minute, 44);
  EXPECT_EQ(t.second, 56);
  EXPECT_EQ(t.day_of_week, 6);  // Friday
  EXPECT_EQ(t.day_of_year, 20);
  EXPECT_EQ(FromCivil(t, 480), 1484898296);

  ASSERT_TRUE(ParseLocalDateTime("2024-02-29 23:59:59", &t));
  EXPECT_EQ(t.day_of_year, 60);
  EXPECT_EQ(t.day_of_week, 5);  // Thursday
  ASSERT_TRUE(ParseLocalDateTime("2024-12-31T00:00:00", &t));
  EXPECT_EQ(t.day_of_year, 366);

  const char* kRefused[] = {
      "",
      "2023-02-29T00:00:00",  // not a leap year
      "1900-02-29T00:00:00",
      "2024-04-31T00:00:00",
      "2017-00-10T00:00:00",
      "2017-13-01T00:00:00",
      "2017-01-00T00:00:00",
      "2017-01-32T00:00:00",
      "2017-01-20T24:00:00",
      "2017-01-20T15:60:00",
      "2017-01-20T15:44:60",
      "2017-1-20T15:44:56",
      "2017-01-20T15:44",
      "2017-01-20",
      "2017-01-20T15:44:56Z",
      "2017-01-20T15:44:56.000",
      "2017-01-20X15:44:56",
      "2017/01/20T15:44:56",
      "2017-01-20T15:4a:56",
      "+017-01-20T15:44:56",
      " 2017-01-20T15:44:56",
  };
  for (const char* text : kRefused) {
    CivilTime out;
    out.year = 1234;
    EXPECT_FALSE(ParseLocalDateTime(text, &out)) << text;
    EXPECT_EQ(out.year, 1234) << text;  // untouched
  }
}

TEST(CivilTimeTest, ParseTimeOfDay) {
  int h = -1, m = -1, s = -1;
  ASSERT_TRUE(ParseTimeOfDay("07:30:05", &h, &m, &s));
  EXPECT_EQ(h, 7);
  EXPECT_EQ(m, 30);
  EXPECT_EQ(s, 5);
  ASSERT_TRUE(ParseTimeOfDay("00:00:00", &h, &m, &s));
  EXPECT_EQ(h + m + s, 0);
  ASSERT_TRUE(ParseTimeOfDay("23:59:59", &h, &m, &s));
  EXPECT_EQ(h, 23);
  EXPECT_EQ(m, 59);
  EXPECT_EQ(s, 59);
  const char* kRefused[] = {"",          "24:00:00", "7:30:00",  "07:30",
                            "07:60:00",  "07:30:60", "07-30-00", "07:30:00 ",
                            " 07:30:00", "0a:30:00", "-1:30:00", "07:30:0"};
  for (const char* text : kRefused) {
    h = m = s = 99;
    EXPECT_FALSE(ParseTimeOfDay(text, &h, &m, &s)) << text;
    EXPECT_EQ(h, 99) << text;
  }
}

}  // namespace
}  // namespace krypton::scheduler
