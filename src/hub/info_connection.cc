#include "hub/info_connection.h"

#include <array>

#include "hub/reply.h"

namespace krypton::hub {
namespace {

using InfoActionFn = void (*)(InfoConnection&, const Envelope&);

void InfoHeartbeat(InfoConnection& conn, const Envelope& e) { conn.Reply(e, {}, {}); }

// The info service's action table.
constexpr std::array<std::pair<std::string_view, InfoActionFn>, 3> kInfoActions = {{
    {"getProdInfo", GetProdInfo},
    {"getAppDomain", GetAppDomain},
    {"heartbeat", InfoHeartbeat},
}};

}  // namespace

void StartInfoConnection(HubContext& ctx, net::Socket socket, net::SessionTicket ticket) {
  const auto& hub = ctx.config.hub;
  net::LineSessionOptions options;
  options.max_line_bytes = static_cast<size_t>(hub.max_line_bytes);
  options.max_pending_writes = static_cast<size_t>(hub.max_pending_writes);
  options.one_message_per_write = true;  // devices talk to this service too (D5)
  // A dispatch connection never logs in: its whole life is bounded by the login
  // deadline, counted from accept (issue 14 §4, docs/security/conns.md), and it counts
  // as pre-login in its listener until it closes.
  options.timeout = std::chrono::seconds(hub.login_timeout_s);
  options.timeout_from_start = true;
  auto session = net::LineSession::Create(std::move(socket), std::move(ticket), options);
  session->Start(std::make_shared<InfoConnection>(ctx, session));
}

void InfoConnection::OnLine(std::string_view line) {
  Envelope e;
  if (Status s = ParseEnvelope(line, &e); !s.ok()) return Send(ErrorFrame(e.msg_id, "", s));
  for (const auto& [name, fn] : kInfoActions) {
    if (name == e.action) return fn(*this, e);
  }
  ReplyError(e, Status(Code::kHubActionNotSupported));
}

void InfoConnection::OnOverflow() { Send(ErrorFrame("0", "", Status(Code::kHubJsonParse))); }

void InfoConnection::Reply(const Envelope& e, std::string_view params_json,
                           std::string_view dc_info_json) {
  Send(SuccessFrame(e.msg_id, e.action, ctx_.config.hub.success_code, params_json, dc_info_json));
}

void InfoConnection::ReplyError(const Envelope& e, const Status& error) {
  Send(ErrorFrame(e.msg_id, e.action, error));
}

void InfoConnection::Send(std::string frame) {
  if (auto s = session_.lock()) s->Send(std::move(frame));
}

}  // namespace krypton::hub
