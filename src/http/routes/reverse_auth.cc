// Reverse authorization (反向授权, user-api.md §5.4): the wire side of devices/reverse.h.
//   POST   /authorization/reverse/authUrl  v1 share body or {ctrlKey}
//          → 200 {reverseAuthorizationTemplateId}
//   POST   /authorization/reverse/register?reverseTemplateId=  → 200 {registerId}
//   GET    /authorization/reverse/register?devTid=[&reverseRegisterId=]&page&size → 200 [request]
//   POST   /authorization/reverse?devTid=&ctrlKey=&reverseRegisterId=  → 200 (approve)
//   DELETE /authorization/reverse/register/{reverseRegisterId}?devTid=&uid=&ctrlKey=
//          → 204 (reject)
#include <algorithm>
#include <cstdlib>

#include "common/json_object.h"
#include "devices/reverse.h"
#include "http/routes/sharing_internal.h"

namespace krypton::http {
namespace {

using namespace sharing;

Result<Response> CreateTemplate(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  devices::ShareTerms terms;
  if (Status st = ReadTerms(*body, &terms); !st.ok()) return st;
  devices::Env env = EnvOf(call.ctx);
  auto id = devices::CreateReverseTemplate(env, CallerOf(call),
                                           {api::Str(*body, "devTid"), api::Str(*body, "ctrlKey")},
                                           api::Str(*body, "grantor"), terms, call.NowMs());
  if (!id.ok()) return id.status();
  return api::Json(200, JsonObject().Add("reverseAuthorizationTemplateId", *id).Finish());
}

Result<Response> Register(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  auto id =
      devices::RegisterReverse(env, CallerOf(call), call.Query("reverseTemplateId"), call.NowMs());
  if (!id.ok()) return id.status();
  return api::Json(200, JsonObject().Add("registerId", *id).Finish());
}

Result<Response> ListRequests(api::Call& call) {
  int page = std::max(0, std::atoi(call.Query("page").c_str()));
  std::string size_text = call.Query("size");
  int size = size_text.empty() ? 20 : std::clamp(std::atoi(size_text.c_str()), 1, 50);
  devices::Env env = EnvOf(call.ctx);
  auto requests = devices::ListReverseRequests(
      env, CallerOf(call), {call.Query("devTid"), call.Query("ctrlKey")},
      call.Query("reverseRegisterId"), page, size, call.NowMs());
  if (!requests.ok()) return requests.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& v : *requests) {
    const storage::ReverseRequest& r = v.request;
    simdjson::dom::parser parser;
    simdjson::dom::object p;
    if (parser.parse(r.params_json).get(p) != simdjson::SUCCESS) continue;
    w.StartObject();
    w.Key("registerId");
    api::WriteString(w, r.register_id);
    w.Key("grantor");
    api::WriteString(w, r.grantor);
    w.Key("grantee");
    api::WriteString(w, r.grantee);
    w.Key("devTid");
    api::WriteString(w, r.dev_tid);
    w.Key("ctrlKey");
    api::WriteString(w, v.ctrl_key);
    for (auto [key, value] : p) {
      w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      std::string raw = simdjson::minify(value);
      w.RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
    }
    w.Key("deviceName");
    api::WriteString(w, v.device_name);
    w.Key("granteeName");
    api::WriteString(w, v.grantee_name);
    w.Key("granteeAvater");  // sic, as clients read it
    w.StartObject();
    w.Key("small");
    api::WriteString(w, "");
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Approve(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  Status st =
      devices::ApproveReverse(env, CallerOf(call), {call.Query("devTid"), call.Query("ctrlKey")},
                              call.Query("reverseRegisterId"), call.NowMs());
  if (!st.ok()) return st;
  return api::Json(200, "");
}

Result<Response> Reject(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  Status st =
      devices::RejectReverse(env, CallerOf(call), {call.Query("devTid"), call.Query("ctrlKey")},
                             call.Param("reverseRegisterId"), call.Query("uid"), call.NowMs());
  if (!st.ok()) return st;
  return api::NoContent();
}

}  // namespace

void AddReverseAuthRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "POST", "/authorization/reverse/authUrl", api::Auth::kUser, CreateTemplate);
  api::Add(router, ctx, "POST", "/authorization/reverse/register", api::Auth::kUser, Register);
  api::Add(router, ctx, "GET", "/authorization/reverse/register", api::Auth::kUser, ListRequests);
  api::Add(router, ctx, "POST", "/authorization/reverse", api::Auth::kUser, Approve);
  api::Add(router, ctx, "DELETE", "/authorization/reverse/register/{reverseRegisterId}",
           api::Auth::kUser, Reject);
}

}  // namespace krypton::http
