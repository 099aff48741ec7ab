// GET /metrics: the server's counters in Prometheus text format (ApiContext::metrics),
// to loopback clients only (6400016 otherwise): operators scrape it on the machine or
// through their own proxy; counts are not for the internet.
#include <boost/asio/ip/address.hpp>

#include "http/routes/api.h"

namespace krypton::http {

void AddMetricsRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/metrics", [&ctx](const Request& req) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(req.remote_ip, ec);
    if (ec || !ip.is_loopback()) return api::Error(ctx, req, Status(Code::kUserNoPrivilege));
    if (!ctx.metrics) return api::Json(503, "");
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = ctx.metrics();
    return r;
  });
}

}  // namespace krypton::http
