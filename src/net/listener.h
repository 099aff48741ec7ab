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
// accepted and closed at once (logged at debug), so the backlog never fills.
//
// Thread-safety: Open/Start/Stop/CloseAll from any thread; the factory runs on the
// loop that will own the session.
#ifndef KRYPTON_NET_LISTENER_H_
#define KRYPTON_NET_LISTENER_H_

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/io_pool.h"

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
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                boost::asio::io_context::executor_type>;

// Held by a session for as long as it counts towards the listener's limits; the
// destructor removes it from the registry.
class SessionTicket {
 public:
  SessionTicket() = default;
  SessionTicket(std::shared_ptr<SessionRegistry> registry, uint64_t id, std::string ip)
      : registry_(std::move(registry)), id_(id), ip_(std::move(ip)) {}
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

 private:
  std::shared_ptr<SessionRegistry> registry_;
  uint64_t id_ = 0;
  std::string ip_;
};

class SessionRegistry {
 public:
  SessionRegistry(int max_connections, int max_per_ip)
      : max_connections_(max_connections), max_per_ip_(max_per_ip) {}

  // Reserves a slot for a connection from `ip`; false when a bound is reached.
  bool Reserve(const std::string& ip, uint64_t* id);
  void Attach(uint64_t id, std::weak_ptr<Closable> session);
  void Release(uint64_t id, const std::string& ip);
  // Asks every registered session to close.
  void CloseAll();
  size_t size() const;

 private:
  const int max_connections_;
  const int max_per_ip_;
  // Guarded by mu_. A session's id is its slot: 16 bytes per connection (a hash map
  // node and its bucket cost ~56), and freed slots are reused first.
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<Closable>> slots_;
  std::vector<uint64_t> free_;  // slots not in use
  size_t count_ = 0;            // slots in use
  std::map<std::string, int> per_ip_;
};

struct ListenerOptions {
  std::string name;  // "http", "device", … (logs and the endpoint list)
  std::string address = "0.0.0.0";
  int port = 0;  // 0 = a free port chosen by the OS
  int max_connections = 10000;
  int max_connections_per_ip = 0;
};

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

  Listener(IoPool& pool, ListenerOptions options, Factory factory);

 private:
  void Accept();

  IoPool& pool_;
  ListenerOptions options_;
  Factory factory_;
  boost::asio::ip::tcp::acceptor acceptor_;  // runs on loop 0
  std::shared_ptr<SessionRegistry> registry_;
  uint16_t port_ = 0;
};

}  // namespace krypton::net

#endif  // KRYPTON_NET_LISTENER_H_
