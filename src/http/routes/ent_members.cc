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
  api::WriteString(w, m.uid);
  Key(w, "email");
  api::WriteString(w, m.email);
  Key(w, "phone");
  api::WriteString(w, m.phone);
  Key(w, "role");
  api::WriteString(w, catalog::RoleName(m.role));
  Key(w, "createTime");
  w.Int64(m.created_at_ms);
  w.EndObject();
}

Result<Response> List(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto members = catalog::ListMembers(ctx.store, pid);
  if (!members.ok()) return members.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& m : *members) WriteMember(w, m);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Put(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = Body(call);
  if (!body.ok()) return body.status();
  std::string uid = api::Str(*body, "uid");
  if (uid.empty()) {
    auto account = catalog::FindMemberAccount(ctx.store, pid, api::Str(*body, "email"));
    if (!account.ok()) return account.status();
    uid = account->uid;
  }
  auto member = catalog::PutMember(ctx.store, pid, uid, api::Str(*body, "role"), call.NowMs());
  if (!member.ok()) return member.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteMember(w, *member);
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Remove(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  if (Status s = catalog::RemoveMember(ctx.store, pid, call.Param("uid")); !s.ok()) {
    return s;
  }
  return api::NoContent();
}

Result<Response> RotateKey(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto key = catalog::RotateServerKey(ctx.store, pid);
  if (!key.ok()) return key.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "pid");
  api::WriteString(w, pid);
  Key(w, "serverKey");
  api::WriteString(w, *key);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace
}  // namespace ent

void AddEnterpriseMemberRoutes(Router& router, ApiContext& ctx) {
  constexpr api::Auth kEnt = api::Auth::kEnterprise;
  api::Add(router, ctx, "GET", "/api/v1/enterprise/member", kEnt, ent::List);
  api::Add(router, ctx, "POST", "/api/v1/enterprise/member", kEnt, ent::Put);
  api::Add(router, ctx, "DELETE", "/api/v1/enterprise/member/{uid}", kEnt, ent::Remove);
  api::Add(router, ctx, "POST", "/api/v1/enterprise/serverKey", kEnt, ent::RotateKey);
}

}  // namespace krypton::http
