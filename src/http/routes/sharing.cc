// Sharing (正向授权, user-api.md §5.3): an owner grants another user a device — all
// instructions or some (PARTIAL, each with its own expiry), optionally until a time.
//   POST   /authorization  v2 {ctrlKey:[…], grantee, expireAt?} → 200 per-item results
//                          v1 {grantee, devTid, ctrlKey, expire?, mode, instructionExpire?,
//                              enableScheduler, enableIFTTT, desc, grantor?} → 201 Authorization
//   GET    /authorization?devTid=|ctrlKey=[&grantee=a,b]   → 200 [Authorization]
//   PUT    /authorization  (the full v1 object)             → 204
//   DELETE /authorization?devTid=|ctrlKey=[&grantee=a,b]    → 204
//   DELETE /v1/device-auth/{ctrlKey}?grantee=               → 204
// Expired shares count as absent everywhere. Every change publishes bus::ChangeEvent kAccess, so the
// app hub applies it to the next command and report (decision 0004).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>

#include "codec/template.h"
#include "common/secrets.h"
#include "http/routes/api.h"
#include "http/routes/sharing_internal.h"

namespace krypton::http {
namespace sharing {

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Comma-separated query values ("a,b").
std::set<std::string> SplitList(const std::string& text) {
  std::set<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.insert(item);
  }
  return out;
}

std::string UserName(ApiContext& ctx, const std::string& uid) {
  auto u = ctx.store.GetUser(uid);
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

void WriteShare(ApiContext& ctx, Writer& w, const storage::Share& s, const std::string& ctrl_key) {
  w.StartObject();
  w.Key("id");
  Str(w, std::to_string(s.id));
  w.Key("grantor");
  Str(w, s.grantor);
  w.Key("grantorName");
  Str(w, UserName(ctx, s.grantor));
  w.Key("grantee");
  Str(w, s.grantee);
  w.Key("granteeName");
  Str(w, UserName(ctx, s.grantee));
  w.Key("devTid");
  Str(w, s.dev_tid);
  w.Key("ctrlKey");
  Str(w, ctrl_key);
  w.Key("grantTime");
  w.Int64(s.grant_time_ms);
  w.Key("updateTime");
  if (s.update_time_ms != 0) {
    w.Int64(s.update_time_ms);
  } else {
    w.Null();
  }
  w.Key("expire");
  if (s.expire_at_ms != 0) {
    w.Int64((s.expire_at_ms - s.grant_time_ms) / 1000);
  } else {
    w.Null();
  }
  w.Key("expireAt");
  if (s.expire_at_ms != 0) {
    w.Int64(s.expire_at_ms);
  } else {
    w.Null();
  }
  w.Key("mode");
  Str(w, s.mode);
  w.Key("instructionExpire");
  if (s.mode == "PARTIAL") {
    w.RawValue(s.instruction_expire_json.data(), s.instruction_expire_json.size(),
               rapidjson::kObjectType);
  } else {
    w.Null();
  }
  w.Key("enableIFTTT");
  w.Bool(s.enable_ifttt);
  w.Key("enableScheduler");
  w.Bool(s.enable_scheduler);
  w.Key("desc");
  Str(w, s.desc);
  w.EndObject();
}

// The device named by devTid (preferred) or ctrlKey; 5400017 when neither is given,
// 6400004 when unknown; with both, they must agree (5400014).
Result<storage::Device> NamedDevice(ApiContext& ctx, const std::string& dev_tid,
                                    const std::string& ctrl_key) {
  if (dev_tid.empty() && ctrl_key.empty()) return Status(Code::kUserDevTidEmpty);
  auto d = dev_tid.empty() ? ctx.store.FindDeviceByCtrlKey(ctrl_key) : ctx.store.GetDevice(dev_tid);
  if (!d.ok()) {
    if (d.status().not_found()) return Status(Code::kUserDeviceNotExist);
    return Status(Code::kUserInternal).WithDetail(d.status().ToString());
  }
  if (!ctrl_key.empty() && !ConstantTimeEqual(ctrl_key, d->ctrl_key)) {
    return Status(Code::kUserDeviceNotOwned);
  }
  return std::move(d).value();
}

// A PARTIAL share's instructions must be commands of the product's template (cmdTag or
// decimal cmdId; 5400015) that apps may send (not report-only, frameType 1: 5400020).
Status CheckInstructions(ApiContext& ctx, const storage::Device& d,
                         simdjson::dom::object instructions) {
  auto product = ctx.store.GetProduct(d.mid);
  if (!product.ok()) return Status(Code::kUserInternal).WithDetail(product.status().ToString());
  auto stored = ctx.store.GetCurrentTemplate(d.mid);
  if (!stored.ok()) return Status(Code::kUserNoSuchInstruction);
  auto tpl = codec::ParseTemplate(stored->body_json, codec::ParseWorkMode(product->work_mode_type));
  if (!tpl.ok()) return Status(Code::kUserNoSuchInstruction);
  if (instructions.size() == 0) return Status(Code::kUserInvalidParam, "instructionExpire");
  for (auto [key, value] : instructions) {
    if (!value.is_number()) {
      return Status(Code::kUserInvalidParam, "instructionExpire");
    }
    const codec::Command* cmd = tpl->FindByTag(key);
    if (cmd == nullptr && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit) &&
        key.size() <= 3) {
      cmd = tpl->FindById(std::stoi(std::string(key)));
    }
    if (cmd == nullptr) return Status(Code::kUserNoSuchInstruction);
    if (cmd->frame_type == 1) return Status(Code::kUserInstructionNotSupported);
  }
  return Status();
}

// The v1 fields (mode, instructionExpire, flags, desc, expire) into `s`.
Status ReadV1(ApiContext& ctx, simdjson::dom::object body, const storage::Device& d, int64_t now,
              storage::Share* s) {
  std::string mode = api::Str(body, "mode");
  if (mode.empty()) mode = "ALL";
  if (mode != "ALL" && mode != "PARTIAL") return Status(Code::kUserInvalidParam, "mode");
  s->mode = mode;
  s->instruction_expire_json = "{}";
  if (mode == "PARTIAL") {
    // 2016 drafts put the instruction map in `expire` itself.
    simdjson::dom::object instructions;
    if (body["instructionExpire"].get(instructions) != simdjson::SUCCESS &&
        body["expire"].get(instructions) != simdjson::SUCCESS) {
      return Status(Code::kUserInvalidParam, "instructionExpire");
    }
    if (Status st = CheckInstructions(ctx, d, instructions); !st.ok()) return st;
    s->instruction_expire_json = simdjson::minify(instructions);
  }
  bool flag = false;
  s->enable_scheduler = body["enableScheduler"].get(flag) == simdjson::SUCCESS ? flag : true;
  s->enable_ifttt = body["enableIFTTT"].get(flag) == simdjson::SUCCESS ? flag : true;
  s->desc = api::Str(body, "desc");
  if (s->desc.size() > 512) return Status(Code::kUserInvalidParam, "desc");
  // `expire`: seconds from now (iOS sends ≈98 years for "forever"); absent or ≤ 0 = never.
  s->expire_at_ms = 0;
  double seconds = 0;
  if (body["expire"].get(seconds) == simdjson::SUCCESS && seconds > 0) {
    s->expire_at_ms = now + static_cast<int64_t>(std::min(seconds, 1e11) * 1000);
  } else if (body["expire"].error() == simdjson::SUCCESS && !body["expire"].is_null() &&
             !body["expire"].is_number() && mode != "PARTIAL") {
    return Status(Code::kUserInvalidParam, "expire");
  }
  return Status();
}

// Creates one share of `d` from `grantor` to `grantee` (the checks common to v1 and
// v2): 6400003 not the owner, 6400017 to oneself, 5400039 unknown grantee, 5400004
// exists (an expired one is replaced), 5400011 the product's maxDevShareNum reached.
Status CreateOne(ApiContext& ctx, const storage::Device& d, const std::string& grantor,
                 storage::Share share) {
  if (d.owner_uid != grantor) return Status(Code::kUserOnlyOwnerCanAuthorize);
  if (share.grantee == grantor) return Status(Code::kUserInvalidParam, "grantee");
  if (!ctx.store.GetUser(share.grantee).ok()) return Status(Code::kUserNotExist);
  int64_t now = ctx.clock.NowMs();
  auto existing = ctx.store.GetShare(d.dev_tid, share.grantee);
  if (existing.ok()) {
    if (api::LiveShare(*existing, now)) return Status(Code::kUserAuthorizationExists);
    if (auto s = ctx.store.DeleteShare(d.dev_tid, share.grantee); !s.ok() && !s.not_found()) {
      return storage::Internal(s);
    }
  }
  auto product = ctx.store.GetProduct(d.mid);
  int limit = product.ok() ? product->max_dev_share_num : 10;
  auto shares = ctx.store.ListSharesByDevice(d.dev_tid);
  int live = 0;
  if (shares.ok()) {
    for (const auto& s : *shares) live += api::LiveShare(s, now) ? 1 : 0;
  }
  if (live >= limit) return Status(Code::kUserShareLimit);
  share.dev_tid = d.dev_tid;
  share.grantor = grantor;
  if (share.grant_time_ms == 0) share.grant_time_ms = now;
  share.update_time_ms = 0;
  auto id = ctx.store.CreateShare(share);
  if (!id.ok()) {
    if (id.status().conflict()) return Status(Code::kUserAuthorizationExists);
    return Status(Code::kUserInternal).WithDetail(id.status().ToString());
  }
  return Status();
}

}  // namespace sharing

