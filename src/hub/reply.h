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

#include <string>
#include <string_view>

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

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_REPLY_H_
