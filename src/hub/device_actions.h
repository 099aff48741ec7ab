// The device-side action table: one handler per action, each in src/hub/actions/.
// Every handler has the same shape — parse → validate → authorise → act → reply — and
// answers through DeviceConnection::Reply/ReplyError.
#ifndef KRYPTON_HUB_DEVICE_ACTIONS_H_
#define KRYPTON_HUB_DEVICE_ACTIONS_H_

#include <string_view>

#include "hub/envelope.h"

namespace krypton::hub {

class DeviceConnection;

using DeviceActionFn = void (*)(DeviceConnection& conn, const Envelope& e);

struct DeviceAction {
  std::string_view name;
  DeviceActionFn fn;
  bool needs_login;  // false: served in CONNECTED too
};

// The entry for `action`, or nullptr (→ 1400016 Action not support).
const DeviceAction* FindDeviceAction(std::string_view action);

// Handlers (src/hub/actions/<file>.cc).
void DevLogin(DeviceConnection& conn, const Envelope& e);       // dev_login.cc
void ReportDevInfo(DeviceConnection& conn, const Envelope& e);  // report_dev_info.cc
void Heartbeat(DeviceConnection& conn, const Envelope& e);      // heartbeat.cc
void DevSend(DeviceConnection& conn, const Envelope& e);        // dev_send.cc
void TimerReport(DeviceConnection& conn, const Envelope& e);    // dev_send.cc
void GetTimerList(DeviceConnection& conn, const Envelope& e);   // timers.cc
void DevLogout(DeviceConnection& conn, const Envelope& e);      // heartbeat.cc
// devLogin / reportDevInfo, then the PIN hand-over of §3.12 (pin_bind.cc).
void DevLoginWithPin(DeviceConnection& conn, const Envelope& e);
void ReportDevInfoWithPin(DeviceConnection& conn, const Envelope& e);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_DEVICE_ACTIONS_H_
