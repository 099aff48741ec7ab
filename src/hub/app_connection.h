// AppConnection: the hub side of one app connection, TCP or WebSocket alike
// (hub-protocol.md §4, §7.2). CONNECTED until a successful appLogin, then LOGGED_IN.
// Actions: the table in app_connection.cc, handlers in src/hub/actions/app_*.cc.
// Every method runs on the connection's loop; no member needs a lock.
#ifndef KRYPTON_HUB_APP_CONNECTION_H_
#define KRYPTON_HUB_APP_CONNECTION_H_

#include <memory>
#include <string>

#include "hub/app_hub.h"
#include "hub/envelope.h"
#include "net/line_session.h"

namespace krypton::hub {

class AppConnection final : public net::LineHandler,
                            public std::enable_shared_from_this<AppConnection> {
 public:
  AppConnection(AppHub& hub, std::shared_ptr<net::LineSession> session);

  void OnLine(std::string_view line) override;
  void OnOverflow() override;
  void OnClosed() override;

  // A push (devSend, devLogin, devLogout, …) for this app. Session loop only.
  void Push(std::string frame);
  // A newer session of the same (uid, appTid) logged in (D8).
  void Kicked();

  // ---- For the action handlers ----
  AppHub& hub() { return hub_; }
  void Reply(const Envelope& e, std::string_view params_json = {});
  void ReplyError(const Envelope& e, const Status& error);
  void Send(std::string frame);
  boost::asio::any_io_executor executor() { return executor_; }
  std::weak_ptr<AppConnection> weak() { return weak_from_this(); }

  bool logged_in() const { return logged_in_; }
  const std::string& uid() const { return uid_; }
  const std::string& app_tid() const { return app_tid_; }
  void LoggedIn(std::string uid, std::string app_tid);

 private:
  AppHub& hub_;
  std::weak_ptr<net::LineSession> session_;
  boost::asio::any_io_executor executor_;
  bool logged_in_ = false;
  bool closed_ = false;
  std::string uid_;
  std::string app_tid_;
};

using AppActionFn = void (*)(AppConnection& conn, const Envelope& e);

// Handlers (src/hub/actions/).
void AppLogin(AppConnection& conn, const Envelope& e);      // app_login.cc
void AppHeartbeat(AppConnection& conn, const Envelope& e);  // app_login.cc
void ReportAppLog(AppConnection& conn, const Envelope& e);  // app_login.cc
void AppRelay(AppConnection& conn, const Envelope& e);  // app_send.cc: appSend, devUpgrade, devSync

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_APP_CONNECTION_H_
