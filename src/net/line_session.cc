#include "net/line_session.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "net/line_framer.h"
#include "net/session_base.h"

namespace krypton::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// An allocator of its own for an operation that stays pending for a session's idle
// life. Asio's default hands each operation the block its thread freed last when that
// is large enough (an accept or write operation: 200+ bytes) and keeps it for as long
// as the operation waits; a distinct allocator type makes Asio allocate the exact size.
template <typename T>
struct ExactAllocator {
  using value_type = T;
  ExactAllocator() = default;
  template <typename U>
  ExactAllocator(const ExactAllocator<U>&) noexcept {}
  T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, size_t n) { std::allocator<T>().deallocate(p, n); }
  template <typename U>
  bool operator==(const ExactAllocator<U>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const ExactAllocator<U>&) const noexcept {
    return false;
  }
};

// JSON lines over a byte stream: plain TCP or TLS.
template <typename Stream>
class LineSessionImpl final : public detail::SessionBase<LineSessionImpl<Stream>> {
  using Base = detail::SessionBase<LineSessionImpl<Stream>>;
  friend Base;
  static constexpr bool kPlain = std::is_same_v<Stream, Socket>;

 public:
  template <typename... StreamArgs>
  LineSessionImpl(SessionTicket ticket, LineSessionOptions options, Socket socket,
                  StreamArgs&&... args)
      : Base(socket.get_executor(), std::move(ticket), options),
        stream_(std::move(socket), std::forward<StreamArgs>(args)...),
        framer_(options.max_line_bytes) {
    this->InitSocket(Sock());
    boost::system::error_code ec;
    // The reactor-style read (Read) must never block the loop.
    Sock().non_blocking(true, ec);
  }

 private:
  Socket& Sock() {
    if constexpr (kPlain) {
      return stream_;
    } else {
      return stream_.next_layer();
    }
  }

  void StartIo() {
    if constexpr (kPlain) {
      Read();
    } else {
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](const boost::system::error_code& ec) {
            if (ec) {
              spdlog::debug("{}: TLS handshake failed: {}", self->remote_ip(), ec.message());
              return self->Teardown();
            }
            self->Read();
          });
    }
  }

  // Plain TCP waits for readability and reads into the loop's shared buffer, so an
  // idle session holds no read buffer (only a partial line, if any). TLS must read
  // through the stream (OpenSSL buffers records), with a buffer of its own.
  void Read() {
    if constexpr (kPlain) {
      stream_.async_wait(tcp::socket::wait_read, ReadableHandler{this->shared_from_this()});
    } else {
      if (read_buf_.empty()) read_buf_.resize(this->options().read_chunk_bytes);
      stream_.async_read_some(
          asio::buffer(read_buf_),
          [self = this->shared_from_this()](const boost::system::error_code& ec, size_t n) {
            self->OnRead(ec, self->read_buf_.data(), n);
          });
    }
  }

  // The pending wait of a plain session (see ExactAllocator).
  struct ReadableHandler {
    std::shared_ptr<LineSessionImpl> self;
    using allocator_type = ExactAllocator<void>;
    allocator_type get_allocator() const noexcept { return {}; }
    void operator()(const boost::system::error_code& ec) const { self->OnReadable(ec); }
  };

  void OnReadable(const boost::system::error_code& ec) {
    if (this->closed()) return;
    if (ec) return this->Teardown();
    thread_local std::array<char, 65536> loop_buf;
    boost::system::error_code rec;
    size_t n = stream_.read_some(asio::buffer(loop_buf), rec);
    if (rec == asio::error::would_block || rec == asio::error::try_again) return Read();
    OnRead(rec, loop_buf.data(), n);
  }

  void OnRead(const boost::system::error_code& ec, const char* data, size_t n) {
    if (this->closed()) return;
    if (ec) return this->Teardown();
    this->Touch();
    bool ok = framer_.Feed(std::string_view(data, n), [this](std::string_view line) {
      if (this->Reading()) this->handler().OnLine(line);
    });
    if (!ok) return this->Overflowed();  // answered, then closed (spec §1.3)
    if (this->Reading()) Read();
  }

  asio::io_context::executor_type Executor() { return stream_.get_executor(); }
  void Frame(std::string& frame) { frame.push_back('\n'); }
  // Devices get one message per write (D5); apps may share one.
  bool Coalesce() const { return !this->options().one_message_per_write; }

  template <typename Handler>
  void AsyncWrite(const std::string& bytes, Handler&& handler) {
    asio::async_write(stream_, asio::buffer(bytes), std::forward<Handler>(handler));
  }

  void CloseStream() {
    boost::system::error_code ignored;
    Sock().shutdown(tcp::socket::shutdown_both, ignored);
    Sock().close(ignored);
  }

  struct NoBuffer {};
  Stream stream_;
  [[no_unique_address]] std::conditional_t<kPlain, NoBuffer, std::string> read_buf_;  // TLS only
  LineFramer framer_;
};

}  // namespace

std::shared_ptr<LineSession> LineSession::Create(Socket socket, SessionTicket ticket,
                                                 LineSessionOptions options,
                                                 asio::ssl::context* tls) {
  if (tls == nullptr) {
    return std::make_shared<LineSessionImpl<Socket>>(std::move(ticket), options, std::move(socket));
  }
  return std::make_shared<LineSessionImpl<asio::ssl::stream<Socket>>>(std::move(ticket), options,
                                                                      std::move(socket), *tls);
}

}  // namespace krypton::net
