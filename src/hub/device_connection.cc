#include "hub/device_connection.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <mutex>
#include <unordered_set>

#include "common/secrets.h"
#include "hub/device_actions.h"
#include "hub/reply.h"

namespace krypton::hub {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kRespSuffix = "Resp";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One copy of each product mid for every session of that product. Products are few
// and their mids never change, so the set only grows by products that had devices online.
const std::string kNoMid;

const std::string* InternMid(const std::string& mid) {
  static std::mutex mu;
  static std::unordered_set<std::string> mids;
  std::lock_guard lock(mu);
  return &*mids.insert(mid).first;
}

bus::CommandReply ErrorReply(Code code) { return bus::ErrorReply(Status(code)); }

// params of the reply relayed to the requester: the device's params, with devTid and
// data filled from the session and the original command when the device left them out (D25).
std::string ReplyParams(const Envelope& e, const std::string& dev_tid,
                        const std::string& command_params) {
  bool has_dev_tid = false, has_data = false;
  if (e.has_params) {
    has_dev_tid = e.params["devTid"].error() == simdjson::SUCCESS;
    has_data = e.params["data"].error() == simdjson::SUCCESS;
    // The common case (nodejs-device-hekr echoes everything): one minify, no rebuild.
    if (has_dev_tid && has_data) return simdjson::minify(e.params);
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  if (e.has_params) {
    for (auto [key, value] : e.params) {
      std::string raw = simdjson::minify(value);
      w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      w.RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
    }
  }
  if (!has_dev_tid) {
    w.Key("devTid");
    w.String(dev_tid.data(), static_cast<rapidjson::SizeType>(dev_tid.size()));
  }
  if (!has_data) {
    simdjson::dom::parser parser;
    simdjson::dom::element data;
    w.Key("data");
    if (parser.parse(command_params)["data"].get(data) == simdjson::SUCCESS) {
      std::string raw = simdjson::minify(data);
      w.RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
    } else {
      w.StartObject();
      w.EndObject();
    }
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

DeviceConnection::DeviceConnection(HubContext& ctx, std::shared_ptr<net::LineSession> session)
    : ctx_(ctx), session_(session), mid_(&kNoMid) {}

std::string DeviceConnection::remote_ip() const {
  if (auto s = session_.lock()) return s->remote_ip();
  return {};
}

std::shared_ptr<DeviceConnection> StartDeviceConnection(HubContext& ctx, net::Socket socket,
                                                        net::SessionTicket ticket,
                                                        asio::ssl::context* tls) {
  const auto& hub = ctx.config.hub;
  net::LineSessionOptions options;
  options.max_line_bytes = static_cast<size_t>(hub.max_line_bytes);
  options.max_pending_writes = static_cast<size_t>(hub.max_pending_writes);
  options.one_message_per_write = true;  // D5: devices parse each read as one JSON
  // An absolute deadline from accept: bytes and heartbeats before devLogin do not
  // extend it (issue 14 §4); GoOnline switches to idle timeout + grace.
  options.timeout = std::chrono::seconds(hub.login_timeout_s);
  options.timeout_from_start = true;
  auto session = net::LineSession::Create(std::move(socket), std::move(ticket), options, tls);
  auto conn = std::make_shared<DeviceConnection>(ctx, session);
  session->Start(conn);
  return conn;
}

void DeviceConnection::OnLine(std::string_view line) {
  Envelope e;
  if (Status s = ParseEnvelope(line, &e); !s.ok()) {
    Send(ErrorFrame(e.msg_id, "", s));
    return;
  }
  if (EndsWith(e.action, kRespSuffix)) {
    // An answer to a command of ours; unknown or late answers are dropped.
    if (online_) OnCommandAnswer(e);
    return;
  }
  const DeviceAction* action = FindDeviceAction(e.action);
  if (action == nullptr) return ReplyError(e, Status(Code::kHubActionNotSupported));
  if (action->needs_login && !online_) return ReplyError(e, Status(Code::kHubDeviceNotLoggedIn));
  action->fn(*this, e);
}

void DeviceConnection::OnOverflow() { Send(ErrorFrame("0", "", Status(Code::kHubJsonParse))); }

void DeviceConnection::OnClosed() {
  closed_ = true;
  GoOffline();
}

void DeviceConnection::Reply(const Envelope& e, std::string_view params_json) {
  Send(SuccessFrame(e.msg_id, e.action, ctx_.config.hub.success_code, params_json));
}

void DeviceConnection::ReplyError(const Envelope& e, const Status& error) {
  if (!error.detail().empty()) {
    spdlog::debug("device {} {}: {} ({})", dev_tid_.empty() ? remote_ip() : dev_tid_, e.action,
                  error.number(), error.detail());
  }
  Send(ErrorFrame(e.msg_id, e.action, error));
}

void DeviceConnection::Send(std::string frame) {
  if (auto s = session_.lock()) s->Send(std::move(frame));
}

void DeviceConnection::CloseAfterFlush() {
  if (auto s = session_.lock()) s->CloseAfterFlush();
}

void DeviceConnection::GoOnline(const storage::Device& device, const storage::Product& product) {
  // The session is running this login (it called OnLine), so it is alive.
  auto session = session_.lock();
  if (!session) return;
  online_ = true;
  dev_tid_ = device.dev_tid;
  mid_ = InternMid(product.mid);
  int64_t now = ctx_.clock.NowMs();
  bool replaced = ctx_.bus.AttachDevice(dev_tid_, session->executor(), weak_from_this());
  // The store already marked the device online in the login's transaction (dev_login.cc).
  ctx_.counters.device_logins.fetch_add(1, std::memory_order_relaxed);
  // A session replacing another one of the same device: apps saw no gap (§4.5).
  if (!replaced) ctx_.bus.PublishPresence({dev_tid_, *mid_, true, now});
  const auto& hub = ctx_.config.hub;
  session->LoggedIn(std::chrono::seconds(hub.idle_timeout_s + hub.idle_grace_s));
  spdlog::info("device {} online from {}", dev_tid_, session->remote_ip());
}

void DeviceConnection::GoOffline() {
  // Pending commands end with 1400018 whichever way the session ends (§7.1).
  if (auto pending = std::move(pending_)) {
    for (auto& [id, p] : *pending) {
      p.timer->cancel();
      p.reply(ErrorReply(Code::kHubDeviceOffline));
    }
  }
  if (!online_) return;
  online_ = false;
  // Only the session still attached reports the device offline: a replaced session
  // must not overwrite its successor's state.
  if (replaced_ || !ctx_.bus.DetachDevice(dev_tid_, this)) return;
  int64_t now = ctx_.clock.NowMs();
  if (auto s = ctx_.store.SetDeviceOnline(dev_tid_, false, now); !s.ok()) {
    spdlog::error("device {}: cannot mark offline: {}", dev_tid_, s.ToString());
  }
  ctx_.bus.PublishPresence({dev_tid_, *mid_, false, now});
  spdlog::info("device {} offline", dev_tid_);
}

void DeviceConnection::OnReplaced() {
  if (closed_ || !online_) return;
  replaced_ = true;
  spdlog::info("device {} logged in on another connection; closing {}", dev_tid_, remote_ip());
  Send(ErrorFrame("0", "", Status(Code::kHubDeviceRepeatLogin)));
  GoOffline();
  CloseAfterFlush();
}

void DeviceConnection::OnRevoked() {
  if (closed_ || !online_) return;
  spdlog::info("device {}: licence revoked; closing {}", dev_tid_, remote_ip());
  Send(ErrorFrame("0", "", Status(Code::kHubLicenseInvalid)));
  GoOffline();
  CloseAfterFlush();
}

void DeviceConnection::CommitToken(const std::string& command_params) {
  simdjson::dom::parser parser;
  std::string_view token;
  if (parser.parse(command_params)["token"].get_string().get(token) != simdjson::SUCCESS ||
      token.empty()) {
    return;
  }
  auto device = ctx_.store.GetDevice(dev_tid_);
  if (!device.ok()) return;
  // Without this acknowledgement the old token stays valid (§3.9).
  auto s = ctx_.store.UpdateDeviceTokens(dev_tid_, Sha256Hex(token), device->token_hash);
  if (!s.ok()) spdlog::error("device {}: cannot store the new token: {}", dev_tid_, s.ToString());
}

int DeviceConnection::AllocateMsgId() {
  // 0…65535 (§2.3), skipping ids still waiting for an answer.
  for (int i = 0; i < 65536; ++i) {
    int id = next_msg_id_;
    next_msg_id_ = static_cast<uint16_t>(next_msg_id_ + 1);
    if (!pending_ || pending_->find(id) == pending_->end()) return id;
  }
  return -1;
}

void DeviceConnection::Deliver(bus::DeviceCommand command, bus::ReplyFn reply) {
  if (!online_ || closed_) return reply(ErrorReply(Code::kHubDeviceOffline));
  if (command.action == "devUpgrade" && forbid_ota_) {
    return reply(ErrorReply(Code::kHubInvalidParam));
  }
  auto session = session_.lock();
  if (!session) return reply(ErrorReply(Code::kHubDeviceOffline));
  if (pending_ && pending_->size() >= static_cast<size_t>(ctx_.config.hub.max_pending_writes)) {
    return reply(ErrorReply(Code::kHubLinkError));
  }
  int id = AllocateMsgId();
  if (id < 0) return reply(ErrorReply(Code::kHubLinkError));

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("msgId");
  w.Int(id);
  w.Key("action");
  w.String(command.action.data(), static_cast<rapidjson::SizeType>(command.action.size()));
  w.Key("params");
  w.RawValue(command.params_json.data(), command.params_json.size(), rapidjson::kObjectType);
  w.EndObject();

  Pending p;
  p.action = command.action;
  p.reply = std::move(reply);
  p.params_json = std::move(command.params_json);
  p.timer = std::make_unique<asio::steady_timer>(session->executor());
  p.timer->expires_after(std::chrono::seconds(ctx_.config.hub.relay_timeout_s));
  p.timer->async_wait([weak = weak_from_this(), id](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->ctx_.counters.commands_timed_out.fetch_add(1, std::memory_order_relaxed);
      self->Finish(id, ErrorReply(Code::kHubLinkError));
    }
  });
  if (!pending_) pending_ = std::make_unique<std::map<int, Pending>>();
  pending_->emplace(id, std::move(p));
  ctx_.counters.commands_relayed.fetch_add(1, std::memory_order_relaxed);
  Send(std::string(buf.GetString(), buf.GetSize()));
}

void DeviceConnection::Finish(int hub_msg_id, bus::CommandReply reply) {
  if (!pending_) return;
  auto it = pending_->find(hub_msg_id);
  if (it == pending_->end()) return;
  Pending p = std::move(it->second);
  pending_->erase(it);
  if (pending_->empty()) pending_.reset();
  p.timer->cancel();
  p.reply(std::move(reply));
}

void DeviceConnection::OnCommandAnswer(const Envelope& e) {
  // The device echoes our msgId, as a number or (some firmware) as a numeric string.
  std::string_view id_text = e.msg_id;
  if (id_text.size() >= 2 && id_text.front() == '"')
    id_text = id_text.substr(1, id_text.size() - 2);
  int id = -1;
  auto [ptr, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || ptr != id_text.data() + id_text.size()) return;
  if (!pending_) return;
  auto it = pending_->find(id);
  if (it == pending_->end()) return;  // late, unknown, or appGroupSendResp: dropped

  int64_t code = 0;
  std::string_view desc;
  bool has_code = e.root["code"].get_int64().get(code) == simdjson::SUCCESS;
  bool has_desc = e.root["desc"].get_string().get(desc) == simdjson::SUCCESS;
  const int success = ctx_.config.hub.success_code;
  bus::CommandReply reply =
      DeviceAnswer(has_code ? std::optional<int64_t>(code) : std::nullopt,
                   has_desc ? std::optional<std::string_view>(desc) : std::nullopt, success);
  reply.params_json = ReplyParams(e, dev_tid_, it->second.params_json);
  if (it->second.action == "setToken" && reply.code == success) CommitToken(it->second.params_json);
  Finish(id, std::move(reply));
}

}  // namespace krypton::hub
