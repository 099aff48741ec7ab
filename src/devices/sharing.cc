#include "devices/sharing.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "codec/template.h"
#include "common/secrets.h"
#include "devices/sharing_internal.h"

namespace krypton::devices {

bool LiveShare(const storage::Share& s, int64_t now_ms) {
  return s.expire_at_ms == 0 || s.expire_at_ms > now_ms;
}

int ShareLimit(const config::Config& config, int max_dev_share_num) {
  return max_dev_share_num > 0 ? max_dev_share_num : config.limits.shares_per_device;
}

std::vector<std::pair<std::string, int64_t>> PartialInstructions(const storage::Share& s) {
  std::vector<std::pair<std::string, int64_t>> out;
  int64_t base = s.update_time_ms != 0 ? s.update_time_ms : s.grant_time_ms;
  simdjson::dom::parser parser;
  simdjson::dom::object map;
  if (parser.parse(s.instruction_expire_json).get(map) != simdjson::SUCCESS) return out;
  for (auto [key, value] : map) {
    double seconds = 0;
    if (value.is_number()) seconds = value.get_double().value_unsafe();
    int64_t at = seconds > 0 ? base + static_cast<int64_t>(seconds * 1000) : 0;
    out.emplace_back(std::string(key), at);
  }
  return out;
}

InstructionName InstructionOf(simdjson::dom::element data, const codec::Command* command) {
  InstructionName name;
  if (command != nullptr) {
    name.tag = command->tag;
    name.id = std::to_string(command->id);
    return name;
  }
  std::string_view tag;
  if (data["cmdTag"].get(tag) == simdjson::SUCCESS) name.tag = std::string(tag);
  int64_t id = 0;
  if (data["cmdId"].get(id) == simdjson::SUCCESS) name.id = std::to_string(id);
  return name;
}

InstructionGrant FindInstruction(const std::vector<std::pair<std::string, int64_t>>& granted,
                                 const InstructionName& name, int64_t now_ms) {
  for (const auto& [instruction, expire_at] : granted) {
    if ((!name.tag.empty() && instruction == name.tag) ||
        (!name.id.empty() && instruction == name.id)) {
      return expire_at != 0 && expire_at <= now_ms ? InstructionGrant::kExpired
                                                   : InstructionGrant::kGranted;
    }
  }
  return InstructionGrant::kNotGranted;
}

Status CheckInstructionGrant(const std::vector<std::pair<std::string, int64_t>>& granted,
                             const InstructionName& name, int64_t now_ms) {
  switch (FindInstruction(granted, name, now_ms)) {
    case InstructionGrant::kGranted:
      return Status();
    case InstructionGrant::kExpired:
      return Status(Code::kUserInstructionExpired);
    case InstructionGrant::kNotGranted:
      break;
  }
  return Status(Code::kUserInstructionNotGranted);
}

namespace internal {

std::string UserName(storage::Store& store, const std::string& uid) {
  auto u = store.GetUser(uid);
  if (!u.ok()) return "";
  simdjson::dom::parser parser;
  simdjson::dom::element profile;
  std::string_view first, last;
  if (parser.parse(u->profile_json).get(profile) == simdjson::SUCCESS) {
    if (profile["firstName"].get(first) != simdjson::SUCCESS) first = {};
    if (profile["lastName"].get(last) != simdjson::SUCCESS) last = {};
  }
  std::string name = std::string(first) + std::string(last);
  if (!name.empty()) return name;
  return !u->email.empty() ? u->email : u->phone;
}

Result<storage::Device> NamedDevice(storage::Store& store, const DeviceRef& ref) {
  if (ref.dev_tid.empty() && ref.ctrl_key.empty()) return Status(Code::kUserDevTidEmpty);
  auto d =
      ref.dev_tid.empty() ? store.FindDeviceByCtrlKey(ref.ctrl_key) : store.GetDevice(ref.dev_tid);
  if (!d.ok()) {
    if (d.status().not_found()) return Status(Code::kUserDeviceNotExist);
    return storage::Internal(d.status());
  }
  if (!ref.ctrl_key.empty() && !ConstantTimeEqual(ref.ctrl_key, d->ctrl_key)) {
    return Status(Code::kUserDeviceNotOwned);
  }
  return std::move(d).value();
}

namespace {

// A PARTIAL share's instructions must be commands of the product's template (cmdTag or
// decimal cmdId; 5400015) that apps may send (not report-only, frameType 1: 5400020).
Status CheckInstructions(storage::Store& store, const storage::Device& d,
                         simdjson::dom::object instructions) {
  auto product = store.GetProduct(d.mid);
  if (!product.ok()) return storage::Internal(product.status());
  auto stored = store.GetCurrentTemplate(d.mid);
  if (!stored.ok()) {
    if (stored.status().not_found()) return Status(Code::kUserNoSuchInstruction);
    return storage::Internal(stored.status());
  }
  auto tpl = codec::ParseTemplate(stored->body_json, codec::ParseWorkMode(product->work_mode_type));
  if (!tpl.ok()) return Status(Code::kUserNoSuchInstruction);
  if (instructions.size() == 0) return Status(Code::kUserInvalidParam, "instructionExpire");
  for (auto [key, value] : instructions) {
    if (!value.is_number()) return Status(Code::kUserInvalidParam, "instructionExpire");
    const codec::Command* cmd = tpl->FindByTag(key);
    if (cmd == nullptr && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit) &&
        key.size() <= 3) {
      cmd = tpl->FindById(std::stoi(std::string(key)));
    }
    if (cmd == nullptr) return Status(Code::kUserNoSuchInstruction);
    if (cmd->frame_type == 1) return Status(Code::kUserInstructionNotSupported);
  }
  return Status::Ok();
}

}  // namespace

Status ApplyTerms(storage::Store& store, const storage::Device& d, const ShareTerms& terms,
                  int64_t now_ms, storage::Share* s) {
  std::string mode = terms.mode.empty() ? "ALL" : terms.mode;
  if (mode != "ALL" && mode != "PARTIAL") return Status(Code::kUserInvalidParam, "mode");
  s->mode = mode;
  s->instruction_expire_json = "{}";
  if (mode == "PARTIAL") {
    simdjson::dom::parser parser;
    simdjson::dom::object instructions;
    if (terms.instructions_json.empty() ||
        parser.parse(terms.instructions_json).get(instructions) != simdjson::SUCCESS) {
      return Status(Code::kUserInvalidParam, "instructionExpire");
    }
    if (Status st = CheckInstructions(store, d, instructions); !st.ok()) return st;
    s->instruction_expire_json = simdjson::minify(instructions);
  }
  s->enable_scheduler = terms.enable_scheduler;
  s->enable_ifttt = terms.enable_ifttt;
  s->desc = terms.desc;
  if (s->desc.size() > 512) return Status(Code::kUserInvalidParam, "desc");
  // iOS sends ≈98 years for "forever"; capped so that the sum cannot overflow.
  s->expire_at_ms =
      terms.expire_s > 0 ? now_ms + static_cast<int64_t>(std::min(terms.expire_s, 1e11) * 1000) : 0;
  return Status::Ok();
}

Status CheckShareLimit(storage::Store& tx, const config::Config& config, const storage::Device& d,
                       int64_t now_ms) {
  int product_limit = 0;  // the product sets none, or is unknown
  if (auto product = tx.GetProduct(d.mid); product.ok()) {
    product_limit = product->max_dev_share_num;
  } else if (!product.status().not_found()) {
    return storage::Internal(product.status());
  }
  auto shares = tx.ListSharesByDevice(d.dev_tid);
  if (!shares.ok()) return storage::Internal(shares.status());
  int live = 0;
  for (const auto& s : *shares) live += LiveShare(s, now_ms) ? 1 : 0;
  if (live >= ShareLimit(config, product_limit)) return Status(Code::kUserShareLimit);
  return Status::Ok();
}

Result<int64_t> CreateOneShare(storage::Store& tx, const config::Config& config,
                               const storage::Device& d, const std::string& grantor,
                               storage::Share share, int64_t now_ms) {
  if (d.owner_uid != grantor) return Status(Code::kUserOnlyOwnerCanAuthorize);
  if (share.grantee == grantor) return Status(Code::kUserInvalidParam, "grantee");
  if (auto u = tx.GetUser(share.grantee); !u.ok()) {
    if (u.status().not_found()) return Status(Code::kUserNotExist);
    return storage::Internal(u.status());
  }
  bool replace_expired = false;
  if (auto existing = tx.GetShare(d.dev_tid, share.grantee); existing.ok()) {
    if (LiveShare(*existing, now_ms)) return Status(Code::kUserAuthorizationExists);
    replace_expired = true;
  } else if (!existing.status().not_found()) {
    return storage::Internal(existing.status());
  }
  // The expired share of this grantee is not live, so it is not counted either.
  if (Status st = CheckShareLimit(tx, config, d, now_ms); !st.ok()) return st;
  if (replace_expired) {
    if (auto s = tx.DeleteShare(d.dev_tid, share.grantee); !s.ok() && !s.not_found()) {
      return storage::Internal(s);
    }
  }
  share.dev_tid = d.dev_tid;
  share.grantor = grantor;
  if (share.grant_time_ms == 0) share.grant_time_ms = now_ms;
  share.update_time_ms = 0;
  auto id = tx.CreateShare(share);
  if (!id.ok()) {
    if (id.status().conflict()) return Status(Code::kUserAuthorizationExists);
    return storage::Internal(id.status());
  }
  return *id;
}

}  // namespace internal

