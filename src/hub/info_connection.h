// InfoConnection: one connection to the dispatch (info) service (hub-protocol.md §3.1,
// §1.6): getProdInfo for devices, getAppDomain for apps, heartbeat. Several requests
// per connection are allowed; the connection closes hub.login_timeout_s after accept,
// whatever it sends (it never logs in, so it stays a pre-login connection for the
// listener's limits: docs/security/conns.md). Runs on its session's loop; no state
// beyond the session.
#ifndef KRYPTON_HUB_INFO_CONNECTION_H_
#define KRYPTON_HUB_INFO_CONNECTION_H_

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "hub/context.h"
#include "hub/envelope.h"
#include "net/line_session.h"

namespace krypton::hub {

class InfoConnection final : public net::LineHandler {
 public:
  InfoConnection(HubContext& ctx, std::shared_ptr<net::LineSession> session)
      : ctx_(ctx), session_(session) {}

  void OnLine(std::string_view line) override;
  void OnOverflow() override;
  void OnClosed() override {}

  HubContext& ctx() { return ctx_; }
  void Reply(const Envelope& e, std::string_view params_json, std::string_view dc_info_json);
  void ReplyError(const Envelope& e, const Status& error);

 private:
  void Send(std::string frame);
  HubContext& ctx_;
  std::weak_ptr<net::LineSession> session_;
};

void StartInfoConnection(HubContext& ctx, net::Socket socket,
                         net::SessionTicket ticket);  // plain TCP only (spec §1.2)

// Handlers (src/hub/actions/get_prod_info.cc).
void GetProdInfo(InfoConnection& conn, const Envelope& e);
void GetAppDomain(InfoConnection& conn, const Envelope& e);

// The dcInfo object Krypton answers (domain = hub.public_domain).
std::string DcInfoJson(const HubContext& ctx, bool with_timestamp);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_INFO_CONNECTION_H_
