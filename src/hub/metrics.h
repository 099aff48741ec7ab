// The hub's counters as Prometheus text (exposition format 0.0.4), served by
// `GET /metrics` to loopback clients (src/app/serve.cc). Pure: no I/O.
#ifndef KRYPTON_HUB_METRICS_H_
#define KRYPTON_HUB_METRICS_H_

#include <string>

#include "hub/context.h"

namespace krypton::hub {

// krypton_device_logins_total, krypton_reports_total, krypton_reports_dropped_total
// {mid, code} (templates-and-frames.md §6.3), krypton_commands_relayed_total,
// krypton_commands_timed_out_total.
std::string MetricsText(const HubCounters& counters);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_METRICS_H_
