// Scheduler tasks (定时预约, user-api.md §5.5): the domain service behind
// /rule/schedulerTask and `krypton admin task`. http/routes/scheduler.cc is the adapter;
// scheduler/engine.h fires what is stored here.
//
// Contract
// - Plain functions over an Env; one Store::InTransaction per operation, checks and
//   writes together (the per-(device, user) limit and the duplicate checks cannot be
//   passed twice by concurrent calls). A refused operation writes nothing.
// - Every write answers the caller's full task list of the device, sorted enabled
//   first, then the most recently created or edited first (§5.5).
// - After a committed write every changed task is published as bus::ChangeEvent kTask
//   (key: the task's store id), which the engine hears: a deleted or disabled task never
//   fires again, a new or edited one is scheduled at once.
// - Codes, in the order checked: 5400017 empty devTid, 6400004 unknown device, 5400014
//   wrong ctrlKey / not the owner nor a live grantee; for writes 6400016 a grantee whose
//   share has enableScheduler false, 6400025 the product does not support scheduling;
//   6400012 / 5400035 unknown taskId; 6400023 unknown schedulerType; 6400017 a bad field,
//   cron, combination, a ONCE time in the past, a task firing more often than
//   limits.task_min_interval_s, or a command the product's template refuses; 5400026 /
//   5400019 a PARTIAL grantee's task naming an ungranted / expired instruction; 6400014
//   duplicate (same taskKey, or same subDevTid, cron and command); 5400018 the
//   limits.tasks_per_device_user-th task exists; 5500000 store failures.
#ifndef KRYPTON_SCHEDULER_TASKS_H_
#define KRYPTON_SCHEDULER_TASKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "storage/store.h"

namespace krypton::scheduler {

// The zone of a task written without timeZoneOffset: China Standard Time, UTC+8, as
// Hekr's own cloud assumes (docs/scheduler.md).
inline constexpr int kDefaultTimeZoneOffset = 480;

// What every operation needs; everything outlives the call. `clock` is the scheduler's
// clock: task times, ONCE in the past, createTime (a test clock under `krypton serve
// --test-clock`); `grants` is the clock shares are granted and expire by (the system
// clock, as in devices/sharing.h).
struct Env {
  storage::Store& store;
  bus::Bus& bus;
  const config::Config& config;
  const Clock& clock;
  const Clock& grants;
};

// The device a call names: devTid + ctrlKey (+ subDevTid; "" = the device itself).
struct DeviceRef {
  std::string dev_tid;
  std::string ctrl_key;
  std::string sub_dev_tid;
};

// A task as the request gave it: absent fields are nullopt (a partial update leaves
// them unchanged). The 2016 aliases are already folded in by the adapter.
struct TaskInput {
  std::optional<int64_t> task_id;  // the body's taskId
  std::optional<std::string> task_name;
  std::optional<std::string> task_key;  // "" = none
  std::optional<std::string> desc;
  std::optional<bool> enable;
  std::optional<bool> feedback;
  std::optional<std::string> code_json;  // an object's JSON text
  std::optional<std::string> scheduler_type;
  std::optional<std::string> cron_expr;
  std::optional<std::string> trigger_date_time;
  std::optional<std::string> trigger_time;
  std::optional<std::vector<std::string>> repeat_list;  // MON…SUN or "1".."7" (1 = Sunday)
  std::optional<int> time_zone_offset;
  std::optional<std::string> sub_dev_tid;
  // The first field of the wrong JSON type: 6400017 naming it.
  std::string bad_field;
};

// A stored task with what the server computes for it.
struct TaskView {
  storage::SchedulerTask task;
  std::optional<int64_t> next_ms;  // nextTriggerTime; nullopt when it will not fire again
  bool expired = false;            // a ONCE task that fired or whose time has passed
};

struct TaskList {
  std::vector<TaskView> tasks;
  int64_t now_ms = 0;  // serverTime
};

// The scheduled time of a task after `after_ms`, nullopt when none (disabled, expired,
// a cron that never fires again).
std::optional<int64_t> NextFire(const storage::SchedulerTask& task, int64_t after_ms);

// GET: the caller's tasks on the device, only `ids` when not empty (5400035 for an id
// the caller does not have).
[[nodiscard]] Result<TaskList> ListTasks(Env& env, const std::string& uid, const DeviceRef& device,
                                         const std::vector<int64_t>& ids);

// POST: a new task (its taskId: one more than the caller's highest on the device, 0
// for the first).
[[nodiscard]] Result<TaskList> CreateTask(Env& env, const std::string& uid, const DeviceRef& device,
                                          const TaskInput& input);

// PUT: `query_id` (else input.task_id) naming an existing task updates it (absent
// fields unchanged); a query id naming none → 6400012; otherwise a new task.
[[nodiscard]] Result<TaskList> UpsertTask(Env& env, const std::string& uid, const DeviceRef& device,
                                          std::optional<int64_t> query_id, const TaskInput& input);

// DELETE: the tasks `ids` (6400012 if one is missing, nothing deleted), or every task of
// the caller on the device when `ids` is empty; answers what remains.
[[nodiscard]] Result<TaskList> DeleteTasks(Env& env, const std::string& uid,
                                           const DeviceRef& device,
                                           const std::vector<int64_t>& ids);

// GET …/count: the caller's number of tasks on the device.
[[nodiscard]] Result<int> CountTasks(Env& env, const std::string& uid, const DeviceRef& device);

// GET …/history: firings of the caller's tasks on the device (only `task_id` when
// given; 5400035 when the caller has no such task), newest first, page `page` of `size`.
[[nodiscard]] Result<std::vector<storage::TaskFiring>> TaskHistory(Env& env, const std::string& uid,
                                                                   const DeviceRef& device,
                                                                   std::optional<int64_t> task_id,
                                                                   int page, int size);

}  // namespace krypton::scheduler

#endif  // KRYPTON_SCHEDULER_TASKS_H_
