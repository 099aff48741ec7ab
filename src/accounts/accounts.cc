#include "accounts/accounts.h"

namespace krypton::accounts {

void TokensInvalidated(Env& env, const std::string& uid) {
  env.bus.PublishChange({bus::ChangeEvent::Kind::kTokenEpoch, uid});
}

}  // namespace krypton::accounts
