// LineSession: one TCP connection carrying newline-terminated JSON messages
// (hub-protocol.md §1.3), for the dispatch, device-hub and app-hub listeners.
//
// Bytes only: the session splits input into lines (net/line_framer.h) and hands each
// line to its LineHandler; it never parses JSON. All handler calls run on the session's loop.
//
// Bounds and their breach behaviour:
// - max_line_bytes: a longer line → handler.OnOverflow() (the handler answers), then
//   the connection closes once that answer is written.
// - max_pending_writes: outgoing frames queued; one more → the session is closed (a
//   consumer that does not read must not grow memory; logged at warn).
// - timeout: no bytes received for this long → closed without a message. With
//   timeout_from_start the timeout is an absolute deadline instead, counted from the
//   session's creation (the accept) whatever arrives — the login deadline of the hub
//   (issue 14 §4): bytes and heartbeats before login do not extend it. LoggedIn()
//   ends it and starts the inactivity timeout (idle + grace).
// Writes: with one_message_per_write (device connections, spec D5) each frame is its
// own write(); otherwise frames queued while a write is in flight go out together.
//
// Ownership (docs/decisions/0001): the session owns its handler; the handler keeps a
// weak_ptr back. The session is kept alive by its pending operations only.
// Send/Close/CloseAfterFlush may be called from any thread. Close and CloseAfterFlush
// post the teardown to the session's loop (never inline, so OnClosed never runs inside
// the caller's own callback); called on that loop they also stop reading at once.
#ifndef KRYPTON_NET_LINE_SESSION_H_
#define KRYPTON_NET_LINE_SESSION_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "net/listener.h"

namespace krypton::net {

struct LineSessionOptions {
  size_t max_line_bytes = 65536;
  size_t max_pending_writes = 1024;
  bool one_message_per_write = false;
  std::chrono::milliseconds timeout{30000};
  // `timeout` counts from the session's creation, not from the last byte, until
  // LoggedIn() (the absolute login deadline).
  bool timeout_from_start = false;
  size_t read_chunk_bytes = 4096;
};

class LineHandler {
 public:
  virtual ~LineHandler() = default;
  // One complete line, without its terminator. The view is valid during the call only.
  virtual void OnLine(std::string_view line) = 0;
  // The peer sent a line longer than max_line_bytes. The session closes after the
  // frames queued by this call are written.
  virtual void OnOverflow() = 0;
  // The connection is gone (peer closed, error, timeout, Close()). Called once.
  virtual void OnClosed() = 0;
};

// The interface handlers see; the implementation is a template over the byte stream
// (plain TCP or TLS) in line_session.cc.
class LineSession : public Closable {
 public:
  // A session over plain TCP, or over TLS when `tls` is given (the server handshake
  // runs first, bounded by options.timeout). `tls` must outlive the session.
  static std::shared_ptr<LineSession> Create(Socket socket, SessionTicket ticket,
                                             LineSessionOptions options,
                                             boost::asio::ssl::context* tls = nullptr);

  // Starts reading; `handler` is owned by the session from now on. Call once, on the
  // session's loop, right after Create.
  virtual void Start(std::shared_ptr<LineHandler> handler) = 0;
  // Queues `frame` (without "\n"; the session adds it). Any thread.
  virtual void Send(std::string frame) = 0;
  // Closes soon (posted to the session's loop), dropping queued frames (Closable). Any
  // thread, idempotent.
  void Close() override = 0;
  // Closes once every queued frame is written (posted to the session's loop). Any thread.
  virtual void CloseAfterFlush() = 0;
  // Replaces the inactivity timeout and restarts it. Session loop only.
  virtual void SetTimeout(std::chrono::milliseconds timeout) = 0;
  // The peer logged in: the absolute login deadline ends, the session stops counting
  // as pre-login in its listener (per-IP pre-login bound, descriptor reserve) and the
  // inactivity timeout becomes `idle_timeout`, counted from now. Session loop only.
  virtual void LoggedIn(std::chrono::milliseconds idle_timeout) = 0;

  virtual const std::string& remote_ip() const = 0;
  // The session's loop (a session always lives on an io_context, decision 0001).
  virtual boost::asio::io_context::executor_type executor() = 0;
};

}  // namespace krypton::net

#endif  // KRYPTON_NET_LINE_SESSION_H_
