// reportDevInfo (§3.3): stores the device's runtime information; checks the reported
// hub host/port per hub.report_host_check (D21).
#include <spdlog/spdlog.h>

#include "hub/device_actions.h"
#include "hub/device_connection.h"

namespace krypton::hub {
namespace {

// The reported servicePort, as a number or a numeric string; -1 when absent or odd.
int64_t ReportedPort(const Envelope& e) {
  int64_t port = -1;
  if (e.params["servicePort"].get_int64().get(port) == simdjson::SUCCESS) return port;
  std::string_view text;
  if (e.params["servicePort"].get_string().get(text) == simdjson::SUCCESS) {
    try {
      return std::stoll(std::string(text));
    } catch (...) {
      return -1;
    }
  }
  return -1;
}

}  // namespace

void ReportDevInfo(DeviceConnection& conn, const Envelope& e) {
  auto dev_tid = OptionalId(e, "devTid", IdKind::kDevTid);
  if (!dev_tid.ok()) return conn.ReplyError(e, dev_tid.status());
  if (dev_tid->has_value() && **dev_tid != conn.dev_tid()) {
    return conn.ReplyError(e, Status(Code::kHubDevTidMismatch));
  }
  HubContext& ctx = conn.ctx();
  const std::string& mode = ctx.config.hub.report_host_check;
  if (mode != "off" && e.has_params) {
    std::string_view host;
    bool has_host = e.params["serviceHost"].get_string().get(host) == simdjson::SUCCESS;
    int64_t port = ReportedPort(e);
    bool foreign =
        (has_host && host != ctx.public_host) || (port >= 0 && port != ctx.public_device_port);
    if (foreign) {
      if (mode == "reject") return conn.ReplyError(e, Status(Code::kHubReportInfoMismatch));
      spdlog::info("device {} reports hub {}:{}, this hub is {}:{}", conn.dev_tid(),
                   has_host ? host : "?", port, ctx.public_host, ctx.public_device_port);
    }
  }
  int64_t forbid_ota = 0;
  if (e.params["forbidOTA"].get_int64().get(forbid_ota) == simdjson::SUCCESS) {
    conn.set_forbid_ota(forbid_ota != 0);
  }
  if (auto s = ctx.store.SaveDeviceInfo(conn.dev_tid(), ParamsJson(e)); !s.ok()) {
    spdlog::error("device {}: cannot store info: {}", conn.dev_tid(), s.ToString());
    return conn.ReplyError(e, Status(Code::kHubInternal));
  }
  conn.Reply(e);
}

}  // namespace krypton::hub