using internal::NamedDevice;
using internal::Transact;

Result<ShareView> CreateShare(Env& env, const Caller& caller, const DeviceRef& device,
                              const std::string& grantee, const ShareTerms& terms, int64_t now_ms) {
  ShareView view;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto d = NamedDevice(tx, device);
    if (!d.ok()) return d.status();
    if (d->owner_uid != caller.uid) return Status(Code::kUserOnlyOwnerCanAuthorize);
    if (grantee.empty()) return Status(Code::kUserInvalidParam, "grantee");
    storage::Share s;
    s.grantee = grantee;
    if (Status t = internal::ApplyTerms(tx, *d, terms, now_ms, &s); !t.ok()) return t;
    s.grant_time_ms = now_ms;  // `expire` is answered as expireAt − grantTime
    auto id = internal::CreateOneShare(tx, env.config, *d, caller.uid, s, now_ms);
    if (!id.ok()) return id.status();
    s.id = *id;
    s.dev_tid = d->dev_tid;
    s.grantor = caller.uid;
    s.update_time_ms = 0;
    view.share = std::move(s);
    view.ctrl_key = d->ctrl_key;
    view.grantor_name = internal::UserName(tx, caller.uid);
    view.grantee_name = internal::UserName(tx, grantee);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  AccessChanged(env, view.share.dev_tid);
  return view;
}

