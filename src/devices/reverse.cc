#include "devices/reverse.h"

#include <simdjson.h>

#include "common/json_object.h"
#include "common/secrets.h"
#include "devices/sharing_internal.h"

namespace krypton::devices {
namespace {

using internal::NamedDevice;
using internal::Transact;

int64_t TemplateTtlMs(const Env& env) {
  return int64_t{env.config.limits.reverse_template_ttl_s} * 1000;
}
int64_t RequestTtlMs(const Env& env) {
  return int64_t{env.config.limits.reverse_request_ttl_s} * 1000;
}

// The share a template grants, as stored in params_json.
std::string ParamsJson(const storage::Share& s, int64_t now_ms) {
  JsonObject o;
  o.Add("mode", s.mode);
  if (s.expire_at_ms != 0) {
    o.Add("expire", (s.expire_at_ms - now_ms) / 1000);
  } else {
    o.AddNull("expire");
  }
  if (s.mode == "PARTIAL") {
    o.AddRaw("instructionExpire", s.instruction_expire_json);
  } else {
    o.AddNull("instructionExpire");
  }
  o.Add("enableScheduler", s.enable_scheduler);
  o.Add("enableIFTTT", s.enable_ifttt);
  o.Add("desc", s.desc);
  return o.Finish();
}

std::string StringMember(simdjson::dom::object o, std::string_view key) {
  std::string_view v;
  return o[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}

// The share a request grants when approved (its expiry counts from now).
storage::Share ShareOf(const storage::ReverseRequest& r, int64_t now_ms) {
  storage::Share s;
  s.grantee = r.grantee;
  simdjson::dom::parser parser;
  simdjson::dom::object p;
  if (parser.parse(r.params_json).get(p) != simdjson::SUCCESS) return s;
  s.mode = StringMember(p, "mode") == "PARTIAL" ? "PARTIAL" : "ALL";
  simdjson::dom::object instructions;
  if (p["instructionExpire"].get(instructions) == simdjson::SUCCESS) {
    s.instruction_expire_json = simdjson::minify(instructions);
  }
  int64_t seconds = 0;
  if (p["expire"].get(seconds) == simdjson::SUCCESS && seconds > 0) {
    s.expire_at_ms = now_ms + seconds * 1000;
  }
  bool flag = true;
  s.enable_scheduler = p["enableScheduler"].get(flag) == simdjson::SUCCESS ? flag : true;
  s.enable_ifttt = p["enableIFTTT"].get(flag) == simdjson::SUCCESS ? flag : true;
  s.desc = StringMember(p, "desc");
  return s;
}

bool Truthy(simdjson::dom::element v) {
  bool b = false;
  std::string_view s;
  return (v.get(b) == simdjson::SUCCESS && b) || (v.get(s) == simdjson::SUCCESS && s == "true");
}

// The owner's `_ReverseAuthAgree`: preferences of the device's product, then global, then
// profile extraProperties (user-api.md §5.7).
Result<bool> AutoAgree(storage::Store& tx, const std::string& uid, const std::string& mid) {
  auto user = tx.GetUser(uid);
  if (!user.ok()) {
    if (user.status().not_found()) return false;
    return storage::Internal(user.status());
  }
  simdjson::dom::parser parser;
  simdjson::dom::element profile;
  if (parser.parse(user->profile_json).get(profile) != simdjson::SUCCESS) return false;
  simdjson::dom::element v;
  for (const std::string& scope : {mid, std::string("global")}) {
    if (profile["_preferences"][scope]["_ReverseAuthAgree"].get(v) == simdjson::SUCCESS) {
      return Truthy(v);
    }
  }
  return profile["extraProperties"]["_ReverseAuthAgree"].get(v) == simdjson::SUCCESS && Truthy(v);
}

// The caller's device `ref` (6400002 when another user's).
Result<storage::Device> OwnersDevice(storage::Store& tx, const Caller& caller,
                                     const DeviceRef& ref) {
  auto d = NamedDevice(tx, ref);
  if (!d.ok()) return d.status();
  if (d->owner_uid != caller.uid) return Status(Code::kUserInvalidReverseAuthRequest);
  return std::move(d).value();
}

// The pending request `id` of the owner's device; 6400001 missing/handled/expired,
// 6400002 for another device or a device no longer the grantor's.
Result<storage::ReverseRequest> Pending(const Env& env, storage::Store& tx, const std::string& id,
                                        const storage::Device& d, int64_t now_ms) {
  auto r = tx.GetReverseRequest(id);
  if (!r.ok()) {
    if (r.status().not_found()) return Status(Code::kUserReverseAuthTemplateNotExist);
    return storage::Internal(r.status());
  }
  if (r->dev_tid != d.dev_tid || r->grantor != d.owner_uid) {
    return Status(Code::kUserInvalidReverseAuthRequest);
  }
  if (r->status != "PENDING" || r->created_at_ms + RequestTtlMs(env) <= now_ms) {
    return Status(Code::kUserReverseAuthTemplateNotExist);
  }
  return std::move(r).value();
}

}  // namespace

Result<std::string> CreateReverseTemplate(Env& env, const Caller& caller, const DeviceRef& device,
                                          const std::string& claimed_grantor,
                                          const ShareTerms& terms, int64_t now_ms) {
  storage::ReverseTemplate t;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto d = NamedDevice(tx, device);
    if (!d.ok()) return d.status();
    if (d->owner_uid != caller.uid || (!claimed_grantor.empty() && claimed_grantor != caller.uid)) {
      return Status(Code::kUserOnlyOwnerCanAuthorize);
    }
    storage::Share share;
    if (Status a = internal::ApplyTerms(tx, *d, terms, now_ms, &share); !a.ok()) return a;
    std::string params = ParamsJson(share, now_ms);
    auto existing = tx.ListReverseTemplates(d->dev_tid);
    if (!existing.ok()) return storage::Internal(existing.status());
    for (const auto& e : *existing) {
      if (e.expires_at_ms > now_ms && e.grantor == caller.uid && e.params_json == params) {
        return Status(Code::kUserDuplicateReverseTemplate);
      }
    }
    t.id = RandomHex(16);
    t.dev_tid = d->dev_tid;
    t.grantor = caller.uid;
    t.params_json = params;
    t.created_at_ms = now_ms;
    t.expires_at_ms = now_ms + TemplateTtlMs(env);
    if (auto s = tx.CreateReverseTemplate(t); !s.ok()) return storage::Internal(s);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return t.id;
}

Result<std::string> RegisterReverse(Env& env, const Caller& caller, const std::string& template_id,
                                    int64_t now_ms) {
  std::string register_id;
  std::string shared_dev_tid;  // set when a share was created
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto t = tx.GetReverseTemplate(template_id);
    if (!t.ok() && !t.status().not_found()) return storage::Internal(t.status());
    if (!t.ok() || t->expires_at_ms <= now_ms) return Status(Code::kUserReverseTemplateNotExist);
    auto d = tx.GetDevice(t->dev_tid);
    if (!d.ok() && !d.status().not_found()) return storage::Internal(d.status());
    if (!d.ok() || d->owner_uid != t->grantor || caller.uid == t->grantor) {
      return Status(Code::kUserInvalidReverseAuthRequest);
    }
    auto share = tx.GetShare(d->dev_tid, caller.uid);
    if (!share.ok() && !share.status().not_found()) return storage::Internal(share.status());
    if (share.ok() && LiveShare(*share, now_ms)) return Status(Code::kUserAuthorizationExists);
    // A pending request of the same user is reused.
    auto pending = tx.ListReverseRequests(d->dev_tid);
    if (!pending.ok()) return storage::Internal(pending.status());
    for (const auto& p : *pending) {
      if (p.grantee == caller.uid && p.status == "PENDING" &&
          p.created_at_ms + RequestTtlMs(env) > now_ms) {
        register_id = p.register_id;
        return Status::Ok();
      }
    }
    storage::ReverseRequest r;
    r.register_id = RandomHex(16);
    r.template_id = t->id;
    r.dev_tid = d->dev_tid;
    r.grantor = t->grantor;
    r.grantee = caller.uid;
    r.params_json = t->params_json;
    r.created_at_ms = now_ms;
    auto agree = AutoAgree(tx, t->grantor, d->mid);
    if (!agree.ok()) return agree.status();
    if (*agree) {
      auto id =
          internal::CreateOneShare(tx, env.config, *d, t->grantor, ShareOf(r, now_ms), now_ms);
      if (!id.ok()) return id.status();
      r.status = "AGREED";
      shared_dev_tid = d->dev_tid;
    } else if (Status limit = internal::CheckShareLimit(tx, env.config, *d, now_ms); !limit.ok()) {
      // The limit is known now: refuse early rather than at approval.
      return limit;
    }
    if (auto s = tx.CreateReverseRequest(r); !s.ok()) return storage::Internal(s);
    register_id = r.register_id;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!shared_dev_tid.empty()) AccessChanged(env, shared_dev_tid);
  return register_id;
}

Result<std::vector<ReverseRequestView>> ListReverseRequests(Env& env, const Caller& caller,
                                                            const DeviceRef& device,
                                                            const std::string& only_register_id,
                                                            int page, int size, int64_t now_ms) {
  std::vector<ReverseRequestView> out;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    out.clear();
    auto d = NamedDevice(tx, device);
    if (!d.ok()) return d.status();
    if (d->owner_uid != caller.uid) return Status(Code::kUserNoPrivilege);
    auto requests = tx.ListReverseRequests(d->dev_tid);
    if (!requests.ok()) return storage::Internal(requests.status());
    int index = 0;
    for (auto& r : *requests) {
      if (r.status != "PENDING" || r.created_at_ms + RequestTtlMs(env) <= now_ms) continue;
      if (!only_register_id.empty() && r.register_id != only_register_id) continue;
      if (index++ < page * size || index > (page + 1) * size) continue;
      ReverseRequestView v;
      v.grantee_name = internal::UserName(tx, r.grantee);
      v.request = std::move(r);
      v.ctrl_key = d->ctrl_key;
      v.device_name = d->device_name;
      out.push_back(std::move(v));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status ApproveReverse(Env& env, const Caller& caller, const DeviceRef& device,
                      const std::string& register_id, int64_t now_ms) {
  std::string dev_tid;
  Status st = Transact(env.store, [&](storage::Store& tx) -> Status {
    auto d = OwnersDevice(tx, caller, device);
    if (!d.ok()) return d.status();
    auto r = Pending(env, tx, register_id, *d, now_ms);
    if (!r.ok()) return r.status();
    auto id = internal::CreateOneShare(tx, env.config, *d, caller.uid, ShareOf(*r, now_ms), now_ms);
    if (!id.ok()) return id.status();
    if (auto s = tx.SetReverseRequestStatus(r->register_id, "AGREED"); !s.ok()) {
      return storage::Internal(s);
    }
    dev_tid = d->dev_tid;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  AccessChanged(env, dev_tid);
  return Status::Ok();
}

Status RejectReverse(Env& env, const Caller& caller, const DeviceRef& device,
                     const std::string& register_id, const std::string& grantee, int64_t now_ms) {
  return Transact(env.store, [&](storage::Store& tx) -> Status {
    auto d = OwnersDevice(tx, caller, device);
    if (!d.ok()) return d.status();
    auto r = Pending(env, tx, register_id, *d, now_ms);
    if (!r.ok()) return r.status();
    if (!grantee.empty() && grantee != r->grantee) {
      return Status(Code::kUserInvalidReverseAuthRequest);
    }
    if (auto s = tx.SetReverseRequestStatus(r->register_id, "REJECTED"); !s.ok()) {
      return storage::Internal(s);
    }
    return Status::Ok();
  });
}

}  // namespace krypton::devices
