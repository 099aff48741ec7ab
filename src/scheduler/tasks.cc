#include "scheduler/tasks.h"

#include <simdjson.h>

#include <algorithm>
#include <map>

#include "codec/codec.h"
#include "codec/template.h"
#include "common/secrets.h"
#include "devices/sharing.h"
#include "scheduler/cron.h"

namespace krypton::scheduler {
namespace {

using storage::SchedulerTask;

// What one task may store (a user cannot park a megabyte per task): larger → 6400017.
constexpr size_t kMaxCodeBytes = 4096;  // a command's data object, minified
constexpr size_t kMaxCronBytes = 256;
constexpr size_t kMaxSubDevTidBytes = 64;

Status Invalid(const char* field) { return Status(Code::kUserInvalidParam, field); }

// Who the caller is to the device: the owner, or a grantee with a live share.
struct Access {
  storage::Device device;
  std::optional<storage::Share> share;  // set for a grantee
};

Result<Access> CheckDevice(storage::Store& s, const std::string& uid, const DeviceRef& ref,
                           int64_t now_ms) {
  if (ref.dev_tid.empty()) return Status(Code::kUserDevTidEmpty);
  auto device = s.GetDevice(ref.dev_tid);
  if (!device.ok()) {
    if (device.status().not_found()) return Status(Code::kUserDeviceNotExist);
    return storage::Internal(device.status());
  }
  Access a{std::move(*device), std::nullopt};
  if (!ConstantTimeEqual(ref.ctrl_key, a.device.ctrl_key)) {
    return Status(Code::kUserDeviceNotOwned).WithDetail("ctrlKey");
  }
  if (!a.device.owner_uid.empty() && a.device.owner_uid == uid) return a;
  auto share = s.GetShare(ref.dev_tid, uid);
  if (!share.ok()) {
    if (share.status().not_found()) return Status(Code::kUserDeviceNotOwned);
    return storage::Internal(share.status());
  }
  if (!devices::LiveShare(*share, now_ms)) {
    return Status(Code::kUserDeviceNotOwned).WithDetail("share expired");
  }
  a.share = std::move(*share);
  return a;
}

// Writes need more: a grantee's share must allow scheduling (6400016), the product
// must support it (6400025).
Status CheckWritable(storage::Store& s, const Access& a) {
  if (a.share && !a.share->enable_scheduler) return Status(Code::kUserNoPrivilege);
  auto product = s.GetProduct(a.device.mid);
  if (!product.ok()) {
    if (product.status().not_found()) return Status();  // no product, no flag
    return storage::Internal(product.status());
  }
  if (!product->supports_scheduler) return Status(Code::kUserSchedulerNotSupported);
  return Status();
}

std::vector<SchedulerTask> OfSubDevice(std::vector<SchedulerTask> tasks,
                                       const std::string& sub_dev_tid) {
  if (sub_dev_tid.empty()) return tasks;
  std::erase_if(tasks, [&](const SchedulerTask& t) { return t.sub_dev_tid != sub_dev_tid; });
  return tasks;
}

// Enabled first, then the most recently created or edited first (§5.5).
TaskList Sorted(std::vector<SchedulerTask> tasks, int64_t now_ms) {
  TaskList out;
  out.now_ms = now_ms;
  for (auto& t : tasks) {
    auto next = NextFire(t, now_ms);
    bool expired = t.expired;
    if (!expired && t.scheduler_type == "ONCE") {
      auto cron = CronExpr::Parse(t.cron_expr);
      expired = !cron.ok() || !cron->Next(now_ms / 1000, t.time_zone_offset);
    }
    out.tasks.push_back({std::move(t), next, expired});
  }
  std::stable_sort(out.tasks.begin(), out.tasks.end(), [](const TaskView& a, const TaskView& b) {
    if (a.task.enable != b.task.enable) return a.task.enable;
    int64_t ta = std::max(a.task.created_at_ms, a.task.updated_at_ms);
    int64_t tb = std::max(b.task.created_at_ms, b.task.updated_at_ms);
    if (ta != tb) return ta > tb;
    return a.task.task_id > b.task.task_id;
  });
  return out;
}

Result<TaskList> ListAfterWrite(storage::Store& s, const std::string& uid, const DeviceRef& ref,
                                int64_t now_ms) {
  auto tasks = s.ListTasks(uid, ref.dev_tid);
  if (!tasks.ok()) return storage::Internal(tasks.status());
  return Sorted(OfSubDevice(std::move(*tasks), ref.sub_dev_tid), now_ms);
}

// MON…SUN or 1…7 (1 = Sunday) → the Quartz day name.
std::optional<std::string> DayName(const std::string& day) {
  static const char* kNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  if (day.size() == 1 && day[0] >= '1' && day[0] <= '7') return kNames[day[0] - '1'];
  std::string upper;
  for (char c : day) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.size() > 3) upper.resize(3);  // MONDAY → MON
  for (const char* n : kNames) {
    if (upper == n) return std::string(n);
  }
  return std::nullopt;
}

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    out += '"';
  }
  return out + "]";
}

