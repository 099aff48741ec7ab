// ChangeWatch: the hub caches' subscription to the bus's change events (issue 15).
//
// Contract
// - While it lives, every bus::ChangeEvent of `kind` published on `bus` calls
//   `on_change(event)`, synchronously on the publisher's thread (any thread): it must
//   only invalidate (bump a generation), never block nor touch a loop's state.
// - Subscribes in its constructor and unsubscribes in its destructor, so a cache that
//   holds one as its LAST member stops hearing events before anything else of it is
//   destroyed. A null `bus` watches nothing (unit tests without a bus).
// - Changes made by another process (the admin CLI) publish no event: the caches' TTL
//   covers them.
#ifndef KRYPTON_HUB_CHANGE_WATCH_H_
#define KRYPTON_HUB_CHANGE_WATCH_H_

#include <functional>
#include <utility>

#include "bus/bus.h"

namespace krypton::hub {

class ChangeWatch final : public bus::Subscriber {
 public:
  ChangeWatch(bus::Bus* bus, bus::ChangeEvent::Kind kind,
              std::function<void(const bus::ChangeEvent&)> on_change)
      : bus_(bus), kind_(kind), on_change_(std::move(on_change)) {
    if (bus_ != nullptr) bus_->Subscribe(this);
  }
  ~ChangeWatch() override {
    if (bus_ != nullptr) bus_->Unsubscribe(this);
  }
  ChangeWatch(const ChangeWatch&) = delete;
  ChangeWatch& operator=(const ChangeWatch&) = delete;

  void OnReport(const bus::DeviceReport&) override {}
  void OnPresence(const bus::PresenceEvent&) override {}
  void OnChange(const bus::ChangeEvent& event) override {
    if (event.kind == kind_) on_change_(event);
  }

 private:
  bus::Bus* bus_;
  bus::ChangeEvent::Kind kind_;
  std::function<void(const bus::ChangeEvent&)> on_change_;
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_CHANGE_WATCH_H_
