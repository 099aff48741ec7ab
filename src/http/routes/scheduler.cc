// Scheduler tasks of the user API (user-api.md §5.5): the wire side of scheduler/tasks.h.
// The device is named by devTid + ctrlKey (+ subDevTid) in the query or the body.
//   GET    /rule/schedulerTask?devTid=&ctrlKey=[&subDevTid][&taskId=a,b] → 200 [Task]
//   POST   /rule/schedulerTask  Task                                      → 200 [Task]
//   PUT    /rule/schedulerTask[?taskId=]  Task (partial for an update)     → 200 [Task]
//   DELETE /rule/schedulerTask?devTid=&ctrlKey=[&taskId=a,b]               → 200 [Task] (left)
//   GET    /rule/schedulerTask/count?devTid=&ctrlKey=                      → 200 {count, limit}
//   GET    /rule/schedulerTask/history?devTid=&ctrlKey=[&taskId][&page&size] → 200 [Firing]
//   POST   /test/clock {nowMs | advanceMs}  (only under `krypton serve --test-clock`)
// The 2016 names are folded in here: taskType → schedulerType, time → triggerTime,
// repeat → repeatList, and a ONCE task's triggerTime → triggerDateTime.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "http/routes/api.h"
#include "scheduler/tasks.h"

namespace krypton::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr int kHistoryPageMax = 100;

