// TLS server contexts for the listeners (hub-protocol.md §1.5): ordinary server-side
// TLS 1.2+, no client certificates. Built once at start-up from PEM files; shared
// read-only by every session of the listeners that use it.
#ifndef KRYPTON_NET_TLS_H_
#define KRYPTON_NET_TLS_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/status.h"

namespace krypton::net {

// Fails with kHubInternal and a detail naming the file when the certificate chain or
// the key cannot be loaded or do not match.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace krypton::net

#endif  // KRYPTON_NET_TLS_H_
