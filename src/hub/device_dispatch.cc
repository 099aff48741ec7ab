// The one table that maps a device's action name to its handler.
#include <array>

#include "hub/device_actions.h"

namespace krypton::hub {
namespace {

constexpr std::array<DeviceAction, 7> kDeviceActions = {{
    // Both may carry a PIN (hub-protocol.md §3.12): pin_bind.cc runs the ordinary handler first.
    {"devLogin", DevLoginWithPin, false},
    {"heartbeat", Heartbeat, false},
    {"reportDevInfo", ReportDevInfoWithPin, true},
    {"devSend", DevSend, true},
    {"timerReport", TimerReport, true},
    {"getTimerList", GetTimerList, true},
    {"devLogout", DevLogout, true},
}};

}  // namespace

const DeviceAction* FindDeviceAction(std::string_view action) {
  for (const DeviceAction& a : kDeviceActions) {
    if (a.name == action) return &a;
  }
  return nullptr;
}

}  // namespace krypton::hub