// Applies the schedule fields of `in` to `t` and derives its cron (§5.5): GENERIC takes
// cronExpr, ONCE triggerDateTime ("s m h d M ? yyyy"), LOOP triggerTime + repeatList
// ("s m h ? * <days> *"). Then checks the cron, that the task fires again after `now`,
// and its shortest gap.
Status ApplySchedule(const TaskInput& in, SchedulerTask& t, const config::Config& config,
                     int64_t now_ms) {
  if (in.scheduler_type) t.scheduler_type = *in.scheduler_type;
  if (in.time_zone_offset) t.time_zone_offset = *in.time_zone_offset;
  if (t.time_zone_offset < -720 || t.time_zone_offset > 840) return Invalid("timeZoneOffset");
  if (t.scheduler_type == "GENERIC") {
    if (in.cron_expr) {
      if (in.cron_expr->size() > kMaxCronBytes) return Invalid("cronExpr");
      t.cron_expr = *in.cron_expr;
    }
    if (t.cron_expr.empty()) return Invalid("cronExpr");
    t.trigger_date_time.clear();
    t.trigger_time.clear();
    t.repeat_list_json.clear();
  } else if (t.scheduler_type == "ONCE") {
    if (in.trigger_date_time) t.trigger_date_time = *in.trigger_date_time;
    if (in.repeat_list && !in.repeat_list->empty()) return Invalid("repeatList");
    CivilTime at{};
    if (!ParseLocalDateTime(t.trigger_date_time, &at)) return Invalid("triggerDateTime");
    t.cron_expr = std::to_string(at.second) + " " + std::to_string(at.minute) + " " +
                  std::to_string(at.hour) + " " + std::to_string(at.day) + " " +
                  std::to_string(at.month) + " ? " + std::to_string(at.year);
    // Stored as the canonical text.
    t.trigger_date_time = std::to_string(at.year) + "-" + Two(at.month) + "-" + Two(at.day) + "T" +
                          Two(at.hour) + ":" + Two(at.minute) + ":" + Two(at.second);
    t.trigger_time.clear();
    t.repeat_list_json.clear();
  } else if (t.scheduler_type == "LOOP") {
    if (in.trigger_time) t.trigger_time = *in.trigger_time;
    int h = 0, m = 0, sec = 0;
    if (!ParseTimeOfDay(t.trigger_time, &h, &m, &sec)) return Invalid("triggerTime");
    t.trigger_time = Two(h) + ":" + Two(m) + ":" + Two(sec);
    std::vector<std::string> days;
    if (in.repeat_list) {
      if (in.repeat_list->size() > 7) return Invalid("repeatList");
      for (const auto& d : *in.repeat_list) {
        auto name = DayName(d);
        if (!name) return Invalid("repeatList");
        if (std::find(days.begin(), days.end(), *name) == days.end()) days.push_back(*name);
      }
      t.repeat_list_json = JsonStringArray(*in.repeat_list);
    } else if (!t.repeat_list_json.empty()) {
      simdjson::dom::parser parser;
      simdjson::dom::array stored;
      if (parser.parse(t.repeat_list_json).get(stored) == simdjson::SUCCESS) {
        for (auto d : stored) {
          std::string_view text;
          if (d.get(text) != simdjson::SUCCESS) continue;
          if (auto name = DayName(std::string(text))) days.push_back(*name);
        }
      }
    }
    std::string dow;
    for (const auto& d : days) dow += (dow.empty() ? "" : ",") + d;
    t.cron_expr = std::to_string(sec) + " " + std::to_string(m) + " " + std::to_string(h) +
                  (dow.empty() ? " * * ? *" : " ? * " + dow + " *");
    t.trigger_date_time.clear();
  } else if (t.scheduler_type.empty()) {
    return Invalid("schedulerType");
  } else {
    return Status(Code::kUserParamsNotSupported).WithDetail("schedulerType " + t.scheduler_type);
  }
  auto cron = CronExpr::Parse(t.cron_expr);
  if (!cron.ok()) return cron.status();
  const int64_t now_s = now_ms / 1000;
  if (!cron->Next(now_s, t.time_zone_offset)) {
    // A ONCE time (or a cron) entirely in the past.
    return Invalid(t.scheduler_type == "ONCE" ? "triggerDateTime" : "cronExpr");
  }
  auto gap = cron->MinGapS(now_s, t.time_zone_offset);
  if (gap && *gap < config.limits.task_min_interval_s) {
    return Invalid("cronExpr").WithDetail("fires every " + std::to_string(*gap) + " s");
  }
  t.expired = false;  // a new schedule: a ONCE task may fire again
  return Status();
}

