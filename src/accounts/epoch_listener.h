// EpochListener: how a token-epoch cache (auth/token_epochs.h) learns of a password
// change or reset made through the account domain (issue 15): it subscribes to the bus
// and forgets the account named by each kTokenEpoch ChangeEvent (all accounts for the
// key ""), so the next Check reads the new epoch from the store. No hook to remember:
// the domain publishes after every commit that invalidates tokens (TokensInvalidated).
//
// Subscribes in its constructor and unsubscribes in its destructor; the bus and the
// cache must outlive it. OnChange runs on the publisher's thread and only takes the
// cache's mutex.
#ifndef KRYPTON_ACCOUNTS_EPOCH_LISTENER_H_
#define KRYPTON_ACCOUNTS_EPOCH_LISTENER_H_

#include "auth/token_epochs.h"
#include "bus/bus.h"

namespace krypton::accounts {

class EpochListener final : public bus::Subscriber {
 public:
  EpochListener(bus::Bus& bus, auth::TokenEpochs& epochs);
  ~EpochListener() override;
  EpochListener(const EpochListener&) = delete;
  EpochListener& operator=(const EpochListener&) = delete;

  void OnReport(const bus::DeviceReport& /*report*/) override {}
  void OnPresence(const bus::PresenceEvent& /*event*/) override {}
  void OnChange(const bus::ChangeEvent& event) override;

 private:
  bus::Bus& bus_;
  auth::TokenEpochs& epochs_;
};

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_EPOCH_LISTENER_H_
