// The Beast side of the HTTP listener: one HttpSession per connection, living on one
// loop. Reads the header with the idle (or, on a fresh connection, the read) timeout,
// then the body with the read timeout; answers with the router's response; keeps the
// connection alive when the client asks for it.
//
// Body limits: max_body_bytes for every route but those registered with their own
// (RouteOptions, e.g. the H5 package upload). The header is read with the largest limit
// of all; once the target is known the route's limit (or the server's) applies, so a
// Content-Length beyond it is refused at once (413, close) and a chunked body as soon
// as it passes it. HEAD answers carry the headers of the body they omit.
#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <optional>

#include "common/clock.h"
#include "http/error_response.h"
#include "http/http.h"

namespace krypton::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Stream is beast::tcp_stream (HTTP) or beast::ssl_stream<beast::tcp_stream> (HTTPS).
template <typename Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>>,
                          public net::Closable {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <typename... TlsArgs>
  HttpSession(tcp::socket socket, net::SessionTicket ticket,
              std::shared_ptr<const ServerOptions> options, const Router& router, TlsArgs&... tls)
      : stream_(std::move(socket), tls...),
        ticket_(std::move(ticket)),
        options_holder_(std::move(options)),
        options_(*options_holder_),
        router_(router) {
    boost::system::error_code ec;
    auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = remote.address().to_string();
  }

  void Start() {
    ticket_.Attach(this->weak_from_this());
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.read_timeout_s));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Shutdown();
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

  void Close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Shutdown(); });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    parser_->body_limit(std::max(options_.max_body_bytes, router_.LargestBodyLimit()));
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(first_ ? options_.read_timeout_s : options_.idle_timeout_s));
    first_ = false;
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    size_t limit = router_.BodyLimit(header.method_string(), header.target());
    if (limit == 0) limit = options_.max_body_bytes;
    if (auto length = parser_->content_length(); length && *length > limit) {
      return Reject(413, "body too large");
    }
    parser_->body_limit(limit);  // no body octet is parsed yet
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.read_timeout_s));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->Handle();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Reject(413, "body too large");
    if (ec == bhttp::error::header_limit) return Reject(431, "header too large");
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      return Shutdown();
    }
    // A malformed request: answer once, then close (the stream position is unknown).
    Reject(400, ec.message());
  }

  void Reject(int status, const std::string& why) {
    spdlog::debug("http {}: rejecting request: {}", remote_ip_, why);
    ErrorContext ctx;
    ctx.now_ms = SystemClock::Instance().NowMs();
    ctx.status_override = status;
    Write(ErrorResponse(Status(Code::kUserError), ctx), /*keep_alive=*/false, 11);
  }

  void Handle() {
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target = msg.target();
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_ip = remote_ip_;

    bool keep_alive = msg.keep_alive();
    unsigned version = msg.version();
    bool head = req.method == "HEAD";
    std::string origin = req.Header("origin");
    if (req.method == "OPTIONS" && !options_.cors_origins.empty()) {
      Response res;
      res.status = 204;
      res.content_type.clear();
      res.headers.emplace_back("Access-Control-Allow-Methods",
                               "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      res.headers.emplace_back("Access-Control-Allow-Headers",
                               "Authorization, Content-Type, X-Hekr-ProdPubKey, Accept-Language");
      res.headers.emplace_back("Access-Control-Max-Age", "86400");
      AddCors(origin, res);
      return Write(std::move(res), keep_alive, version);
    }
    std::string method = req.method, path = req.path;
    // The answer may come from a worker thread (asynchronous routes): it is posted back
    // to this session's loop before anything touches the stream.
    auto respond = [self = this->shared_from_this(), keep_alive, version, origin,
                    head](Response res) {
      asio::dispatch(self->stream_.get_executor(),
                     [self, res = std::move(res), keep_alive, version, origin, head]() mutable {
                       self->AddCors(origin, res);
                       self->Write(std::move(res), keep_alive, version, head);
                     });
    };
    try {
      router_.Dispatch(std::move(req), respond);
    } catch (const std::exception& e) {
      // Handlers return Status values; an exception here is a bug, not a client error.
      spdlog::error("http {} {}: handler threw: {}", method, path, e.what());
      ErrorContext ctx;
      ctx.now_ms = SystemClock::Instance().NowMs();
      ctx.path = path;
      respond(ErrorResponse(Status(Code::kUserInternal), ctx));
    }
  }

  void AddCors(const std::string& origin, Response& res) {
    const std::string& allowed = options_.cors_origins;
    if (allowed.empty()) return;
    if (allowed == "*") {
      res.headers.emplace_back("Access-Control-Allow-Origin", "*");
      return;
    }
    if (origin.empty()) return;
    size_t pos = 0;
    while (pos <= allowed.size()) {
      size_t end = allowed.find(',', pos);
      if (end == std::string::npos) end = allowed.size();
      std::string_view item(allowed.data() + pos, end - pos);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item == origin) {
        res.headers.emplace_back("Access-Control-Allow-Origin", origin);
        res.headers.emplace_back("Vary", "Origin");
        return;
      }
      pos = end + 1;
    }
  }

  // `head`: the answer to a HEAD request — the headers of `res`, Content-Length
  // included, without its body.
  void Write(Response res, bool keep_alive, unsigned version, bool head = false) {
    if (!res.file.empty()) return WriteFile(std::move(res), keep_alive, version, head);
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(res.status), version);
    Head(*out, res, keep_alive);
    if (head) {
      out->content_length(res.body.size());
    } else {
      out->body() = std::move(res.body);
      out->prepare_payload();
    }
    Send(std::move(out), keep_alive);
  }

  // A Response whose body is a file: streamed by Beast's file body (the file is read
  // in chunks as the socket drains, so a large file never sits in memory whole).
  void WriteFile(Response res, bool keep_alive, unsigned version, bool head) {
    using FileBody = bhttp::basic_file_body<beast::file_posix>;
    FileBody::value_type body;
    beast::error_code ec;
    int fd = ::open(res.file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      beast::file_posix file;
      file.native_handle(fd);
      body.reset(std::move(file), ec);
    }
    if (fd < 0 || ec) {
      ErrorContext missing;  // vanished or unreadable since the route looked
      missing.now_ms = SystemClock::Instance().NowMs();
      missing.status_override = 404;
      return Write(ErrorResponse(Status(Code::kUserError), missing), keep_alive, version, head);
    }
    if (head) {
      auto out = std::make_shared<bhttp::response<bhttp::empty_body>>(
          static_cast<bhttp::status>(res.status), version);
      Head(*out, res, keep_alive);
      out->content_length(body.size());
      return Send(std::move(out), keep_alive);
    }
    auto out = std::make_shared<bhttp::response<FileBody>>(
        std::piecewise_construct, std::make_tuple(std::move(body)),
        std::make_tuple(static_cast<bhttp::status>(res.status), version));
    Head(*out, res, keep_alive);
    out->prepare_payload();
    Send(std::move(out), keep_alive);
  }

  template <class Message>
  void Head(Message& out, const Response& res, bool keep_alive) {
    out.set(bhttp::field::server, "krypton");
    if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) out.set(k, v);
    out.keep_alive(keep_alive);
  }

  template <class Message>
  void Send(std::shared_ptr<Message> out, bool keep_alive) {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.read_timeout_s));
    bhttp::async_write(
        stream_, *out,
        [self = this->shared_from_this(), out, keep_alive](beast::error_code ec, size_t) {
          if (ec || !keep_alive) return self->Shutdown();
          self->ReadHeader();
        });
  }

  void Shutdown() {
    beast::error_code ignored;
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest.close();
  }

  Stream stream_;
  net::SessionTicket ticket_;
  std::shared_ptr<const ServerOptions> options_holder_;
  const ServerOptions& options_;
  const Router& router_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_ip_;
  bool first_ = true;
};

}  // namespace

Result<std::shared_ptr<net::Listener>> OpenServer(net::IoPool& pool, const ServerOptions& options,
                                                  const Router& router, asio::ssl::context* tls) {
  auto shared = std::make_shared<const ServerOptions>(options);
  return net::Listener::Open(
      pool, options.listen, [shared, &router, tls](tcp::socket socket, net::SessionTicket ticket) {
        if (tls == nullptr) {
          std::make_shared<HttpSession<beast::tcp_stream>>(std::move(socket), std::move(ticket),
                                                           shared, router)
              ->Start();
        } else {
          std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
              std::move(socket), std::move(ticket), shared, router, *tls)
              ->Start();
        }
      });
}

}  // namespace krypton::http
