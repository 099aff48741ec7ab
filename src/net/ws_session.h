// WebSocket transport for the app hub (hub-protocol.md §1.4): the same LineSession
// interface as TCP, so app connections do not know which transport carries them.
//
// Any path is accepted, no sub-protocol, no auth header (authentication is in-band
// with appLogin). permessage-deflate is offered, not required. Each incoming text (or
// binary) message may hold one JSON object or several separated by "\n", with or
// without a trailing newline; each becomes one OnLine call. Outgoing frames are one
// JSON object per text message, without a newline.
//
// Bounds: a message longer than max_line_bytes → OnOverflow, then close; the outgoing
// queue is bounded by max_pending_writes (full → close); the inactivity timeout covers
// the upgrade and every later read.
#ifndef KRYPTON_NET_WS_SESSION_H_
#define KRYPTON_NET_WS_SESSION_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "net/line_session.h"

namespace krypton::net {

// A WebSocket session on an accepted socket (TLS first when `tls` is given: WSS).
std::shared_ptr<LineSession> CreateWsSession(Socket socket, SessionTicket ticket,
                                             LineSessionOptions options,
                                             boost::asio::ssl::context* tls = nullptr);

}  // namespace krypton::net

#endif  // KRYPTON_NET_WS_SESSION_H_
