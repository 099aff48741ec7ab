#include "hub/app_hub.h"

#include <simdjson.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "hub/app_connection.h"
#include "hub/hub.h"
#include "hub/reply.h"
#include "net/ws_session.h"

namespace krypton::hub {

namespace asio = boost::asio;

namespace {

// The appTids a report narrows delivery to (§3.5); empty = every allowed app.
std::vector<std::string> AppTids(const std::string& json) {
  std::vector<std::string> out;
  if (json.size() <= 2) return out;
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(json).get_array().get(arr) != simdjson::SUCCESS) return out;
  for (auto v : arr) {
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

net::LineSessionOptions AppSessionOptions(const config::Config& config) {
  net::LineSessionOptions o;
  o.max_line_bytes = static_cast<size_t>(config.hub.max_line_bytes);
  o.max_pending_writes = static_cast<size_t>(config.hub.max_pending_writes);
  o.one_message_per_write = false;  // apps may get coalesced writes (D5)
  // The absolute login deadline (issue 14 §4); AppConnection::LoggedIn ends it.
  o.timeout = std::chrono::seconds(config.hub.login_timeout_s);
  o.timeout_from_start = true;
  return o;
}

}  // namespace

AppHub::AppHub(HubContext& ctx, AccessPolicy& access, TokenVerifier verify,
               std::vector<asio::any_io_executor> loops)
    : ctx_(ctx), access_(access), verify_(std::move(verify)), loops_(std::move(loops)) {
  for (size_t i = 0; i < loops_.size(); ++i) local_.push_back(std::make_unique<Map>());
  ctx_.bus.Subscribe(this);
}

AppHub::~AppHub() { ctx_.bus.Unsubscribe(this); }

void AppHub::Register(const std::string& uid, const std::string& app_tid,
                      asio::any_io_executor executor, std::weak_ptr<AppConnection> conn) {
  std::vector<Entry> kicked;
  {
    std::lock_guard lock(mu_);
    std::vector<Entry>& list = master_[uid];
    if (ctx_.config.hub.app_kick_same_apptid) {
      auto same = [&](const Entry& e) { return e.app_tid == app_tid; };
      std::copy_if(list.begin(), list.end(), std::back_inserter(kicked), same);
      list.erase(std::remove_if(list.begin(), list.end(), same), list.end());
    }
    const AppConnection* raw = conn.lock().get();
    list.push_back(Entry{app_tid, std::move(executor), std::move(conn), raw});
  }
  RefreshLoops(uid);
  for (Entry& e : kicked) {
    asio::post(e.executor, [c = e.conn] {
      if (auto conn = c.lock()) conn->Kicked();
    });
  }
}

void AppHub::Unregister(const std::string& uid, const AppConnection* conn) {
  {
    std::lock_guard lock(mu_);
    auto it = master_.find(uid);
    if (it == master_.end()) return;
    auto& list = it->second;
    size_t before = list.size();
    list.erase(
        std::remove_if(list.begin(), list.end(), [conn](const Entry& e) { return e.raw == conn; }),
        list.end());
    if (list.size() == before) return;
    if (list.empty()) master_.erase(it);
  }
  RefreshLoops(uid);
}

size_t AppHub::session_count() {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (auto& [uid, list] : master_) n += list.size();
  return n;
}

void AppHub::RefreshLoops(const std::string& uid) {
  for (size_t i = 0; i < loops_.size(); ++i) {
    asio::post(loops_[i], [this, i, uid] {
      std::vector<Entry> copy;
      {
        std::lock_guard lock(mu_);
        auto it = master_.find(uid);
        if (it != master_.end()) copy = it->second;
      }
      if (copy.empty()) {
        local_[i]->erase(uid);
      } else {
        (*local_[i])[uid] = std::move(copy);
      }
    });
  }
}

template <typename Fn>
void AppHub::ForEachSession(const std::string& uid, Fn&& fn) {
  int loop = net::IoPool::CurrentLoopIndex();
  if (loop >= 0 && static_cast<size_t>(loop) < local_.size()) {
    const Map& map = *local_[loop];
    auto it = map.find(uid);
    if (it != map.end()) {
      for (const Entry& e : it->second) fn(e);
    }
    return;
  }
  std::lock_guard lock(mu_);
  auto it = master_.find(uid);
  if (it == master_.end()) return;
  for (const Entry& e : it->second) fn(e);
}

bool AppHub::AnySession() {
  int loop = net::IoPool::CurrentLoopIndex();
  if (loop >= 0 && static_cast<size_t>(loop) < local_.size()) return !local_[loop]->empty();
  std::lock_guard lock(mu_);
  return !master_.empty();
}

void AppHub::Fanout(const std::vector<std::string>& audience, const std::string& app_tids_json,
                    const std::string& frame) {
  std::vector<std::string> only = AppTids(app_tids_json);
  auto shared = std::make_shared<const std::string>(frame);
  for (const std::string& uid : audience) {
    ForEachSession(uid, [&](const Entry& e) {
      if (!only.empty() && std::find(only.begin(), only.end(), e.app_tid) == only.end()) return;
      asio::post(e.executor, [c = e.conn, shared] {
        if (auto conn = c.lock()) conn->Push(*shared);
      });
    });
  }
}

void AppHub::OnReport(const bus::DeviceReport& report) {
  if (!AnySession()) return;
  // The ctrlKey comes with the audience (the device's current one, from the same cached
  // read), so a device session need not keep a copy.
  std::string ctrl_key;
  std::vector<std::string> audience = access_.Audience(report.dev_tid, &ctrl_key);
  if (audience.empty()) return;
  Fanout(audience, report.app_tids_json, DevSendPush(report, ctrl_key));
}

void AppHub::OnPresence(const bus::PresenceEvent& event) {
  if (!AnySession()) return;
  Fanout(access_.PresenceAudience(event.dev_tid), "[]", PresencePush(event));
}

void AppHub::OnUserPush(const bus::UserPush& push) {
  auto shared = std::make_shared<const std::string>(push.frame);
  ForEachSession(push.uid, [&](const Entry& e) {
    asio::post(e.executor, [c = e.conn, shared] {
      if (auto conn = c.lock()) conn->Push(*shared);
    });
  });
}

Result<std::shared_ptr<net::Listener>> OpenAppTcpListener(net::IoPool& pool, AppHub& hub, int port,
                                                          asio::ssl::context* tls) {
  return net::Listener::Open(pool, HubListenerOptions(hub.ctx(), tls ? "app_tls" : "app_tcp", port),
                             [&hub, tls](net::Socket socket, net::SessionTicket t) {
                               auto session = net::LineSession::Create(
                                   std::move(socket), std::move(t),
                                   AppSessionOptions(hub.ctx().config), tls);
                               session->Start(std::make_shared<AppConnection>(hub, session));
                             });
}

Result<std::shared_ptr<net::Listener>> OpenAppWsListener(net::IoPool& pool, AppHub& hub, int port,
                                                         asio::ssl::context* tls) {
  return net::Listener::Open(pool, HubListenerOptions(hub.ctx(), tls ? "app_wss" : "app_ws", port),
                             [&hub, tls](net::Socket socket, net::SessionTicket t) {
                               auto session =
                                   net::CreateWsSession(std::move(socket), std::move(t),
                                                        AppSessionOptions(hub.ctx().config), tls);
                               session->Start(std::make_shared<AppConnection>(hub, session));
                             });
}

}  // namespace krypton::hub
