// krypton-scheduler-bench: the scheduler engine under issue 16's load, in one process,
// without sockets but with the real parts: a SQLite store (WAL) in a temporary
// directory, the demo product DEMOSOCKET01 and its template, N devices bound to their
// own users, 10 tasks per device written through Store::CreateTask (one transaction),
// of which one per device is due in the same second T and the rest a day or so later;
// then the net::IoPool, InprocBus, ProductCodecs, StoreAccessPolicy, HubContext,
// hub::ScheduledSender and scheduler::Engine wired as `krypton serve` wires them, on the
// system clock. Every device is online: a CommandTarget per device on the bus records
// when the command reached it ("written to the device") and answers 200 at once.
//
// Prints one JSON line and a human summary: Engine::Start's load time, memory per
// waiting task, time from T to the last delivery, fire lateness p50/p99/max, and
// whether exactly one command per device was delivered and recorded SENT in the store.
// Issue 16's goal: 10,000 simultaneous firings dispatched within 2 s, ≤ 200 B per
// waiting task. The engine is timed only from outside (its Dispatcher is wrapped to
// timestamp each Fire call; its Stats are sampled).
#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "bus/inproc_bus.h"
#include "catalog/catalog.h"
#include "catalog/demo.h"
#include "common/clock.h"
#include "common/identifiers.h"
#include "config/config.h"
#include "hub/access.h"
#include "hub/context.h"
#include "hub/product_codec.h"
#include "hub/scheduled_send.h"
#include "net/io_pool.h"
#include "scheduler/cron.h"
#include "scheduler/engine.h"
#include "storage/store.h"

namespace krypton::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// `krypton admin demo`'s product: the demo socket.
using catalog::kDemoMid;
using catalog::kDemoSocketTemplate;
constexpr const char* kCode = R"({"cmdId":2,"power":1})";

int64_t SteadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

int64_t SystemUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Resident set size in bytes (/proc/self/statm, second field, in pages).
int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

bool Check(const storage::StoreStatus& s, const char* what) {
  if (s.ok()) return true;
  std::fprintf(stderr, "scheduler-bench: %s: %s\n", what, s.ToString().c_str());
  return false;
}

// One online device: notes when a command reached it and answers 200 at once.
class BenchDevice final : public bus::CommandTarget {
 public:
  BenchDevice(std::atomic<int64_t>* first_us, std::atomic<int>* count, std::atomic<int64_t>* total)
      : first_us_(first_us), count_(count), total_(total) {}
  void Deliver(bus::DeviceCommand command, bus::ReplyFn reply) override {
    const int64_t now = SteadyUs();
    if (command.action == "appSend") {
      int64_t expected = 0;
      first_us_->compare_exchange_strong(expected, now, std::memory_order_relaxed);
      count_->fetch_add(1, std::memory_order_relaxed);
      total_->fetch_add(1, std::memory_order_relaxed);
    }
    reply(bus::CommandReply{200, "success", ""});
  }
  void OnReplaced() override {}
  void OnRevoked() override {}

 private:
  std::atomic<int64_t>* first_us_;
  std::atomic<int>* count_;
  std::atomic<int64_t>* total_;
};

// The engine's Dispatcher, timestamped: forwards every Fire to the real sender.
class TimedDispatcher final : public scheduler::Dispatcher {
 public:
  // `fired_us[i]`: when device i's (the number in its devTid) command was handed over.
  TimedDispatcher(scheduler::Dispatcher& real, std::vector<std::atomic<int64_t>>& fired_us)
      : real_(real), fired_us_(fired_us) {
    fire_us_.reserve(fired_us.size() * 2);
  }
  void Fire(const storage::SchedulerTask& task,
            std::function<void(scheduler::Outcome)> done) override {
    const int64_t now = SteadyUs();
    fire_us_.push_back(now);  // the engine thread only
    size_t i = 0;
    for (char c : task.dev_tid) {
      if (c >= '0' && c <= '9') i = i * 10 + static_cast<size_t>(c - '0');
    }
    if (i < fired_us_.size()) fired_us_[i].store(now, std::memory_order_relaxed);
    real_.Fire(task, [this, done = std::move(done)](scheduler::Outcome o) {
      if (o.outcome != "SENT") not_sent_.fetch_add(1, std::memory_order_relaxed);
      done(std::move(o));
    });
  }
  // Read after the engine stopped.
  const std::vector<int64_t>& fire_us() const { return fire_us_; }
  int64_t not_sent() const { return not_sent_.load(); }

