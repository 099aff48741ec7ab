// Quartz cron expressions and the civil-time arithmetic of scheduler tasks (spec
// user-api.md §5.5).
//
// A task's cron fields are read in its zone, and a zone here is only a fixed offset in
// minutes east of UTC (`timeZoneOffset`): no tz database, no daylight saving. Local civil
// time is therefore UTC shifted by the offset, and the calendar is the proleptic
// Gregorian one (Howard Hinnant's days_from_civil / civil_from_days).
//
// CronExpr accepts "sec min hour dom mon dow [year]" with `*`, values, ranges `a-b`,
// lists, steps (`a/n`, `*/n`, `a-b/n`), month names JAN..DEC and day names SUN..SAT
// (any case, also in ranges) and day-of-week numbers 1..7 with 1 = Sunday. `?` may stand
// alone in the day-of-month or day-of-week field. At most one of those two is restricted
// (neither `*` nor `?`); the restricted one decides, and `*` in both means every day.
// Quartz's L, W, # and C are refused. Every refusal is Status(kUserInvalidParam,
// "cronExpr") with a detail naming the problem. Years run 1970..2099: Next() never
// answers an instant whose local year lies outside them.
//
// Everything here is pure (no I/O, no clock, no globals); a CronExpr is an immutable
// value of ~72 bytes, safe to copy and to share between threads for reading.
#ifndef KRYPTON_SCHEDULER_CRON_H_
#define KRYPTON_SCHEDULER_CRON_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace krypton::scheduler {

// Local civil time (a zone is only an offset in minutes east of UTC).
struct CivilTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int day_of_week = 5;  // 1 = Sunday .. 7 = Saturday (Quartz); 1970-01-01 was a Thursday
  int day_of_year = 1;  // 1-366
};

// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1-12, d 1-31; no check).
int64_t DaysFromCivil(int64_t year, int month, int day);
// 28..31; `month` 1-12.
int DaysInMonth(int64_t year, int month);

// UTC epoch seconds -> local civil time in the zone `offset_min` minutes east of UTC.
CivilTime ToCivil(int64_t epoch_s, int offset_min);
// Local civil time -> UTC epoch seconds. Reads year..second only and does not validate
// them (out-of-range fields are carried arithmetically).
int64_t FromCivil(const CivilTime& t, int offset_min);

// "yyyy-MM-ddTHH:mm:ss" (a space may replace the T): exactly that shape, a real calendar
// date, hour 0-23, minute and second 0-59. Fills every field of `out`, day_of_week and
// day_of_year included. False (and `out` untouched) when malformed or out of range.
bool ParseLocalDateTime(std::string_view text, CivilTime* out);
// "HH:mm:ss", hour 0-23, minute and second 0-59. False (outputs untouched) otherwise.
bool ParseTimeOfDay(std::string_view text, int* hour, int* minute, int* second);

class CronExpr {
 public:
  // Quartz: "sec min hour dom mon dow [year]" (6 or 7 fields separated by runs of
  // whitespace; leading and trailing whitespace is ignored).
  // Errors: Status(Code::kUserInvalidParam, "cronExpr") with a detail naming the problem.
  static Result<CronExpr> Parse(std::string_view text);

  // The first firing strictly after `after_s` (UTC epoch seconds), the fields read in the
  // zone `offset_min` minutes east of UTC. nullopt when there is none up to the end of
  // 2099 (local). Instants before 1970 (local) are treated as 1970-01-01T00:00:00.
  // Cost: bit scans per day visited: ~50 ns for everyday expressions, a few hundred ns
  // for sparse ones ("0 0 0 29 2 ?"), at most a few thousand month steps in all.
  std::optional<int64_t> Next(int64_t after_s, int offset_min) const;

  // Does this local civil second match? Reads year..second and day_of_week.
  bool Matches(const CivilTime& local) const;

  // The smallest gap in seconds between consecutive firings among the first
  // `max_firings` after `after_s` (nullopt when fewer than two firings exist). Used to
  // refuse tasks firing more often than limits.task_min_interval_s.
  std::optional<int64_t> MinGapS(int64_t after_s, int offset_min, int max_firings = 1000) const;

 private:
  CronExpr() = default;

  // The first second of the day >= `sod` (seconds since local midnight) whose hour,
  // minute and second match; nullopt when none is left in the day.
  std::optional<int> NextTimeOfDay(int sod) const;
  bool YearMatches(int64_t year) const;

  // Bit v set = value v allowed.
  uint64_t seconds_ = 0;             // 0-59
  uint64_t minutes_ = 0;             // 0-59
  uint32_t hours_ = 0;               // 0-23
  uint32_t dom_ = 0;                 // 1-31 (all set when unrestricted)
  uint16_t months_ = 0;              // 1-12
  uint8_t dow_ = 0;                  // 1-7, 1 = Sunday (all set when unrestricted)
  std::array<uint64_t, 3> years_{};  // bit (y - 1970), 1970-2099
  int first_second_ = 0;
  int first_minute_ = 0;
  bool never_ = false;  // no allowed month has an allowed day (e.g. "0 0 0 30 2 ?")
};

}  // namespace krypton::scheduler

#endif  // KRYPTON_SCHEDULER_CRON_H_
