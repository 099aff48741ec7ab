// The HTTP API surface: request/response values, the router, and the listener glue.
//
// Handlers are plain functions from a Request to a Response; they never see Beast or
// a socket, so route code is testable without a server. Errors are returned as a
// Status and turned into an HTTP body in exactly one place (error_response.h).
//
// Threading: a Router is built once at start-up and then read-only; Route() may run
// on every loop at once. A handler runs on the loop of its connection.
#ifndef KRYPTON_HTTP_HTTP_H_
#define KRYPTON_HTTP_HTTP_H_

#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "net/io_pool.h"
#include "net/listener.h"

namespace krypton::http {

struct Request {
  std::string method;                                        // "GET", "POST", …
  std::string path;                                          // without the query string
  std::string query;                                         // after '?', undecoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::map<std::string, std::string> params;  // {name} segments of the matched route
  std::string route;  // the matched route's pattern ("/device/{devTid}"), set by the Router
  // Set by a guard (Router::AddGuard) for the handler — who the caller was found to be
  // (e.g. "enterprise.pid"). Never filled from the wire.
  std::map<std::string, std::string> attributes;

  // The first header named `name` (lower-case), or "".
  std::string Header(std::string_view name) const;
  // True when Accept-Language prefers Chinese.
  bool PrefersChinese() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is this regular file instead, streamed from disk (opened without
  // following a symbolic link at its end; unreadable → 404). `body` is ignored.
  std::string file;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

using Handler = std::function<Response(const Request&)>;
// Delivers the response of an asynchronous handler; call exactly once, from any thread
// (the session posts it back to its loop).
using Responder = std::function<void(Response)>;
// For handlers that must not block the loop (password hashing): they take the request
// by value and answer through the responder, typically from a worker thread.
using AsyncHandler = std::function<void(Request, Responder)>;
// Runs before the handler of every route its prefix covers (Router::AddGuard): a
// Response refuses the request (the handler does not run); nullopt lets it through,
// possibly with Request::attributes set for the handler. Runs on the connection's loop.
using Guard = std::function<std::optional<Response>(Request&)>;

// Per-route settings.
struct RouteOptions {
  // Largest request body of this route; 0 = the server's (ServerOptions::max_body_bytes).
  // A larger or smaller bound than the server's applies to this route only.
  size_t max_body_bytes = 0;
};

// Routes by method and path. Patterns are literal segments, `{name}` segments
// ("/device/{devTid}") and, as the last segment only, a `{name...}` tail that takes one
// or more remaining segments, joined by '/' ("/h5page/{id}/{path...}"). Segments are
// matched and handed over still percent-encoded; empty segments ("//") are skipped.
// The first route added that matches wins. No match on the path → 404, a path match
// with another method → 405 (both 5400000, D23).
class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler,
                RouteOptions options = {});
  // `guard` runs before the handler of every route whose pattern starts with
  // `pattern_prefix` (routes added before or after), in the order guards were added; the
  // first refusal answers. Unmatched paths (404/405) never reach a guard.
  void AddGuard(std::string pattern_prefix, Guard guard);
  // Synchronous routes only (an asynchronous match answers 500): for unit tests.
  Response Route(Request& request) const;
  // Any route: `respond` is called exactly once, possibly later and from another thread.
  void Dispatch(Request request, Responder respond) const;
  // "METHOD /pattern" of every route, in order (the OpenAPI test compares them).
  std::vector<std::string> Describe() const;
  // The body limit of the route `method` `path` would reach (`target` may carry a query
  // string); 0 when that route has none of its own or nothing matches.
  size_t BodyLimit(std::string_view method, std::string_view target) const;
  // The largest body limit of any route (0 when none has one of its own): the server
  // reads headers with max(this, its own limit), then applies BodyLimit.
  size_t LargestBodyLimit() const;

 private:
  struct Route_ {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    AsyncHandler async;
    RouteOptions options;
  };
  const Route_* Match(std::string_view method, std::string_view path, bool* path_matched,
                      std::map<std::string, std::string>* params) const;
  // The first guard's refusal for `request`'s matched route, if any.
  std::optional<Response> Guarded(Request& request) const;
  std::vector<Route_> routes_;
  std::vector<std::pair<std::string, Guard>> guards_;
};

// Settings of the HTTP listener (from config.http).
struct ServerOptions {
  net::ListenerOptions listen;
  size_t max_header_bytes = 8192;
  size_t max_body_bytes = 1 << 20;
  int read_timeout_s = 30;
  int idle_timeout_s = 60;
  std::string cors_origins = "*";
};

// Opens the HTTP listener (not yet accepting: call Start()). Every request goes to
// `router`, which must outlive the listener and its sessions; `options` is copied.
// With `tls`, the listener speaks HTTPS; `tls` must outlive it.
Result<std::shared_ptr<net::Listener>> OpenServer(net::IoPool& pool, const ServerOptions& options,
                                                  const Router& router,
                                                  boost::asio::ssl::context* tls = nullptr);

}  // namespace krypton::http

#endif  // KRYPTON_HTTP_HTTP_H_
