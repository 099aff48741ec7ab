// Internal to src/net: what the TCP/TLS line session and the WebSocket session share —
// the bounded write queue, the inactivity timer, the close/flush state and the handler
// bookkeeping of the LineSession contract (line_session.h). The inactivity deadline
// lives in the loop's TimeoutQueue (timeout_queue.h), not in a timer per session.
// Derived classes (CRTP)
// supply the stream: StartIo() (handshakes, first read), AsyncWrite(buffer, handler),
// CloseStream(), Executor() (the stream's), and Frame()/Coalesce() for how queued
// messages become bytes. Members are kept few and small: an idle device session is
// mostly this object (docs/benchmarks.md).
// Everything here runs on the session's loop except the public entry points: Send
// dispatches to it; Close and CloseAfterFlush always post (decision 0001). The teardown
// runs inline only from the session's own I/O and timer callbacks.
#ifndef KRYPTON_NET_SESSION_BASE_H_
#define KRYPTON_NET_SESSION_BASE_H_

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <string>
#include <vector>

#include "net/line_session.h"
#include "net/timeout_queue.h"

namespace krypton::net::detail {

template <typename Derived>
class SessionBase : public LineSession,
                    public std::enable_shared_from_this<Derived>,
                    private TimeoutClient {
 public:
  void Start(std::shared_ptr<LineHandler> handler) override {
    handler_ = std::move(handler);
    ticket_.Attach(this->weak_from_this());
    ArmTimer();
    Self().StartIo();
  }

  void Send(std::string frame) override {
    boost::asio::dispatch(Self().Executor(),
                          [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
                            self->Enqueue(std::move(frame));
                          });
  }

  // Both closes are POSTED to the session's loop, never run inline (decision 0001): a
  // handler that closes from its own callback (OnLine, a bus command) is not re-entered
  // by its OnClosed, and nothing is destroyed under it. Called on the session's loop,
  // they also stop reading at once: the rest of the chunk being read is not handed on.
  void Close() override {
    StopReadingIfOnLoop();
    boost::asio::post(Self().Executor(), [self = this->shared_from_this()] { self->Teardown(); });
  }

  void CloseAfterFlush() override {
    StopReadingIfOnLoop();
    boost::asio::post(Self().Executor(), [self = this->shared_from_this()] {
      if (self->closed_) return;
      self->close_after_flush_ = true;
      if (!self->write_in_flight_) self->Teardown();  // nothing queued without a write
    });
  }

  void SetTimeout(std::chrono::milliseconds timeout) override {
    timeout_ms_ = ClampMs(timeout);
    ArmTimer();
  }

  void LoggedIn(std::chrono::milliseconds idle_timeout) override {
    from_start_ = false;
    ticket_.LoggedIn();
    timeout_ms_ = ClampMs(idle_timeout);
    Touch();
    ArmTimer();
  }

  const std::string& remote_ip() const override { return ticket_.ip(); }
  boost::asio::io_context::executor_type executor() override { return Self().Executor(); }

 protected:
  using Clock = TimeoutClient::Clock;

  // The options a session keeps, packed (LineSessionOptions is the public, roomy form).
  struct Options {
    uint32_t max_line_bytes;
    uint32_t max_pending_writes;
    uint32_t read_chunk_bytes;
    bool one_message_per_write;
  };
  static_assert(sizeof(Options) == 16);

  // `executor` is the socket's (taken before the socket moves into the stream).
  SessionBase(const boost::asio::io_context::executor_type& executor, SessionTicket ticket,
              const LineSessionOptions& options)
      : TimeoutClient(TimeoutQueue::Of(executor.context())),
        timeout_ms_(ClampMs(options.timeout)),
        options_{Clamp(options.max_line_bytes), Clamp(options.max_pending_writes),
                 Clamp(options.read_chunk_bytes), options.one_message_per_write},
        from_start_(options.timeout_from_start),
        ticket_(std::move(ticket)) {}

  // Call from the derived constructor once the stream exists.
  void InitSocket(Socket& socket) {
    boost::system::error_code ec;
    // The listener's ticket already names the peer (one copy of the address per
    // session); a ticket made without a listener gets it here.
    if (ticket_.ip().empty() && !ticket_.registered()) {
      auto remote = socket.remote_endpoint(ec);
      if (!ec) ticket_ = SessionTicket(nullptr, 0, remote.address().to_string());
    }
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
  }

  // Bytes arrived: the inactivity timer measures from now — unless the timeout is the
  // absolute login deadline (from_start_), which stays where the accept put it.
  void Touch() {
    if (!from_start_) last_activity_ = Clock::now();
  }
  // True while lines may still be handed to the handler.
  bool Reading() const { return !closed_ && !close_after_flush_; }
  bool closed() const { return closed_; }
  LineHandler& handler() { return *handler_; }
  const Options& options() const { return options_; }

  // The handler saw an over-long message: answer (queued by the handler) and close.
  void Overflowed() {
    handler_->OnOverflow();
    CloseAfterFlush();
  }

  void Teardown() {
    if (closed_) return;
    closed_ = true;
    CancelTimeout();
    Self().CloseStream();
    // The frame being written stays until its write completes (with an error now).
    if (writes_ && !write_in_flight_) writes_.reset();
    if (writes_) writes_->queue.clear();
    // The handler learns once; it may still hold a weak_ptr to this session.
    if (handler_) handler_->OnClosed();
  }

 private:
  Derived& Self() { return static_cast<Derived&>(*this); }
  // On the session's loop (its io_context is run by this thread alone), state may be
  // touched directly: no further line reaches the handler, and the next write that
  // empties the queue tears down (the posted close then finds the session closed).
  void StopReadingIfOnLoop() {
    if (Self().Executor().running_in_this_thread() && !closed_) close_after_flush_ = true;
  }
  static uint32_t Clamp(size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }
  static uint32_t ClampMs(std::chrono::milliseconds t) {
    return t.count() < 0 ? 0 : Clamp(static_cast<size_t>(t.count()));
  }

  void Enqueue(std::string frame) {
    if (closed_) return;
    if (writes_ && writes_->queue.size() >= options_.max_pending_writes) {
      spdlog::warn("{}: write queue full ({} frames), closing the connection", remote_ip(),
                   writes_->queue.size());
      return Close();  // posted: Send() may run inside the handler's own callback
    }
    Self().Frame(frame);
    if (!writes_) writes_ = std::make_unique<Writes>();
    if (write_in_flight_) {
      writes_->queue.push_back(std::move(frame));
      return;
    }
    writes_->writing = std::move(frame);
    StartWrite();
  }

  void Write() {
    std::vector<std::string>& queue = writes_->queue;
    if (queue.empty()) {
      // Nothing left: an idle session keeps neither its last frame (a devLogin answer
      // is ~500 bytes) nor queue capacity.
      writes_.reset();
      if (close_after_flush_) Teardown();
      return;
    }
    if (Self().Coalesce() && queue.size() > 1) {
      writes_->writing.clear();
      for (std::string& f : queue) writes_->writing += f;
      queue.clear();
    } else {
      writes_->writing = std::move(queue.front());
      queue.erase(queue.begin());
    }
    StartWrite();
  }

  void StartWrite() {
    write_in_flight_ = true;
    Self().AsyncWrite(writes_->writing, [self = this->shared_from_this()](
                                            const boost::system::error_code& ec, size_t) {
      self->write_in_flight_ = false;
      if (self->closed_) {
        self->writes_.reset();
        return;
      }
      if (ec) return self->Teardown();
      self->Write();
    });
  }

  // The deadline is not moved per message (a heap update each time): reads only
  // Touch(), and a deadline that finds recent activity is set again from it. Before
  // login (from_start_) last_activity_ is the creation time, so the deadline is absolute.
  void ArmTimer() {
    if (closed_) return;
    ScheduleTimeout(last_activity_ + std::chrono::milliseconds(timeout_ms_));
  }

  void OnDeadline(Clock::time_point now) override {
    if (closed_) return;
    if (now < last_activity_ + std::chrono::milliseconds(timeout_ms_)) return ArmTimer();
    auto self = this->shared_from_this();  // alive until the teardown returns
    spdlog::debug("{}: {}", remote_ip(), from_start_ ? "login deadline passed" : "idle timeout");
    Teardown();
  }

  // What a session writes, allocated for a burst of frames and freed once it is
  // written: an idle session keeps 8 bytes for it. `writing` does not move while its
  // write is in flight (queued frames wait in `queue`).
  struct Writes {
    std::string writing;
    // A vector, not a deque: an empty std::deque allocates ~600 bytes.
    std::vector<std::string> queue;
  };

  // Small members first: timeout_ms_ may share the TimeoutClient base's tail padding.
  uint32_t timeout_ms_;
  const Options options_;
  bool write_in_flight_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
  bool from_start_;       // the timeout counts from creation (login deadline), not from reads
  SessionTicket ticket_;  // also holds the peer's address
  Clock::time_point last_activity_ = Clock::now();
  std::shared_ptr<LineHandler> handler_;
  std::unique_ptr<Writes> writes_;  // nullptr when nothing is being written
};

}  // namespace krypton::net::detail

#endif  // KRYPTON_NET_SESSION_BASE_H_
