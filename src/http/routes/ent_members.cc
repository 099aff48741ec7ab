// Console members of the calling enterprise (D28, docs/decisions/0012-console-members.md;
// rules in catalog/members.h). Only ADMIN members and the server key get here (the access
// table in ent_access.cc):
//   GET    /api/v1/enterprise/member        → 200 [{uid, email, phone, role, createTime}]
//   POST   /api/v1/enterprise/member        {email | uid, role} → 200 the member (added,
//                                           or its role changed)
//   DELETE /api/v1/enterprise/member/{uid}  → 204
//   POST   /api/v1/enterprise/serverKey     → 200 {pid, serverKey}: a new server key, shown
//                                           once; the old one stops working at once
// Errors: 8400002 bad body or role, or the last ADMIN; 5400039 no such account or member.
#include "catalog/members.h"
#include "http/routes/api.h"
#include "http/routes/ent_internal.h"

namespace krypton::http {
namespace ent {
namespace {

void WriteMember(Writer& w, const catalog::MemberView& m) {
  w.StartObject();
  Key(w, "uid");
  String(w, m.uid);
  Key(w, "email");
  String(w, m.email);
  Key(w, "phone");
  String(w, m.phone);
  Key(w, "role");
  String(w, catalog::RoleName(m.role));
  Key(w, "createTime");
  w.Int64(m.created_at_ms);
  w.EndObject();
}

Response List(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto members = catalog::ListMembers(ctx.store, *pid);
  if (!members.ok()) return Fail(ctx, req, members.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& m : *members) WriteMember(w, m);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Response Put(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  std::string uid = api::Str(*body, "uid");
  if (uid.empty()) {
    auto account = catalog::FindMemberAccount(ctx.store, *pid, api::Str(*body, "email"));
    if (!account.ok()) return Fail(ctx, req, account.status());
    uid = account->uid;
  }
  auto member =
      catalog::PutMember(ctx.store, *pid, uid, api::Str(*body, "role"), ctx.clock.NowMs());
  if (!member.ok()) return Fail(ctx, req, member.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteMember(w, *member);
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Response Remove(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  if (Status s = catalog::RemoveMember(ctx.store, *pid, req.params.at("uid")); !s.ok()) {
    return Fail(ctx, req, s);
  }
  return api::NoContent();
}

Response RotateKey(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto key = catalog::RotateServerKey(ctx.store, *pid);
  if (!key.ok()) return Fail(ctx, req, key.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "pid");
  String(w, *pid);
  Key(w, "serverKey");
  String(w, *key);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace
}  // namespace ent

void AddEnterpriseMemberRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/api/v1/enterprise/member",
             [&ctx](const Request& r) { return ent::List(ctx, r); });
  router.Add("POST", "/api/v1/enterprise/member",
             [&ctx](const Request& r) { return ent::Put(ctx, r); });
  router.Add("DELETE", "/api/v1/enterprise/member/{uid}",
             [&ctx](const Request& r) { return ent::Remove(ctx, r); });
  router.Add("POST", "/api/v1/enterprise/serverKey",
             [&ctx](const Request& r) { return ent::RotateKey(ctx, r); });
}

}  // namespace krypton::http
