// PIN/SSID binding on the device hub (hub-protocol.md §3.12, D9; user-api.md §5.1.4).
//
// The spec gives the hand-over no action of its own. A device presents its PIN as
// `pinCode` plus `ssid` (or `SSID`) in the params of devLogin or reportDevInfo, so the
// table (device_dispatch.cc) routes both actions here and the ordinary handlers run
// first. An unbound device that reports an SSID with a pending PIN and no pinCode is
// asked `{"action":"getPinCode","params":{"devTid"}}`; its getPinCodeResp
// `params:{pinCode, ssid}` is presented the same way. If its connection drops before it
// answers (1400018), each pending PIN of that SSID records 5400006; no answer in time
// (1500001: firmware without getPinCode) records nothing.
//
// The device then gets one frame
//   {"msgId":0,"action":"devBind","code":C,"desc":…,"params":{"devTid","pinCode","ssid",
//    "bindResultCode":C,"bindResultMsg":…}}
// and the PIN's owner sees the user-family code in GET /getNewDeviceList:
//   bound to the PIN's owner            200     / 5200000 (force bind: ownership moves)
//   already the PIN owner's             200     / 5400013
//   PIN unknown, or SSID ≠ the PIN's    1400028 / nothing recorded
//   PIN expired                         1400029 / 5400007
//   product's pid ≠ owner's pid (not public pid)  1400030 / 5400008
//   bound to another user, no forceBind 1400031 / 5400043
// A successful bind tells the app hub's access cache (bus::ChangeEvent kAccess). The
// PIN's owner's app sessions get the devBind push of hub-protocol.md §4.6 (through the
// bus): {"msgId":0,"action":"devBind","params":{devTid, pinCode, ssid, bindResultCode,
// bindResultMsg, device:{devTid, mid, deviceName, ctrlKey, bindKey (bound only)}}}.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "common/secrets.h"
#include "hub/device_actions.h"
#include "hub/device_connection.h"

namespace krypton::hub {
namespace {

constexpr size_t kMaxPin = 16;
constexpr size_t kMaxSsid = 64;
constexpr std::string_view kPublicPid = "00000000000";

// The hub code for the device (nullopt = success) and the user code to record.
struct Outcome {
  std::optional<Code> hub;
  std::optional<Code> user;
};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Record(HubContext& ctx, const std::string& pin_hash, const std::string& dev_tid, Code code) {
  storage::BindResult r{pin_hash, dev_tid, Status(code).number(), Status(code).Message(),
                        ctx.clock.NowMs()};
  if (auto s = ctx.store.PutBindResult(r); !s.ok()) {
    spdlog::error("device {}: cannot record the bind result: {}", dev_tid, s.ToString());
  }
}

Outcome Decide(HubContext& ctx, const storage::PinCode& pin, const std::string& dev_tid) {
  int64_t now = ctx.clock.NowMs();
  if (now >= pin.expires_at_ms) return {Code::kHubBindTimeout, Code::kUserBindTimeout};
  auto device = ctx.store.GetDevice(dev_tid);
  if (!device.ok()) return {Code::kHubInternal, std::nullopt};
  auto product = ctx.store.GetProduct(device->mid);
  if (!product.ok()) return {Code::kHubInternal, std::nullopt};
  if (pin.pid != kPublicPid && pin.pid != product->pid) {
    return {Code::kHubBindOtherManufacturer, Code::kUserBindOtherManufacturer};
  }
  if (device->owner_uid == pin.uid) return {std::nullopt, Code::kUserBindRepeat};
  if (!device->owner_uid.empty() && !product->force_bind) {
    return {Code::kHubForceBindForbidden, Code::kUserForceBindForbidden};
  }
  // Force bind as in the QR bind: the old owner's shares go and the ctrlKey rotates.
  bool taken = !device->owner_uid.empty();
  storage::StoreStatus s = ctx.store.InTransaction([&](storage::Store& st) {
    if (taken) {
      if (auto u = st.UnbindDevice(dev_tid, RandomHex(16)); !u.ok()) return u;
    }
    return st.BindDevice(dev_tid, pin.uid, now);
  });
  if (!s.ok()) {
    spdlog::error("device {}: PIN bind failed: {}", dev_tid, s.ToString());
    return {Code::kHubInternal, std::nullopt};
  }
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, dev_tid});
  spdlog::info("device {} bound to {} by PIN", dev_tid, pin.uid);
  return {std::nullopt, Code::kUserSuccess};
}

