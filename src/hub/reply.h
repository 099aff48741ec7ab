// The one place where a hub answer becomes a JSON frame (spec D1, hub-protocol.md §2).
//
// Frames are compact JSON objects without the trailing "\n" (the transport adds it
// for TCP; WebSocket sends one object per text frame):
//   {"msgId":<echo>,"action":"<action>Resp","code":200,"desc":"success","params":{…}}
//   {"msgId":<echo>,"action":"<action>Resp","code":1400016,"desc":"Action not support"}
//   {"msgId":<echo>,"action":"errorResp","code":1400001,"desc":"Json parse error"}
// `msg_id_json` is the request's msgId as raw JSON text, echoed with its own type
// (5 stays 5, "5" stays "5"; D6); empty means 0. Success uses the configured code:
// 200/"success" by default, 1200000/"Success" with hub.success_code = 1200000.
// Pure functions: safe from any thread.
#ifndef KRYPTON_HUB_REPLY_H_
#define KRYPTON_HUB_REPLY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bus/bus.h"
#include "common/status.h"

namespace krypton::hub {

// `action` is the request's action ("devLogin"); the frame carries action + "Resp".
// An empty action gives "errorResp" (the action could not be determined).
std::string ErrorFrame(std::string_view msg_id_json, std::string_view action, const Status& error);

// `params_json` is a JSON object's text, or empty for a frame without params.
// `dc_info_json`, when given, is emitted as the top-level "dcInfo" object
// (getProdInfoResp, getAppDomainResp).
std::string SuccessFrame(std::string_view msg_id_json, std::string_view action, int success_code,
                         std::string_view params_json = {}, std::string_view dc_info_json = {});

// The desc of a success answer: "success" for code 200, "Success" for 1200000.
std::string_view SuccessDesc(int success_code);

// A device's answer to a relayed command as the requester gets it (D25): a numeric code
// 200 or 1200000 is the configured success (code and desc); another code stays, with
// the device's desc or 1400000's message; no numeric code is a success unless the desc
// says something other than "success" (then 1400000 with that desc). `code` / `desc`
// are nullopt when the answer has none (or not a number / not a string). No params.
bus::CommandReply DeviceAnswer(std::optional<int64_t> code, std::optional<std::string_view> desc,
                               int success_code);

// The frame that answers a relayed command to the app: {"msgId":<echo>,"action":
// "<action>Resp","code":…,"desc":…,"params":…} from the bus reply (params left out when
// the reply has none).
std::string RelayedFrame(std::string_view msg_id_json, std::string_view action,
                         const bus::CommandReply& reply);
// ---- Pushes to apps (hub-protocol.md §4), built by app_hub.cc's fan-out ----------------

// {"msgId":<the device's msgId>,"action":"devSend","params":{devTid, appTid, subDevTid,
// ctrlKey, data}} — a device report as every allowed app session gets it.
std::string DevSendPush(const bus::DeviceReport& r, const std::string& ctrl_key);
// {"msgId":0,"action":"devLogin"|"devLogout","params":{devTid, subDevTid:null}}.
std::string PresencePush(const bus::PresenceEvent& e);

// ---- devBind: the outcome of a PIN/SSID binding (hub-protocol.md §3.12, §4.6) ----------
// Built by actions/pin_bind.cc. `outcome` is the hub-family Status of the bind (OK =
// success, written as `success_code` with "success"/"Success" like SuccessFrame).

// What both devBind frames report.
struct DevBindParams {
  std::string dev_tid;
  std::string pin_code;
  std::string ssid;
};

// The device's part of the push to the apps: ctrl_key and bind_key are "" unless the
// PIN's owner owns the device.
struct DevBindDevice {
  std::string dev_tid;
  std::string mid;
  std::string device_name;
  std::string ctrl_key;
  std::string bind_key;
};

// To the device: {"msgId":0,"action":"devBind","code":C,"desc":D,"params":{"devTid",
// "pinCode","ssid","bindResultCode":C,"bindResultMsg":D}}.
std::string DevBindFrame(int success_code, const Status& outcome, const DevBindParams& p);

// To the PIN owner's app sessions: {"msgId":0,"action":"devBind","params":{"devTid",
// "pinCode","ssid","bindResultCode","bindResultMsg","device":{devTid, mid, deviceName,
// ctrlKey, bindKey}}}; "device" only when `device` is not null.
std::string DevBindPush(int success_code, const Status& outcome, const DevBindParams& p,
                        const DevBindDevice* device);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_REPLY_H_
