// IoPool: the server's event loops — N io_contexts, each run by exactly one thread.
//
// Threading model (docs/decisions/0001-threading-model.md): a connection lives on one
// loop for its whole life, so its handlers never run concurrently and need no lock.
// Listeners accept on loop 0 and hand each new socket to the next loop, round robin.
// Work that crosses loops is posted to the target loop's io_context.
//
// Lifetime: construct, Start(), … , Shutdown()/Join(). The pool must outlive every
// object that holds one of its io_contexts. Next() and At() may be called from any
// thread; Start/Join/Stop from the owning (main) thread only.
#ifndef KRYPTON_NET_IO_POOL_H_
#define KRYPTON_NET_IO_POOL_H_

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace krypton::net {

class IoPool {
 public:
  // `threads` loops; 0 = std::thread::hardware_concurrency() (at least 1).
  explicit IoPool(int threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  size_t size() const { return loops_.size(); }
  boost::asio::io_context& At(size_t i) { return *loops_[i]->ctx; }
  // The next loop, round robin (for a new connection).
  boost::asio::io_context& Next();

  // Index of the loop the calling thread runs, or -1 when it is not a loop thread of
  // any IoPool. Lets per-loop data structures be read without a lock.
  static int CurrentLoopIndex();

  // Starts one thread per loop. The loops keep running, even without work, until
  // ReleaseWork() or Stop().
  void Start();
  // Lets every loop return once it has no more work (graceful end).
  void ReleaseWork();
  // Makes every loop return as soon as possible, abandoning pending handlers.
  void Stop();
  // Waits for every loop thread to return.
  void Join();

 private:
  struct Loop {
    std::unique_ptr<boost::asio::io_context> ctx;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<size_t> next_{0};
};

}  // namespace krypton::net

#endif  // KRYPTON_NET_IO_POOL_H_
