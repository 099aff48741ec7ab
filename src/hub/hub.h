// The hub's listeners: dispatch (info) and the device hub. The app hub arrives with
// its own issue. Both listeners accept on loop 0 and run each connection on one loop.
#ifndef KRYPTON_HUB_HUB_H_
#define KRYPTON_HUB_HUB_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "common/status.h"
#include "hub/context.h"
#include "net/io_pool.h"
#include "net/listener.h"

namespace krypton::hub {

// The listener options every hub listener uses: the bind address, the connection
// limits of `ctx.config.hub` and the pre-login limits of `ctx.config.net` (every hub
// connection starts unauthenticated).
net::ListenerOptions HubListenerOptions(const HubContext& ctx, const char* name, int port);

// Opens (not yet started) the listener on `port` (0 = free port). `ctx` must outlive it.
Result<std::shared_ptr<net::Listener>> OpenInfoListener(net::IoPool& pool, HubContext& ctx,
                                                        int port);
// With `tls`, connections speak TLS (the device TLS port, 9183/183); `tls` must outlive
// the listener.
Result<std::shared_ptr<net::Listener>> OpenDeviceListener(net::IoPool& pool, HubContext& ctx,
                                                          int port,
                                                          boost::asio::ssl::context* tls = nullptr);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_HUB_H_
