#include "net/line_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <vector>

#include "net/line_framer.h"

namespace krypton::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

template <typename Stream>
class LineSessionImpl final : public LineSession,
                              public std::enable_shared_from_this<LineSessionImpl<Stream>> {
  static constexpr bool kPlain = std::is_same_v<Stream, tcp::socket>;

 public:
  template <typename... StreamArgs>
  LineSessionImpl(SessionTicket ticket, LineSessionOptions options, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...),
        ticket_(std::move(ticket)),
        options_(options),
        timeout_(options.timeout),
        timer_(stream_.get_executor()),
        framer_(options.max_line_bytes) {
    boost::system::error_code ec;
    auto remote = Socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = remote.address().to_string();
    Socket().set_option(tcp::no_delay(true), ec);
    // The reactor-style read (Read) must never block the loop.
    Socket().non_blocking(true, ec);
  }

  void Start(std::shared_ptr<LineHandler> handler) override {
    handler_ = std::move(handler);
    ticket_.Attach(this->weak_from_this());
    ArmTimer();
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      Read();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const boost::system::error_code& ec) {
                                if (ec) {
                                  spdlog::debug("{}: TLS handshake failed: {}", self->remote_ip_,
                                                ec.message());
                                  return self->Teardown();
                                }
                                self->Read();
                              });
    }
  }

  void Send(std::string frame) override {
    asio::dispatch(stream_.get_executor(),
                   [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
                     self->Enqueue(std::move(frame));
                   });
  }

  void Close() override {
    asio::dispatch(stream_.get_executor(),
                   [self = this->shared_from_this()] { self->Teardown(); });
  }

  void CloseAfterFlush() override {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->closed_) return;
      self->close_after_flush_ = true;
      if (!self->write_in_flight_ && self->queue_.empty()) self->Teardown();
    });
  }

  void SetTimeout(std::chrono::milliseconds timeout) override {
    timeout_ = timeout;
    ArmTimer();
  }

  const std::string& remote_ip() const override { return remote_ip_; }
  asio::any_io_executor executor() override { return stream_.get_executor(); }

 private:
  tcp::socket& Socket() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      return stream_;
    } else {
      return stream_.next_layer();
    }
  }

  // Plain TCP waits for readability and reads into the loop's shared buffer, so an
  // idle session holds no read buffer (only a partial line, if any). TLS must read
  // through the stream (OpenSSL buffers records), with a buffer of its own.
  void Read() {
    if constexpr (kPlain) {
      stream_.async_wait(tcp::socket::wait_read,
                         [self = this->shared_from_this()](const boost::system::error_code& ec) {
                           self->OnReadable(ec);
                         });
    } else {
      if (read_buf_.empty()) read_buf_.resize(options_.read_chunk_bytes);
      stream_.async_read_some(asio::buffer(read_buf_),
                              [self = this->shared_from_this()](
                                  const boost::system::error_code& ec, size_t n) {
                                self->OnRead(ec, self->read_buf_.data(), n);
                              });
    }
  }

  void OnReadable(const boost::system::error_code& ec) {
    if (closed_) return;
    if (ec) return Teardown();
    thread_local std::array<char, 65536> loop_buf;
    boost::system::error_code rec;
    size_t n = stream_.read_some(asio::buffer(loop_buf), rec);
    if (rec == asio::error::would_block || rec == asio::error::try_again) return Read();
    OnRead(rec, loop_buf.data(), n);
  }

  void OnRead(const boost::system::error_code& ec, const char* data, size_t n) {
    if (closed_) return;
    if (ec) return Teardown();
    last_activity_ = asio::steady_timer::clock_type::now();
    bool ok = framer_.Feed(std::string_view(data, n), [this](std::string_view line) {
      if (!closed_ && !close_after_flush_) handler_->OnLine(line);
    });
    if (!ok) {
      // Answered by the handler, then closed once the answer is out (spec §1.3).
      handler_->OnOverflow();
      CloseAfterFlush();
      return;
    }
    if (!closed_ && !close_after_flush_) Read();
  }

  void Enqueue(std::string frame) {
    if (closed_) return;
    if (queue_.size() >= options_.max_pending_writes) {
      spdlog::warn("{}: write queue full ({} frames), closing the connection", remote_ip_,
                   queue_.size());
      return Teardown();
    }
    frame.push_back('\n');
    queue_.push_back(std::move(frame));
    if (!write_in_flight_) Write();
  }

  void Write() {
    if (queue_.empty()) {
      if (close_after_flush_) Teardown();
      return;
    }
    if (options_.one_message_per_write) {
      writing_ = std::move(queue_.front());
      queue_.erase(queue_.begin());
    } else {
      // Coalesce what is already queued into this write (app connections, D5).
      writing_.clear();
      for (std::string& f : queue_) writing_ += f;
      queue_.clear();
    }
    write_in_flight_ = true;
    asio::async_write(stream_, asio::buffer(writing_),
                      [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                        size_t) {
                        self->write_in_flight_ = false;
                        if (ec) return self->Teardown();
                        self->Write();
                      });
  }

  // The inactivity timer is not re-armed per message (that costs a cancellation and
  // a timerfd update each time): reads only stamp last_activity_, and an expiry that
  // finds recent activity waits again for the remainder.
  void ArmTimer() {
    if (closed_) return;
    timer_.expires_at(last_activity_ + timeout_);
    timer_.async_wait([weak = this->weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled (SetTimeout, Teardown)
      auto self = weak.lock();
      if (!self || self->closed_) return;
      if (asio::steady_timer::clock_type::now() < self->last_activity_ + self->timeout_) {
        return self->ArmTimer();
      }
      spdlog::debug("{}: idle timeout", self->remote_ip_);
      self->Teardown();
    });
  }

  void Teardown() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
    queue_.clear();
    // The handler learns once; it may still hold a weak_ptr to this session.
    if (handler_) handler_->OnClosed();
  }

  Stream stream_;
  SessionTicket ticket_;
  const LineSessionOptions options_;
  std::chrono::milliseconds timeout_;
  asio::steady_timer::time_point last_activity_ = asio::steady_timer::clock_type::now();
  asio::steady_timer timer_;
  std::shared_ptr<LineHandler> handler_;
  std::string remote_ip_;

  std::string read_buf_;  // TLS only
  LineFramer framer_;

  // A vector, not a deque: an empty std::deque allocates ~600 bytes per session.
  std::vector<std::string> queue_;
  std::string writing_;  // the buffer of the write in flight
  bool write_in_flight_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<LineSession> LineSession::Create(tcp::socket socket, SessionTicket ticket,
                                                 LineSessionOptions options,
                                                 asio::ssl::context* tls) {
  if (tls == nullptr) {
    return std::make_shared<LineSessionImpl<tcp::socket>>(std::move(ticket), options,
                                                          std::move(socket));
  }
  return std::make_shared<LineSessionImpl<asio::ssl::stream<tcp::socket>>>(
      std::move(ticket), options, std::move(socket), *tls);
}

}  // namespace krypton::net
