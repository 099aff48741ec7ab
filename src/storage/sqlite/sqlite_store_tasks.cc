// SqliteStore: scheduler tasks and their firings (user-api.md §5.5, issue 16).
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::NullIfEmpty;
using sqlite::Statement;

namespace {

#define KRYPTON_TASK_COLUMNS                                                                  \
  "id, uid, dev_tid, task_id, sub_dev_tid, ctrl_key, task_name, task_key, description, "      \
  "enable, feedback, code_json, scheduler_type, cron_expr, trigger_date_time, trigger_time, " \
  "repeat_list_json, time_zone_offset, fire_count, last_scheduled_ms, expired, "              \
  "created_at_ms, updated_at_ms"

SchedulerTask ReadTask(const Statement& s) {
  SchedulerTask t;
  t.id = s.Int64(0);
  t.uid = s.Text(1);
  t.dev_tid = s.Text(2);
  t.task_id = s.Int64(3);
  t.sub_dev_tid = s.Text(4);
  t.ctrl_key = s.Text(5);
  t.task_name = s.Text(6);
  if (std::string key = s.Text(7); !key.empty()) t.task_key = std::move(key);
  t.desc = s.Text(8);
  t.enable = s.Bool(9);
  t.feedback = s.Bool(10);
  t.code_json = s.Text(11);
  t.scheduler_type = s.Text(12);
  t.cron_expr = s.Text(13);
  t.trigger_date_time = s.Text(14);
  t.trigger_time = s.Text(15);
  t.repeat_list_json = s.Text(16);
  t.time_zone_offset = s.Int(17);
  t.fire_count = s.Int64(18);
  t.last_scheduled_ms = s.Int64(19);
  t.expired = s.Bool(20);
  t.created_at_ms = s.Int64(21);
  t.updated_at_ms = s.Int64(22);
  return t;
}

#define KRYPTON_FIRING_COLUMNS                                                   \
  "f.task_row, t.uid, t.dev_tid, t.task_id, f.scheduled_ms, f.outcome, f.code, " \
  "f.description, f.claimed_at_ms, f.finished_at_ms"

TaskFiring ReadFiring(const Statement& s) {
  TaskFiring f;
  f.task_row = s.Int64(0);
  f.uid = s.Text(1);
  f.dev_tid = s.Text(2);
  f.task_id = s.Int64(3);
  f.scheduled_ms = s.Int64(4);
  f.outcome = s.Text(5);
  f.code = s.Int(6);
  f.desc = s.Text(7);
  f.claimed_at_ms = s.Int64(8);
  f.finished_at_ms = s.Int64(9);
  return f;
}

NullIfEmpty KeyOf(const SchedulerTask& t) {
  return NullIfEmpty{t.task_key ? std::string_view(*t.task_key) : std::string_view()};
}

}  // namespace

StoreResult<int64_t> SqliteStore::CreateTask(const SchedulerTask& t) {
  std::lock_guard lock(mu_);
  return db_->QueryOne(
      "CreateTask", t.dev_tid,
      "INSERT INTO scheduler_tasks (uid, dev_tid, task_id, sub_dev_tid, ctrl_key, task_name, "
      "task_key, description, enable, feedback, code_json, scheduler_type, cron_expr, "
      "trigger_date_time, trigger_time, repeat_list_json, time_zone_offset, fire_count, "
      "last_scheduled_ms, expired, created_at_ms, updated_at_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      sqlite::FirstInt64, t.uid, t.dev_tid, t.task_id, t.sub_dev_tid, t.ctrl_key, t.task_name,
      KeyOf(t), t.desc, t.enable, t.feedback, t.code_json, t.scheduler_type, t.cron_expr,
      t.trigger_date_time, t.trigger_time, t.repeat_list_json, t.time_zone_offset, t.fire_count,
      t.last_scheduled_ms, t.expired, t.created_at_ms, t.updated_at_ms);
}

StoreStatus SqliteStore::UpdateTask(const SchedulerTask& t) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow(
      "UpdateTask", t.dev_tid,
      "UPDATE scheduler_tasks SET sub_dev_tid = ?, ctrl_key = ?, task_name = ?, task_key = ?, "
      "description = ?, enable = ?, feedback = ?, code_json = ?, scheduler_type = ?, "
      "cron_expr = ?, trigger_date_time = ?, trigger_time = ?, repeat_list_json = ?, "
      "time_zone_offset = ?, expired = ?, updated_at_ms = ? WHERE id = ?",
      t.sub_dev_tid, t.ctrl_key, t.task_name, KeyOf(t), t.desc, t.enable, t.feedback, t.code_json,
      t.scheduler_type, t.cron_expr, t.trigger_date_time, t.trigger_time, t.repeat_list_json,
      t.time_zone_offset, t.expired, t.updated_at_ms, t.id);
}

StoreResult<SchedulerTask> SqliteStore::GetTask(int64_t id) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetTask", std::to_string(id),
                       "SELECT " KRYPTON_TASK_COLUMNS " FROM scheduler_tasks WHERE id = ?",
                       ReadTask, id);
}