scheduler::Env EnvOf(ApiContext& ctx) {
  return scheduler::Env{ctx.store, ctx.bus, ctx.config,
                        ctx.scheduler_clock != nullptr ? *ctx.scheduler_clock : ctx.clock,
                        ctx.clock};
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// "a,b" → ids; 6400017 "taskId" when one is not an integer.
Result<std::vector<int64_t>> Ids(const std::string& text) {
  std::vector<int64_t> ids;
  for (std::string_view item : api::SplitList(text)) {
    auto id = ParseInt(item);
    if (!id) return Status(Code::kUserInvalidParam, "taskId");
    ids.push_back(*id);
  }
  return ids;
}

// The one taskId of the query: nullopt when absent, 6400017 "taskId" when not an integer.
Result<std::optional<int64_t>> QueryTaskId(const api::Call& call) {
  std::string q = call.Query("taskId");
  if (q.empty()) return std::optional<int64_t>();
  auto id = ParseInt(q);
  if (!id) return Status(Code::kUserInvalidParam, "taskId");
  return id;
}

// A string field: absent or null → nullopt; another type → *bad = key.
std::optional<std::string> StringField(simdjson::dom::object body, const char* key,
                                       std::string* bad) {
  simdjson::dom::element v;
  if (body[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  std::string_view s;
  if (v.get(s) != simdjson::SUCCESS) {
    if (bad->empty()) *bad = key;
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<bool> BoolField(simdjson::dom::object body, const char* key, std::string* bad) {
  simdjson::dom::element v;
  if (body[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  bool b = false;
  if (v.get(b) != simdjson::SUCCESS) {
    if (bad->empty()) *bad = key;
    return std::nullopt;
  }
  return b;
}

std::optional<int64_t> IntField(simdjson::dom::object body, const char* key, std::string* bad) {
  simdjson::dom::element v;
  if (body[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  int64_t n = 0;
  if (v.get(n) == simdjson::SUCCESS) return n;
  std::string_view s;  // "0" as sent by some pages
  if (v.get(s) == simdjson::SUCCESS) {
    if (auto parsed = ParseInt(s)) return parsed;
  }
  if (bad->empty()) *bad = key;
  return std::nullopt;
}

// repeatList: ["MON", …], [2, 3], or "MON,TUE".
std::optional<std::vector<std::string>> DaysField(simdjson::dom::object body, const char* key,
                                                  std::string* bad) {
  simdjson::dom::element v;
  if (body[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  std::vector<std::string> days;
  std::string_view text;
  simdjson::dom::array items;
  if (v.get(text) == simdjson::SUCCESS) {
    for (std::string_view day : api::SplitList(text)) days.emplace_back(day);
    return days;
  }
  if (v.get(items) == simdjson::SUCCESS) {
    for (auto item : items) {
      int64_t n = 0;
      if (item.get(text) == simdjson::SUCCESS) {
        days.emplace_back(text);
      } else if (item.get(n) == simdjson::SUCCESS) {
        days.push_back(std::to_string(n));
      } else {
        if (bad->empty()) *bad = key;
        return std::nullopt;
      }
    }
    return days;
  }
  if (bad->empty()) *bad = key;
  return std::nullopt;
}

scheduler::TaskInput InputOf(simdjson::dom::object body) {
  scheduler::TaskInput in;
  std::string* bad = &in.bad_field;
  in.task_id = IntField(body, "taskId", bad);
  in.task_name = StringField(body, "taskName", bad);
  in.task_key = StringField(body, "taskKey", bad);
  in.desc = StringField(body, "desc", bad);
  in.enable = BoolField(body, "enable", bad);
  in.feedback = BoolField(body, "feedback", bad);
  simdjson::dom::element code;
  if (body["code"].get(code) == simdjson::SUCCESS && !code.is_null()) {
    if (code.is_object()) {
      in.code_json = simdjson::minify(code);
    } else if (bad->empty()) {
      *bad = "code";
    }
  }
  in.scheduler_type = StringField(body, "schedulerType", bad);
  if (!in.scheduler_type) in.scheduler_type = StringField(body, "taskType", bad);
  in.cron_expr = StringField(body, "cronExpr", bad);
  in.trigger_date_time = StringField(body, "triggerDateTime", bad);
  in.trigger_time = StringField(body, "triggerTime", bad);
  if (!in.trigger_time) in.trigger_time = StringField(body, "time", bad);
  in.repeat_list = DaysField(body, "repeatList", bad);
  if (!in.repeat_list) in.repeat_list = DaysField(body, "repeat", bad);
  if (auto tz = IntField(body, "timeZoneOffset", bad)) in.time_zone_offset = static_cast<int>(*tz);
  in.sub_dev_tid = StringField(body, "subDevTid", bad);
  // 2016: a ONCE task's date and time in triggerTime.
  if (in.scheduler_type == "ONCE" && !in.trigger_date_time && in.trigger_time &&
      in.trigger_time->size() > 8) {
    in.trigger_date_time = std::move(in.trigger_time);
    in.trigger_time.reset();
  }
  return in;
}

// devTid, ctrlKey and subDevTid from the query, else the body.
scheduler::DeviceRef DeviceOf(api::Call& call, const simdjson::dom::object* body) {
  scheduler::DeviceRef ref{call.Query("devTid"), call.Query("ctrlKey"), call.Query("subDevTid")};
  if (body != nullptr) {
    if (ref.dev_tid.empty()) ref.dev_tid = api::Str(*body, "devTid");
    if (ref.ctrl_key.empty()) ref.ctrl_key = api::Str(*body, "ctrlKey");
    if (ref.sub_dev_tid.empty()) ref.sub_dev_tid = api::Str(*body, "subDevTid");
  }
  return ref;
}

void NullableString(Writer& w, const std::string& s) {
  if (s.empty()) {
    w.Null();
  } else {
    api::WriteString(w, s);
  }
}

// A Java LocalDateTime as Jackson writes it (§5.5 serverTime), in the server's zone.
void WriteServerTime(Writer& w, int64_t now_ms) {
  static const char* kMonths[] = {"JANUARY",   "FEBRUARY", "MARCH",    "APRIL",
                                  "MAY",       "JUNE",     "JULY",     "AUGUST",
                                  "SEPTEMBER", "OCTOBER",  "NOVEMBER", "DECEMBER"};
  static const char* kDays[] = {"SUNDAY",   "MONDAY", "TUESDAY", "WEDNESDAY",
                                "THURSDAY", "FRIDAY", "SATURDAY"};
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  w.StartObject();
  w.Key("year");
  w.Int(tm.tm_year + 1900);
  w.Key("month");
  w.String(kMonths[tm.tm_mon]);
  w.Key("monthValue");
  w.Int(tm.tm_mon + 1);
  w.Key("dayOfMonth");
  w.Int(tm.tm_mday);
  w.Key("dayOfYear");
  w.Int(tm.tm_yday + 1);
  w.Key("dayOfWeek");
  w.String(kDays[tm.tm_wday]);
  w.Key("hour");
  w.Int(tm.tm_hour);
  w.Key("minute");
  w.Int(tm.tm_min);
  w.Key("second");
  w.Int(tm.tm_sec);
  w.Key("nano");
  w.Int64((now_ms % 1000) * 1000000);
  w.EndObject();
}

void WriteTask(Writer& w, const scheduler::TaskView& v, int64_t now_ms) {
  const storage::SchedulerTask& t = v.task;
  w.StartObject();
  w.Key("uid");
  api::WriteString(w, t.uid);
  w.Key("devTid");
  api::WriteString(w, t.dev_tid);
  w.Key("ctrlKey");
  api::WriteString(w, t.ctrl_key);
  w.Key("subDevTid");  // null for a plain device, never "" (sdk-web's filter, §5.5)
  NullableString(w, t.sub_dev_tid);
  w.Key("taskId");
  w.Int64(t.task_id);
  w.Key("taskName");
  api::WriteString(w, t.task_name);
  w.Key("taskKey");
  NullableString(w, t.task_key.value_or(""));
  w.Key("desc");
  api::WriteString(w, t.desc);
  w.Key("enable");
  w.Bool(t.enable);
  w.Key("feedback");
  w.Bool(t.feedback);
  w.Key("code");
  w.RawValue(t.code_json.data(), t.code_json.size(), rapidjson::kObjectType);
  w.Key("schedulerType");
  api::WriteString(w, t.scheduler_type);
  w.Key("cronExpr");
  api::WriteString(w, t.cron_expr);
  w.Key("triggerDateTime");
  NullableString(w, t.trigger_date_time);
  w.Key("triggerTime");
  NullableString(w, t.trigger_time);
  w.Key("repeatList");
  if (t.repeat_list_json.empty()) {
    w.Null();
  } else {
    w.RawValue(t.repeat_list_json.data(), t.repeat_list_json.size(), rapidjson::kArrayType);
  }
  w.Key("timeZoneOffset");
  w.Int(t.time_zone_offset);
  w.Key("count");
  w.Int64(t.fire_count);
  w.Key("timerTaskStatus");
  w.String(v.next_ms ? "SCHEDULING" : "FREEZE");
  w.Key("expired");
  w.Bool(v.expired);
  w.Key("nextTriggerTime");
  if (v.next_ms) {
    w.Int64(*v.next_ms);
  } else {
    w.Null();
  }
  w.Key("createTime");
  w.Int64(t.created_at_ms);
  w.Key("updateTime");
  w.Int64(t.updated_at_ms);
  w.Key("serverTime");
  WriteServerTime(w, now_ms);
  w.EndObject();
}

Response ListJson(const scheduler::TaskList& list) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& v : list.tasks) WriteTask(w, v, list.now_ms);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Answer(Result<scheduler::TaskList> list) {
  if (!list.ok()) return list.status();
  return ListJson(*list);
}

Result<Response> List(api::Call& call) {
  auto ids = Ids(call.Query("taskId"));
  if (!ids.ok()) return ids.status();
  scheduler::Env env = EnvOf(call.ctx);
  return Answer(scheduler::ListTasks(env, call.uid(), DeviceOf(call, nullptr), *ids));
}

Result<Response> Create(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  scheduler::Env env = EnvOf(call.ctx);
  return Answer(scheduler::CreateTask(env, call.uid(), DeviceOf(call, &*body), InputOf(*body)));
}

Result<Response> Upsert(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  auto query_id = QueryTaskId(call);
  if (!query_id.ok()) return query_id.status();
  scheduler::Env env = EnvOf(call.ctx);
  return Answer(
      scheduler::UpsertTask(env, call.uid(), DeviceOf(call, &*body), *query_id, InputOf(*body)));
}

Result<Response> Delete(api::Call& call) {
  auto ids = Ids(call.Query("taskId"));
  if (!ids.ok()) return ids.status();
  scheduler::Env env = EnvOf(call.ctx);
  return Answer(scheduler::DeleteTasks(env, call.uid(), DeviceOf(call, nullptr), *ids));
}

Result<Response> Count(api::Call& call) {
  scheduler::Env env = EnvOf(call.ctx);
  auto n = scheduler::CountTasks(env, call.uid(), DeviceOf(call, nullptr));
  if (!n.ok()) return n.status();
  return api::Json(200, "{\"count\":" + std::to_string(*n) + ",\"limit\":" +
                            std::to_string(call.ctx.config.limits.tasks_per_device_user) + "}");
}

Result<Response> History(api::Call& call) {
  auto task_id = QueryTaskId(call);
  if (!task_id.ok()) return task_id.status();
  auto page = ParseInt(call.Query("page")).value_or(0);
  auto size = ParseInt(call.Query("size")).value_or(20);
  size = std::clamp<int64_t>(size, 1, kHistoryPageMax);
  page = std::clamp<int64_t>(page, 0, 1000000);
  scheduler::Env env = EnvOf(call.ctx);
  auto firings = scheduler::TaskHistory(env, call.uid(), DeviceOf(call, nullptr), *task_id,
                                        static_cast<int>(page), static_cast<int>(size));
  if (!firings.ok()) return firings.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& f : *firings) {
    w.StartObject();
    w.Key("taskId");
    w.Int64(f.task_id);
    w.Key("scheduledTime");
    w.Int64(f.scheduled_ms);
    w.Key("outcome");
    api::WriteString(w, f.outcome);
    w.Key("code");
    w.Int(f.code);
    w.Key("desc");
    api::WriteString(w, f.desc);
    w.Key("claimTime");
    w.Int64(f.claimed_at_ms);
    w.Key("finishTime");
    if (f.finished_at_ms == 0) {
      w.Null();
    } else {
      w.Int64(f.finished_at_ms);
    }
    w.EndObject();
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

// POST /test/clock {"nowMs": n} or {"advanceMs": n} → {"nowMs": …}.
Result<Response> SetClock(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  ManualClock& clock = *call.ctx.test_clock;
  int64_t v = 0;
  if ((*body)["nowMs"].get(v) == simdjson::SUCCESS) {
    clock.SetMs(v);
  } else if ((*body)["advanceMs"].get(v) == simdjson::SUCCESS) {
    clock.AdvanceMs(v);
  } else {
    return Status(Code::kUserInvalidParam, "nowMs");
  }
  if (call.ctx.clock_moved) call.ctx.clock_moved();
  return api::Json(200, "{\"nowMs\":" + std::to_string(clock.NowMs()) + "}");
}

}  // namespace

void AddSchedulerRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "GET", "/rule/schedulerTask", api::Auth::kUser, List);
  api::Add(router, ctx, "POST", "/rule/schedulerTask", api::Auth::kUser, Create);
  api::Add(router, ctx, "PUT", "/rule/schedulerTask", api::Auth::kUser, Upsert);
  api::Add(router, ctx, "DELETE", "/rule/schedulerTask", api::Auth::kUser, Delete);
  api::Add(router, ctx, "GET", "/rule/schedulerTask/count", api::Auth::kUser, Count);
  api::Add(router, ctx, "GET", "/rule/schedulerTask/history", api::Auth::kUser, History);
  if (ctx.test_clock != nullptr) {
    api::Add(router, ctx, "POST", "/test/clock", api::Auth::kNone, SetClock);
  }
}

}  // namespace krypton::http
