#include "net/line_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace krypton::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

LineSession::LineSession(tcp::socket socket, SessionTicket ticket, LineSessionOptions options)
    : socket_(std::move(socket)),
      ticket_(std::move(ticket)),
      options_(options),
      timeout_(options.timeout),
      timer_(socket_.get_executor()),
      framer_(options.max_line_bytes) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) remote_ip_ = remote.address().to_string();
  socket_.set_option(tcp::no_delay(true), ec);
}

LineSession::~LineSession() = default;

void LineSession::Start(std::shared_ptr<LineHandler> handler) {
  handler_ = std::move(handler);
  ticket_.Attach(weak_from_this());
  read_buf_.resize(options_.read_chunk_bytes);
  ArmTimer();
  Read();
}

void LineSession::Read() {
  socket_.async_read_some(asio::buffer(read_buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void LineSession::OnRead(const boost::system::error_code& ec, size_t n) {
  if (closed_) return;
  if (ec) return Teardown();
  ArmTimer();
  bool ok = framer_.Feed(std::string_view(read_buf_.data(), n), [this](std::string_view line) {
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

void LineSession::Send(std::string frame) {
  asio::dispatch(socket_.get_executor(),
                 [self = shared_from_this(), frame = std::move(frame)]() mutable {
                   self->Enqueue(std::move(frame));
                 });
}

void LineSession::Enqueue(std::string frame) {
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

void LineSession::Write() {
  if (queue_.empty()) {
    if (close_after_flush_) Teardown();
    return;
  }
  writing_ = std::move(queue_.front());
  queue_.pop_front();
  if (!options_.one_message_per_write) {
    // Coalesce what is already queued into this write (app connections, D5).
    while (!queue_.empty()) {
      writing_ += queue_.front();
      queue_.pop_front();
    }
  }
  write_in_flight_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->write_in_flight_ = false;
                      if (ec) return self->Teardown();
                      self->Write();
                    });
}

void LineSession::Close() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->Teardown(); });
}

void LineSession::CloseAfterFlush() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->close_after_flush_ = true;
    if (!self->write_in_flight_ && self->queue_.empty()) self->Teardown();
  });
}

void LineSession::SetTimeout(std::chrono::milliseconds timeout) {
  timeout_ = timeout;
  ArmTimer();
}

void LineSession::ArmTimer() {
  if (closed_) return;
  timer_.expires_after(timeout_);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    if (auto self = weak.lock()) {
      spdlog::debug("{}: idle timeout", self->remote_ip_);
      self->Teardown();
    }
  });
}

void LineSession::Teardown() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  queue_.clear();
  // The handler learns once; it may still hold a weak_ptr to this session.
  if (handler_) handler_->OnClosed();
}

}  // namespace krypton::net