// The command is an object the product's template accepts; a PARTIAL grantee must hold
// its instruction, unexpired.
Status CheckCode(storage::Store& s, const Access& a, const std::string& code_json, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::dom::element code;
  if (parser.parse(code_json).get(code) != simdjson::SUCCESS || !code.is_object()) {
    return Invalid("code");
  }
  devices::InstructionName name = devices::InstructionOf(code, nullptr);
  auto product = s.GetProduct(a.device.mid);
  auto stored = s.GetCurrentTemplate(a.device.mid);
  if (product.ok() && stored.ok()) {
    auto tpl =
        codec::ParseTemplate(stored->body_json, codec::ParseWorkMode(product->work_mode_type));
    if (tpl.ok()) {
      auto p =
          codec::PrepareAppCommand(*tpl, code_json, codec::ParseCheckMode(product->check_mode), 0);
      if (!p.ok()) return Invalid("code").WithDetail(p.status().ToString());
      if (p->command != nullptr) name = devices::InstructionOf(code, p->command);
    }
  } else if (!stored.ok() && !stored.status().not_found()) {
    return storage::Internal(stored.status());
  }
  if (a.share && a.share->mode == "PARTIAL") {
    return devices::CheckInstructionGrant(devices::PartialInstructions(*a.share), name, now_ms);
  }
  return Status();
}

// 6400014: another task of the caller on the device with the same taskKey, or the same
// subDevTid, cron and command.
Status CheckDuplicate(const std::vector<SchedulerTask>& mine, const SchedulerTask& t) {
  for (const auto& o : mine) {
    if (o.id == t.id) continue;
    if (t.task_key && o.task_key && *t.task_key == *o.task_key) {
      return Status(Code::kUserDuplicateSchedulerTask).WithDetail("taskKey");
    }
    if (o.sub_dev_tid == t.sub_dev_tid && o.cron_expr == t.cron_expr &&
        o.code_json == t.code_json) {
      return Status(Code::kUserDuplicateSchedulerTask);
    }
  }
  return Status();
}

// The plain fields of `in` onto `t`; false with the field name when one is bad.
Status ApplyPlain(const TaskInput& in, SchedulerTask& t) {
  if (!in.bad_field.empty()) return Status(Code::kUserInvalidParam, in.bad_field);
  if (in.task_name) {
    if (in.task_name->size() > 128) return Invalid("taskName");
    t.task_name = *in.task_name;
  }
  if (in.desc) {
    if (in.desc->size() > 512) return Invalid("desc");
    t.desc = *in.desc;
  }
  if (in.task_key) {
    if (in.task_key->size() > 128) return Invalid("taskKey");
    t.task_key = in.task_key->empty() ? std::nullopt : in.task_key;
  }
  if (in.enable) t.enable = *in.enable;
  if (in.feedback) t.feedback = *in.feedback;
  if (in.sub_dev_tid) {
    if (in.sub_dev_tid->size() > kMaxSubDevTidBytes) return Invalid("subDevTid");
    t.sub_dev_tid = *in.sub_dev_tid;
  }
  if (in.code_json) {
    if (in.code_json->size() > kMaxCodeBytes) return Invalid("code");
    t.code_json = *in.code_json;
  }
  return Status();
}

bool SchedulePresent(const TaskInput& in) {
  return in.scheduler_type || in.cron_expr || in.trigger_date_time || in.trigger_time ||
         in.repeat_list || in.time_zone_offset;
}

void Published(Env& env, const std::vector<int64_t>& ids) {
  for (int64_t id : ids) env.bus.PublishChange({bus::ChangeEvent::Kind::kTask, std::to_string(id)});
}

