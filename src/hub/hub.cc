#include "hub/hub.h"

#include "hub/device_connection.h"
#include "hub/info_connection.h"

namespace krypton::hub {

net::ListenerOptions HubListenerOptions(const HubContext& ctx, const char* name, int port) {
  net::ListenerOptions o;
  o.name = name;
  o.address = ctx.config.listen.address;
  o.port = port;
  o.max_connections = ctx.config.hub.max_connections;
  o.max_connections_per_ip = ctx.config.hub.max_connections_per_ip;
  // Every hub connection starts unauthenticated (issue 14 §4, docs/security/conns.md).
  const auto& net = ctx.config.net;
  o.prelogin = true;
  o.max_prelogin_per_ip = net.max_prelogin_per_ip;
  o.fd_reserve = net.fd_reserve;
  o.accept_backoff_max = std::chrono::milliseconds(net.accept_backoff_max_ms);
  o.log_interval = std::chrono::seconds(net.log_interval_s);
  return o;
}

Result<std::shared_ptr<net::Listener>> OpenInfoListener(net::IoPool& pool, HubContext& ctx,
                                                        int port) {
  return net::Listener::Open(pool, HubListenerOptions(ctx, "dispatch", port),
                             [&ctx](net::Socket socket, net::SessionTicket t) {
                               StartInfoConnection(ctx, std::move(socket), std::move(t));
                             });
}

Result<std::shared_ptr<net::Listener>> OpenDeviceListener(net::IoPool& pool, HubContext& ctx,
                                                          int port,
                                                          boost::asio::ssl::context* tls) {
  return net::Listener::Open(pool, HubListenerOptions(ctx, tls ? "device_tls" : "device", port),
                             [&ctx, tls](net::Socket socket, net::SessionTicket t) {
                               StartDeviceConnection(ctx, std::move(socket), std::move(t), tls);
                             });
}

}  // namespace krypton::hub
