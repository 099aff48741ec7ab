// HubContext: what every hub connection and action needs, built once by the app.
//
// Everything referenced here outlives the listeners and their sessions. Counters are
// atomics, readable from any thread.
#ifndef KRYPTON_HUB_CONTEXT_H_
#define KRYPTON_HUB_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "bus/bus.h"
#include "common/clock.h"
#include "config/config.h"
#include "storage/store.h"

namespace krypton::hub {

struct HubCounters {
  std::atomic<uint64_t> device_logins{0};
  std::atomic<uint64_t> reports{0};           // devSend/timerReport accepted and published
  std::atomic<uint64_t> reports_dropped{0};   // devSend refused by validation
  std::atomic<uint64_t> commands_relayed{0};
  std::atomic<uint64_t> commands_timed_out{0};
};

struct HubContext {
  storage::Store& store;
  const config::Config& config;
  const Clock& clock;
  bus::Bus& bus;
  // What getProdInfo tells devices (D4): the configured public host and port, the
  // latter defaulting to the device hub's bound port.
  std::string public_host;
  int public_device_port = 0;
  HubCounters counters;
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_CONTEXT_H_
