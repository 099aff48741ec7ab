// `krypton admin task list|history`: a device's scheduler tasks and their firings
// (issue 16), read straight from the store — one JSON object per line.
//   krypton admin task list --dev-tid D [--uid U]
//   krypton admin task history --dev-tid D [--uid U] [--task-id N] [--limit N]
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "common/json_object.h"
#include "scheduler/tasks.h"

namespace krypton::app {
namespace {

struct TaskCmdOptions {
  std::string dev_tid;
  std::string uid;
  int64_t task_id = -1;
  int limit = 100;
};

int RunTaskList(const CommonOptions& common, const TaskCmdOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto device = store->GetDevice(o.dev_tid);
  if (!device.ok()) return Fail("no such device: " + o.dev_tid);
  std::vector<std::string> uids;
  if (!o.uid.empty()) {
    uids.push_back(o.uid);
  } else {
    if (!device->owner_uid.empty()) uids.push_back(device->owner_uid);
    auto shares = store->ListSharesByDevice(o.dev_tid);
    if (!shares.ok()) return Fail(shares.status().ToString());
    for (const auto& s : *shares) uids.push_back(s.grantee);
  }
  const int64_t now = SystemClock::Instance().NowMs();
  for (const auto& uid : uids) {
    auto tasks = store->ListTasks(uid, o.dev_tid);
    if (!tasks.ok()) return Fail(tasks.status().ToString());
    for (const auto& t : *tasks) {
      JsonObject line;
      line.Add("uid", t.uid)
          .Add("devTid", t.dev_tid)
          .Add("taskId", t.task_id)
          .Add("taskName", t.task_name)
          .Add("enable", t.enable)
          .Add("schedulerType", t.scheduler_type)
          .Add("cronExpr", t.cron_expr)
          .Add("timeZoneOffset", t.time_zone_offset)
          .AddRaw("code", t.code_json)
          .Add("count", t.fire_count)
          .Add("expired", t.expired);
      if (auto next = scheduler::NextFire(t, now)) {
        line.Add("nextTriggerTime", *next);
      } else {
        line.AddNull("nextTriggerTime");
      }
      std::cout << line.Finish() << "\n";
    }
  }
  return 0;
}

int RunTaskHistory(const CommonOptions& common, const TaskCmdOptions& o) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  if (auto device = store->GetDevice(o.dev_tid); !device.ok()) {
    return Fail("no such device: " + o.dev_tid);
  }
  auto firings = store->ListFirings(o.uid, o.dev_tid, o.task_id, 0, o.limit);
  if (!firings.ok()) return Fail(firings.status().ToString());
  for (const auto& f : *firings) {
    std::cout << JsonObject()
                     .Add("uid", f.uid)
                     .Add("devTid", f.dev_tid)
                     .Add("taskId", f.task_id)
                     .Add("scheduledTime", f.scheduled_ms)
                     .Add("outcome", f.outcome)
                     .Add("code", f.code)
                     .Add("desc", f.desc)
                     .Add("claimTime", f.claimed_at_ms)
                     .Add("finishTime", f.finished_at_ms)
                     .Finish()
              << "\n";
  }
  return 0;
}

}  // namespace

void AddTaskCommands(CLI::App& admin, Cli& cli) {
  CLI::App* task = AddGroup(admin, "task", "Scheduler tasks and their firings");
  auto& o = cli.Keep<TaskCmdOptions>();
  CLI::App* list = AddCommand(*task, "list", "A device's tasks, one JSON object per line", cli);
  list->add_option("--dev-tid", o.dev_tid, "The device")->required();
  list->add_option("--uid", o.uid, "Only this user's tasks (default: every user's)");
  list->callback([&cli, &o] { cli.code = RunTaskList(cli.common, o); });
  CLI::App* history =
      AddCommand(*task, "history", "Firings of a device's tasks, newest first", cli);
  history->add_option("--dev-tid", o.dev_tid, "The device")->required();
  history->add_option("--uid", o.uid, "Only this user's tasks (default: every user's)");
  history->add_option("--task-id", o.task_id, "Only this taskId");
  history->add_option("--limit", o.limit, "At most this many firings")->capture_default_str();
  history->callback([&cli, &o] { cli.code = RunTaskHistory(cli.common, o); });
}

}  // namespace krypton::app