// The params both devBind frames carry (to the device and to the owner's apps).
void WriteOutcome(Writer& w, const std::string& dev_tid, const std::string& code,
                  const std::string& ssid, int number, const std::string& desc) {
  w.Key("devTid");
  Str(w, dev_tid);
  w.Key("pinCode");
  Str(w, code);
  w.Key("ssid");
  Str(w, ssid);
  w.Key("bindResultCode");
  w.Int(number);
  w.Key("bindResultMsg");
  Str(w, desc);
}

// The devBind push to the PIN owner's app sessions (hub-protocol.md §4.6).
void PushToOwner(HubContext& ctx, const std::string& uid, const std::string& dev_tid,
                 const std::string& code, const std::string& ssid, int number,
                 const std::string& desc) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("msgId");
  w.Int(0);
  w.Key("action");
  Str(w, "devBind");
  w.Key("params");
  w.StartObject();
  WriteOutcome(w, dev_tid, code, ssid, number, desc);
  if (auto d = ctx.store.GetDevice(dev_tid); d.ok()) {
    bool mine = d->owner_uid == uid;
    w.Key("device");
    w.StartObject();
    w.Key("devTid");
    Str(w, d->dev_tid);
    w.Key("mid");
    Str(w, d->mid);
    w.Key("deviceName");
    Str(w, d->device_name);
    w.Key("ctrlKey");
    Str(w, mine ? d->ctrl_key : "");
    w.Key("bindKey");
    Str(w, mine ? d->bind_key : "");
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  ctx.bus.PublishUserPush({uid, std::string(buf.GetString(), buf.GetSize())});
}

// Presents `code` for `ssid`: binds, records the result, answers the device (if still here).
void Present(HubContext& ctx, const std::weak_ptr<DeviceConnection>& weak,
             const std::string& dev_tid, const std::string& code, const std::string& ssid) {
  Outcome o{Code::kHubPinOrSsidInvalid, std::nullopt};
  // A PIN has 6 digits: a device gets limits.code_failures_per_target wrong ones per
  // window; beyond, every PIN it presents is refused (1400028) without a lookup.
  std::shared_ptr<auth::AttemptLimiter::Ticket> ticket;
  if (ctx.attempts != nullptr) {
    ticket = ctx.attempts->Reserve(
        {{"code:pindev:" + dev_tid, ctx.config.limits.code_failures_per_target, true}},
        int64_t{ctx.config.limits.login_failure_window_s} * 1000);
  }
  storage::StoreResult<storage::PinCode> pin = storage::StoreStatus::NotFound("PIN not looked up");
  if (ctx.attempts == nullptr || ticket) pin = ctx.store.GetPinCode(Sha256Hex(code));
  if (pin.ok() && pin->ssid == ssid) {
    if (ticket) ticket->Succeed();
    o = Decide(ctx, *pin, dev_tid);
    if (o.user) Record(ctx, pin->pin_hash, dev_tid, *o.user);
  } else if (ticket && ticket->Fail()) {
    spdlog::warn("device {}: PIN guessing limit reached", dev_tid);
  }
  int number = ctx.config.hub.success_code;
  std::string desc = number == 200 ? "success" : "Success";
  if (o.hub) {
    number = Status(*o.hub).number();
    desc = Status(*o.hub).Message();
  }
  if (pin.ok() && pin->ssid == ssid) PushToOwner(ctx, pin->uid, dev_tid, code, ssid, number, desc);
  auto conn = weak.lock();
  if (!conn) return;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("msgId");
  w.Int(0);
  w.Key("action");
  Str(w, "devBind");
  w.Key("code");
  w.Int(number);
  w.Key("desc");
  Str(w, desc);
  w.Key("params");
  w.StartObject();
  WriteOutcome(w, dev_tid, code, ssid, number, desc);
  w.EndObject();
  w.EndObject();
  conn->Send(std::string(buf.GetString(), buf.GetSize()));
}

