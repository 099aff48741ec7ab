#include "accounts/epoch_listener.h"

namespace krypton::accounts {

EpochListener::EpochListener(bus::Bus& bus, auth::TokenEpochs& epochs)
    : bus_(bus), epochs_(epochs) {
  bus_.Subscribe(this);
}

EpochListener::~EpochListener() { bus_.Unsubscribe(this); }

void EpochListener::OnChange(const bus::ChangeEvent& event) {
  if (event.kind != bus::ChangeEvent::Kind::kTokenEpoch) return;
  if (event.key.empty()) {
    epochs_.ForgetAll();
  } else {
    epochs_.Forget(event.key);
  }
}

}  // namespace krypton::accounts
