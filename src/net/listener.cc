#include "net/listener.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace krypton::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The first rest of the acceptor after a failed accept (descriptors exhausted); it
// doubles per failure up to ListenerOptions::accept_backoff_max.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

SessionTicket::~SessionTicket() {
  if (registry_) registry_->Release(id_ & ~kPreloginBit, ip_, prelogin());
}

void SessionTicket::Attach(std::weak_ptr<Closable> session) {
  if (registry_) registry_->Attach(id_ & ~kPreloginBit, std::move(session));
}

void SessionTicket::LoggedIn() {
  if (!prelogin()) return;
  id_ &= ~kPreloginBit;
  if (registry_) registry_->LeavePrelogin(ip_);
}

SessionRegistry::Admission SessionRegistry::Admit(const std::string& ip, bool prelogin,
                                                  uint64_t* id) {
  std::lock_guard lock(mu_);
  if (count_ >= static_cast<size_t>(max_connections_)) return Admission::kFull;
  if (max_per_ip_ > 0) {
    auto it = per_ip_.find(ip);
    if (it != per_ip_.end() && it->second >= max_per_ip_) return Admission::kPerIpFull;
  }
  if (prelogin && max_prelogin_per_ip_ > 0) {
    auto it = prelogin_per_ip_.find(ip);
    if (it != prelogin_per_ip_.end() && it->second >= max_prelogin_per_ip_) {
      return Admission::kPreloginPerIpFull;
    }
  }
  ++per_ip_[ip];
  ++count_;
  if (prelogin) {
    ++prelogin_per_ip_[ip];
    ++prelogin_count_;
  }
  if (free_.empty()) {
    *id = slots_.size();
    slots_.emplace_back();
  } else {
    *id = free_.back();
    free_.pop_back();
  }
  return Admission::kAdmitted;
}

void SessionRegistry::Attach(uint64_t id, std::weak_ptr<Closable> session) {
  std::lock_guard lock(mu_);
  if (id < slots_.size()) slots_[id] = std::move(session);
}

void SessionRegistry::Release(uint64_t id, const std::string& ip, bool prelogin) {
  std::lock_guard lock(mu_);
  if (id >= slots_.size()) return;
  slots_[id].reset();
  free_.push_back(id);
  --count_;
  auto it = per_ip_.find(ip);
  if (it != per_ip_.end() && --it->second <= 0) per_ip_.erase(it);
  if (prelogin) {
    auto p = prelogin_per_ip_.find(ip);
    if (p != prelogin_per_ip_.end() && --p->second <= 0) prelogin_per_ip_.erase(p);
    if (prelogin_count_ > 0) --prelogin_count_;
  }
}

void SessionRegistry::LeavePrelogin(const std::string& ip) {
  std::lock_guard lock(mu_);
  auto p = prelogin_per_ip_.find(ip);
  if (p != prelogin_per_ip_.end() && --p->second <= 0) prelogin_per_ip_.erase(p);
  if (prelogin_count_ > 0) --prelogin_count_;
}

void SessionRegistry::CloseAll() {
  // Snapshot under the lock, close outside it: Close() may end in Release().
  std::vector<std::shared_ptr<Closable>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& weak : slots_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Close();
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return count_;
}

size_t SessionRegistry::prelogin_size() const {
  std::lock_guard lock(mu_);
  return prelogin_count_;
}

int SessionRegistry::prelogin_of(const std::string& ip) const {
  std::lock_guard lock(mu_);
  auto it = prelogin_per_ip_.find(ip);
  return it == prelogin_per_ip_.end() ? 0 : it->second;
}

int FdCeiling(uint64_t fd_limit, int reserve) {
  if (reserve <= 0 || fd_limit == 0 || fd_limit > static_cast<uint64_t>(INT32_MAX)) return 0;
  int limit = static_cast<int>(fd_limit);
  return limit - std::min(reserve, limit / 2);
}

