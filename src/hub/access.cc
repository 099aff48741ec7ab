#include "hub/access.h"

#include <simdjson.h>

#include "common/secrets.h"

namespace krypton::hub {
namespace {

// A PARTIAL share's instructionExpire {"<cmdTag or cmdId>": seconds, …}: each
// instruction expires that many seconds after the share was last set (≤ 0 = never),
// user-api.md §5.3.1.
std::shared_ptr<const std::vector<std::pair<std::string, int64_t>>> PartialInstructions(
    const storage::Share& s) {
  auto out = std::make_shared<std::vector<std::pair<std::string, int64_t>>>();
  int64_t base = s.update_time_ms != 0 ? s.update_time_ms : s.grant_time_ms;
  simdjson::dom::parser parser;
  simdjson::dom::object map;
  if (parser.parse(s.instruction_expire_json).get(map) != simdjson::SUCCESS) return out;
  for (auto [key, value] : map) {
    double seconds = 0;
    if (value.is_number()) seconds = value.get_double().value_unsafe();
    int64_t at = seconds > 0 ? base + static_cast<int64_t>(seconds * 1000) : 0;
    out->emplace_back(std::string(key), at);
  }
  return out;
}

}  // namespace

StoreAccessPolicy::StoreAccessPolicy(storage::Store& store, const Clock& clock, int ttl_ms,
                                     size_t max_entries, size_t loops, bus::Bus* bus)
    : store_(store),
      clock_(clock),
      cache_(clock, ttl_ms, max_entries, loops),
      watch_(bus, bus::ChangeEvent::Kind::kAccess,
             [this](const bus::ChangeEvent&) { cache_.Invalidate(); }) {}

StoreAccessPolicy::~StoreAccessPolicy() = default;

std::shared_ptr<const StoreAccessPolicy::Snapshot> StoreAccessPolicy::Load(
    const std::string& dev_tid, Status* error) {
  auto device = store_.GetDevice(dev_tid);
  if (!device.ok()) {
    if (!device.status().not_found()) {
      *error = Status(Code::kHubInternal).WithDetail(device.status().ToString());
    }
    return nullptr;
  }
  auto snap = std::make_shared<Snapshot>();
  snap->owner = device->owner_uid;
  snap->mid = device->mid;
  snap->ctrl_key = device->ctrl_key;
  auto shares = store_.ListSharesByDevice(dev_tid);
  if (shares.ok()) {
    for (const auto& s : *shares) {
      Grantee g{s.grantee, s.expire_at_ms, nullptr};
      if (s.mode == "PARTIAL") g.instructions = PartialInstructions(s);
      snap->grantees.push_back(std::move(g));
    }
  }
  return snap;
}

std::shared_ptr<const StoreAccessPolicy::Snapshot> StoreAccessPolicy::Get(
    const std::string& dev_tid, Status* error, bool keep) {
  return cache_.Get(
      dev_tid, error, [this](const std::string& key, Status* e) { return Load(key, e); }, keep);
}

std::vector<std::string> StoreAccessPolicy::AudienceOf(const Snapshot& snap) {
  std::vector<std::string> uids;
  if (!snap.owner.empty()) uids.push_back(snap.owner);
  int64_t now = clock_.NowMs();
  for (const auto& g : snap.grantees) {
    if (g.expire_at_ms != 0 && g.expire_at_ms <= now) continue;
    if (g.uid != snap.owner) uids.push_back(g.uid);
  }
  return uids;
}

std::vector<std::string> StoreAccessPolicy::Audience(const std::string& dev_tid,
                                                     std::string* ctrl_key) {
  Status error;
  auto snap = Get(dev_tid, &error);
  if (!snap) return {};
  if (ctrl_key != nullptr) *ctrl_key = snap->ctrl_key;
  return AudienceOf(*snap);
}

std::vector<std::string> StoreAccessPolicy::PresenceAudience(const std::string& dev_tid) {
  Status error;
  auto snap = Get(dev_tid, &error, /*keep=*/false);
  return snap ? AudienceOf(*snap) : std::vector<std::string>();
}

Status StoreAccessPolicy::CheckCommand(const std::string& uid, const std::string& dev_tid,
                                       const std::string& ctrl_key, Grant* grant) {
  Status error;
  auto snap = Get(dev_tid, &error);
  if (!snap) return error.ok() ? Status(Code::kHubDeviceNotFound) : error;
  bool allowed = !snap->owner.empty() && snap->owner == uid;
  std::shared_ptr<const std::vector<std::pair<std::string, int64_t>>> instructions;
  if (!allowed) {
    int64_t now = clock_.NowMs();
    for (const auto& g : snap->grantees) {
      if (g.uid == uid && (g.expire_at_ms == 0 || g.expire_at_ms > now)) {
        allowed = true;
        instructions = g.instructions;
      }
    }
  }
  if (!allowed || !ConstantTimeEqual(ctrl_key, snap->ctrl_key)) {
    return Status(Code::kHubDeviceNotOwned);
  }
  if (grant != nullptr) *grant = Grant{snap->mid, std::move(instructions)};
  return Status();
}

}  // namespace krypton::hub
