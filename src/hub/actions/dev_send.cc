// devSend (§3.5) and timerReport (§3.7): the report is checked against the product's
// template (a refusal answers the device with the code and drops the report, counted per
// product and code; templates-and-frames.md §6.3), decorated for apps (§7.1), stored as
// the device's last state and published on the bus for every app allowed to see it.
#include <spdlog/spdlog.h>

#include "hub/device_actions.h"
#include "hub/device_connection.h"
#include "hub/product_codec.h"

namespace krypton::hub {
namespace {

void Report(DeviceConnection& conn, const Envelope& e) {
  auto dev_tid = RequiredId(e, "devTid", IdKind::kDevTid);
  if (!dev_tid.ok()) return conn.ReplyError(e, dev_tid.status());
  if (*dev_tid != conn.dev_tid()) return conn.ReplyError(e, Status(Code::kHubDevTidMismatch));
  simdjson::dom::object data;
  if (e.params["data"].get_object().get(data) != simdjson::SUCCESS) {
    return conn.ReplyError(e, Status(Code::kHubInvalidParam).WithDetail("data"));
  }
  bus::DeviceReport report;
  simdjson::dom::element app_tid;
  if (e.params["appTid"].get(app_tid) == simdjson::SUCCESS && !app_tid.is_null()) {
    if (!app_tid.is_array()) {
      return conn.ReplyError(e, Status(Code::kHubInvalidParam).WithDetail("appTid"));
    }
    report.app_tids_json = simdjson::minify(app_tid);
  }
  // "" reads as absent, as null does; anything else follows the identifier rule.
  auto sub = OptionalString(e, "subDevTid", RuleOf(IdKind::kSubDevTid).max_len);
  if (!sub.ok()) return conn.ReplyError(e, sub.status());
  if (sub->has_value() && !(*sub)->empty()) {
    if (!ValidIdentifier(IdKind::kSubDevTid, **sub)) {
      return conn.ReplyError(e, Status(Code::kHubInvalidParam).WithDetail("subDevTid"));
    }
    report.sub_dev_tid = std::string(**sub);
  }

  HubContext& ctx = conn.ctx();
  report.dev_tid = conn.dev_tid();
  report.mid = conn.mid();
  report.msg_id = e.msg_id;
  report.data_json = simdjson::minify(data);
  if (auto product = ctx.codecs.Get(conn.mid()); product && product->tpl) {
    auto p = codec::DecorateDeviceReport(*product->tpl, report.data_json, product->check_mode,
                                         product->decorate);
    if (!p.ok()) {
      ctx.counters.CountDrop(conn.mid(), static_cast<int>(p.status().code()));
      spdlog::info("device {}: report dropped ({}): {}", report.dev_tid,
                   static_cast<int>(p.status().code()), p.status().detail());
      return conn.ReplyError(e, p.status());
    }
    report.data_json = std::move(p->data_json);
  }
  report.at_ms = ctx.clock.NowMs();
  if (auto s = ctx.store.SaveDeviceState(report.dev_tid, report.data_json, report.at_ms); !s.ok()) {
    spdlog::error("device {}: cannot store state: {}", report.dev_tid, s.ToString());
  }
  ctx.bus.PublishReport(report);
  ctx.counters.reports.fetch_add(1, std::memory_order_relaxed);
  conn.Reply(e);
}

}  // namespace

void DevSend(DeviceConnection& conn, const Envelope& e) { Report(conn, e); }

void TimerReport(DeviceConnection& conn, const Envelope& e) { Report(conn, e); }

}  // namespace krypton::hub