 private:
  scheduler::Dispatcher& real_;
  std::vector<std::atomic<int64_t>>& fired_us_;
  std::vector<int64_t> fire_us_;
  std::atomic<int64_t> not_sent_{0};
};

struct Options {
  int devices = 10000;
  int tasks_per_device = 10;
  int threads = 2;
  int lead_s = 15;  // T = the whole second at least this long after the tasks are written
  std::string dir;  // "" = a fresh temporary directory, removed at the end
};

double Ms(int64_t us) { return static_cast<double>(us) / 1000.0; }

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int Run(const Options& o) {
  spdlog::set_level(spdlog::level::warn);
  namespace fs = std::filesystem;
  std::string dir = o.dir;
  bool remove_dir = false;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "krypton-sched-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
    remove_dir = true;
  }
  storage::StoreOptions store_options;
  store_options.path = (fs::path(dir) / "krypton.db").string();
  auto opened = storage::OpenStore(store_options);
  if (!opened.ok()) {
    Check(opened.status(), "open");
    return 1;
  }
  std::unique_ptr<storage::Store> store = std::move(opened).value();
  const SystemClock& clock = SystemClock::Instance();

  // The public manufacturer (`krypton init`) and the demo product (`krypton admin demo`).
  storage::Manufacturer m;
  m.pid = std::string(kPublicPid);
  m.name = "Public";
  m.created_at_ms = clock.NowMs();
  if (!Check(store->UpsertManufacturer(m), "manufacturer")) return 1;
  catalog::NewProduct np;
  np.pid = std::string(kPublicPid);
  np.status = catalog::ProductStatusName(catalog::ProductStatus::kPublished);
  np.mid = kDemoMid;
  np.prod_key = "xxxxxx";
  np.fields.name = "Demo socket";
  np.fields.work_mode_type = "JSON_CTRL";
  np.fields.device_auth = "PRODKEY";
  np.fields.check_mode = "LENIENT";
  np.fields.supports_scheduler = true;
  np.template_json = kDemoSocketTemplate;
  if (auto p = catalog::CreateProduct(*store, np, clock.NowMs()); !p.ok()) {
    std::fprintf(stderr, "scheduler-bench: product: %s\n", p.status().ToString().c_str());
    return 1;
  }

  // Devices and their owners, one transaction.
  const int n = o.devices;
  auto dev_tid = [](int i) { return fmt::format("BENCHDEV{:08d}", i); };
  auto uid = [](int i) { return fmt::format("2{:010d}", i); };
  auto ctrl_key = [](int i) { return fmt::format("ctrlkey{:025d}", i); };
  auto t0 = SteadyClock::now();
  storage::StoreStatus tx = store->InTransaction([&](storage::Store& s) -> storage::StoreStatus {
    const int64_t now = clock.NowMs();
    for (int i = 0; i < n; ++i) {
      storage::User u;
      u.uid = uid(i);
      u.password_hash = "unused";
      u.created_at_ms = now;
      if (auto st = s.CreateUser(u); !st.ok()) return st;
      storage::Device d;
      d.dev_tid = dev_tid(i);
      d.mid = kDemoMid;
      d.bind_key = fmt::format("bindkey{:025d}", i);
      d.ctrl_key = ctrl_key(i);
      d.owner_uid = u.uid;
      d.bound_at_ms = now;
      d.registered = true;
      d.created_at_ms = now;
      if (auto st = s.CreateDevice(d); !st.ok()) return st;
    }
    return storage::StoreStatus();
  });
  if (!Check(tx, "devices")) return 1;
  const double devices_ms =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();

  // Tasks, one transaction: task 0 of every device due at T (one second for all; the
  // crons differ by zone offset and year range), tasks 1.. at distinct seconds 1 h to
  // ~26 h after T (yearly crons on that date).
  const int64_t t_s = (clock.NowMs() + int64_t{o.lead_s} * 1000) / 1000 + 1;
  const int64_t t_ms = t_s * 1000;
  t0 = SteadyClock::now();
  tx = store->InTransaction([&](storage::Store& s) -> storage::StoreStatus {
    const int64_t now = clock.NowMs();
    int64_t far = 0;
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < o.tasks_per_device; ++j) {
        storage::SchedulerTask t;
        t.uid = uid(i);
        t.dev_tid = dev_tid(i);
        t.task_id = j;
        t.ctrl_key = ctrl_key(i);
        t.task_name = fmt::format("bench {}", j);
        t.code_json = kCode;
        t.scheduler_type = "GENERIC";
        t.created_at_ms = now;
        t.updated_at_ms = now;
        if (j == 0) {
          t.time_zone_offset = (i % 1440) - 720;
          const int years = i / 1440;
          auto c = scheduler::ToCivil(t_s, t.time_zone_offset);
          std::string year =
              years == 0 ? std::to_string(c.year) : fmt::format("{}-{}", c.year, c.year + years);
          t.cron_expr =
              fmt::format("{} {} {} {} {} ? {}", c.second, c.minute, c.hour, c.day, c.month, year);
        } else {
          auto c = scheduler::ToCivil(t_s + 3600 + far++, 0);
          t.cron_expr = fmt::format("{} {} {} {} {} ?", c.second, c.minute, c.hour, c.day, c.month);
        }
        auto id = s.CreateTask(t);
        if (!id.ok()) return id.status();
      }
    }
    return storage::StoreStatus();
  });
  if (!Check(tx, "tasks")) return 1;
  const double tasks_ms =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();

  // The wiring of `krypton serve` (src/app/serve.cc), default configuration.
  config::Config config;
  config.server.threads = o.threads;
  net::IoPool pool(config.server.threads);
  bus::InprocBus bus;
  std::vector<boost::asio::any_io_executor> loop_executors;
  for (size_t i = 0; i < pool.size(); ++i) loop_executors.push_back(pool.At(i).get_executor());
  hub::ProductCodecs codecs(*store, clock, config.hub.access_cache_ms,
                            static_cast<size_t>(config.hub.access_cache_entries), pool.size(),
                            &bus);
  hub::HubContext hub_ctx{*store, config, clock, bus, codecs, "localhost", 0, {}};
  hub::StoreAccessPolicy access(*store, clock, config.hub.access_cache_ms,
                                static_cast<size_t>(config.hub.access_cache_entries), pool.size(),
                                &bus);
  hub::ScheduledSender sender(hub_ctx, access, loop_executors);
  std::vector<std::atomic<int64_t>> fired_us(static_cast<size_t>(n));
  TimedDispatcher dispatcher(sender, fired_us);

  // Every device online, its session on a loop round robin (as the listeners hand out
  // connections).
  std::vector<std::atomic<int64_t>> delivered_us(static_cast<size_t>(n));
  std::vector<std::atomic<int>> delivered_count(static_cast<size_t>(n));
  std::atomic<int64_t> delivered_total{0};
  std::vector<std::shared_ptr<BenchDevice>> devices;
  devices.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    devices.push_back(std::make_shared<BenchDevice>(&delivered_us[static_cast<size_t>(i)],
                                                    &delivered_count[static_cast<size_t>(i)],
                                                    &delivered_total));
    bus.AttachDevice(dev_tid(i), pool.Next().get_executor(), devices.back());
  }

  scheduler::Engine engine(
      *store, clock, dispatcher, &bus,
      scheduler::EngineOptions{config.scheduler.misfire_grace_s, config.scheduler.claim_batch,
                               config.scheduler.max_in_flight, config.scheduler.history_per_task});
  malloc_trim(0);
  const int64_t rss_before = RssBytes();
  t0 = SteadyClock::now();
  if (Status s = engine.Start(); !s.ok()) {
    std::fprintf(stderr, "scheduler-bench: engine: %s\n", s.ToString().c_str());
    return 1;
  }
  const double start_ms =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
  const int64_t rss_after = RssBytes();
  malloc_trim(0);
  const int64_t rss_after_trim = RssBytes();
  const scheduler::Engine::Stats loaded = engine.stats();
  pool.Start();

  // T on the steady clock.
  const int64_t sys_ref = SystemUs();
  const int64_t steady_ref = SteadyUs();
  const int64_t t_steady = steady_ref + (t_ms * 1000 - sys_ref);
  const double margin_ms = Ms(t_steady - steady_ref);
  if (margin_ms < 500) {
    std::fprintf(stderr, "scheduler-bench: T came %.0f ms after Start() finished; raise --lead-s\n",
                 -margin_ms + 500);
    engine.Stop();
    pool.Stop();
    pool.Join();
    return 1;
  }

  // Sample the engine's counters until every outcome is recorded (or 60 s after T).
  struct Sample {
    int64_t us;
    uint64_t claimed, finished;
  };
  std::vector<Sample> samples;
  samples.reserve(200000);
  std::this_thread::sleep_until(SteadyClock::time_point(std::chrono::microseconds(t_steady)) -
                                std::chrono::milliseconds(100));
  const int64_t deadline = t_steady + 60'000'000;
  for (;;) {
    auto s = engine.stats();
    const int64_t now = SteadyUs();
    if (samples.empty() || s.claimed != samples.back().claimed ||
        s.finished != samples.back().finished) {
      samples.push_back({now, s.claimed, s.finished});
    }
    if ((s.finished >= static_cast<uint64_t>(n) &&
         delivered_total.load() >= static_cast<int64_t>(n)) ||
        now > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  // Anything sent twice would show within this second.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const scheduler::Engine::Stats after = engine.stats();
  engine.Stop();
  pool.ReleaseWork();
  pool.Stop();
  pool.Join();

  // Deliveries.
  std::vector<int64_t> late_us, fire_to_deliver_us;
  late_us.reserve(static_cast<size_t>(n));
  int64_t twice = 0, never = 0, first_us = INT64_MAX, last_us = 0;
  for (int i = 0; i < n; ++i) {
    const int c = delivered_count[static_cast<size_t>(i)].load();
    if (c == 0) ++never;
    if (c > 1) ++twice;
    if (c == 0) continue;
    const int64_t at = delivered_us[static_cast<size_t>(i)].load();
    late_us.push_back(at - t_steady);
    if (const int64_t f = fired_us[static_cast<size_t>(i)].load(); f > 0) {
      fire_to_deliver_us.push_back(at - f);
    }
    first_us = std::min(first_us, at);
    last_us = std::max(last_us, at);
  }
  // The store's history: one SENT firing at T per device.
  int64_t sent_rows = 0, other_rows = 0;
  for (int i = 0; i < n; ++i) {
    auto f = store->ListFirings("", dev_tid(i), -1, 0, 100);
    if (!f.ok()) {
      Check(f.status(), "firings");
      return 1;
    }
    for (const auto& r : *f) {
      if (r.outcome == "SENT" && r.scheduled_ms == t_ms && r.task_id == 0) {
        ++sent_rows;
      } else {
        ++other_rows;
      }
    }
  }

  // Claim batches, from the Fire timestamps: a burst of Fire calls follows each claim
  // transaction (a pause of more than 3 ms between two calls starts a new one); the gap before a
  // burst is the engine's store work (outcomes recorded since the last burst, then the batch's
  // claim transaction).
  struct Burst {
    int64_t start, end;
    size_t size;
  };
  std::vector<Burst> bursts;
  for (int64_t f : dispatcher.fire_us()) {
    if (bursts.empty() || f - bursts.back().end > 3000) {
      bursts.push_back({f, f, 1});
    } else {
      bursts.back().end = f;
      ++bursts.back().size;
    }
  }
  std::vector<int64_t> gaps, burst_lengths;
  for (size_t b = 0; b < bursts.size(); ++b) {
    gaps.push_back(bursts[b].start - (b == 0 ? t_steady : bursts[b - 1].end));
    burst_lengths.push_back(bursts[b].end - bursts[b].start);
  }
  int64_t gaps_sum = 0;
  for (int64_t g : gaps) gaps_sum += g;
  // Outcome transactions: when `finished` grew, and how far from the next burst.
  std::vector<int64_t> outcome_commits;
  for (size_t k = 1; k < samples.size(); ++k) {
    if (samples[k].finished != samples[k - 1].finished) outcome_commits.push_back(samples[k].us);
  }

  const size_t waiting = loaded.waiting;
  const double rss_per_task =
      waiting == 0 ? 0 : static_cast<double>(rss_after - rss_before) / static_cast<double>(waiting);
  const double rss_trim_per_task = waiting == 0 ? 0
                                                : static_cast<double>(rss_after_trim - rss_before) /
                                                      static_cast<double>(waiting);
  const int64_t heap_bytes = static_cast<int64_t>(waiting) * 16;
  const int64_t to_last_us = last_us - t_steady;
  const int64_t p50 = Percentile(late_us, 0.50), p99 = Percentile(late_us, 0.99);
  const int64_t max_late = late_us.empty() ? 0 : *std::max_element(late_us.begin(), late_us.end());
  const bool exact = never == 0 && twice == 0 &&
                     delivered_total.load() == static_cast<int64_t>(n) && sent_rows == n &&
                     other_rows == 0;
  const bool goal_time = exact && to_last_us <= 2'000'000;
  const bool goal_memory = rss_per_task <= 200;

  std::printf(
      "{\"devices\":%d,\"tasks\":%d,\"waiting\":%zu,\"setup_devices_ms\":%.0f,"
      "\"setup_tasks_ms\":%.0f,\"start_ms\":%.1f,\"load_ms\":%lld,\"rss_before\":%lld,"
      "\"rss_after\":%lld,\"rss_after_trim\":%lld,\"rss_per_task\":%.1f,"
      "\"rss_trim_per_task\":%.1f,\"heap_bytes\":%lld,\"heap_per_task\":16,"
      "\"fire_to_deliver_p50_ms\":%.1f,\"fire_to_deliver_p99_ms\":%.1f,\"first_ms\":%.1f,\"last_"
      "ms\":%.1f,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,"
      "\"delivered\":%lld,\"twice\":%lld,\"never\":%lld,\"sent_rows\":%lld,\"other_rows\":%lld,"
      "\"claimed\":%llu,\"finished\":%llu,\"missed\":%llu,\"not_sent\":%lld,\"bursts\":%zu,"
      "\"store_gaps_ms\":%.1f,\"exact\":%s,\"goal_2s\":%s,\"goal_200B\":%s}\n",
      n, n * o.tasks_per_device, waiting, devices_ms, tasks_ms, start_ms,
      static_cast<long long>(loaded.load_ms), static_cast<long long>(rss_before),
      static_cast<long long>(rss_after), static_cast<long long>(rss_after_trim), rss_per_task,
      rss_trim_per_task, static_cast<long long>(heap_bytes),
      Ms(Percentile(fire_to_deliver_us, 0.5)), Ms(Percentile(fire_to_deliver_us, 0.99)),
      Ms(first_us - t_steady), Ms(to_last_us), Ms(p50), Ms(p99), Ms(max_late),
      static_cast<long long>(delivered_total.load()), static_cast<long long>(twice),
      static_cast<long long>(never), static_cast<long long>(sent_rows),
      static_cast<long long>(other_rows), static_cast<unsigned long long>(after.claimed),
      static_cast<unsigned long long>(after.finished),
      static_cast<unsigned long long>(after.missed), static_cast<long long>(dispatcher.not_sent()),
      bursts.size(), Ms(gaps_sum), exact ? "true" : "false", goal_time ? "true" : "false",
      goal_memory ? "true" : "false");

  std::printf(
      "\nscheduler bench: %d devices, %d tasks (%d due at T, the rest 1-26 h later), "
      "%d event loops\n",
      n, n * o.tasks_per_device, n, o.threads);
  std::printf("  set-up: devices+users %.0f ms, tasks %.0f ms (one transaction each)\n", devices_ms,
              tasks_ms);
  std::printf("  Engine::Start: %.1f ms (Stats::load_ms %lld) for %zu waiting tasks\n", start_ms,
              static_cast<long long>(loaded.load_ms), waiting);
  std::printf(
      "  memory: RSS %+lld B over Start = %.1f B/task (%.1f B/task after malloc_trim); "
      "heap entries %lld B = 16 B/task  [goal <= 200 B: %s]\n",
      static_cast<long long>(rss_after - rss_before), rss_per_task, rss_trim_per_task,
      static_cast<long long>(heap_bytes), goal_memory ? "met" : "MISSED");
  std::printf("  T -> first delivery %.1f ms, T -> last delivery %.1f ms  [goal <= 2000 ms: %s]\n",
              Ms(first_us - t_steady), Ms(to_last_us), goal_time ? "met" : "MISSED");
  std::printf("  lateness (delivery - T): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", Ms(p50),
              Ms(p99), Ms(max_late));
  std::printf(
      "  Fire (engine hands a firing to the sender) -> delivery: p50 %.1f ms, p99 %.1f ms\n",
      Ms(Percentile(fire_to_deliver_us, 0.5)), Ms(Percentile(fire_to_deliver_us, 0.99)));
  std::printf(
      "  delivered %lld (never %lld, twice %lld); store: %lld SENT rows at T, %lld other; "
      "engine claimed %llu finished %llu missed %llu\n",
      static_cast<long long>(delivered_total.load()), static_cast<long long>(never),
      static_cast<long long>(twice), static_cast<long long>(sent_rows),
      static_cast<long long>(other_rows), static_cast<unsigned long long>(after.claimed),
      static_cast<unsigned long long>(after.finished),
      static_cast<unsigned long long>(after.missed));
  std::printf(
      "  where the time goes: %zu Fire bursts (claim batches); engine store work "
      "between bursts %.1f ms in all, Fire calls %.1f ms in all\n",
      bursts.size(), Ms(gaps_sum),
      Ms(std::accumulate(burst_lengths.begin(), burst_lengths.end(), int64_t{0})));
  for (size_t b = 0; b < bursts.size(); ++b) {
    // Outcome transactions committed inside this gap.
    const int64_t from = b == 0 ? t_steady : bursts[b - 1].end;
    int commits = 0;
    for (int64_t c : outcome_commits) {
      if (c > from && c <= bursts[b].start) ++commits;
    }
    std::printf(
        "    batch %2zu: %4zu fires at T+%7.1f ms, after %6.1f ms of store work "
        "(%d outcome commit(s) seen), fired in %.2f ms\n",
        b, bursts[b].size, Ms(bursts[b].start - t_steady), Ms(gaps[b]), commits,
        Ms(burst_lengths[b]));
  }
  std::printf("  last outcome recorded at T+%.1f ms\n",
              outcome_commits.empty() ? 0.0 : Ms(outcome_commits.back() - t_steady));

  devices.clear();
  store.reset();
  if (remove_dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return exact ? 0 : 3;
}

}  // namespace
}  // namespace krypton::bench

int main(int argc, char** argv) {
  krypton::bench::Options o;
  CLI::App app{"Scheduler engine benchmark (issue 16): N simultaneous firings, real store"};
  app.add_option("--devices", o.devices, "devices (one owner each, one task due at T)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--tasks-per-device", o.tasks_per_device, "tasks per device (1 due, rest later)")
      ->check(CLI::Range(1, 100));
  app.add_option("--threads", o.threads, "event loops")->check(CLI::Range(1, 64));
  app.add_option("--lead-s", o.lead_s, "T is this many seconds after the tasks are written")
      ->check(CLI::Range(2, 600));
  app.add_option("--dir", o.dir, "data directory (default: a fresh temporary one, removed)");
  CLI11_PARSE(app, argc, argv);
  return krypton::bench::Run(o);
}
