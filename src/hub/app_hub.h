// The app hub (hub-protocol.md §4, §7.2): app sessions over TCP and WebSocket, their
// registry, command relay to devices and the fan-out of device pushes.
//
// Routing: AppHub subscribes to the bus. A device report is published on the device's
// loop; AppHub asks the AccessPolicy for the audience (owner + unexpired grantees),
// finds their logged-in app sessions in that loop's copy of the registry (no lock on
// this per-message path; logins and logouts post a refresh of one uid to every loop),
// builds the push frame once and posts it to each session's loop. A session's outgoing
// queue is bounded (hub.max_pending_writes); a consumer that falls behind is closed
// and does not slow the others.
//
// Duplicate login (D8): the newest (uid, appTid) session wins when
// hub.app_kick_same_apptid is true; the old one gets errorResp 1400009 and is closed.
//
// Lifetime: the AppHub outlives its listeners and sessions; it must be unsubscribed
// from the bus (destructor) before the bus goes.
#ifndef KRYPTON_HUB_APP_HUB_H_
#define KRYPTON_HUB_APP_HUB_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bus/bus.h"
#include "hub/access.h"
#include "hub/context.h"
#include "net/io_pool.h"
#include "net/listener.h"

namespace krypton::hub {

class AppConnection;

// Verifies an access JWT (appLogin's token) and returns its uid; 1400002 when it is
// malformed, badly signed or expired.
using TokenVerifier = std::function<Result<std::string>(std::string_view token)>;

class AppHub final : public bus::Subscriber {
 public:
  AppHub(HubContext& ctx, AccessPolicy& access, TokenVerifier verify,
         std::vector<boost::asio::any_io_executor> loops);
  ~AppHub() override;

  // bus::Subscriber — runs on the publishing device's loop.
  void OnReport(const bus::DeviceReport& report) override;
  void OnPresence(const bus::PresenceEvent& event) override;
  void OnUserPush(const bus::UserPush& push) override;
  // kAccess (a bind, unbind or share changed, devices/devices.h): the access cache forgets.
  void OnChange(const bus::ChangeEvent& event) override;

  HubContext& ctx() { return ctx_; }
  AccessPolicy& access() { return access_; }
  const TokenVerifier& verify() const { return verify_; }

  // Registers a logged-in session (its loop's executor); kicks an older session of
  // the same (uid, appTid) per D8.
  void Register(const std::string& uid, const std::string& app_tid,
                boost::asio::any_io_executor executor, std::weak_ptr<AppConnection> conn);
  // Removes the session's entry (compare by identity).
  void Unregister(const std::string& uid, const AppConnection* conn);
  // Logged-in app sessions (all loops).
  size_t session_count();

 private:
  struct Entry {
    std::string app_tid;
    boost::asio::any_io_executor executor;
    std::weak_ptr<AppConnection> conn;
    const AppConnection* raw = nullptr;
  };
  using Map = std::unordered_map<std::string, std::vector<Entry>>;  // uid → sessions

  void RefreshLoops(const std::string& uid);
  // Calls fn(entry) for each session of `uid`: from this loop's copy when called on a
  // loop (no lock, no copy — the fan-out path), else from the master under the lock.
  template <typename Fn>
  void ForEachSession(const std::string& uid, Fn&& fn);
  // False when no app session is logged in (this loop's copy when on a loop): then a
  // fan-out has nobody to reach and need not ask who may see the device.
  bool AnySession();
  void Fanout(const std::vector<std::string>& audience, const std::string& app_tids_json,
              const std::string& frame);

  HubContext& ctx_;
  AccessPolicy& access_;
  TokenVerifier verify_;
  std::vector<boost::asio::any_io_executor> loops_;
  std::mutex mu_;
  Map master_;                               // guarded by mu_
  std::vector<std::unique_ptr<Map>> local_;  // local_[i] touched only on loop i
};

// Listeners for the app hub: JSON lines over TCP (or TLS), and WebSocket (or WSS).
Result<std::shared_ptr<net::Listener>> OpenAppTcpListener(net::IoPool& pool, AppHub& hub, int port,
                                                          boost::asio::ssl::context* tls = nullptr);
Result<std::shared_ptr<net::Listener>> OpenAppWsListener(net::IoPool& pool, AppHub& hub, int port,
                                                         boost::asio::ssl::context* tls = nullptr);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_APP_HUB_H_
