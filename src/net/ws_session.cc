#include "net/ws_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include <vector>

namespace krypton::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

template <typename NextLayer>
class WsSession final : public LineSession, public std::enable_shared_from_this<WsSession<NextLayer>> {
 public:
  template <typename... Args>
  WsSession(SessionTicket ticket, LineSessionOptions options, Args&&... args)
      : ws_(std::forward<Args>(args)...),
        ticket_(std::move(ticket)),
        options_(options),
        timeout_(options.timeout),
        timer_(ws_.get_executor()) {
    boost::system::error_code ec;
    auto remote = Socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = remote.address().to_string();
    Socket().set_option(tcp::no_delay(true), ec);
  }

  void Start(std::shared_ptr<LineHandler> handler) override {
    handler_ = std::move(handler);
    ticket_.Attach(this->weak_from_this());
    ArmTimer();
    if constexpr (std::is_same_v<NextLayer, tcp::socket>) {
      Accept();
    } else {
      ws_.next_layer().async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](const boost::system::error_code& ec) {
            if (ec) return self->Teardown();
            self->Accept();
          });
    }
  }

  void Send(std::string frame) override {
    asio::dispatch(ws_.get_executor(),
                   [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
                     self->Enqueue(std::move(frame));
                   });
  }

  void Close() override {
    asio::dispatch(ws_.get_executor(), [self = this->shared_from_this()] { self->Teardown(); });
  }

  void CloseAfterFlush() override {
    asio::dispatch(ws_.get_executor(), [self = this->shared_from_this()] {
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
  asio::any_io_executor executor() override { return ws_.get_executor(); }

 private:
  tcp::socket& Socket() { return beast::get_lowest_layer(ws_); }

  void Accept() {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws_.set_option(pmd);
    ws_.read_message_max(options_.max_line_bytes);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(beast::http::field::server, "krypton");
    }));
    ws_.async_accept([self = this->shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->Teardown();
      self->Read();
    });
  }

  void Read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                              size_t) { self->OnRead(ec); });
  }

  void OnRead(const boost::system::error_code& ec) {
    if (closed_) return;
    if (ec == websocket::error::message_too_big) {
      handler_->OnOverflow();
      CloseAfterFlush();
      return;
    }
    if (ec) return Teardown();
    last_activity_ = asio::steady_timer::clock_type::now();
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    std::string_view rest(text);
    while (!rest.empty() && !closed_ && !close_after_flush_) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) handler_->OnLine(line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
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
    queue_.push_back(std::move(frame));
    if (!write_in_flight_) Write();
  }

  void Write() {
    if (queue_.empty()) {
      if (close_after_flush_) Teardown();
      return;
    }
    writing_ = std::move(queue_.front());
    queue_.erase(queue_.begin());
    write_in_flight_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(writing_),
                    [self = this->shared_from_this()](const boost::system::error_code& ec, size_t) {
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
    timer_.cancel();
    boost::system::error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
    queue_.clear();
    if (handler_) handler_->OnClosed();
  }

  websocket::stream<NextLayer> ws_;
  SessionTicket ticket_;
  const LineSessionOptions options_;
  std::chrono::milliseconds timeout_;
  asio::steady_timer::time_point last_activity_ = asio::steady_timer::clock_type::now();
  asio::steady_timer timer_;
  std::shared_ptr<LineHandler> handler_;
  std::string remote_ip_;
  beast::flat_buffer buffer_;
  // A vector, not a deque: an empty std::deque allocates ~600 bytes per session.
  std::vector<std::string> queue_;
  std::string writing_;
  bool write_in_flight_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<LineSession> CreateWsSession(tcp::socket socket, SessionTicket ticket,
                                             LineSessionOptions options, asio::ssl::context* tls) {
  if (tls == nullptr) {
    return std::make_shared<WsSession<tcp::socket>>(std::move(ticket), options, std::move(socket));
  }
  return std::make_shared<WsSession<asio::ssl::stream<tcp::socket>>>(std::move(ticket), options,
                                                                      std::move(socket), *tls);
}

}  // namespace krypton::net