StoreResult<std::vector<SchedulerTask>> SqliteStore::ListTasks(const std::string& uid,
                                                               const std::string& dev_tid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListTasks", dev_tid,
                       "SELECT " KRYPTON_TASK_COLUMNS
                       " FROM scheduler_tasks WHERE uid = ? AND dev_tid = ? ORDER BY task_id",
                       ReadTask, uid, dev_tid);
}

StoreStatus SqliteStore::DeleteTask(int64_t id) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("DeleteTask", std::to_string(id), "DELETE FROM scheduler_tasks WHERE id = ?",
                       id);
}

StoreResult<std::vector<SchedulerTask>> SqliteStore::ScanActiveTasks(int64_t after_id, int limit) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ScanActiveTasks", "",
                       "SELECT " KRYPTON_TASK_COLUMNS
                       " FROM scheduler_tasks WHERE id > ? AND enable = 1 AND expired = 0 "
                       "ORDER BY id LIMIT ?",
                       ReadTask, after_id, static_cast<int64_t>(limit));
}

StoreStatus SqliteStore::ClaimFiring(int64_t task_row, int64_t scheduled_ms,
                                     const std::string& outcome, int64_t now_ms, bool expire,
                                     int keep) {
  std::lock_guard lock(mu_);
  const std::string key = std::to_string(task_row);
  return Atomically("ClaimFiring", [&]() -> StoreStatus {
    StoreStatus s =
        db_->RunOnRow("ClaimFiring", key,
                      "UPDATE scheduler_tasks SET last_scheduled_ms = MAX(last_scheduled_ms, ?), "
                      "expired = (expired OR ?) WHERE id = ?",
                      scheduled_ms, expire, task_row);
    if (!s.ok()) return s;
    s = db_->Run("ClaimFiring", key,
                 "INSERT INTO task_firings (task_row, scheduled_ms, outcome, claimed_at_ms, "
                 "finished_at_ms) VALUES (?, ?, ?, ?, ?)",
                 task_row, scheduled_ms, outcome, now_ms, outcome == "CLAIMED" ? 0 : now_ms)
            .status();
    if (!s.ok()) return s;
    // The history bound: the task's `keep` newest firings.
    return db_
        ->Run("ClaimFiring", key,
              "DELETE FROM task_firings WHERE task_row = ? AND scheduled_ms < (SELECT "
              "scheduled_ms FROM task_firings WHERE task_row = ? ORDER BY scheduled_ms DESC "
              "LIMIT 1 OFFSET ?)",
              task_row, task_row, static_cast<int64_t>(keep > 0 ? keep - 1 : 0))
        .status();
  });
}

StoreStatus SqliteStore::FinishFiring(int64_t task_row, int64_t scheduled_ms,
                                      const std::string& outcome, int code, const std::string& desc,
                                      int64_t now_ms, bool counted) {
  std::lock_guard lock(mu_);
  const std::string key = std::to_string(task_row);
  return Atomically("FinishFiring", [&]() -> StoreStatus {
    StoreStatus s = db_->RunOnRow(
        "FinishFiring", key,
        "UPDATE task_firings SET outcome = ?, code = ?, description = ?, finished_at_ms = ? "
        "WHERE task_row = ? AND scheduled_ms = ?",
        outcome, code, desc, now_ms, task_row, scheduled_ms);
    if (!s.ok() || !counted) return s;
    return db_->RunOnRow("FinishFiring", key,
                         "UPDATE scheduler_tasks SET fire_count = fire_count + 1 WHERE id = ?",
                         task_row);
  });
}

StoreResult<std::vector<TaskFiring>> SqliteStore::ListFirings(const std::string& uid,
                                                              const std::string& dev_tid,
                                                              int64_t task_id, int offset,
                                                              int limit) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListFirings", dev_tid,
                       "SELECT " KRYPTON_FIRING_COLUMNS
                       " FROM task_firings f JOIN scheduler_tasks t ON t.id = f.task_row "
                       "WHERE t.dev_tid = ? AND (? = '' OR t.uid = ?) AND (? < 0 OR t.task_id = ?) "
                       "ORDER BY f.scheduled_ms DESC, f.task_row DESC LIMIT ? OFFSET ?",
                       ReadFiring, dev_tid, uid, uid, task_id, task_id, static_cast<int64_t>(limit),
                       static_cast<int64_t>(offset));
}

StoreResult<std::vector<TaskFiring>> SqliteStore::ListUnfinishedFirings() {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListUnfinishedFirings", "",
                       "SELECT " KRYPTON_FIRING_COLUMNS
                       " FROM task_firings f JOIN scheduler_tasks t ON t.id = f.task_row "
                       "WHERE f.outcome = 'CLAIMED' ORDER BY f.claimed_at_ms, f.task_row",
                       ReadFiring);
}

}  // namespace krypton::storage
