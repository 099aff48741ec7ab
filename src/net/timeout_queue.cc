#include "net/timeout_queue.h"

namespace krypton::net::detail {

namespace asio = boost::asio;

asio::execution_context::id TimeoutQueue::id;

TimeoutClient::~TimeoutClient() { CancelTimeout(); }

void TimeoutClient::ScheduleTimeout(Clock::time_point deadline) {
  if (queue_ != nullptr) queue_->Schedule(this, deadline);
}

void TimeoutClient::CancelTimeout() {
  // Checked here, without touching the queue: a client that already left may be
  // destroyed on another thread (the last reference dropped there).
  if (index_ != kNone && queue_ != nullptr) queue_->Remove(this);
}

// The timer is built here, during use_service, so its Asio service is registered before
// this one and therefore outlives it (services are shut down and destroyed newest first).
TimeoutQueue::TimeoutQueue(asio::io_context& ioc) : service(ioc), timer_(ioc) {}

TimeoutQueue& TimeoutQueue::Of(asio::io_context& ioc) {
  return asio::use_service<TimeoutQueue>(ioc);
}

void TimeoutQueue::shutdown() {
  // Sessions still queued are being destroyed with the io_context's pending handlers.
  for (Slot& s : heap_) {
    s.client->queue_ = nullptr;
    s.client->index_ = TimeoutClient::kNone;
  }
  heap_.clear();
  timer_.cancel();
  armed_ = false;
}

void TimeoutQueue::Schedule(TimeoutClient* client, Clock::time_point deadline) {
  if (client->index_ == TimeoutClient::kNone) {
    heap_.push_back(Slot{deadline, client});
    client->index_ = static_cast<uint32_t>(heap_.size() - 1);
    SiftUp(client->index_);
  } else {
    uint32_t i = client->index_;
    Clock::time_point old = heap_[i].deadline;
    heap_[i].deadline = deadline;
    if (deadline < old) {
      SiftUp(i);
    } else {
      SiftDown(i);
    }
  }
  Arm();
}

void TimeoutQueue::Remove(TimeoutClient* client) {
  if (client->index_ == TimeoutClient::kNone) return;
  RemoveAt(client->index_);
  Arm();
}

void TimeoutQueue::RemoveAt(uint32_t i) {
  heap_[i].client->index_ = TimeoutClient::kNone;
  Slot last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;
  Place(i, last);
  if (i > 0 && last.deadline < heap_[(i - 1) / 2].deadline) {
    SiftUp(i);
  } else {
    SiftDown(i);
  }
}

void TimeoutQueue::Place(uint32_t i, Slot slot) {
  heap_[i] = slot;
  slot.client->index_ = i;
}

void TimeoutQueue::SiftUp(uint32_t i) {
  Slot slot = heap_[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!(slot.deadline < heap_[parent].deadline)) break;
    Place(i, heap_[parent]);
    i = parent;
  }
  Place(i, slot);
}

void TimeoutQueue::SiftDown(uint32_t i) {
  Slot slot = heap_[i];
  const size_t n = heap_.size();
  for (;;) {
    size_t child = 2 * static_cast<size_t>(i) + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1].deadline < heap_[child].deadline) ++child;
    if (!(heap_[child].deadline < slot.deadline)) break;
    Place(i, heap_[child]);
    i = static_cast<uint32_t>(child);
  }
  Place(i, slot);
}

void TimeoutQueue::Arm() {
  if (in_timer_) return;
  if (heap_.empty()) {
    // Nothing to wait for: a pending wait would keep the loop from returning.
    if (armed_) timer_.cancel();
    armed_ = false;
    return;
  }
  Clock::time_point next = heap_.front().deadline;
  // A wait that ends earlier is kept: it finds nothing due and arms again.
  if (armed_ && armed_at_ <= next) return;
  armed_ = true;
  armed_at_ = next;
  timer_.expires_at(next);  // cancels the previous wait, whose handler then sees an error
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnTimer();
  });
}

void TimeoutQueue::OnTimer() {
  armed_ = false;
  in_timer_ = true;
  Clock::time_point now = Clock::now();
  // Clients may schedule, remove or tear down others while being told: always re-read
  // the top.
  while (!heap_.empty() && heap_.front().deadline <= now) {
    TimeoutClient* client = heap_.front().client;
    RemoveAt(0);
    client->OnDeadline(now);
  }
  in_timer_ = false;
  Arm();
}

}  // namespace krypton::net::detail