// Writes `t` (new when t.id == 0) after every check; `mine`: the user's tasks on the
// device as they are; its id in *id.
Status Write(Env& env, storage::Store& s, const Access& a, const std::vector<SchedulerTask>& mine,
             const TaskInput& in, SchedulerTask t, bool schedule_changed, int64_t now_ms,
             int64_t* id) {
  if (Status st = ApplyPlain(in, t); !st.ok()) return st;
  if (t.id == 0 || schedule_changed) {
    if (Status st = ApplySchedule(in, t, env.config, now_ms); !st.ok()) return st;
  }
  if (t.id == 0 || in.code_json) {
    if (t.code_json.empty() || t.code_json == "{}") return Invalid("code");
    if (Status st = CheckCode(s, a, t.code_json, env.grants.NowMs()); !st.ok()) return st;
  }
  if (Status st = CheckDuplicate(mine, t); !st.ok()) return st;
  t.updated_at_ms = now_ms;
  if (t.id != 0) {
    *id = t.id;
    auto u = s.UpdateTask(t);
    if (u.conflict()) return Status(Code::kUserDuplicateSchedulerTask).WithDetail("taskKey");
    return storage::Internal(u);
  }
  if (static_cast<int>(mine.size()) >= env.config.limits.tasks_per_device_user) {
    return Status(Code::kUserTaskLimit);
  }
  int64_t next_id = 0;
  for (const auto& o : mine) next_id = std::max(next_id, o.task_id + 1);
  t.task_id = next_id;
  t.created_at_ms = now_ms;
  auto created = s.CreateTask(t);
  if (!created.ok()) {
    if (created.status().conflict()) return Status(Code::kUserDuplicateSchedulerTask);
    return storage::Internal(created.status());
  }
  *id = *created;
  return Status();
}

SchedulerTask NewTask(const std::string& uid, const DeviceRef& ref) {
  SchedulerTask t;
  t.uid = uid;
  t.dev_tid = ref.dev_tid;
  t.ctrl_key = ref.ctrl_key;
  t.sub_dev_tid = ref.sub_dev_tid;
  t.time_zone_offset = kDefaultTimeZoneOffset;
  t.code_json.clear();
  return t;
}

const SchedulerTask* FindTask(const std::vector<SchedulerTask>& tasks, int64_t task_id) {
  for (const auto& t : tasks) {
    if (t.task_id == task_id) return &t;
  }
  return nullptr;
}

}  // namespace

std::optional<int64_t> NextFire(const SchedulerTask& task, int64_t after_ms) {
  if (!task.enable || task.expired) return std::nullopt;
  auto cron = CronExpr::Parse(task.cron_expr);
  if (!cron.ok()) return std::nullopt;
  // A firing already claimed is not next again.
  int64_t from_s = std::max(after_ms, task.last_scheduled_ms) / 1000;
  auto next = cron->Next(from_s, task.time_zone_offset);
  if (!next) return std::nullopt;
  return *next * 1000;
}

Result<TaskList> ListTasks(Env& env, const std::string& uid, const DeviceRef& ref,
                           const std::vector<int64_t>& ids) {
  const int64_t now = env.clock.NowMs();
  std::vector<SchedulerTask> tasks;
  Status st = storage::Transact(env.store, [&](storage::Store& s) -> Status {
    auto a = CheckDevice(s, uid, ref, env.grants.NowMs());
    if (!a.ok()) return a.status();
    auto all = s.ListTasks(uid, ref.dev_tid);
    if (!all.ok()) return storage::Internal(all.status());
    tasks = OfSubDevice(std::move(*all), ref.sub_dev_tid);
    return Status();
  });
  if (!st.ok()) return st;
  if (!ids.empty()) {
    std::vector<SchedulerTask> wanted;
    for (int64_t id : ids) {
      const SchedulerTask* t = FindTask(tasks, id);
      if (t == nullptr) return Status(Code::kUserTaskIdNotExist);
      if (std::none_of(wanted.begin(), wanted.end(),
                       [&](const SchedulerTask& w) { return w.task_id == id; })) {
        wanted.push_back(*t);
      }
    }
    tasks = std::move(wanted);
  }
  return Sorted(std::move(tasks), now);
}

