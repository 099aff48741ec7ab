#include "net/tls.h"

namespace krypton::net {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                           const std::string& key_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Status(Code::kHubInternal)
        .WithDetail("tls.cert_file " + cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return Status(Code::kHubInternal).WithDetail("tls.key_file " + key_file + ": " + ec.message());
  }
  return ctx;
}

}  // namespace krypton::net
