// getTimerList (§3.6): schedules run in the cloud, so the device's list is always empty.
#include "hub/device_actions.h"
#include "hub/device_connection.h"

namespace krypton::hub {

void GetTimerList(DeviceConnection& conn, const Envelope& e) {
  conn.Reply(e, R"({"tasksCount":0,"taskList":[]})");
}

}  // namespace krypton::hub
