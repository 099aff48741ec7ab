// HubContext: what every hub connection and action needs, built once by the app.
//
// Everything referenced here outlives the listeners and their sessions. Counters are
// atomics, readable from any thread.
#ifndef KRYPTON_HUB_CONTEXT_H_
#define KRYPTON_HUB_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "auth/attempt_limiter.h"
#include "auth/rate_limit.h"
#include "bus/bus.h"
#include "common/clock.h"
#include "config/config.h"
#include "hub/product_codec.h"
#include "storage/store.h"

namespace krypton::hub {

struct HubCounters {
  std::atomic<uint64_t> device_logins{0};
  std::atomic<uint64_t> reports{0};          // devSend/timerReport accepted and published
  std::atomic<uint64_t> reports_dropped{0};  // devSend refused by validation
  std::atomic<uint64_t> commands_relayed{0};
  std::atomic<uint64_t> commands_timed_out{0};

  // A report refused by the template checks (templates-and-frames.md §6.3): counted in
  // total and per (product, code). Rare (the error path), so a mutex is fine here.
  void CountDrop(const std::string& mid, int code) {
    reports_dropped.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(drops_mu_);
    ++drops_[{mid, code}];
  }
  std::map<std::pair<std::string, int>, uint64_t> Drops() const {
    std::lock_guard lock(drops_mu_);
    return drops_;
  }

 private:
  mutable std::mutex drops_mu_;
  std::map<std::pair<std::string, int>, uint64_t> drops_;  // bounded by products × codes
};

struct HubContext {
  storage::Store& store;
  const config::Config& config;
  const Clock& clock;
  bus::Bus& bus;  // also where hub actions publish their change events (PIN binding: kAccess)
  ProductCodecs& codecs;  // each product's current template (the codec's hub path)
  // What getProdInfo tells devices (D4): the configured public host and port, the
  // latter defaulting to the device hub's bound port.
  std::string public_host;
  int public_device_port = 0;
  HubCounters counters;
  // Self-registrations of unknown devTids per client IP and minute (D29,
  // hub.device_registrations_per_ip_per_min). Its mutex is taken only by a login that
  // registers a new devTid, never on the common path.
  auth::RateLimiter registrations{10000};
  // Failed-guess counters shared with the HTTP routes (issue 14): a device presenting
  // binding PINs gets limits.code_failures_per_target wrong ones per window
  // (actions/pin_bind.cc). Unset = no limit.
  auth::AttemptLimiter* attempts = nullptr;
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_CONTEXT_H_
