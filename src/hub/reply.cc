#include "hub/reply.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace krypton::hub {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Head(Writer& w, std::string_view msg_id_json, std::string_view action) {
  w.StartObject();
  w.Key("msgId");
  if (msg_id_json.empty()) {
    w.Int(0);
  } else {
    w.RawValue(msg_id_json.data(), msg_id_json.size(), rapidjson::kNumberType);
  }
  w.Key("action");
  std::string resp = action.empty() ? std::string("errorResp") : std::string(action) + "Resp";
  w.String(resp.data(), static_cast<rapidjson::SizeType>(resp.size()));
}

void WriteStr(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string Finish(Writer& w, rapidjson::StringBuffer& buf) {
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// devBind (PIN/SSID binding) helpers.

void DevBindHead(Writer& w) {
  w.StartObject();
  w.Key("msgId");
  w.Int(0);
  w.Key("action");
  w.String("devBind");
}

void DevBindOutcome(Writer& w, int code, const std::string& desc, const DevBindParams& p) {
  w.Key("devTid");
  WriteStr(w, p.dev_tid);
  w.Key("pinCode");
  WriteStr(w, p.pin_code);
  w.Key("ssid");
  WriteStr(w, p.ssid);
  w.Key("bindResultCode");
  w.Int(code);
  w.Key("bindResultMsg");
  WriteStr(w, desc);
}

int DevBindCode(int success_code, const Status& outcome) {
  return outcome.ok() ? success_code : outcome.number();
}

std::string DevBindDesc(int success_code, const Status& outcome) {
  if (!outcome.ok()) return outcome.Message();
  return success_code == 200 ? "success" : "Success";
}

}  // namespace

std::string ErrorFrame(std::string_view msg_id_json, std::string_view action, const Status& error) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  Head(w, msg_id_json, action);
  w.Key("code");
  w.Int(error.number());
  w.Key("desc");
  std::string desc = error.Message();
  w.String(desc.data(), static_cast<rapidjson::SizeType>(desc.size()));
  return Finish(w, buf);
}

std::string SuccessFrame(std::string_view msg_id_json, std::string_view action, int success_code,
                         std::string_view params_json, std::string_view dc_info_json) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  Head(w, msg_id_json, action);
  w.Key("code");
  w.Int(success_code);
  w.Key("desc");
  std::string_view desc = SuccessDesc(success_code);
  w.String(desc.data(), static_cast<rapidjson::SizeType>(desc.size()));
  if (!dc_info_json.empty()) {
    w.Key("dcInfo");
    w.RawValue(dc_info_json.data(), dc_info_json.size(), rapidjson::kObjectType);
  }
  if (!params_json.empty()) {
    w.Key("params");
    w.RawValue(params_json.data(), params_json.size(), rapidjson::kObjectType);
  }
  return Finish(w, buf);
}

std::string_view SuccessDesc(int success_code) {
  return success_code == 200 ? "success" : "Success";
}

bus::CommandReply DeviceAnswer(std::optional<int64_t> code, std::optional<std::string_view> desc,
                               int success_code) {
  bus::CommandReply reply;
  if (code) {
    if (*code == 200 || *code == 1200000) {
      reply.code = success_code;
      reply.desc = std::string(SuccessDesc(success_code));
    } else {
      reply.code = static_cast<int>(*code);
      reply.desc = desc ? std::string(*desc) : Status(Code::kHubError).Message();
    }
  } else if (!desc || *desc == "success") {
    reply.code = success_code;
    reply.desc = std::string(SuccessDesc(success_code));
  } else {
    reply.code = Status(Code::kHubError).number();
    reply.desc = std::string(*desc);
  }
  return reply;
}

std::string RelayedFrame(std::string_view msg_id_json, std::string_view action,
                         const bus::CommandReply& reply) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  Head(w, msg_id_json, action);
  w.Key("code");
  w.Int(reply.code);
  w.Key("desc");
  w.String(reply.desc.data(), static_cast<rapidjson::SizeType>(reply.desc.size()));
  if (!reply.params_json.empty()) {
    w.Key("params");
    w.RawValue(reply.params_json.data(), reply.params_json.size(), rapidjson::kObjectType);
  }
  return Finish(w, buf);
}

// ---- Pushes to apps (hub-protocol.md §4) --------------------------------------------

// {"msgId":<device msgId>,"action":"devSend","params":{devTid, appTid, subDevTid, ctrlKey, data}}
std::string DevSendPush(const bus::DeviceReport& r, const std::string& ctrl_key) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("msgId");
  w.RawValue(r.msg_id.data(), r.msg_id.size(), rapidjson::kNumberType);
  w.Key("action");
  w.String("devSend");
  w.Key("params");
  w.StartObject();
  w.Key("devTid");
  WriteStr(w, r.dev_tid);
  w.Key("appTid");
  w.RawValue(r.app_tids_json.data(), r.app_tids_json.size(), rapidjson::kArrayType);
  w.Key("subDevTid");
  if (r.sub_dev_tid.empty()) {
    w.Null();
  } else {
    WriteStr(w, r.sub_dev_tid);
  }
  w.Key("ctrlKey");
  WriteStr(w, ctrl_key);
  w.Key("data");
  w.RawValue(r.data_json.data(), r.data_json.size(), rapidjson::kObjectType);
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string PresencePush(const bus::PresenceEvent& e) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("msgId");
  w.Int(0);
  w.Key("action");
  w.String(e.online ? "devLogin" : "devLogout");
  w.Key("params");
  w.StartObject();
  w.Key("devTid");
  WriteStr(w, e.dev_tid);
  w.Key("subDevTid");
  w.Null();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ---- devBind (PIN/SSID binding) ---------------------------------------------------------

std::string DevBindFrame(int success_code, const Status& outcome, const DevBindParams& p) {
  int code = DevBindCode(success_code, outcome);
  std::string desc = DevBindDesc(success_code, outcome);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  DevBindHead(w);
  w.Key("code");
  w.Int(code);
  w.Key("desc");
  WriteStr(w, desc);
  w.Key("params");
  w.StartObject();
  DevBindOutcome(w, code, desc, p);
  w.EndObject();
  return Finish(w, buf);
}

std::string DevBindPush(int success_code, const Status& outcome, const DevBindParams& p,
                        const DevBindDevice* device) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  DevBindHead(w);
  w.Key("params");
  w.StartObject();
  DevBindOutcome(w, DevBindCode(success_code, outcome), DevBindDesc(success_code, outcome), p);
  if (device != nullptr) {
    w.Key("device");
    w.StartObject();
    w.Key("devTid");
    WriteStr(w, device->dev_tid);
    w.Key("mid");
    WriteStr(w, device->mid);
    w.Key("deviceName");
    WriteStr(w, device->device_name);
    w.Key("ctrlKey");
    WriteStr(w, device->ctrl_key);
    w.Key("bindKey");
    WriteStr(w, device->bind_key);
    w.EndObject();
  }
  w.EndObject();
  return Finish(w, buf);
}

}  // namespace krypton::hub