int ProcessFdCeiling(int reserve, uint64_t* limit) {
  rlimit rl{};
  uint64_t cur = 0;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) cur = rl.rlim_cur;
  if (limit != nullptr) *limit = cur;
  return FdCeiling(cur, reserve);
}

Listener::Listener(IoPool& pool, ListenerOptions options, Factory factory)
    : pool_(pool),
      options_(std::move(options)),
      factory_(std::move(factory)),
      acceptor_(pool.At(0)),
      registry_(std::make_shared<SessionRegistry>(
          options_.max_connections, options_.max_connections_per_ip,
          options_.prelogin ? options_.max_prelogin_per_ip : 0)),
      fd_ceiling_(options_.prelogin ? ProcessFdCeiling(options_.fd_reserve) : 0),
      retry_timer_(pool.At(0)),
      backoff_(kAcceptRetryDelay, options_.accept_backoff_max),
      error_log_(options_.log_interval),
      refusal_log_{LogThrottle(options_.log_interval), LogThrottle(options_.log_interval),
                   LogThrottle(options_.log_interval)} {}

Result<std::shared_ptr<Listener>> Listener::Open(IoPool& pool, ListenerOptions options,
                                                 Factory factory) {
  auto listener = std::make_shared<Listener>(pool, std::move(options), std::move(factory));
  const ListenerOptions& o = listener->options_;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.address, ec);
  if (ec) {
    return Status(Code::kHubInternal).WithDetail(o.name + ": bad listen address " + o.address);
  }
  tcp::endpoint endpoint(address, static_cast<uint16_t>(o.port));
  auto& acc = listener->acceptor_;
  if (acc.open(endpoint.protocol(), ec); !ec) {
    acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(endpoint, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Status(Code::kHubInternal)
        .WithDetail(o.name + ": cannot listen on " + o.address + ":" + std::to_string(o.port) +
                    ": " + ec.message());
  }
  listener->port_ = acc.local_endpoint().port();
  return listener;
}

void Listener::Start() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
}

void Listener::Stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::Accept() {
  asio::io_context& loop = pool_.Next();
  acceptor_.async_accept(
      loop, [self = shared_from_this(), &loop](boost::system::error_code ec, Socket socket) {
        if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
        if (ec) return self->OnAcceptError(ec);
        self->OnAccepted(std::move(socket), loop);
        self->Accept();
      });
}

void Listener::OnAccepted(Socket socket, asio::io_context& loop) {
  backoff_.Reset();
  stats_.accepted.fetch_add(1, std::memory_order_relaxed);
  boost::system::error_code ep_ec;
  auto remote = socket.remote_endpoint(ep_ec);
  std::string ip = ep_ec ? std::string() : remote.address().to_string();
  // The descriptor reserve: a pre-login connection may not hold one of the top
  // descriptors (FdCeiling), which stay for HTTP and logged-in sessions.
  if (fd_ceiling_ > 0 && socket.native_handle() >= fd_ceiling_) {
    return Refuse(socket, ip, kRefusedFdReserve);
  }
  uint64_t id = 0;
  switch (registry_->Admit(ip, options_.prelogin, &id)) {
    case SessionRegistry::Admission::kAdmitted:
      break;
    case SessionRegistry::Admission::kPreloginPerIpFull:
      return Refuse(socket, ip, kRefusedPrelogin);
    case SessionRegistry::Admission::kFull:
    case SessionRegistry::Admission::kPerIpFull:
      return Refuse(socket, ip, kRefusedLimit);
  }
  SessionTicket ticket(registry_, id, ip, options_.prelogin);
  asio::post(loop, [self = shared_from_this(), socket = std::move(socket),
                    ticket = std::move(ticket)]() mutable {
    self->factory_(std::move(socket), std::move(ticket));
  });
}

