// heartbeat (§3.4) and devLogout (§3.13).
#include "hub/device_actions.h"
#include "hub/device_connection.h"

namespace krypton::hub {

// Answered before login too; it never logs a device in. Any received line already
// restarted the idle timer (net/line_session.cc).
void Heartbeat(DeviceConnection& conn, const Envelope& e) { conn.Reply(e); }

// Only Hekr's later IoTOS protocol has it: answer, then close.
void DevLogout(DeviceConnection& conn, const Envelope& e) {
  conn.Reply(e);
  conn.CloseAfterFlush();
}

}  // namespace krypton::hub