namespace {

using namespace sharing;

std::string_view ResultWord(Code code) {
  switch (code) {
    case Code::kUserOnlyOwnerCanAuthorize:
      return "permission deny";
    case Code::kUserShareLimit:
      return "exceed share limit";
    case Code::kUserNotExist:
      return "grantee not exists";
    case Code::kUserAuthorizationExists:
      return "already exists";
    case Code::kUserDeviceNotExist:
      return "device not exists";
    default:
      return "failure";
  }
}

// v2: one result per ctrlKey (D2 batch reply; 5200000 for each success).
Response CreateV2(ApiContext& ctx, const Request& req, const std::string& uid,
                  simdjson::dom::object body, simdjson::dom::array keys) {
  std::string grantee = api::Str(body, "grantee");
  if (grantee.empty()) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "grantee"));
  }
  int64_t expire_at = 0;
  simdjson::dom::element e;
  if (body["expireAt"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    if (e.get(expire_at) != simdjson::SUCCESS || expire_at <= ctx.clock.NowMs()) {
      return api::Error(ctx, req, Status(Code::kUserInvalidParam, "expireAt"));
    }
  }
  if (keys.size() == 0 || keys.size() > 100) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "ctrlKey"));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  int success = 0, failure = 0;
  for (auto k : keys) {
    std::string_view key;
    Status st;
    if (k.get(key) != simdjson::SUCCESS || key.empty()) {
      st = Status(Code::kUserDeviceNotExist);
    } else {
      auto d = ctx.store.FindDeviceByCtrlKey(std::string(key));
      if (!d.ok()) {
        st = Status(Code::kUserDeviceNotExist);
      } else {
        storage::Share s;
        s.grantee = grantee;
        s.mode = "ALL";
        s.enable_scheduler = true;
        s.enable_ifttt = true;
        s.expire_at_ms = expire_at;
        st = CreateOne(ctx, *d, uid, s);
      }
    }
    w.StartObject();
    w.Key("ctrlKey");
    Str(w, key);
    w.Key("result");
    Str(w, st.ok() ? "success" : ResultWord(st.code()));
    w.Key("code");
    w.Int(st.ok() ? static_cast<int>(Code::kUserSuccess) : static_cast<int>(st.code()));
    w.Key("desc");
    Str(w, st.ok() ? "Success" : st.Message());
    w.EndObject();
    (st.ok() ? success : failure)++;
  }
  w.EndArray();
  w.Key("success");
  w.Int(success);
  w.Key("failure");
  w.Int(failure);
  w.EndObject();
  if (success > 0) ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, ""});
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Response Create(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  simdjson::dom::array keys;
  if ((*body)["ctrlKey"].get(keys) == simdjson::SUCCESS) {
    return CreateV2(ctx, req, claims->uid, *body, keys);
  }
  // v1: one device, 201 with the share.
  std::string grantor = api::Str(*body, "grantor");
  if (!grantor.empty() && grantor != claims->uid) {
    return api::Error(ctx, req, Status(Code::kUserOnlyOwnerCanAuthorize));
  }
  auto d = NamedDevice(ctx, api::Str(*body, "devTid"), api::Str(*body, "ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  if (d->owner_uid != claims->uid) {
    return api::Error(ctx, req, Status(Code::kUserOnlyOwnerCanAuthorize));
  }
  storage::Share s;
  s.grantee = api::Str(*body, "grantee");
  if (s.grantee.empty()) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "grantee"));
  }
  // One clock reading for the grant time and the expiry: `expire` is answered as their
  // difference in seconds.
  const int64_t now = ctx.clock.NowMs();
  if (Status st = ReadV1(ctx, *body, *d, now, &s); !st.ok()) return api::Error(ctx, req, st);
  s.grant_time_ms = now;
  if (Status st = CreateOne(ctx, *d, claims->uid, s); !st.ok()) return api::Error(ctx, req, st);
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, d->dev_tid});
  auto stored = ctx.store.GetShare(d->dev_tid, s.grantee);
  if (!stored.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(stored.status().ToString()));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteShare(ctx, w, *stored, d->ctrl_key);
  return api::Json(201, std::string(buf.GetString(), buf.GetSize()));
}