void Listener::Refuse(Socket& socket, const std::string& ip, Refusal why) {
  std::atomic<uint64_t>* counter = &stats_.refused_max_connections;
  if (why == kRefusedPrelogin) counter = &stats_.refused_prelogin_per_ip;
  if (why == kRefusedFdReserve) counter = &stats_.refused_fd_reserve;
  counter->fetch_add(1, std::memory_order_relaxed);
  uint64_t suppressed = 0;
  if (refusal_log_[why].Allow(LogThrottle::Clock::now(), &suppressed)) {
    std::string reason;
    switch (why) {
      case kRefusedLimit:
        reason = "connection limit reached (max_connections " +
                 std::to_string(options_.max_connections) + ", per IP " +
                 std::to_string(options_.max_connections_per_ip) + ")";
        break;
      case kRefusedPrelogin:
        reason = "pre-login connections per IP reached (net.max_prelogin_per_ip " +
                 std::to_string(options_.max_prelogin_per_ip) + ")";
        break;
      default:
        reason = "descriptor reserve (descriptor " + std::to_string(socket.native_handle()) +
                 " >= " + std::to_string(fd_ceiling_) + ", net.fd_reserve " +
                 std::to_string(options_.fd_reserve) + ")";
        break;
    }
    spdlog::warn(
        "{}: closing a new connection from {}: {}; {} more refused for this reason since the "
        "last line",
        options_.name, ip, reason, suppressed);
  }
  boost::system::error_code ignored;
  socket.close(ignored);
}

void Listener::OnAcceptError(const boost::system::error_code& ec) {
  // EMFILE and friends: the pending connection stays in the backlog, so accepting again
  // at once would spin; rest (doubling per failure, bounded) and log at most one line
  // per interval.
  stats_.accept_errors.fetch_add(1, std::memory_order_relaxed);
  std::chrono::milliseconds delay = backoff_.Next();
  uint64_t suppressed = 0;
  if (error_log_.Allow(LogThrottle::Clock::now(), &suppressed)) {
    spdlog::warn("{}: accept failed: {}; retrying in {} ms; {} more failure(s) since the last line",
                 options_.name, ec.message(), delay.count(), suppressed);
  }
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
    if (wait_ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    self->Accept();
  });
}

std::string ListenerMetricsText(const std::vector<std::shared_ptr<Listener>>& listeners) {
  std::string out;
  auto head = [&out](std::string_view name, std::string_view help, std::string_view type) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
    out.append(name).append(" ").append(type).append("\n");
  };
  auto line = [&out](std::string_view name, const std::string& labels, uint64_t v) {
    out.append(name).append("{").append(labels).append("} ").append(std::to_string(v));
    out.append("\n");
  };
  auto load = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  // Listener names are fixed identifiers ("device", "app_ws", …): nothing to escape.
  head("krypton_connections_refused_total",
       "Connections closed at accept, per listener and reason.", "counter");
  for (const auto& l : listeners) {
    std::string base = "listener=\"" + l->name() + "\",reason=\"";
    line("krypton_connections_refused_total", base + "max_connections\"",
         load(l->stats().refused_max_connections));
    line("krypton_connections_refused_total", base + "prelogin_per_ip\"",
         load(l->stats().refused_prelogin_per_ip));
    line("krypton_connections_refused_total", base + "fd_reserve\"",
         load(l->stats().refused_fd_reserve));
  }
  head("krypton_accept_errors_total", "Failed accept() calls (e.g. descriptors exhausted).",
       "counter");
  for (const auto& l : listeners) {
    line("krypton_accept_errors_total", "listener=\"" + l->name() + "\"",
         load(l->stats().accept_errors));
  }
  head("krypton_connections_open", "Open connections per listener.", "gauge");
  for (const auto& l : listeners) {
    line("krypton_connections_open", "listener=\"" + l->name() + "\"", l->session_count());
  }
  head("krypton_connections_prelogin", "Hub connections not logged in yet, per listener.", "gauge");
  for (const auto& l : listeners) {
    line("krypton_connections_prelogin", "listener=\"" + l->name() + "\"", l->prelogin_count());
  }
  return out;
}

}  // namespace krypton::net