Result<std::vector<Status>> CreateShares(Env& env, const Caller& caller,
                                         const std::vector<std::string>& ctrl_keys,
                                         const std::string& grantee,
                                         std::optional<int64_t> expire_at_ms, int64_t now_ms) {
  if (grantee.empty()) return Status(Code::kUserInvalidParam, "grantee");
  if (expire_at_ms && *expire_at_ms <= now_ms) return Status(Code::kUserInvalidParam, "expireAt");
  if (ctrl_keys.empty() || ctrl_keys.size() > 100) {
    return Status(Code::kUserInvalidParam, "ctrlKey");
  }
  std::vector<Status> results;
  std::vector<std::string> changed;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    results.clear();
    changed.clear();
    for (const std::string& key : ctrl_keys) {
      if (key.empty()) {
        results.emplace_back(Code::kUserDeviceNotExist);
        continue;
      }
      auto d = tx.FindDeviceByCtrlKey(key);
      if (!d.ok()) {
        if (!d.status().not_found()) return storage::Internal(d.status());
        results.emplace_back(Code::kUserDeviceNotExist);
        continue;
      }
      storage::Share s;
      s.grantee = grantee;
      s.mode = "ALL";
      s.enable_scheduler = true;
      s.enable_ifttt = true;
      s.expire_at_ms = expire_at_ms.value_or(0);
      auto id = internal::CreateOneShare(tx, env.config, *d, caller.uid, s, now_ms);
      if (!id.ok() && id.status().code() == Code::kUserInternal) return id.status();
      results.push_back(id.ok() ? Status::Ok() : id.status());
      if (id.ok()) changed.push_back(d->dev_tid);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  for (const std::string& dev_tid : changed) AccessChanged(env, dev_tid);
  return results;
}

namespace {

ShareView ViewOf(storage::Store& tx, storage::Share s, const std::string& ctrl_key) {
  ShareView v;
  v.grantor_name = internal::UserName(tx, s.grantor);
  v.grantee_name = internal::UserName(tx, s.grantee);
  v.ctrl_key = ctrl_key;
  v.share = std::move(s);
  return v;
}

}  // namespace

Result<std::vector<ShareView>> ListShares(Env& env, const Caller& caller, const DeviceRef& device,
                                          const std::set<std::string>& grantees, int64_t now_ms) {
  const std::string& uid = caller.uid;
  std::vector<ShareView> out;
  auto wanted = [&](const storage::Share& s) {
    return LiveShare(s, now_ms) && (grantees.empty() || grantees.count(s.grantee) > 0);
  };
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    out.clear();
    if (device.dev_tid.empty() && device.ctrl_key.empty()) {
      if (grantees.size() == 1 && *grantees.begin() == uid) {
        // The shares the caller holds.
        auto shares = tx.ListSharesByGrantee(uid);
        if (!shares.ok()) return storage::Internal(shares.status());
        for (auto& s : *shares) {
          if (!LiveShare(s, now_ms)) continue;
          auto d = tx.GetDevice(s.dev_tid);
          if (!d.ok()) {
            if (d.status().not_found()) continue;
            return storage::Internal(d.status());
          }
          out.push_back(ViewOf(tx, std::move(s), d->ctrl_key));
        }
        return Status::Ok();
      }
      // The shares the caller granted, over every device it owns.
      auto owned = tx.ListDevicesByOwner(uid);
      if (!owned.ok()) return storage::Internal(owned.status());
      for (const auto& d : *owned) {
        auto shares = tx.ListSharesByDevice(d.dev_tid);
        if (!shares.ok()) return storage::Internal(shares.status());
        for (auto& s : *shares) {
          if (wanted(s)) out.push_back(ViewOf(tx, std::move(s), d.ctrl_key));
        }
      }
      return Status::Ok();
    }
    auto d = NamedDevice(tx, device);
    if (!d.ok()) return d.status();
    if (d->owner_uid != uid) {
      // A grantee sees only its own share, and must say so (grantee=<own uid>).
      auto mine = tx.GetShare(d->dev_tid, uid);
      if (!mine.ok() && !mine.status().not_found()) return storage::Internal(mine.status());
      if (!mine.ok() || !LiveShare(*mine, now_ms)) return Status(Code::kUserDeviceNotOwned);
      if (grantees.size() != 1 || *grantees.begin() != uid) {
        return Status(Code::kUserNoPrivilege);
      }
    }
    auto shares = tx.ListSharesByDevice(d->dev_tid);
    if (!shares.ok()) return storage::Internal(shares.status());
    for (auto& s : *shares) {
      if (wanted(s)) out.push_back(ViewOf(tx, std::move(s), d->ctrl_key));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status UpdateShare(Env& env, const Caller& caller, const DeviceRef& device,
                   const std::string& grantee, const ShareTerms& terms, int64_t now_ms) {
  std::string dev_tid;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto d = NamedDevice(tx, device);
    if (!d.ok()) return d.status();
    if (d->owner_uid != caller.uid) return Status(Code::kUserOnlyOwnerCanAuthorize);
    auto share = tx.GetShare(d->dev_tid, grantee);
    if (!share.ok() && !share.status().not_found()) return storage::Internal(share.status());
    if (!share.ok() || !LiveShare(*share, now_ms)) {
      return Status(Code::kUserAuthorizationNotExist);
    }
    storage::Share s = *share;
    if (Status t = internal::ApplyTerms(tx, *d, terms, now_ms, &s); !t.ok()) return t;
    s.update_time_ms = now_ms;
    if (auto u = tx.UpdateShare(s); !u.ok()) return storage::Internal(u);
    dev_tid = d->dev_tid;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  AccessChanged(env, dev_tid);
  return Status::Ok();
}

Status DeleteShares(Env& env, const Caller& caller, const DeviceRef& device,
                    std::set<std::string> grantees, int64_t now_ms) {
  const std::string& uid = caller.uid;
  std::string dev_tid;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto d = NamedDevice(tx, device);
    if (!d.ok()) return d.status();
    // Whether `grantee` holds a live share of the device.
    auto live = [&](const std::string& grantee) -> Result<bool> {
      auto s = tx.GetShare(d->dev_tid, grantee);
      if (s.ok()) return LiveShare(*s, now_ms);
      if (s.status().not_found()) return false;
      return storage::Internal(s.status());
    };
    if (d->owner_uid != uid) {
      auto mine = live(uid);
      if (!mine.ok()) return mine.status();
      if (!*mine) return Status(Code::kUserAuthorizationNotExist);
      if (grantees.empty()) grantees.insert(uid);
      if (grantees.size() != 1 || *grantees.begin() != uid) return Status(Code::kUserNoPrivilege);
    }
    if (grantees.empty()) {
      auto shares = tx.ListSharesByDevice(d->dev_tid);
      if (!shares.ok()) return storage::Internal(shares.status());
      for (const auto& s : *shares) {
        if (LiveShare(s, now_ms)) grantees.insert(s.grantee);
      }
      if (grantees.empty()) return Status(Code::kUserAuthorizationNotExist);
    }
    for (const auto& g : grantees) {
      auto is_live = live(g);
      if (!is_live.ok()) return is_live.status();
      if (!*is_live) return Status(Code::kUserAuthorizationNotExist);
    }
    for (const auto& g : grantees) {
      if (auto s = tx.DeleteShare(d->dev_tid, g); !s.ok()) return storage::Internal(s);
    }
    dev_tid = d->dev_tid;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  AccessChanged(env, dev_tid);
  return Status::Ok();
}

}  // namespace krypton::devices