Response List(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  const std::string& uid = claims->uid;
  std::set<std::string> grantees = SplitList(api::Query(req, "grantee"));
  std::string dev_tid = api::Query(req, "devTid"), ctrl_key = api::Query(req, "ctrlKey");
  int64_t now = ctx.clock.NowMs();
  std::vector<std::pair<storage::Share, std::string>> out;  // share, ctrlKey
  if (dev_tid.empty() && ctrl_key.empty()) {
    // No device: the caller's own shares — as grantee when asking for itself, else as
    // grantor over every device the caller owns.
    if (grantees.size() == 1 && *grantees.begin() == uid) {
      auto shares = ctx.store.ListSharesByGrantee(uid);
      if (shares.ok()) {
        for (auto& s : *shares) {
          auto d = ctx.store.GetDevice(s.dev_tid);
          if (d.ok() && api::LiveShare(s, now)) out.emplace_back(s, d->ctrl_key);
        }
      }
    } else {
      auto owned = ctx.store.ListDevicesByOwner(uid);
      if (owned.ok()) {
        for (const auto& d : *owned) {
          auto shares = ctx.store.ListSharesByDevice(d.dev_tid);
          if (!shares.ok()) continue;
          for (auto& s : *shares) {
            if (api::LiveShare(s, now) && (grantees.empty() || grantees.count(s.grantee))) {
              out.emplace_back(s, d.ctrl_key);
            }
          }
        }
      }
    }
  } else {
    auto d = NamedDevice(ctx, dev_tid, ctrl_key);
    if (!d.ok()) return api::Error(ctx, req, d.status());
    if (d->owner_uid != uid) {
      // A grantee sees only its own share, and must say so (grantee=<own uid>).
      auto mine = ctx.store.GetShare(d->dev_tid, uid);
      if (!mine.ok() || !api::LiveShare(*mine, now)) {
        return api::Error(ctx, req, Status(Code::kUserDeviceNotOwned));
      }
      if (grantees.size() != 1 || *grantees.begin() != uid) {
        return api::Error(ctx, req, Status(Code::kUserNoPrivilege));
      }
    }
    auto shares = ctx.store.ListSharesByDevice(d->dev_tid);
    if (shares.ok()) {
      for (auto& s : *shares) {
        if (api::LiveShare(s, now) && (grantees.empty() || grantees.count(s.grantee))) {
          out.emplace_back(s, d->ctrl_key);
        }
      }
    }
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& [s, key] : out) WriteShare(ctx, w, s, key);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Response Edit(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  auto d = NamedDevice(ctx, api::Str(*body, "devTid"), api::Str(*body, "ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  if (d->owner_uid != claims->uid) {
    return api::Error(ctx, req, Status(Code::kUserOnlyOwnerCanAuthorize));
  }
  std::string grantee = api::Str(*body, "grantee");
  auto share = ctx.store.GetShare(d->dev_tid, grantee);
  int64_t now = ctx.clock.NowMs();
  if (!share.ok() || !api::LiveShare(*share, now)) {
    return api::Error(ctx, req, Status(Code::kUserAuthorizationNotExist));
  }
  storage::Share s = *share;
  if (Status st = ReadV1(ctx, *body, *d, now, &s); !st.ok()) return api::Error(ctx, req, st);
  s.update_time_ms = now;
  if (auto st = ctx.store.UpdateShare(s); !st.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(st.ToString()));
  }
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, d->dev_tid});
  return api::NoContent();
}

