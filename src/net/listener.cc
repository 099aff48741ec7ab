#include "net/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/dispatch.hpp>
#include <spdlog/spdlog.h>

#include <vector>

namespace krypton::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// How long the acceptor rests after a failed accept (descriptors exhausted) before retrying.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

SessionTicket::~SessionTicket() {
  if (registry_) registry_->Release(id_, ip_);
}

void SessionTicket::Attach(std::weak_ptr<Closable> session) {
  if (registry_) registry_->Attach(id_, std::move(session));
}

bool SessionRegistry::Reserve(const std::string& ip, uint64_t* id) {
  std::lock_guard lock(mu_);
  if (count_ >= static_cast<size_t>(max_connections_)) return false;
  int& n = per_ip_[ip];
  if (max_per_ip_ > 0 && n >= max_per_ip_) {
    if (n == 0) per_ip_.erase(ip);
    return false;
  }
  ++n;
  ++count_;
  if (free_.empty()) {
    *id = slots_.size();
    slots_.emplace_back();
  } else {
    *id = free_.back();
    free_.pop_back();
  }
  return true;
}

void SessionRegistry::Attach(uint64_t id, std::weak_ptr<Closable> session) {
  std::lock_guard lock(mu_);
  if (id < slots_.size()) slots_[id] = std::move(session);
}

void SessionRegistry::Release(uint64_t id, const std::string& ip) {
  std::lock_guard lock(mu_);
  if (id >= slots_.size()) return;
  slots_[id].reset();
  free_.push_back(id);
  --count_;
  auto it = per_ip_.find(ip);
  if (it != per_ip_.end() && --it->second <= 0) per_ip_.erase(it);
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

Listener::Listener(IoPool& pool, ListenerOptions options, Factory factory)
    : pool_(pool),
      options_(std::move(options)),
      factory_(std::move(factory)),
      acceptor_(pool.At(0)),
      registry_(std::make_shared<SessionRegistry>(options_.max_connections,
                                                  options_.max_connections_per_ip)) {}

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
  });
}

void Listener::Accept() {
  asio::io_context& loop = pool_.Next();
  acceptor_.async_accept(loop, [self = shared_from_this(), &loop](boost::system::error_code ec,
                                                                   Socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (!ec) {
      boost::system::error_code ep_ec;
      auto remote = socket.remote_endpoint(ep_ec);
      std::string ip = ep_ec ? std::string() : remote.address().to_string();
      uint64_t id = 0;
      if (self->registry_->Reserve(ip, &id)) {
        SessionTicket ticket(self->registry_, id, ip);
        asio::post(loop, [self, socket = std::move(socket), ticket = std::move(ticket)]() mutable {
          self->factory_(std::move(socket), std::move(ticket));
        });
      } else {
        spdlog::debug("{}: connection limit reached, closing a connection from {}",
                      self->options_.name, ip);
        socket.close(ep_ec);
      }
    } else {
      // EMFILE and friends: the pending connection stays in the backlog, so accepting again
      // at once would spin; wait a little (kAcceptRetryDelay) and try again.
      spdlog::warn("{}: accept failed: {}", self->options_.name, ec.message());
      auto timer = std::make_shared<asio::steady_timer>(self->acceptor_.get_executor());
      timer->expires_after(kAcceptRetryDelay);
      timer->async_wait([self, timer](const boost::system::error_code&) { self->Accept(); });
      return;
    }
    self->Accept();
  });
}

}  // namespace krypton::net
