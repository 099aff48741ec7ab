// Bus: how the device hub, the app hub and (later) rules and schedulers talk.
//
// Contract
// - Reports and presence are fan-out, at-most-once: Publish* calls every subscriber
//   synchronously on the publisher's thread, in subscription order. Subscribers must not
//   block; they post to their own loop. Nothing is buffered for absent subscribers.
// - Commands are request/reply: SendCommand routes a command to the session of the
//   device that is online now and calls `reply` exactly once, on `reply_executor`:
//   with the device's answer, or 1400018 (not online / went offline before answering),
//   or 1500001 (no answer within hub.relay_timeout_s, D25).
// - Device sessions attach themselves when they log in (the newest attachment wins) and
//   detach when they end; Detach only removes the entry if it is still theirs.
// - The Bus must outlive every subscriber and attached target. All methods may be
//   called from any thread.
//
// The in-process implementation (bus/inproc_bus.h) is the default; a NATS
// implementation replaces it in cluster mode without touching callers: every payload
// here is plain data and JSON text.
#ifndef KRYPTON_BUS_BUS_H_
#define KRYPTON_BUS_BUS_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace krypton::bus {

// A device's devSend (or timerReport), after validation.
struct DeviceReport {
  std::string dev_tid;
  std::string mid;
  std::string msg_id = "0";          // the device's msgId as raw JSON (pushes echo it, §4.4)
  std::string sub_dev_tid;           // "" when none
  std::string app_tids_json = "[]";  // params.appTid as JSON; [] = every allowed app
  std::string data_json;             // params.data as JSON (decorated for 48 products, D16)
  int64_t at_ms = 0;
};

// A device came online (devLogin) or went offline (connection ended).
struct PresenceEvent {
  std::string dev_tid;
  std::string mid;
  bool online = false;
  int64_t at_ms = 0;
};

// A frame for every app session of one user (e.g. the devBind push, hub-protocol.md §4.6).
struct UserPush {
  std::string uid;
  std::string frame;  // one complete JSON object
};

// A command for a device: appSend, devUpgrade, setToken, devSync, getPinCode.
struct DeviceCommand {
  std::string dev_tid;
  std::string action = "appSend";
  std::string params_json = "{}";  // forwarded as the frame's params
};

// The device's answer as the requester should relay it (D25 applied): code 200 (or the
// configured success code) or an error code; params always carry devTid and data.
struct CommandReply {
  int code = 200;
  std::string desc = "success";
  std::string params_json;  // "" = no params
};

// The reply of a command that failed before or instead of a device answer (1400018 not
// online, 1500001 no answer, …): the status's number and English message, no params.
inline CommandReply ErrorReply(const Status& error) {
  return CommandReply{error.number(), error.Message(), ""};
}

using ReplyFn = std::function<void(CommandReply)>;

// A change made by a domain service (src/devices, src/accounts, src/catalog) that caches
// elsewhere must learn of (issue 15): published after the change's transaction committed,
// delivered to every subscriber's OnChange. The same events cross nodes when the bus is
// NATS. `key` names what changed; "" = everything of that kind.
struct ChangeEvent {
  enum class Kind {
    kAccess,      // who may see or command a device changed (bind, unbind, share): key devTid
    kTemplate,    // a product's protocol template or settings changed: key mid
    kTokenEpoch,  // an account's tokens were invalidated (password change/reset): key uid
    kTask,        // a scheduler task was created, changed or deleted: key its store id
  };
  Kind kind = Kind::kAccess;
  std::string key;
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void OnReport(const DeviceReport& report) = 0;
  virtual void OnPresence(const PresenceEvent& event) = 0;
  virtual void OnUserPush(const UserPush& /*push*/) {}
  // Called synchronously on the publisher's thread: invalidate, never block.
  virtual void OnChange(const ChangeEvent& /*event*/) {}
};

// Implemented by the device hub for each online device.
class CommandTarget {
 public:
  virtual ~CommandTarget() = default;
  // Runs on the device session's loop. Must call `reply` exactly once (it posts to the
  // requester's executor itself).
  virtual void Deliver(DeviceCommand command, ReplyFn reply) = 0;
  // Runs on the device session's loop when a newer session of the same device
  // attached: this one must tell its device (errorResp 1400013) and close (D8).
  virtual void OnReplaced() = 0;
  // Runs on the device session's loop when the cloud withdrew the device's right to be
  // connected (licence revoked): it must tell its device (errorResp 1400039) and close.
  virtual void OnRevoked() = 0;
};

class Bus {
 public:
  virtual ~Bus() = default;

  virtual void Subscribe(Subscriber* subscriber) = 0;
  virtual void Unsubscribe(Subscriber* subscriber) = 0;
  virtual void PublishReport(const DeviceReport& report) = 0;
  virtual void PublishPresence(const PresenceEvent& event) = 0;
  virtual void PublishUserPush(const UserPush& push) = 0;
  virtual void PublishChange(const ChangeEvent& event) = 0;

  virtual void SendCommand(DeviceCommand command, boost::asio::any_io_executor reply_executor,
                           ReplyFn reply) = 0;

  // A command nobody waits for (devSync after a bind change, hub-protocol.md §3.10):
  // delivered when the device is online now, dropped otherwise; its answer is ignored.
  virtual void Notify(DeviceCommand command) = 0;

  // `executor` is the device session's loop; `target` is called there. A previous
  // target of the same device gets OnReplaced(); the return value says whether there
  // was one (then the device never looked offline: no presence event is due, §4.5).
  virtual bool AttachDevice(const std::string& dev_tid,
                            boost::asio::io_context::executor_type executor,
                            std::weak_ptr<CommandTarget> target) = 0;
  // Removes the entry if it is still `target`'s. Returns false when another session has
  // replaced it (the caller then must not report the device offline).
  virtual bool DetachDevice(const std::string& dev_tid, const CommandTarget* target) = 0;
  // True when the device has an attached session (a snapshot; may change at once).
  virtual bool IsOnline(const std::string& dev_tid) = 0;
  // Posts OnRevoked() to the device's attached session; false when it has none.
  virtual bool RevokeDevice(const std::string& dev_tid) = 0;
};

}  // namespace krypton::bus

#endif  // KRYPTON_BUS_BUS_H_