// Cancels shares of one device: the owner any (all without `grantees`), a grantee only
// its own (6400016 for another's).
Response Cancel(ApiContext& ctx, const Request& req, const std::string& uid,
                const storage::Device& d, std::set<std::string> grantees) {
  int64_t now = ctx.clock.NowMs();
  if (d.owner_uid != uid) {
    auto mine = ctx.store.GetShare(d.dev_tid, uid);
    if (!mine.ok() || !api::LiveShare(*mine, now)) {
      return api::Error(ctx, req, Status(Code::kUserAuthorizationNotExist));
    }
    if (grantees.empty()) grantees.insert(uid);
    if (grantees.size() != 1 || *grantees.begin() != uid) {
      return api::Error(ctx, req, Status(Code::kUserNoPrivilege));
    }
  }
  if (grantees.empty()) {
    auto shares = ctx.store.ListSharesByDevice(d.dev_tid);
    if (shares.ok()) {
      for (const auto& s : *shares) {
        if (api::LiveShare(s, now)) grantees.insert(s.grantee);
      }
    }
    if (grantees.empty()) return api::Error(ctx, req, Status(Code::kUserAuthorizationNotExist));
  }
  for (const auto& g : grantees) {
    auto s = ctx.store.GetShare(d.dev_tid, g);
    if (!s.ok() || !api::LiveShare(*s, now)) {
      return api::Error(ctx, req, Status(Code::kUserAuthorizationNotExist));
    }
  }
  for (const auto& g : grantees) {
    if (auto s = ctx.store.DeleteShare(d.dev_tid, g); !s.ok() && !s.not_found()) {
      return api::Error(ctx, req, storage::Internal(s));
    }
  }
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, d.dev_tid});
  return api::NoContent();
}

Response Delete(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto d = NamedDevice(ctx, api::Query(req, "devTid"), api::Query(req, "ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  return Cancel(ctx, req, claims->uid, *d, SplitList(api::Query(req, "grantee")));
}

Response DeleteByCtrlKey(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto d = NamedDevice(ctx, "", req.params.at("ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  return Cancel(ctx, req, claims->uid, *d, SplitList(api::Query(req, "grantee")));
}

}  // namespace

void AddSharingRoutes(Router& router, ApiContext& ctx) {
  router.Add("POST", "/authorization", [&ctx](const Request& r) { return Create(ctx, r); });
  router.Add("GET", "/authorization", [&ctx](const Request& r) { return List(ctx, r); });
  router.Add("PUT", "/authorization", [&ctx](const Request& r) { return Edit(ctx, r); });
  router.Add("DELETE", "/authorization", [&ctx](const Request& r) { return Delete(ctx, r); });
  router.Add("DELETE", "/v1/device-auth/{ctrlKey}",
             [&ctx](const Request& r) { return DeleteByCtrlKey(ctx, r); });
}

}  // namespace krypton::http