// The reported SSID (`ssid` or `SSID`); "" when absent or odd.
std::string Ssid(const Envelope& e) {
  for (std::string_view key : {"ssid", "SSID"}) {
    auto v = OptionalString(e, key, kMaxSsid);
    if (v.ok() && v->has_value()) return std::string(**v);
  }
  return "";
}

// True when the params carry a pinCode (presented, whatever the outcome).
bool PresentFromParams(DeviceConnection& conn, const Envelope& e) {
  auto code = OptionalString(e, "pinCode", kMaxPin);
  if (!code.ok() || !code->has_value()) return false;
  Present(conn.ctx(), conn.weak_from_this(), conn.dev_tid(), std::string(**code), Ssid(e));
  return true;
}

// getPinCode (§3.12) to an unbound device on an SSID with a pending PIN.
void AskForPin(DeviceConnection& conn, const std::string& ssid) {
  HubContext& ctx = conn.ctx();
  auto pins = ctx.store.ListLivePinCodes(ssid, ctx.clock.NowMs());
  if (!pins.ok() || pins->empty()) return;
  auto device = ctx.store.GetDevice(conn.dev_tid());
  if (!device.ok() || !device->owner_uid.empty()) return;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("devTid");
  Str(w, conn.dev_tid());
  w.EndObject();
  std::string dev_tid = conn.dev_tid();
  bus::DeviceCommand command{dev_tid, "getPinCode", std::string(buf.GetString(), buf.GetSize())};
  conn.Deliver(std::move(command), [&ctx, weak = conn.weak_from_this(), dev_tid,
                                    ssid](bus::CommandReply reply) {
    if (reply.code == Status(Code::kHubDeviceOffline).number()) {
      // The connection dropped during the exchange: the pending PINs learn it (5400006).
      auto pending = ctx.store.ListLivePinCodes(ssid, ctx.clock.NowMs());
      if (!pending.ok()) return;
      for (const auto& p : *pending) Record(ctx, p.pin_hash, dev_tid, Code::kUserBindNetworkError);
      return;
    }
    if (reply.code != ctx.config.hub.success_code) return;
    simdjson::dom::parser parser;
    simdjson::dom::element params;
    std::string_view code, answered = ssid;
    if (parser.parse(reply.params_json).get(params) != simdjson::SUCCESS ||
        params["pinCode"].get_string().get(code) != simdjson::SUCCESS || code.size() > kMaxPin) {
      return;
    }
    if (params["ssid"].get_string().get(answered) != simdjson::SUCCESS &&
        params["SSID"].get_string().get(answered) != simdjson::SUCCESS) {
      answered = ssid;
    }
    Present(ctx, weak, dev_tid, std::string(code), std::string(answered));
  });
}

}  // namespace

void DevLoginWithPin(DeviceConnection& conn, const Envelope& e) {
  bool was_online = conn.online();
  DevLogin(conn, e);
  if (!was_online && conn.online()) PresentFromParams(conn, e);
}

void ReportDevInfoWithPin(DeviceConnection& conn, const Envelope& e) {
  auto dev_tid = OptionalId(e, "devTid", IdKind::kDevTid);
  ReportDevInfo(conn, e);
  // Only for the session's own device (ReportDevInfo answered 1400008 otherwise).
  if (!dev_tid.ok() || (dev_tid->has_value() && **dev_tid != conn.dev_tid())) return;
  if (PresentFromParams(conn, e)) return;
  if (std::string ssid = Ssid(e); !ssid.empty()) AskForPin(conn, ssid);
}

}  // namespace krypton::hub
