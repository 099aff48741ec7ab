// DeviceConnection: the hub side of one device's TCP connection (hub-protocol.md §3, §7.1).
//
// States: CONNECTED (until a successful devLogin) → ONLINE → CLOSED. In CONNECTED only
// devLogin and heartbeat are served; other known actions answer 1400020. Each action is a
// function in src/hub/actions/, found through the table in device_dispatch.cc.
//
// Threading: every method runs on the connection's loop (the session's), except that
// the bus calls Deliver() there too (it posts). No member needs a lock.
//
// Relay (D6, D25): a command from the bus gets a hub msgId (0…65535, skipping ids still
// pending), is written to the device, and waits at most hub.relay_timeout_s for the
// device's <action>Resp; the reply then goes back through the bus callback with the
// requester's own msgId left to the requester. Pending commands are bounded by
// hub.max_pending_writes; beyond it the command is refused with 1500001.
#ifndef KRYPTON_HUB_DEVICE_CONNECTION_H_
#define KRYPTON_HUB_DEVICE_CONNECTION_H_

#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>

#include "bus/bus.h"
#include "hub/context.h"
#include "hub/envelope.h"
#include "net/line_session.h"
#include "storage/store.h"

namespace krypton::hub {

class DeviceConnection final : public net::LineHandler,
                               public bus::CommandTarget,
                               public std::enable_shared_from_this<DeviceConnection> {
 public:
  DeviceConnection(HubContext& ctx, std::shared_ptr<net::LineSession> session);

  // net::LineHandler
  void OnLine(std::string_view line) override;
  void OnOverflow() override;
  void OnClosed() override;

  // bus::CommandTarget
  void Deliver(bus::DeviceCommand command, bus::ReplyFn reply) override;
  void OnReplaced() override;
  void OnRevoked() override;

  // ---- For the action handlers (src/hub/actions/) ----
  HubContext& ctx() { return ctx_; }
  // Success answer <action>Resp with the configured success code and optional params.
  void Reply(const Envelope& e, std::string_view params_json = {});
  void ReplyError(const Envelope& e, const Status& error);
  void Send(std::string frame);
  void CloseAfterFlush();

  bool online() const { return online_; }
  const std::string& dev_tid() const { return dev_tid_; }
  // The device's product (only its mid is kept, interned: a session stays small,
  // docs/benchmarks.md).
  const std::string& mid() const { return *mid_; }
  // The peer's address, for logs ("" once the session is gone).
  std::string remote_ip() const;
  // reportDevInfo's forbidOTA: devUpgrade is then refused with 1400032 (§3.11).
  void set_forbid_ota(bool forbid) { forbid_ota_ = forbid; }
  // Enters ONLINE for `device` of `product`: attaches to the bus (the newest session
  // wins; the bus tells a previous session through OnReplaced) and publishes the presence
  // event. The store's online mark was written by the login's transaction (dev_login.cc).
  void GoOnline(const storage::Device& device, const storage::Product& product);
  // The answer to a relayed command: `e.action` ends in "Resp".
  void OnCommandAnswer(const Envelope& e);

 private:
  struct Pending {
    std::string action;  // appSend, setToken, devSync, devUpgrade, getPinCode
    bus::ReplyFn reply;
    std::string params_json;  // the command's params (D25 fills data from it)
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  void GoOffline();
  // A device acknowledged setToken: its new token becomes current, the old one "last".
  void CommitToken(const std::string& command_params);
  int AllocateMsgId();
  void Finish(int hub_msg_id, bus::CommandReply reply);

  // Kept small: an idle device session is mostly this object and the session's
  // (docs/benchmarks.md). The executor and the peer address are the session's.
  HubContext& ctx_;
  std::weak_ptr<net::LineSession> session_;
  std::string dev_tid_;
  const std::string* mid_;  // interned (InternMid in device_connection.cc), never freed
  // Commands waiting for an answer; allocated by the first one, freed when none is left.
  std::unique_ptr<std::map<int, Pending>> pending_;
  uint16_t next_msg_id_ = 1;
  bool online_ = false;
  bool closed_ = false;
  bool replaced_ = false;
  bool forbid_ota_ = false;
};

// Runs a device connection on an accepted socket (TLS when `tls` is given).
std::shared_ptr<DeviceConnection> StartDeviceConnection(HubContext& ctx, net::Socket socket,
                                                        net::SessionTicket ticket,
                                                        boost::asio::ssl::context* tls);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_DEVICE_CONNECTION_H_
