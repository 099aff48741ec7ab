// Internal to src/net: what the TCP/TLS line session and the WebSocket session share —
// the bounded write queue, the inactivity timer, the close/flush state and the handler
// bookkeeping of the LineSession contract (line_session.h). The inactivity deadline
// lives in the loop's TimeoutQueue (timeout_queue.h), not in a timer per session.
// Derived classes (CRTP)
// supply the stream: StartIo() (handshakes, first read), AsyncWrite(buffer, handler),
// CloseStream(), Executor() (the stream's), and Frame()/Coalesce() for how queued
// messages become bytes. Members are kept few and small: an idle device session is
// mostly this object (docs/benchmarks.md).
// Everything here runs on the session's loop except the public entry points, which
// dispatch to it.
#ifndef KRYPTON_NET_SESSION_BASE_H_
#define KRYPTON_NET_SESSION_BASE_H_

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <spdlog/spdlog.h>

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
    boost::asio::dispatch(Self().Executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
      self->Enqueue(std::move(frame));
    });
  }

  void Close() override {
    boost::asio::dispatch(Self().Executor(), [self = this->shared_from_this()] { self->Teardown(); });
  }

  void CloseAfterFlush() override {
    boost::asio::dispatch(Self().Executor(), [self = this->shared_from_this()] {
      if (self->closed_) return;
      self->close_after_flush_ = true;
      if (!self->write_in_flight_ && self->queue_.empty()) self->Teardown();
    });
  }

  void SetTimeout(std::chrono::milliseconds timeout) override {
    timeout_ = timeout;
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

  // `executor` is the socket's (taken before the socket moves into the stream).
  SessionBase(const boost::asio::io_context::executor_type& executor, SessionTicket ticket,
              const LineSessionOptions& options)
      : TimeoutClient(TimeoutQueue::Of(executor.context())),
        ticket_(std::move(ticket)),
        options_{Clamp(options.max_line_bytes), Clamp(options.max_pending_writes),
                 Clamp(options.read_chunk_bytes), options.one_message_per_write},
        timeout_(options.timeout) {}

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

  // Bytes arrived: the inactivity timer measures from now.
  void Touch() { last_activity_ = Clock::now(); }
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
    queue_.clear();
    // The handler learns once; it may still hold a weak_ptr to this session.
    if (handler_) handler_->OnClosed();
  }

 private:
  Derived& Self() { return static_cast<Derived&>(*this); }
  static uint32_t Clamp(size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }

  void Enqueue(std::string frame) {
    if (closed_) return;
    if (queue_.size() >= options_.max_pending_writes) {
      spdlog::warn("{}: write queue full ({} frames), closing the connection", remote_ip(),
                   queue_.size());
      return Teardown();
    }
    Self().Frame(frame);
    if (write_in_flight_) {
      queue_.push_back(std::move(frame));
      return;
    }
    // The common case: nothing in flight, so the frame is written without ever
    // entering the queue (an idle session keeps no queue capacity).
    writing_ = std::move(frame);
    StartWrite();
  }

  void Write() {
    if (queue_.empty()) {
      // Nothing left: give the buffer back, an idle session must not keep its last
      // frame (a devLogin answer is ~500 bytes).
      std::string().swap(writing_);
      if (queue_.capacity() != 0) std::vector<std::string>().swap(queue_);
      if (close_after_flush_) Teardown();
      return;
    }
    if (Self().Coalesce() && queue_.size() > 1) {
      writing_.clear();
      for (std::string& f : queue_) writing_ += f;
      queue_.clear();
    } else {
      writing_ = std::move(queue_.front());
      queue_.erase(queue_.begin());
    }
    StartWrite();
  }

  void StartWrite() {
    write_in_flight_ = true;
    Self().AsyncWrite(writing_, [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                                  size_t) {
      self->write_in_flight_ = false;
      if (ec) return self->Teardown();
      self->Write();
    });
  }

  // The deadline is not moved per message (a heap update each time): reads only
  // Touch(), and a deadline that finds recent activity is set again from it.
  void ArmTimer() {
    if (closed_) return;
    ScheduleTimeout(last_activity_ + timeout_);
  }

  void OnDeadline(Clock::time_point now) override {
    if (closed_) return;
    if (now < last_activity_ + timeout_) return ArmTimer();
    auto self = this->shared_from_this();  // alive until the teardown returns
    spdlog::debug("{}: idle timeout", remote_ip());
    Teardown();
  }

  SessionTicket ticket_;  // also holds the peer's address
  const Options options_;
  std::chrono::milliseconds timeout_;
  Clock::time_point last_activity_ = Clock::now();
  std::shared_ptr<LineHandler> handler_;
  // A vector, not a deque: an empty std::deque allocates ~600 bytes per session.
  std::vector<std::string> queue_;
  std::string writing_;  // the buffer of the write in flight
  bool write_in_flight_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
};

}  // namespace krypton::net::detail

#endif  // KRYPTON_NET_SESSION_BASE_H_
