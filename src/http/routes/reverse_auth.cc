// Reverse authorization (反向授权, user-api.md §5.4): the owner shows a share template as a
// QR code; users who scan it request access; the owner approves or rejects, or every
// request is granted at once when the owner's preference `_ReverseAuthAgree` is true
// (GET|PUT /user/preferences, profile.cc, or profile extraProperties._ReverseAuthAgree).
//   POST   /authorization/reverse/authUrl  v1 share body or {ctrlKey} → 200
//   {reverseAuthorizationTemplateId} POST   /authorization/reverse/register?reverseTemplateId= →
//   200 {registerId} GET    /authorization/reverse/register?devTid=[&reverseRegisterId=]&page&size
//   → 200 [request] POST   /authorization/reverse?devTid=&ctrlKey=&reverseRegisterId=  → 200
//   (approve) DELETE /authorization/reverse/register/{reverseRegisterId}?devTid=&uid=&ctrlKey= →
//   204 (reject)
// Templates live limits.reverse_template_ttl_s (5 minutes; 5400027 after), requests
// limits.reverse_request_ttl_s (7 days; 6400001 after).
#include <algorithm>

#include "common/json_object.h"
#include "common/secrets.h"
#include "http/routes/sharing_internal.h"

namespace krypton::http {
namespace {

using namespace sharing;

// limits.reverse_template_ttl_s (5 min) and limits.reverse_request_ttl_s (7 days).
int64_t TemplateTtlMs(const ApiContext& ctx) {
  return int64_t{ctx.config.limits.reverse_template_ttl_s} * 1000;
}
int64_t RequestTtlMs(const ApiContext& ctx) {
  return int64_t{ctx.config.limits.reverse_request_ttl_s} * 1000;
}

// The share a template grants, as stored in params_json.
std::string ParamsJson(const storage::Share& s, int64_t now) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("mode");
  Str(w, s.mode);
  w.Key("expire");
  if (s.expire_at_ms != 0) {
    w.Int64((s.expire_at_ms - now) / 1000);
  } else {
    w.Null();
  }
  w.Key("instructionExpire");
  if (s.mode == "PARTIAL") {
    w.RawValue(s.instruction_expire_json.data(), s.instruction_expire_json.size(),
               rapidjson::kObjectType);
  } else {
    w.Null();
  }
  w.Key("enableScheduler");
  w.Bool(s.enable_scheduler);
  w.Key("enableIFTTT");
  w.Bool(s.enable_ifttt);
  w.Key("desc");
  Str(w, s.desc);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// The share a request grants when approved (its expiry counts from now).
storage::Share ShareOf(const storage::ReverseRequest& r, int64_t now) {
  storage::Share s;
  s.grantee = r.grantee;
  simdjson::dom::parser parser;
  simdjson::dom::object p;
  if (parser.parse(r.params_json).get(p) != simdjson::SUCCESS) return s;
  s.mode = api::Str(p, "mode") == "PARTIAL" ? "PARTIAL" : "ALL";
  simdjson::dom::object instructions;
  if (p["instructionExpire"].get(instructions) == simdjson::SUCCESS) {
    s.instruction_expire_json = simdjson::minify(instructions);
  }
  int64_t seconds = 0;
  if (p["expire"].get(seconds) == simdjson::SUCCESS && seconds > 0) {
    s.expire_at_ms = now + seconds * 1000;
  }
  bool flag = true;
  s.enable_scheduler = p["enableScheduler"].get(flag) == simdjson::SUCCESS ? flag : true;
  s.enable_ifttt = p["enableIFTTT"].get(flag) == simdjson::SUCCESS ? flag : true;
  s.desc = api::Str(p, "desc");
  return s;
}

bool Truthy(simdjson::dom::element v) {
  bool b = false;
  std::string_view s;
  return (v.get(b) == simdjson::SUCCESS && b) || (v.get(s) == simdjson::SUCCESS && s == "true");
}

// The owner's `_ReverseAuthAgree`: preferences of the device's product, then global, then
// profile extraProperties (user-api.md §5.7).
bool AutoAgree(ApiContext& ctx, const std::string& uid, const std::string& mid) {
  auto user = ctx.store.GetUser(uid);
  if (!user.ok()) return false;
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

Response CreateTemplate(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  simdjson::dom::parser parser;
  auto body = api::Body(req, parser);
  if (!body.ok()) return api::Error(ctx, req, body.status());
  auto d = NamedDevice(ctx, api::Str(*body, "devTid"), api::Str(*body, "ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  std::string grantor = api::Str(*body, "grantor");
  if (d->owner_uid != claims->uid || (!grantor.empty() && grantor != claims->uid)) {
    return api::Error(ctx, req, Status(Code::kUserOnlyOwnerCanAuthorize));
  }
  int64_t now = ctx.clock.NowMs();
  storage::Share share;
  if (Status st = ReadV1(ctx, *body, *d, now, &share); !st.ok()) return api::Error(ctx, req, st);
  std::string params = ParamsJson(share, now);
  auto existing = ctx.store.ListReverseTemplates(d->dev_tid);
  if (existing.ok()) {
    for (const auto& t : *existing) {
      if (t.expires_at_ms > now && t.grantor == claims->uid && t.params_json == params) {
        return api::Error(ctx, req, Status(Code::kUserDuplicateReverseTemplate));
      }
    }
  }
  storage::ReverseTemplate t;
  t.id = RandomHex(16);
  t.dev_tid = d->dev_tid;
  t.grantor = claims->uid;
  t.params_json = params;
  t.created_at_ms = now;
  t.expires_at_ms = now + TemplateTtlMs(ctx);
  if (auto s = ctx.store.CreateReverseTemplate(t); !s.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  }
  return api::Json(200, JsonObject().Add("reverseAuthorizationTemplateId", t.id).Finish());
}

Response Register(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  int64_t now = ctx.clock.NowMs();
  auto t = ctx.store.GetReverseTemplate(api::Query(req, "reverseTemplateId"));
  if (!t.ok() || t->expires_at_ms <= now) {
    return api::Error(ctx, req, Status(Code::kUserReverseTemplateNotExist));
  }
  auto d = ctx.store.GetDevice(t->dev_tid);
  if (!d.ok() || d->owner_uid != t->grantor || claims->uid == t->grantor) {
    return api::Error(ctx, req, Status(Code::kUserInvalidReverseAuthRequest));
  }
  auto share = ctx.store.GetShare(d->dev_tid, claims->uid);
  if (share.ok() && api::LiveShare(*share, now)) {
    return api::Error(ctx, req, Status(Code::kUserAuthorizationExists));
  }
  storage::ReverseRequest r;
  r.register_id = RandomHex(16);
  r.template_id = t->id;
  r.dev_tid = d->dev_tid;
  r.grantor = t->grantor;
  r.grantee = claims->uid;
  r.params_json = t->params_json;
  r.created_at_ms = now;
  // A pending request of the same user is reused.
  auto pending = ctx.store.ListReverseRequests(d->dev_tid);
  if (pending.ok()) {
    for (const auto& p : *pending) {
      if (p.grantee == r.grantee && p.status == "PENDING" &&
          p.created_at_ms + RequestTtlMs(ctx) > now) {
        return api::Json(200, JsonObject().Add("registerId", p.register_id).Finish());
      }
    }
  }
  bool agree = AutoAgree(ctx, t->grantor, d->mid);
  if (agree) {
    if (Status st = CreateOne(ctx, *d, t->grantor, ShareOf(r, now)); !st.ok()) {
      return api::Error(ctx, req, st);
    }
    r.status = "AGREED";
    ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, d->dev_tid});
  } else {
    // The limit is known now: refuse early rather than at approval.
    auto shares = ctx.store.ListSharesByDevice(d->dev_tid);
    auto product = ctx.store.GetProduct(d->mid);
    int live = 0;
    if (shares.ok()) {
      for (const auto& s : *shares) live += api::LiveShare(s, now) ? 1 : 0;
    }
    if (live >= (product.ok() ? product->max_dev_share_num : 10)) {
      return api::Error(ctx, req, Status(Code::kUserShareLimit));
    }
  }
  if (auto s = ctx.store.CreateReverseRequest(r); !s.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  }
  return api::Json(200, JsonObject().Add("registerId", r.register_id).Finish());
}

// The owner's device of the query (devTid, and ctrlKey when given); 6400002 otherwise.
Result<storage::Device> OwnersDevice(ApiContext& ctx, const Request& req, const std::string& uid) {
  auto d = NamedDevice(ctx, api::Query(req, "devTid"), api::Query(req, "ctrlKey"));
  if (!d.ok()) return d.status();
  if (d->owner_uid != uid) return Status(Code::kUserInvalidReverseAuthRequest);
  return std::move(d).value();
}

Response ListRequests(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto d = NamedDevice(ctx, api::Query(req, "devTid"), api::Query(req, "ctrlKey"));
  if (!d.ok()) return api::Error(ctx, req, d.status());
  if (d->owner_uid != claims->uid) return api::Error(ctx, req, Status(Code::kUserNoPrivilege));
  std::string only = api::Query(req, "reverseRegisterId");
  int page = std::max(0, std::atoi(api::Query(req, "page").c_str()));
  std::string size_text = api::Query(req, "size");
  int size = size_text.empty() ? 20 : std::clamp(std::atoi(size_text.c_str()), 1, 50);
  int64_t now = ctx.clock.NowMs();
  auto requests = ctx.store.ListReverseRequests(d->dev_tid);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  int index = 0;
  if (requests.ok()) {
    for (const auto& r : *requests) {
      if (r.status != "PENDING" || r.created_at_ms + RequestTtlMs(ctx) <= now) continue;
      if (!only.empty() && r.register_id != only) continue;
      if (index++ < page * size || index > (page + 1) * size) continue;
      simdjson::dom::parser parser;
      simdjson::dom::object p;
      if (parser.parse(r.params_json).get(p) != simdjson::SUCCESS) continue;
      w.StartObject();
      for (const char* key : {"registerId", "grantor", "grantee", "devTid", "ctrlKey"}) {
        w.Key(key);
        std::string_view k = key;
        Str(w, k == "registerId" ? r.register_id
               : k == "grantor"  ? r.grantor
               : k == "grantee"  ? r.grantee
               : k == "devTid"   ? r.dev_tid
                                 : d->ctrl_key);
      }
      for (auto [key, value] : p) {
        w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        std::string raw = simdjson::minify(value);
        w.RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
      }
      w.Key("deviceName");
      Str(w, d->device_name);
      w.Key("granteeName");
      Str(w, UserName(ctx, r.grantee));
      w.Key("granteeAvater");  // sic, as clients read it
      w.StartObject();
      w.Key("small");
      Str(w, "");
      w.EndObject();
      w.EndObject();
    }
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

// The pending request `id` of the owner's device; 6400001 missing/handled/expired,
// 6400002 for another device or a device no longer the grantor's.
Result<storage::ReverseRequest> Pending(ApiContext& ctx, const std::string& id,
                                        const storage::Device& d) {
  auto r = ctx.store.GetReverseRequest(id);
  if (!r.ok()) return Status(Code::kUserReverseAuthTemplateNotExist);
  if (r->dev_tid != d.dev_tid || r->grantor != d.owner_uid) {
    return Status(Code::kUserInvalidReverseAuthRequest);
  }
  if (r->status != "PENDING" || r->created_at_ms + RequestTtlMs(ctx) <= ctx.clock.NowMs()) {
    return Status(Code::kUserReverseAuthTemplateNotExist);
  }
  return std::move(r).value();
}

Response Approve(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto d = OwnersDevice(ctx, req, claims->uid);
  if (!d.ok()) return api::Error(ctx, req, d.status());
  auto r = Pending(ctx, api::Query(req, "reverseRegisterId"), *d);
  if (!r.ok()) return api::Error(ctx, req, r.status());
  if (Status st = CreateOne(ctx, *d, claims->uid, ShareOf(*r, ctx.clock.NowMs())); !st.ok()) {
    return api::Error(ctx, req, st);
  }
  if (auto s = ctx.store.SetReverseRequestStatus(r->register_id, "AGREED"); !s.ok()) {
    return api::Error(ctx, req, storage::Internal(s));
  }
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kAccess, d->dev_tid});
  return api::Json(200, "");
}

Response Reject(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto d = OwnersDevice(ctx, req, claims->uid);
  if (!d.ok()) return api::Error(ctx, req, d.status());
  auto r = Pending(ctx, req.params.at("reverseRegisterId"), *d);
  if (!r.ok()) return api::Error(ctx, req, r.status());
  std::string uid = api::Query(req, "uid");
  if (!uid.empty() && uid != r->grantee)
    return api::Error(ctx, req, Status(Code::kUserInvalidReverseAuthRequest));
  if (auto s = ctx.store.SetReverseRequestStatus(r->register_id, "REJECTED"); !s.ok()) {
    return api::Error(ctx, req, storage::Internal(s));
  }
  return api::NoContent();
}

}  // namespace

void AddReverseAuthRoutes(Router& router, ApiContext& ctx) {
  router.Add("POST", "/authorization/reverse/authUrl",
             [&ctx](const Request& r) { return CreateTemplate(ctx, r); });
  router.Add("POST", "/authorization/reverse/register",
             [&ctx](const Request& r) { return Register(ctx, r); });
  router.Add("GET", "/authorization/reverse/register",
             [&ctx](const Request& r) { return ListRequests(ctx, r); });
  router.Add("POST", "/authorization/reverse",
             [&ctx](const Request& r) { return Approve(ctx, r); });
  router.Add("DELETE", "/authorization/reverse/register/{reverseRegisterId}",
             [&ctx](const Request& r) { return Reject(ctx, r); });
}

}  // namespace krypton::http
