// HashQueue: the bounded, fair queue in front of password hashing (argon2id, ≈64 MiB and
// tens to hundreds of milliseconds per job), run on its own worker threads so that hashing
// never waits behind other blocking work and other blocking work never waits behind it
// (issue 14, docs/security/passwords.md).
//
// Fairness: jobs are queued per account (any string: a uid, a canonical login name) and
// the workers take one job from each waiting account in turn (round robin), so one
// account flooding the queue delays another account's job by at most one job per worker
// ahead of it, not by the flood's length.
//
// Bounds (config keys server.hash_queue_max and server.hash_queue_per_account):
//   max_jobs             jobs waiting or running in total;
//   max_jobs_per_account jobs waiting or running for one account.
// Submit refuses a job beyond either bound at once (false), and the caller answers
// 429 400016 instead of queueing.
//
// Threads: Submit may be called from any thread. Jobs run on the queue's workers; a job
// must not Submit and wait for another job. Stop() (and the destructor) stops accepting,
// lets the workers finish the queued jobs, and joins them.
#ifndef KRYPTON_AUTH_HASH_QUEUE_H_
#define KRYPTON_AUTH_HASH_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace krypton::auth {

class HashQueue {
 public:
  HashQueue(size_t threads, size_t max_jobs, size_t max_jobs_per_account);
  ~HashQueue();
  HashQueue(const HashQueue&) = delete;
  HashQueue& operator=(const HashQueue&) = delete;

  // Queues `job` for `account`; false (and `job` dropped unrun) when a bound is reached
  // or the queue is stopping. `then`, when set, runs on the same worker after `job` once the
  // job's place has been given back (answer the client there: a client that sends its next
  // request on the answer never finds its own finished job still counted).
  [[nodiscard]] bool Submit(const std::string& account, std::function<void()> job,
                            std::function<void()> then = nullptr);

  // Refuses new jobs, runs the queued ones, joins the workers. Idempotent; not from a job.
  void Stop();

  // Jobs waiting or running (in total / for one account).
  size_t InFlight();
  size_t InFlight(const std::string& account);

 private:
  struct Job {
    std::function<void()> run;
    std::function<void()> then;
  };
  struct Account {
    std::deque<Job> waiting;
    size_t in_flight = 0;  // waiting + running
  };
  void Work();

  const size_t max_jobs_;
  const size_t max_per_account_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::unordered_map<std::string, Account> accounts_;  // guarded by mu_; in-flight accounts only
  std::list<std::string> turn_;  // guarded by mu_; accounts with waiting jobs, in serving order
  size_t in_flight_ = 0;         // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_HASH_QUEUE_H_
