#include "scheduler/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "scheduler/cron.h"
#include "scheduler/tasks.h"

namespace krypton::scheduler {
namespace {

constexpr int kLoadPage = 5000;       // tasks read per store call at start-up
constexpr int64_t kMaxWaitMs = 1000;  // the engine looks at the clock at least this often

}  // namespace

Outcome OutcomeOfReply(int code, const std::string& desc) {
  if (code == 200) return Outcome{"SENT", code, desc, true};
  if (code == static_cast<int>(Code::kHubDeviceOffline))
    return Outcome{"OFFLINE", code, desc, false};
  if (code == static_cast<int>(Code::kHubLinkError)) return Outcome{"TIMEOUT", code, desc, true};
  return Outcome{"DEVICE_ERROR", code, desc, true};
}

Engine::Engine(storage::Store& store, const Clock& clock, Dispatcher& dispatcher, bus::Bus* bus,
               EngineOptions options)
    : store_(store), clock_(clock), dispatcher_(dispatcher), bus_(bus), options_(options) {}

Engine::~Engine() { Stop(); }

Status Engine::Start() {
  const auto started = std::chrono::steady_clock::now();
  const int64_t now = clock_.NowMs();
  // Changes made while loading queue up in the inbox.
  if (bus_ != nullptr) bus_->Subscribe(this);
  // A crash between a claim and its outcome: never sent again (see the contract).
  auto unfinished = store_.ListUnfinishedFirings();
  if (!unfinished.ok()) return storage::Internal(unfinished.status());
  for (const auto& f : *unfinished) {
    auto s =
        store_.FinishFiring(f.task_row, f.scheduled_ms, "MISSED", 0,
                            "claimed before a restart; not known to have been sent", now, false);
    if (!s.ok() && !s.not_found()) return storage::Internal(s);
    missed_.fetch_add(1, std::memory_order_relaxed);
  }
  int64_t after = 0;
  for (;;) {
    auto page = store_.ScanActiveTasks(after, kLoadPage);
    if (!page.ok()) return storage::Internal(page.status());
    for (const auto& t : *page) LoadTask(t, now);
    if (page->size() < static_cast<size_t>(kLoadPage)) break;
    after = page->back().id;
  }
  load_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - started)
                 .count();
  spdlog::info("scheduler: {} tasks waiting, {} unfinished firings settled, loaded in {} ms",
               heap_.size(), unfinished->size(), load_ms_.load());
  thread_ = std::thread([this] { Run(); });
  return Status();
}

void Engine::Stop() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stop = true;
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
  if (bus_ != nullptr) {
    bus_->Unsubscribe(this);
    bus_ = nullptr;
  }
}

void Engine::Reschedule(int64_t id) {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->changed.push_back(id);
  }
  inbox_->cv.notify_one();
}

void Engine::Poke() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->poked = true;
  }
  inbox_->cv.notify_one();
}

void Engine::OnChange(const bus::ChangeEvent& event) {
  if (event.kind != bus::ChangeEvent::Kind::kTask) return;
  int64_t id = 0;
  for (char c : event.key) {
    if (c < '0' || c > '9') return;
    id = id * 10 + (c - '0');
  }
  Reschedule(id);
}

Engine::Stats Engine::stats() const {
  Stats s;
  {
    std::lock_guard lock(inbox_->mu);
    s.in_flight = inbox_->in_flight;
  }
  s.waiting = waiting_.load();
  s.claimed = claimed_.load();
  s.missed = missed_.load();
  s.finished = finished_count_.load();
  s.load_ms = load_ms_.load();
  return s;
}

