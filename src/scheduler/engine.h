// Engine: fires scheduler tasks on time, exactly once (issue 16, docs/scheduler.md).
//
// Contract
// - Tasks live in the store; the engine keeps only a min-heap of (next fire time, task
//   store id), 16 bytes per waiting task, rebuilt from the store by Start(). It learns
//   of writes from bus::ChangeEvent kTask (scheduler/tasks.h publishes them) and then
//   re-reads the task.
// - Exactly once: a due firing is claimed in the store (task_firings row keyed by task
//   and scheduled time, Store::ClaimFiring) before the Dispatcher is asked to send it;
//   a firing whose claim exists is never sent again — not after a restart, not by a
//   second engine on the same database. Claims are made in batches of
//   `claim_batch` per transaction; at fire time the task is re-read, so a deleted,
//   disabled, edited (the scheduled time no longer matches) or expired task does not fire.
// - Missed fires: a firing found more than `misfire_grace_s` late (server down or
//   overloaded) is claimed as MISSED and not sent; the task goes on from its first
//   time within the grace window, which fires once. A firing left CLAIMED by a crash
//   (claimed, outcome never recorded) is marked MISSED by Start(): it may or may not
//   have reached the device, and it is never sent a second time.
// - Bounds: at most `max_in_flight` firings sent and awaiting their outcome; at the
//   bound no more are claimed (they fire late, MISSED beyond the grace). Outcomes are
//   written in one transaction per wake-up. History: `history_per_task` firings per task.
// - Threads: one engine thread does every store access and owns the heap; OnChange,
//   Poke and the Dispatcher's callbacks only queue work for it under a mutex.
#ifndef KRYPTON_SCHEDULER_ENGINE_H_
#define KRYPTON_SCHEDULER_ENGINE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/bus.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace krypton::scheduler {

// How a firing ended, as recorded in its history row.
struct Outcome {
  std::string outcome;  // SENT, DEVICE_ERROR, TIMEOUT, OFFLINE, REFUSED, MISSED
  int code = 200;       // the device's answer or the refusal's code
  std::string desc = "success";
  bool counted = false;  // the command reached the device: the task's count grows
};

// Outcome for a command the device answered (200 → SENT), or that ended with the hub's
// 1400018 (OFFLINE) or 1500001 (TIMEOUT).
Outcome OutcomeOfReply(int code, const std::string& desc);

// The engine's way to the devices (implemented over the hub's command path,
// hub/scheduled_send.h).
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  // Sends the task's command now, as the task's owner. Calls `done` exactly once, from
  // any thread, possibly before returning.
  virtual void Fire(const storage::SchedulerTask& task, std::function<void(Outcome)> done) = 0;
};

struct EngineOptions {
  int misfire_grace_s = 60;
  int claim_batch = 1000;
  int max_in_flight = 50000;
  int history_per_task = 100;
};

class Engine final : public bus::Subscriber {
 public:
  // Everything referenced outlives the engine. `bus` may be null (no change events:
  // call Reschedule yourself).
  Engine(storage::Store& store, const Clock& clock, Dispatcher& dispatcher, bus::Bus* bus,
         EngineOptions options);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Settles firings left CLAIMED by a crash, loads every active task and starts the
  // engine thread. Fails (and starts nothing) on a store error.
  [[nodiscard]] Status Start();
  // Stops the thread; firings in flight are left to their callbacks (which then do
  // nothing) and their claims stay CLAIMED, settled by the next Start().
  void Stop();

  // The task with store id `id` was created, changed or deleted.
  void Reschedule(int64_t id);
  // The clock jumped (a test clock was set): look at the heap again now.
  void Poke();

  struct Stats {
    size_t waiting = 0;     // heap entries
    size_t in_flight = 0;   // sent, outcome not yet recorded
    uint64_t claimed = 0;   // firings claimed to be sent
    uint64_t missed = 0;    // firings recorded MISSED
    uint64_t finished = 0;  // outcomes recorded
    int64_t load_ms = 0;    // Start(): time to load every task
  };
  Stats stats() const;
  // The stats as Prometheus text for GET /metrics (krypton_scheduler_*).
  std::string MetricsText() const;

  // bus::Subscriber
  void OnReport(const bus::DeviceReport&) override {}
  void OnPresence(const bus::PresenceEvent&) override {}
  void OnChange(const bus::ChangeEvent& event) override;

 private:
  struct Entry {
    int64_t at_ms;
    int64_t id;
    bool operator>(const Entry& o) const { return at_ms > o.at_ms; }
  };
  struct Finished {
    int64_t id;
    int64_t scheduled_ms;
    Outcome outcome;
  };
  // What other threads hand the engine thread. Shared with the Dispatcher's callbacks,
  // which may outlive the engine.
  struct Inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<int64_t> changed;    // ids to re-read
    std::vector<Finished> finished;  // outcomes to record
    size_t in_flight = 0;
    bool stop = false;
    bool poked = false;
  };

  void Run();
  void Push(int64_t at_ms, int64_t id);
  void LoadTask(const storage::SchedulerTask& task, int64_t now_ms);
  void ClaimAndFire(std::vector<Entry> due, int64_t now_ms);
  void RecordOutcomes(std::vector<Finished> done);
  void Reread(const std::vector<int64_t>& ids, int64_t now_ms);

  storage::Store& store_;
  const Clock& clock_;
  Dispatcher& dispatcher_;
  bus::Bus* bus_;
  const EngineOptions options_;

  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::vector<Entry> heap_;  // the engine thread's (Start's before it runs); min-heap
  size_t compacted_ = 1024;  // heap size after the last deduplication (at least 1024)
  std::atomic<size_t> waiting_{0};
  std::atomic<uint64_t> claimed_{0}, missed_{0}, finished_count_{0};
  std::atomic<int64_t> load_ms_{0};
  std::thread thread_;
};

}  // namespace krypton::scheduler

#endif  // KRYPTON_SCHEDULER_ENGINE_H_
