#include "hub/app_connection.h"

#include <spdlog/spdlog.h>

#include <array>

#include "hub/reply.h"

namespace krypton::hub {
namespace {

struct AppAction {
  std::string_view name;
  AppActionFn fn;
  bool needs_login;
};

// The app side's action table (§4). appGroupSend is deliberately absent → 1400016 (§4.8).
constexpr std::array<AppAction, 6> kAppActions = {{
    {"appLogin", AppLogin, false},
    {"heartbeat", AppHeartbeat, false},
    {"appSend", AppRelay, true},
    {"devUpgrade", AppRelay, true},
    {"devSync", AppRelay, true},
    {"reportAppLog", ReportAppLog, true},
}};

}  // namespace

AppConnection::AppConnection(AppHub& hub, std::shared_ptr<net::LineSession> session)
    : hub_(hub), session_(session), executor_(session->executor()) {}

void AppConnection::OnLine(std::string_view line) {
  Envelope e;
  if (Status s = ParseEnvelope(line, &e); !s.ok()) return Send(ErrorFrame(e.msg_id, "", s));
  for (const AppAction& a : kAppActions) {
    if (a.name != e.action) continue;
    if (a.needs_login && !logged_in_) return ReplyError(e, Status(Code::kHubAppNotLoggedIn));
    return a.fn(*this, e);
  }
  ReplyError(e, Status(Code::kHubActionNotSupported));
}

void AppConnection::OnOverflow() { Send(ErrorFrame("0", "", Status(Code::kHubJsonParse))); }

void AppConnection::OnClosed() {
  closed_ = true;
  if (logged_in_) hub_.Unregister(uid_, this);
  logged_in_ = false;
}

void AppConnection::Push(std::string frame) {
  if (!closed_ && logged_in_) Send(std::move(frame));
}

void AppConnection::Kicked() {
  if (closed_ || !logged_in_) return;
  spdlog::info("app {} of user {} logged in elsewhere; closing this session", app_tid_, uid_);
  logged_in_ = false;  // already removed from the registry by the newcomer
  Send(ErrorFrame("0", "", Status(Code::kHubAppRepeatLogin)));
  if (auto s = session_.lock()) s->CloseAfterFlush();
}

void AppConnection::LoggedIn(std::string uid, std::string app_tid) {
  logged_in_ = true;
  uid_ = std::move(uid);
  app_tid_ = std::move(app_tid);
  const auto& hub = hub_.ctx().config.hub;
  if (auto s = session_.lock()) {
    s->LoggedIn(std::chrono::seconds(hub.idle_timeout_s + hub.idle_grace_s));
  }
  hub_.Register(uid_, app_tid_, executor_, weak_from_this());
}

void AppConnection::Reply(const Envelope& e, std::string_view params_json) {
  Send(SuccessFrame(e.msg_id, e.action, hub_.ctx().config.hub.success_code, params_json));
}

void AppConnection::ReplyError(const Envelope& e, const Status& error) {
  if (!error.detail().empty()) {
    spdlog::debug("app {} {}: {} ({})", uid_, e.action, error.number(), error.detail());
  }
  Send(ErrorFrame(e.msg_id, e.action, error));
}

void AppConnection::Send(std::string frame) {
  if (auto s = session_.lock()) s->Send(std::move(frame));
}

}  // namespace krypton::hub
