#include "auth/hash_queue.h"

#include <utility>

namespace krypton::auth {

HashQueue::HashQueue(size_t threads, size_t max_jobs, size_t max_jobs_per_account)
    : max_jobs_(max_jobs), max_per_account_(max_jobs_per_account) {
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

HashQueue::~HashQueue() { Stop(); }

void HashQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

bool HashQueue::Submit(const std::string& account, std::function<void()> job,
                       std::function<void()> then) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || in_flight_ >= max_jobs_) return false;
    Account& a = accounts_[account];
    if (a.in_flight >= max_per_account_) {
      if (a.in_flight == 0) accounts_.erase(account);  // max_per_account_ == 0
      return false;
    }
    if (a.waiting.empty()) turn_.push_back(account);
    a.waiting.push_back(Job{std::move(job), std::move(then)});
    ++a.in_flight;
    ++in_flight_;
  }
  ready_.notify_one();
  return true;
}

size_t HashQueue::InFlight() {
  std::lock_guard lock(mu_);
  return in_flight_;
}

size_t HashQueue::InFlight(const std::string& account) {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(account);
  return it == accounts_.end() ? 0 : it->second.in_flight;
}

void HashQueue::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    ready_.wait(lock, [this] { return stopping_ || !turn_.empty(); });
    if (turn_.empty()) return;  // stopping, nothing left
    // Round robin: the account at the front gives one job and goes to the back if it has more.
    std::string account = std::move(turn_.front());
    turn_.pop_front();
    Account& a = accounts_[account];
    Job job = std::move(a.waiting.front());
    a.waiting.pop_front();
    if (!a.waiting.empty()) turn_.push_back(account);
    lock.unlock();
    job.run();
    job.run = nullptr;  // the job's captures go before its place is given back
    lock.lock();
    Account& done = accounts_[account];
    --in_flight_;
    if (--done.in_flight == 0) accounts_.erase(account);
    if (job.then) {
      lock.unlock();
      job.then();
      job.then = nullptr;
      lock.lock();
    }
  }
}

}  // namespace krypton::auth