namespace {

// CreateTask and UpsertTask: updates the task `named` names when the user has it, else
// creates one — unless `must_exist` (a taskId in the query): then 6400012.
Result<TaskList> SaveTask(Env& env, const std::string& uid, const DeviceRef& ref,
                          std::optional<int64_t> named, bool must_exist, const TaskInput& input) {
  const int64_t now = env.clock.NowMs();
  int64_t id = 0;
  Result<TaskList> out = TaskList{};
  Status st = storage::Transact(env.store, [&](storage::Store& s) -> Status {
    auto a = CheckDevice(s, uid, ref, env.grants.NowMs());
    if (!a.ok()) return a.status();
    if (Status w = CheckWritable(s, *a); !w.ok()) return w;
    auto mine = s.ListTasks(uid, ref.dev_tid);
    if (!mine.ok()) return storage::Internal(mine.status());
    const SchedulerTask* existing = named ? FindTask(*mine, *named) : nullptr;
    if (must_exist && existing == nullptr) return Status(Code::kUserSchedulerTaskNotExist);
    Status w;
    if (existing != nullptr) {
      if (input.sub_dev_tid && *input.sub_dev_tid != existing->sub_dev_tid) {
        return Invalid("subDevTid");
      }
      w = Write(env, s, *a, *mine, input, *existing, SchedulePresent(input), now, &id);
    } else {
      w = Write(env, s, *a, *mine, input, NewTask(uid, ref), true, now, &id);
    }
    if (!w.ok()) return w;
    out = ListAfterWrite(s, uid, ref, now);
    return out.ok() ? Status() : out.status();
  });
  if (!st.ok()) return st;
  Published(env, {id});
  return out;
}

}  // namespace

Result<TaskList> CreateTask(Env& env, const std::string& uid, const DeviceRef& ref,
                            const TaskInput& input) {
  return SaveTask(env, uid, ref, std::nullopt, false, input);
}

Result<TaskList> UpsertTask(Env& env, const std::string& uid, const DeviceRef& ref,
                            std::optional<int64_t> query_id, const TaskInput& input) {
  return SaveTask(env, uid, ref, query_id ? query_id : input.task_id, query_id.has_value(), input);
}

Result<TaskList> DeleteTasks(Env& env, const std::string& uid, const DeviceRef& ref,
                             const std::vector<int64_t>& ids) {
  const int64_t now = env.clock.NowMs();
  std::vector<int64_t> deleted;
  Result<TaskList> out = TaskList{};
  Status st = storage::Transact(env.store, [&](storage::Store& s) -> Status {
    auto a = CheckDevice(s, uid, ref, env.grants.NowMs());
    if (!a.ok()) return a.status();
    auto mine = s.ListTasks(uid, ref.dev_tid);
    if (!mine.ok()) return storage::Internal(mine.status());
    std::vector<SchedulerTask> doomed;
    if (ids.empty()) {
      doomed = OfSubDevice(std::move(*mine), ref.sub_dev_tid);
    } else {
      for (int64_t id : ids) {
        const SchedulerTask* t = FindTask(*mine, id);
        if (t == nullptr) return Status(Code::kUserSchedulerTaskNotExist);
        doomed.push_back(*t);
      }
    }
    for (const auto& t : doomed) {
      auto d = s.DeleteTask(t.id);
      if (d.not_found()) continue;  // named twice
      if (!d.ok()) return storage::Internal(d);
      deleted.push_back(t.id);
    }
    out = ListAfterWrite(s, uid, ref, now);
    return out.ok() ? Status() : out.status();
  });
  if (!st.ok()) return st;
  Published(env, deleted);
  return out;
}

Result<int> CountTasks(Env& env, const std::string& uid, const DeviceRef& ref) {
  auto list = ListTasks(env, uid, ref, {});
  if (!list.ok()) return list.status();
  return static_cast<int>(list->tasks.size());
}

Result<std::vector<storage::TaskFiring>> TaskHistory(Env& env, const std::string& uid,
                                                     const DeviceRef& ref,
                                                     std::optional<int64_t> task_id, int page,
                                                     int size) {
  std::vector<storage::TaskFiring> out;
  Status st = storage::Transact(env.store, [&](storage::Store& s) -> Status {
    auto a = CheckDevice(s, uid, ref, env.grants.NowMs());
    if (!a.ok()) return a.status();
    if (task_id) {
      auto mine = s.ListTasks(uid, ref.dev_tid);
      if (!mine.ok()) return storage::Internal(mine.status());
      if (FindTask(*mine, *task_id) == nullptr) return Status(Code::kUserTaskIdNotExist);
    }
    auto f = s.ListFirings(uid, ref.dev_tid, task_id.value_or(-1), std::max(page, 0) * size, size);
    if (!f.ok()) return storage::Internal(f.status());
    out = std::move(*f);
    return Status();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace krypton::scheduler
