// GET /metrics: the server's counters in Prometheus text format (ApiContext::metrics),
// to loopback clients only (6400016 otherwise): operators scrape it on the machine or
// through their own proxy; counts are not for the internet.
#include <boost/asio/ip/address.hpp>

#include "http/routes/api.h"

namespace krypton::http {

namespace {

Result<Response> Metrics(api::Call& call) {
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(call.req.remote_ip, ec);
  if (ec || !ip.is_loopback()) return Status(Code::kUserNoPrivilege);
  if (!call.ctx.metrics) return api::Json(503, "");
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = call.ctx.metrics();
  return r;
}

}  // namespace

void AddMetricsRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "GET", "/metrics", api::Auth::kNone, Metrics);
}

}  // namespace krypton::http
