#include "net/ws_session.h"

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/session_base.h"

namespace krypton::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

template <typename NextLayer>
class WsSession final : public detail::SessionBase<WsSession<NextLayer>> {
  using Base = detail::SessionBase<WsSession<NextLayer>>;
  friend Base;

 public:
  template <typename... Args>
  WsSession(SessionTicket ticket, LineSessionOptions options, Socket socket, Args&&... args)
      : Base(socket.get_executor(), std::move(ticket), options),
        ws_(std::move(socket), std::forward<Args>(args)...) {
    this->InitSocket(beast::get_lowest_layer(ws_));
  }

 private:
  void StartIo() {
    if constexpr (std::is_same_v<NextLayer, Socket>) {
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

  void Accept() {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws_.set_option(pmd);
    ws_.read_message_max(this->options().max_line_bytes);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "krypton"); }));
    ws_.async_accept([self = this->shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->Teardown();
      self->Read();
    });
  }

  void Read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                              size_t) { self->OnRead(ec); });
  }

  // One message may hold several "\n"-separated objects, with or without a trailing
  // newline (the Android SDK appends one); each is one line for the handler.
  void OnRead(const boost::system::error_code& ec) {
    if (this->closed()) return;
    if (ec == websocket::error::message_too_big) return this->Overflowed();
    if (ec) return this->Teardown();
    this->Touch();
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    std::string_view rest(text);
    while (!rest.empty() && this->Reading()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) this->handler().OnLine(line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    if (this->Reading()) Read();
  }

  asio::io_context::executor_type Executor() { return ws_.get_executor(); }
  void Frame(std::string&) {}              // one JSON object per text message, no newline
  bool Coalesce() const { return false; }  // one message per WebSocket frame

  template <typename Handler>
  void AsyncWrite(const std::string& bytes, Handler&& handler) {
    ws_.text(true);
    ws_.async_write(asio::buffer(bytes), std::forward<Handler>(handler));
  }

  void CloseStream() {
    boost::system::error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
};

}  // namespace

std::shared_ptr<LineSession> CreateWsSession(Socket socket, SessionTicket ticket,
                                             LineSessionOptions options, asio::ssl::context* tls) {
  if (tls == nullptr) {
    return std::make_shared<WsSession<Socket>>(std::move(ticket), options, std::move(socket));
  }
  return std::make_shared<WsSession<asio::ssl::stream<Socket>>>(std::move(ticket), options,
                                                                std::move(socket), *tls);
}

}  // namespace krypton::net
