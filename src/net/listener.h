// Listener: a bound TCP acceptor that hands each new connection to a session factory
// on the next event loop, and the registry of the sessions it created.
//
// Ownership rule for every session in Krypton (style guide §9): a session is owned
// only by its in-flight asynchronous operations (shared_from_this in each handler);
// registries hold weak references; closing is requested with Close(), which posts to
// the session's own loop, and teardown happens on a later turn. No object is
// destroyed inside its own callback.
//
// Bounds: `max_connections` open sessions per listener and, when non-zero,
// `max_connections_per_ip` per client address. A connection beyond either bound is
// accepted and closed at once, so the backlog never fills.
//
// Pre-login sessions (issue 14 §4, docs/security/conns.md). On a listener whose
// sessions must log in (`prelogin`: the hub's device, app and dispatch listeners) every
// new session counts as pre-login until its ticket's LoggedIn(); then:
// - `max_prelogin_per_ip` (when non-zero) bounds the pre-login sessions of one client
//   address on this listener;
// - `fd_reserve` keeps the top descriptors of the process (RLIMIT_NOFILE) for HTTP and
//   logged-in sessions: a pre-login connection whose descriptor number is at or above
//   limit − reserve is closed at once. Descriptors are allocated lowest first, so a
//   descriptor number n means n descriptors below it are open: pre-login sessions
//   therefore never hold a descriptor ≥ limit − reserve, and at least `reserve` stay for
//   the rest (FdCeiling).
// Breaches close the new connection at accept, are counted (ListenerStats, /metrics)
// and logged at warn, at most one line per `log_interval` per listener and reason.
//
// Accept failures (EMFILE, ENFILE, …): the listener waits before accepting again, 50 ms
// doubling up to `accept_backoff_max` (reset by the next success), and logs at most one
// line per `log_interval` with the number of failures left out.
//
// Thread-safety: Open/Start/Stop/CloseAll from any thread; the factory runs on the
// loop that will own the session.
#ifndef KRYPTON_NET_LISTENER_H_
#define KRYPTON_NET_LISTENER_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/io_pool.h"
#include "net/throttle.h"

namespace krypton::net {

// Something the registry can ask to close. Close() must be thread-safe (post to the
// session's loop) and idempotent.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void Close() = 0;
};

class SessionRegistry;

// An accepted connection: a TCP socket bound to its loop's io_context. The concrete
// executor type (not any_io_executor) keeps the socket and every pending operation on
// it smaller — 32 bytes in the socket, ~50 in each wait — which idle sessions feel.
using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Held by a session for as long as it counts towards the listener's limits; the
// destructor removes it from the registry.
class SessionTicket {
 public:
  SessionTicket() = default;
  // `prelogin`: the slot was admitted as a pre-login one (SessionRegistry::Admit).
  SessionTicket(std::shared_ptr<SessionRegistry> registry, uint64_t id, std::string ip,
                bool prelogin = false)
      : registry_(std::move(registry)),
        id_(id | (prelogin ? kPreloginBit : 0)),
        ip_(std::move(ip)) {}
  SessionTicket(SessionTicket&&) noexcept = default;
  SessionTicket& operator=(SessionTicket&&) noexcept = default;
  ~SessionTicket();

  // Registers the session so CloseAll() reaches it. Call once, from the session's
  // start (after it is owned by a shared_ptr).
  void Attach(std::weak_ptr<Closable> session);

  // The peer's address as the listener saw it ("" when unknown). Sessions keep no
  // other copy.
  const std::string& ip() const { return ip_; }
  // False for a ticket made without a listener (no limits apply).
  bool registered() const { return registry_ != nullptr; }
  // The session logged in: it no longer counts as pre-login. Idempotent; call from the
  // session's loop.
  void LoggedIn();
  bool prelogin() const { return (id_ & kPreloginBit) != 0; }

 private:
  // The pre-login flag rides in the id's top bit: a ticket stays 56 bytes (an idle
  // session is mostly its bookkeeping, docs/benchmarks.md).
  static constexpr uint64_t kPreloginBit = uint64_t{1} << 63;
  std::shared_ptr<SessionRegistry> registry_;
  uint64_t id_ = 0;
  std::string ip_;
};

class SessionRegistry {
 public:
  SessionRegistry(int max_connections, int max_per_ip, int max_prelogin_per_ip = 0)
      : max_connections_(max_connections),
        max_per_ip_(max_per_ip),
        max_prelogin_per_ip_(max_prelogin_per_ip) {}

