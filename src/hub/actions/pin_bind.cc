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
//   product DISCONTINUED                1400022 / 5400028 (no row in §3.12: see
//                                       devices::HubCodeOfBind)
// The rules are the device domain's one bind operation (devices::Bind, the same as the
// QR and short-code binds): a force bind rotates the ctrlKey and the device gets a devSync
// with it (after the devBind frame); every bind publishes kAccess on the bus. The
// PIN's owner's app sessions get the devBind push of hub-protocol.md §4.6 (through the
// bus): {"msgId":0,"action":"devBind","params":{devTid, pinCode, ssid, bindResultCode,
// bindResultMsg, device:{devTid, mid, deviceName, ctrlKey, bindKey (bound only)}}}.
// Both frames are built in hub/reply.cc (DevBindFrame, DevBindPush).
#include <spdlog/spdlog.h>

#include <optional>

#include "common/json_object.h"
#include "common/secrets.h"
#include "devices/binding.h"
#include "hub/device_actions.h"
#include "hub/device_connection.h"
#include "hub/reply.h"

namespace krypton::hub {
namespace {

constexpr size_t kMaxPin = 16;
constexpr size_t kMaxSsid = 64;

// The hub code for the device (OK = success) and the user code to record (none: nothing
// is recorded).
struct Outcome {
  Status hub;
  std::optional<Code> user;
};

void Record(HubContext& ctx, const std::string& pin_hash, const std::string& dev_tid, Code code) {
  storage::BindResult r{pin_hash, dev_tid, Status(code).number(), Status(code).Message(),
                        ctx.clock.NowMs()};
  if (auto s = ctx.store.PutBindResult(r); !s.ok()) {
    spdlog::error("device {}: cannot record the bind result: {}", dev_tid, s.ToString());
  }
}

// The bind itself is the device domain's, the one of the QR and short-code binds
// (devices/binding.h): DISCONTINUED, force bind with ctrlKey rotation and devSync, kAccess.
Outcome Decide(HubContext& ctx, const storage::PinCode& pin, const std::string& dev_tid) {
  int64_t now = ctx.clock.NowMs();
  if (now >= pin.expires_at_ms) return {Status(Code::kHubBindTimeout), Code::kUserBindTimeout};
  devices::Env env{ctx.store, ctx.bus, ctx.config};
  auto bound = devices::Bind(env, {pin.uid, pin.pid}, dev_tid, "", now);
  Status result = bound.ok() ? Status() : bound.status();
  Status hub = devices::HubCodeOfBind(result);
  if (!devices::IsRecordedBindOutcome(result)) {  // a store failure: nothing to record
    spdlog::error("device {}: PIN bind failed: {}", dev_tid, result.ToString());
    return {std::move(hub), std::nullopt};
  }
  if (!bound.ok()) return {std::move(hub), result.code()};
  spdlog::info("device {} bound to {} by PIN", dev_tid, pin.uid);
  return {std::move(hub), Code::kUserSuccess};
}

// The devBind push to the PIN owner's app sessions (hub-protocol.md §4.6).
void PushToOwner(HubContext& ctx, const std::string& uid, const Status& outcome,
                 const DevBindParams& params) {
  std::optional<DevBindDevice> device;
  if (auto d = ctx.store.GetDevice(params.dev_tid); d.ok()) {
    bool mine = d->owner_uid == uid;
    device = DevBindDevice{d->dev_tid, d->mid, d->device_name, mine ? d->ctrl_key : "",
                           mine ? d->bind_key : ""};
  }
  ctx.bus.PublishUserPush({uid, DevBindPush(ctx.config.hub.success_code, outcome, params,
                                            device ? &*device : nullptr)});
}

// Presents `code` for `ssid`: binds, records the result, answers the device (if still here).
void Present(HubContext& ctx, const std::weak_ptr<DeviceConnection>& weak,
             const std::string& dev_tid, const std::string& code, const std::string& ssid) {
  Outcome o{Status(Code::kHubPinOrSsidInvalid), std::nullopt};
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
  DevBindParams params{dev_tid, code, ssid};
  if (pin.ok() && pin->ssid == ssid) PushToOwner(ctx, pin->uid, o.hub, params);
  auto conn = weak.lock();
  if (!conn) return;
  conn->Send(DevBindFrame(ctx.config.hub.success_code, o.hub, params));
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
  std::string dev_tid = conn.dev_tid();
  bus::DeviceCommand command{dev_tid, "getPinCode", JsonObject().Add("devTid", dev_tid).Finish()};
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