std::string Engine::MetricsText() const {
  Stats s = stats();
  std::string out;
  auto metric = [&out](const char* name, const char* type, const char* help, uint64_t v) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
    out.append(name).append(" ").append(type).append("\n").append(name).append(" ");
    out.append(std::to_string(v)).append("\n");
  };
  metric("krypton_scheduler_waiting", "gauge", "Scheduler heap entries (tasks waiting to fire).",
         s.waiting);
  metric("krypton_scheduler_in_flight", "gauge", "Firings sent and awaiting their outcome.",
         s.in_flight);
  metric("krypton_scheduler_claimed_total", "counter", "Firings claimed to be sent.", s.claimed);
  metric("krypton_scheduler_missed_total", "counter", "Firings recorded MISSED.", s.missed);
  metric("krypton_scheduler_outcomes_total", "counter", "Firing outcomes recorded.", s.finished);
  return out;
}

void Engine::Push(int64_t at_ms, int64_t id) {
  heap_.push_back({at_ms, id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
}

void Engine::LoadTask(const storage::SchedulerTask& task, int64_t now_ms) {
  // From the last claimed firing (or the last edit): firings missed while the server
  // was down come due at once and meet the misfire policy in ClaimAndFire.
  int64_t from = std::max(task.last_scheduled_ms, task.updated_at_ms);
  if (auto next = NextFire(task, std::min(from, now_ms))) Push(*next, task.id);
  waiting_ = heap_.size();
}

void Engine::Reread(const std::vector<int64_t>& ids, int64_t now_ms) {
  for (int64_t id : ids) {
    auto t = store_.GetTask(id);
    if (!t.ok()) {
      // Deleted: its heap entries are dropped when they come due.
      if (!t.status().not_found())
        spdlog::error("scheduler: task {}: {}", id, t.status().ToString());
      continue;
    }
    // From the edit, not from now: a reread that comes late (a busy engine) must not
    // skip a firing that fell between the edit and the reread.
    LoadTask(*t, now_ms);
  }
  // Edits that keep a task's time leave identical entries behind: drop them when the
  // heap has grown past twice its last deduplicated size.
  if (heap_.size() > 2 * compacted_) {
    std::sort(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) {
      return a.id != b.id ? a.id < b.id : a.at_ms < b.at_ms;
    });
    heap_.erase(std::unique(heap_.begin(), heap_.end(),
                            [](const Entry& a, const Entry& b) {
                              return a.id == b.id && a.at_ms == b.at_ms;
                            }),
                heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
    compacted_ = std::max<size_t>(1024, heap_.size());
  }
  waiting_ = heap_.size();
}

void Engine::ClaimAndFire(std::vector<Entry> due, int64_t now_ms) {
  const int64_t grace_ms = int64_t{options_.misfire_grace_s} * 1000;
  struct ToFire {
    storage::SchedulerTask task;
    int64_t at_ms;
  };
  std::vector<ToFire> fire;
  std::vector<Entry> next;
  uint64_t missed = 0;
  storage::StoreStatus tx = store_.InTransaction([&](storage::Store& s) -> storage::StoreStatus {
    fire.clear();
    next.clear();
    missed = 0;
    for (const Entry& e : due) {
      auto t = s.GetTask(e.id);
      if (!t.ok()) {
        if (t.status().not_found()) continue;  // deleted
        return t.status();
      }
      if (!t->enable || t->expired) continue;
      // A stale entry: the task fired at or after this time, or was edited since.
      if (e.at_ms <= t->last_scheduled_ms || e.at_ms <= t->updated_at_ms) continue;
      auto cron = CronExpr::Parse(t->cron_expr);
      if (!cron.ok() || !cron->Matches(ToCivil(e.at_ms / 1000, t->time_zone_offset))) continue;
      const bool late = now_ms - e.at_ms > grace_ms;
      const bool once = t->scheduler_type == "ONCE";
      auto c = s.ClaimFiring(e.id, e.at_ms, late ? "MISSED" : "CLAIMED", now_ms, once,
                             options_.history_per_task);
      if (c.conflict()) continue;  // claimed already (a duplicate entry, another engine)
      if (c.not_found()) continue;
      if (!c.ok()) return c;
      if (!once) {
        // Missed times are not replayed one by one: on from the grace window.
        if (auto n = cron->Next(std::max(e.at_ms, now_ms - grace_ms) / 1000, t->time_zone_offset)) {
          next.push_back({*n * 1000, e.id});
        }
      }
      if (late) {
        ++missed;
      } else {
        fire.push_back({std::move(*t), e.at_ms});
      }
    }
    return storage::StoreStatus();
  });
  if (!tx.ok()) {
    spdlog::error("scheduler: claiming {} firings failed, retrying: {}", due.size(), tx.ToString());
    for (const Entry& e : due) Push(e.at_ms, e.id);
    std::unique_lock lock(inbox_->mu);
    inbox_->cv.wait_for(lock, std::chrono::milliseconds(kMaxWaitMs),
                        [this] { return inbox_->stop; });
    return;
  }
  for (const Entry& e : next) Push(e.at_ms, e.id);
  waiting_ = heap_.size();
  missed_.fetch_add(missed, std::memory_order_relaxed);
  claimed_.fetch_add(fire.size(), std::memory_order_relaxed);
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->in_flight += fire.size();
  }
  for (auto& f : fire) {
    std::weak_ptr<Inbox> weak = inbox_;
    dispatcher_.Fire(f.task, [weak, id = f.task.id, at = f.at_ms](Outcome o) {
      auto inbox = weak.lock();
      if (!inbox) return;  // the engine is gone; Start() settles the claim
      {
        std::lock_guard lock(inbox->mu);
        inbox->finished.push_back({id, at, std::move(o)});
      }
      inbox->cv.notify_one();
    });
  }
}

void Engine::RecordOutcomes(std::vector<Finished> done) {
  if (done.empty()) return;
  const int64_t now = clock_.NowMs();
  storage::StoreStatus tx = store_.InTransaction([&](storage::Store& s) -> storage::StoreStatus {
    for (const auto& f : done) {
      auto r = s.FinishFiring(f.id, f.scheduled_ms, f.outcome.outcome, f.outcome.code,
                              f.outcome.desc, now, f.outcome.counted);
      if (!r.ok() && !r.not_found()) return r;  // not found: the task was deleted meanwhile
    }
    return storage::StoreStatus();
  });
  if (!tx.ok()) {
    // The claims stay CLAIMED; the next start records them MISSED.
    spdlog::error("scheduler: recording {} outcomes failed: {}", done.size(), tx.ToString());
    return;
  }
  finished_count_.fetch_add(done.size(), std::memory_order_relaxed);
}

void Engine::Run() {
  std::unique_lock lock(inbox_->mu);
  while (!inbox_->stop) {
    const int64_t now = clock_.NowMs();
    const bool room = inbox_->in_flight < static_cast<size_t>(options_.max_in_flight);
    const bool due = room && !heap_.empty() && heap_.front().at_ms <= now;
    if (!due && inbox_->changed.empty() && inbox_->finished.empty() && !inbox_->poked) {
      int64_t wait_ms = kMaxWaitMs;
      if (room && !heap_.empty())
        wait_ms = std::clamp(heap_.front().at_ms - now, int64_t{1}, kMaxWaitMs);
      inbox_->cv.wait_for(lock, std::chrono::milliseconds(wait_ms));
      continue;
    }
    inbox_->poked = false;
    std::vector<int64_t> changed;
    std::vector<Finished> finished;
    changed.swap(inbox_->changed);
    finished.swap(inbox_->finished);
    inbox_->in_flight -= std::min(inbox_->in_flight, finished.size());
    size_t free = static_cast<size_t>(options_.max_in_flight) - inbox_->in_flight;
    lock.unlock();

    const int64_t at = clock_.NowMs();
    Reread(changed, at);
    RecordOutcomes(std::move(finished));
    std::vector<Entry> batch;
    const size_t limit = std::min(free, static_cast<size_t>(options_.claim_batch));
    while (!heap_.empty() && heap_.front().at_ms <= at && batch.size() < limit) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      batch.push_back(heap_.back());
      heap_.pop_back();
    }
    if (!batch.empty()) ClaimAndFire(std::move(batch), at);
    waiting_ = heap_.size();
    lock.lock();
  }
}

}  // namespace krypton::scheduler
