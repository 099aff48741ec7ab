#include "hub/metrics.h"

#include <string_view>

namespace krypton::hub {
namespace {

void Counter(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
  out.append(name).append(" counter\n").append(name).append(" ");
  out.append(std::to_string(value)).append("\n");
}

}  // namespace

std::string MetricsText(const HubCounters& c) {
  std::string out;
  Counter(out, "krypton_device_logins_total", "Device logins accepted.",
          c.device_logins.load(std::memory_order_relaxed));
  Counter(out, "krypton_reports_total", "Device reports accepted and published.",
          c.reports.load(std::memory_order_relaxed));
  out.append(
      "# HELP krypton_reports_dropped_total Device reports refused by the template checks.\n"
      "# TYPE krypton_reports_dropped_total counter\n");
  // mids are 12 letters or digits: nothing to escape in the label value.
  for (const auto& [key, n] : c.Drops()) {
    out.append("krypton_reports_dropped_total{mid=\"").append(key.first);
    out.append("\",code=\"").append(std::to_string(key.second)).append("\"} ");
    out.append(std::to_string(n)).append("\n");
  }
  Counter(out, "krypton_commands_relayed_total", "Commands relayed to devices.",
          c.commands_relayed.load(std::memory_order_relaxed));
  Counter(out, "krypton_commands_timed_out_total", "Relayed commands the device did not answer.",
          c.commands_timed_out.load(std::memory_order_relaxed));
  return out;
}

}  // namespace krypton::hub
