#include "net/io_pool.h"

#include <algorithm>

namespace krypton::net {
namespace {
thread_local int current_loop_index = -1;
}  // namespace

int IoPool::CurrentLoopIndex() { return current_loop_index; }

IoPool::IoPool(int threads) {
  size_t n = threads > 0 ? static_cast<size_t>(threads)
                         : std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < n; ++i) {
    auto loop = std::make_unique<Loop>();
    // Concurrency hint 1: each context is run by one thread, so Asio may skip locking.
    loop->ctx = std::make_unique<boost::asio::io_context>(1);
    loop->work.emplace(loop->ctx->get_executor());
    loops_.push_back(std::move(loop));
  }
}

IoPool::~IoPool() {
  Stop();
  Join();
}

boost::asio::io_context& IoPool::Next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->ctx;
}

void IoPool::Start() {
  for (size_t i = 0; i < loops_.size(); ++i) {
    loops_[i]->thread = std::thread([ctx = loops_[i]->ctx.get(), i] {
      current_loop_index = static_cast<int>(i);
      ctx->run();
    });
  }
}

void IoPool::ReleaseWork() {
  for (auto& loop : loops_) loop->work.reset();
}

void IoPool::Stop() {
  for (auto& loop : loops_) {
    loop->work.reset();
    loop->ctx->stop();
  }
}

void IoPool::Join() {
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
}

}  // namespace krypton::net