  enum class Admission { kAdmitted, kFull, kPerIpFull, kPreloginPerIpFull };
  // Reserves a slot for a connection from `ip`, counted as pre-login when `prelogin`.
  Admission Admit(const std::string& ip, bool prelogin, uint64_t* id);
  // Admit without the pre-login count; false when a bound is reached.
  bool Reserve(const std::string& ip, uint64_t* id) {
    return Admit(ip, false, id) == Admission::kAdmitted;
  }
  void Attach(uint64_t id, std::weak_ptr<Closable> session);
  // Frees the slot (and the pre-login count when `prelogin`).
  void Release(uint64_t id, const std::string& ip, bool prelogin = false);
  // A pre-login session of `ip` logged in.
  void LeavePrelogin(const std::string& ip);
  // Asks every registered session to close.
  void CloseAll();
  size_t size() const;
  // Sessions admitted as pre-login that have not logged in (nor closed) yet.
  size_t prelogin_size() const;
  // Pre-login sessions of `ip`.
  int prelogin_of(const std::string& ip) const;

 private:
  const int max_connections_;
  const int max_per_ip_;
  const int max_prelogin_per_ip_;
  // Guarded by mu_. A session's id is its slot: 16 bytes per connection (a hash map
  // node and its bucket cost ~56), and freed slots are reused first.
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<Closable>> slots_;
  std::vector<uint64_t> free_;  // slots not in use
  size_t count_ = 0;            // slots in use
  std::map<std::string, int> per_ip_;
  size_t prelogin_count_ = 0;
  std::map<std::string, int> prelogin_per_ip_;  // only addresses with a pre-login session
};

struct ListenerOptions {
  std::string name;  // "http", "device", … (logs and the endpoint list)
  std::string address = "0.0.0.0";
  int port = 0;  // 0 = a free port chosen by the OS
  int max_connections = 10000;
  int max_connections_per_ip = 0;
  // Sessions start pre-login (hub listeners); the two bounds below apply only then.
  bool prelogin = false;
  int max_prelogin_per_ip = 0;  // 0 = unlimited
  int fd_reserve = 0;           // 0 = no reserve
  std::chrono::milliseconds accept_backoff_max{1000};
  std::chrono::milliseconds log_interval{10000};
};

// What a listener counted since it opened (read by GET /metrics). Any thread.
struct ListenerStats {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> refused_max_connections{0};  // max_connections or per-IP bound
  std::atomic<uint64_t> refused_prelogin_per_ip{0};
  std::atomic<uint64_t> refused_fd_reserve{0};
  std::atomic<uint64_t> accept_errors{0};
};

// The descriptor number from which pre-login connections are refused: limit − reserve,
// the reserve being at most half the limit; 0 (no ceiling) when reserve ≤ 0 or the
// limit is unlimited. Pure.
int FdCeiling(uint64_t fd_limit, int reserve);
// The same for this process (RLIMIT_NOFILE's soft limit); *limit gets the limit.
int ProcessFdCeiling(int reserve, uint64_t* limit = nullptr);

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Called on the session's loop with the accepted socket and its ticket.
  using Factory = std::function<void(Socket, SessionTicket)>;

  // Binds and listens (SO_REUSEADDR). Fails with kHubInternal and a detail naming the
  // address when the port cannot be bound.
  static Result<std::shared_ptr<Listener>> Open(IoPool& pool, ListenerOptions options,
                                                Factory factory);

  const std::string& name() const { return options_.name; }
  // The bound port (the real one when options.port was 0).
  uint16_t port() const { return port_; }
  // Begins accepting.
  void Start();
  // Stops accepting; open sessions are not affected.
  void Stop();
  // Asks every session of this listener to close.
  void CloseSessions() { registry_->CloseAll(); }
  size_t session_count() const { return registry_->size(); }
  size_t prelogin_count() const { return registry_->prelogin_size(); }
  const ListenerStats& stats() const { return stats_; }

  Listener(IoPool& pool, ListenerOptions options, Factory factory);

 private:
  enum Refusal { kRefusedLimit, kRefusedPrelogin, kRefusedFdReserve, kRefusals };
  void Accept();
  void OnAccepted(Socket socket, boost::asio::io_context& loop);
  void OnAcceptError(const boost::system::error_code& ec);
  void Refuse(Socket& socket, const std::string& ip, Refusal why);

  IoPool& pool_;
  ListenerOptions options_;
  Factory factory_;
  boost::asio::ip::tcp::acceptor acceptor_;  // runs on loop 0
  std::shared_ptr<SessionRegistry> registry_;
  uint16_t port_ = 0;
  int fd_ceiling_ = 0;  // 0 = none (FdCeiling)
  ListenerStats stats_;
  // Loop 0 only (the acceptor's):
  boost::asio::steady_timer retry_timer_;
  Backoff backoff_;
  LogThrottle error_log_;
  LogThrottle refusal_log_[kRefusals];
};

// Prometheus text of every listener's counters: krypton_connections_refused_total
// {listener, reason}, krypton_accept_errors_total{listener}, and the gauges
// krypton_connections_open{listener} and krypton_connections_prelogin{listener}.
std::string ListenerMetricsText(const std::vector<std::shared_ptr<Listener>>& listeners);

}  // namespace krypton::net

#endif  // KRYPTON_NET_LISTENER_H_
