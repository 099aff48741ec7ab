// appSend (§4.3), devUpgrade (§3.11) and devSync (§4.8) from an app: authorised, then
// relayed to the device through the bus; the device's answer returns with the app's
// own msgId.
#include <boost/asio/post.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "hub/app_connection.h"
#include "hub/reply.h"

namespace krypton::hub {
namespace {

// params as forwarded to the device: the app's params with appTid filled from the
// session when the app left it out (§4.3).
std::string ForwardParams(const Envelope& e, const std::string& app_tid) {
  // Every known client sends appTid: then the params go out as they came, minified once.
  if (e.params["appTid"].error() == simdjson::SUCCESS) return simdjson::minify(e.params);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  bool has_app_tid = false;
  for (auto [key, value] : e.params) {
    std::string raw = simdjson::minify(value);
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
    has_app_tid |= key == "appTid";
  }
  if (!has_app_tid) {
    w.Key("appTid");
    w.String(app_tid.data(), static_cast<rapidjson::SizeType>(app_tid.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// The answer frame to the app: its msgId, the device's code/desc/params.
std::string AnswerFrame(const std::string& msg_id, const std::string& action,
                        const bus::CommandReply& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("msgId");
  w.RawValue(msg_id.data(), msg_id.size(), rapidjson::kNumberType);
  w.Key("action");
  std::string resp = action + "Resp";
  w.String(resp.data(), static_cast<rapidjson::SizeType>(resp.size()));
  w.Key("code");
  w.Int(r.code);
  w.Key("desc");
  w.String(r.desc.data(), static_cast<rapidjson::SizeType>(r.desc.size()));
  if (!r.params_json.empty()) {
    w.Key("params");
    w.RawValue(r.params_json.data(), r.params_json.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

void AppRelay(AppConnection& conn, const Envelope& e) {
  auto app_tid = OptionalString(e, "appTid", 128);
  if (!app_tid.ok()) return conn.ReplyError(e, app_tid.status());
  if (app_tid->has_value() && **app_tid != conn.app_tid()) {
    return conn.ReplyError(e, Status(Code::kHubAppTidMismatch));
  }
  auto dev_tid = RequiredString(e, "devTid", 32);
  if (!dev_tid.ok()) return conn.ReplyError(e, dev_tid.status());
  auto ctrl_key = RequiredString(e, "ctrlKey", 128);
  if (!ctrl_key.ok()) return conn.ReplyError(e, ctrl_key.status());
  if (e.action == "appSend" && !e.params["data"].is_object()) {
    return conn.ReplyError(e, Status(Code::kHubInvalidParam).WithDetail("data"));
  }
  std::string device(*dev_tid);
  AppHub& hub = conn.hub();
  if (Status s = hub.access().CheckCommand(conn.uid(), device, std::string(*ctrl_key)); !s.ok()) {
    return conn.ReplyError(e, s);
  }
  if (!hub.ctx().bus.IsOnline(device)) return conn.ReplyError(e, Status(Code::kHubDeviceOffline));

  std::string action(e.action);
  hub.ctx().bus.SendCommand(
      {device, action, ForwardParams(e, conn.app_tid())}, conn.executor(),
      [weak = conn.weak(), msg_id = e.msg_id, action](bus::CommandReply r) {
        // The app may have gone meanwhile: its answer is then dropped (§7.5).
        if (auto c = weak.lock()) c->Send(AnswerFrame(msg_id, action, r));
      });
}

}  // namespace krypton::hub
