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

std::string Finish(Writer& w, rapidjson::StringBuffer& buf) {
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
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
  w.String(success_code == 200 ? "success" : "Success");
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

}  // namespace krypton::hub
