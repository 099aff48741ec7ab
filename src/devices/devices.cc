#include "devices/devices.h"

namespace krypton::devices {

void AccessChanged(Env& env, const std::string& dev_tid) {
  env.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, dev_tid});
}

}  // namespace krypton::devices
