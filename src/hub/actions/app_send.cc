// appSend (§4.3), devUpgrade (§3.11) and devSync (§4.8) from an app: authorised, then
// relayed to the device through the bus; the device's answer returns with the app's
// own msgId.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/post.hpp>
#include <charconv>

#include "devices/sharing.h"
#include "hub/app_connection.h"
#include "hub/command_path.h"
#include "hub/product_codec.h"
#include "hub/reply.h"

namespace krypton::hub {
namespace {

// params as forwarded to the device: the app's params with appTid filled from the
// session when the app left it out (§4.3), and `data` replaced by what the codec made of
// it when `data_json` is given (K-V encoded for a 48 product, cmdId added, §7).
std::string ForwardParams(const Envelope& e, const std::string& app_tid,
                          const std::string* data_json) {
  // Every known client sends appTid: then, unless the data changed, the params go out
  // as they came, minified once.
  bool has_app_tid = e.params["appTid"].error() == simdjson::SUCCESS;
  if (has_app_tid && data_json == nullptr) return simdjson::minify(e.params);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (auto [key, value] : e.params) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    if (data_json != nullptr && key == "data") {
      w.RawValue(data_json->data(), data_json->size(), rapidjson::kObjectType);
      continue;
    }
    std::string raw = simdjson::minify(value);
    w.RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
  }
  if (!has_app_tid) {
    w.Key("appTid");
    w.String(app_tid.data(), static_cast<rapidjson::SizeType>(app_tid.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// The app's msgId as a number for the frame number (§7.2): 5 and "5" give 5; anything
// else 0.
uint32_t NumericMsgId(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
  return static_cast<uint32_t>(v);
}

// The instruction a PARTIAL grantee's command names (devices::InstructionOf) must be
// granted (else 1400011) and not expired (else 1400012). devUpgrade and devSync are not
// instructions: a PARTIAL grantee may not send them (1400011).
Status CheckInstruction(const std::vector<std::pair<std::string, int64_t>>& granted,
                        const Envelope& e, const codec::Command* command, int64_t now_ms) {
  devices::InstructionName name;
  if (e.action == "appSend")
    name = devices::InstructionOf(e.params["data"].value_unsafe(), command);
  switch (devices::FindInstruction(granted, name, now_ms)) {
    case devices::InstructionGrant::kGranted:
      return Status();
    case devices::InstructionGrant::kExpired:
      return Status(Code::kHubDeviceNotOwned);
    case devices::InstructionGrant::kNotGranted:
      break;
  }
  return Status(Code::kHubNoSuchInstruction);
}

}  // namespace

void AppRelay(AppConnection& conn, const Envelope& e) {
  auto app_tid = OptionalId(e, "appTid", IdKind::kAppTid);
  if (!app_tid.ok()) return conn.ReplyError(e, app_tid.status());
  if (app_tid->has_value() && **app_tid != conn.app_tid()) {
    return conn.ReplyError(e, Status(Code::kHubAppTidMismatch));
  }
  auto dev_tid = RequiredId(e, "devTid", IdKind::kDevTid);
  if (!dev_tid.ok()) return conn.ReplyError(e, dev_tid.status());
  auto ctrl_key = RequiredId(e, "ctrlKey", IdKind::kSecret);
  if (!ctrl_key.ok()) return conn.ReplyError(e, ctrl_key.status());
  if (e.action == "appSend" && !e.params["data"].is_object()) {
    return conn.ReplyError(e, Status(Code::kHubInvalidParam).WithDetail("data"));
  }
  std::string device(*dev_tid);
  AppHub& hub = conn.hub();
  HubContext& ctx = hub.ctx();
  AccessPolicy::Grant grant;
  if (Status s = hub.access().CheckCommand(conn.uid(), device, std::string(*ctrl_key), &grant);
      !s.ok()) {
    return conn.ReplyError(e, s);
  }
  if (!ctx.bus.IsOnline(device)) return conn.ReplyError(e, Status(Code::kHubDeviceOffline));

  // Template checks and the 48 encoding (§4.3 step 6, templates-and-frames.md §6–§7).
  std::optional<std::string> prepared;
  const codec::Command* command = nullptr;
  std::shared_ptr<const ProductCodec> keep;  // owns *command
  if (e.action == "appSend") {
    auto p =
        PrepareData(ctx, grant.mid, simdjson::minify(e.params["data"]), NumericMsgId(e.msg_id));
    if (!p.ok()) return conn.ReplyError(e, p.status());
    keep = p->product;
    command = p->command;
    prepared = std::move(p->data_json);
  }
  // A PARTIAL share: only its unexpired instructions (user-api.md §5.3.5).
  if (grant.instructions) {
    if (Status s = CheckInstruction(*grant.instructions, e, command, ctx.clock.NowMs()); !s.ok()) {
      return conn.ReplyError(e, s);
    }
  }

  std::string action(e.action);
  ctx.bus.SendCommand(
      {device, action, ForwardParams(e, conn.app_tid(), prepared ? &*prepared : nullptr)},
      conn.executor(), [weak = conn.weak(), msg_id = e.msg_id, action](bus::CommandReply r) {
        // The app may have gone meanwhile: its answer is then dropped (§7.5).
        if (auto c = weak.lock()) c->Send(RelayedFrame(msg_id, action, r));
      });
}

}  // namespace krypton::hub
