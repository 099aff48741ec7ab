// Sharing (正向授权, user-api.md §5.3): the wire side of devices/sharing.h.
//   POST   /authorization  v2 {ctrlKey:[…], grantee, expireAt?} → 200 per-item results
//                          v1 {grantee, devTid, ctrlKey, expire?, mode, instructionExpire?,
//                              enableScheduler, enableIFTTT, desc, grantor?} → 201 Authorization
//   GET    /authorization?devTid=|ctrlKey=[&grantee=a,b]   → 200 [Authorization]
//   PUT    /authorization  (the full v1 object)             → 204
//   DELETE /authorization?devTid=|ctrlKey=[&grantee=a,b]    → 204
//   DELETE /v1/device-auth/{ctrlKey}?grantee=               → 204
// The rules, the transaction and the change event live in devices/sharing.cc.
#include "devices/sharing.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "http/routes/api.h"
#include "http/routes/sharing_internal.h"

namespace krypton::http {
namespace sharing {

std::set<std::string> SplitList(const std::string& text) {
  std::set<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.insert(item);
  }
  return out;
}

devices::Env EnvOf(ApiContext& ctx) { return devices::Env{ctx.store, ctx.bus, ctx.config}; }

devices::Caller CallerOf(const api::Call& call) {
  return devices::Caller{call.uid(), call.claims().isolation};
}

Status ReadTerms(simdjson::dom::object body, devices::ShareTerms* terms) {
  terms->mode = api::Str(body, "mode");
  if (terms->mode == "PARTIAL") {
    // 2016 drafts put the instruction map in `expire` itself.
    simdjson::dom::object instructions;
    if (body["instructionExpire"].get(instructions) == simdjson::SUCCESS ||
        body["expire"].get(instructions) == simdjson::SUCCESS) {
      terms->instructions_json = simdjson::minify(instructions);
    }
  }
  bool flag = false;
  terms->enable_scheduler = body["enableScheduler"].get(flag) == simdjson::SUCCESS ? flag : true;
  terms->enable_ifttt = body["enableIFTTT"].get(flag) == simdjson::SUCCESS ? flag : true;
  terms->desc = api::Str(body, "desc");
  // `expire`: seconds from now; absent, null or ≤ 0 = never.
  double seconds = 0;
  if (body["expire"].get(seconds) == simdjson::SUCCESS) {
    terms->expire_s = seconds;
  } else if (body["expire"].error() == simdjson::SUCCESS && !body["expire"].is_null() &&
             terms->mode != "PARTIAL") {
    return Status(Code::kUserInvalidParam, "expire");
  }
  return Status::Ok();
}

}  // namespace sharing

namespace {

using namespace sharing;

void WriteShare(Writer& w, const devices::ShareView& v) {
  const storage::Share& s = v.share;
  w.StartObject();
  w.Key("id");
  api::WriteString(w, std::to_string(s.id));
  w.Key("grantor");
  api::WriteString(w, s.grantor);
  w.Key("grantorName");
  api::WriteString(w, v.grantor_name);
  w.Key("grantee");
  api::WriteString(w, s.grantee);
  w.Key("granteeName");
  api::WriteString(w, v.grantee_name);
  w.Key("devTid");
  api::WriteString(w, s.dev_tid);
  w.Key("ctrlKey");
  api::WriteString(w, v.ctrl_key);
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
  api::WriteString(w, s.mode);
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
  api::WriteString(w, s.desc);
  w.EndObject();
}

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
Result<Response> CreateV2(api::Call& call, simdjson::dom::object body, simdjson::dom::array keys) {
  std::string grantee = api::Str(body, "grantee");
  std::optional<int64_t> expire_at;
  simdjson::dom::element e;
  if (body["expireAt"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    int64_t at = 0;
    // Not an integer: passed as 0, which is no future time (6400017 "expireAt").
    expire_at = e.get(at) == simdjson::SUCCESS ? at : 0;
  }
  std::vector<std::string> ctrl_keys;
  for (auto k : keys) {
    std::string_view key;
    ctrl_keys.emplace_back(k.get(key) == simdjson::SUCCESS ? key : std::string_view());
  }
  devices::Env env = EnvOf(call.ctx);
  auto results =
      devices::CreateShares(env, CallerOf(call), ctrl_keys, grantee, expire_at, call.NowMs());
  if (!results.ok()) return results.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  int success = 0, failure = 0;
  for (size_t i = 0; i < ctrl_keys.size(); ++i) {
    const Status& st = (*results)[i];
    w.StartObject();
    w.Key("ctrlKey");
    api::WriteString(w, ctrl_keys[i]);
    w.Key("result");
    api::WriteString(w, st.ok() ? "success" : ResultWord(st.code()));
    w.Key("code");
    w.Int(st.ok() ? static_cast<int>(Code::kUserSuccess) : st.number());
    w.Key("desc");
    api::WriteString(w, st.ok() ? "Success" : st.Message());
    w.EndObject();
    (st.ok() ? success : failure)++;
  }
  w.EndArray();
  w.Key("success");
  w.Int(success);
  w.Key("failure");
  w.Int(failure);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Create(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  simdjson::dom::array keys;
  if ((*body)["ctrlKey"].get(keys) == simdjson::SUCCESS) return CreateV2(call, *body, keys);
  // v1: one device, 201 with the share.
  std::string grantor = api::Str(*body, "grantor");
  if (!grantor.empty() && grantor != call.uid()) return Status(Code::kUserOnlyOwnerCanAuthorize);
  devices::ShareTerms terms;
  if (Status st = ReadTerms(*body, &terms); !st.ok()) return st;
  devices::Env env = EnvOf(call.ctx);
  auto made = devices::CreateShare(env, CallerOf(call),
                                   {api::Str(*body, "devTid"), api::Str(*body, "ctrlKey")},
                                   api::Str(*body, "grantee"), terms, call.NowMs());
  if (!made.ok()) return made.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteShare(w, *made);
  return api::Json(201, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> List(api::Call& call) {
  devices::Env env = EnvOf(call.ctx);
  auto shares =
      devices::ListShares(env, CallerOf(call), {call.Query("devTid"), call.Query("ctrlKey")},
                          SplitList(call.Query("grantee")), call.NowMs());
  if (!shares.ok()) return shares.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& v : *shares) WriteShare(w, v);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Edit(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return body.status();
  devices::ShareTerms terms;
  if (Status st = ReadTerms(*body, &terms); !st.ok()) return st;
  devices::Env env = EnvOf(call.ctx);
  Status st = devices::UpdateShare(env, CallerOf(call),
                                   {api::Str(*body, "devTid"), api::Str(*body, "ctrlKey")},
                                   api::Str(*body, "grantee"), terms, call.NowMs());
  if (!st.ok()) return st;
  return api::NoContent();
}

Result<Response> Delete(api::Call& call, devices::DeviceRef device) {
  devices::Env env = EnvOf(call.ctx);
  Status st = devices::DeleteShares(env, CallerOf(call), device, SplitList(call.Query("grantee")),
                                    call.NowMs());
  if (!st.ok()) return st;
  return api::NoContent();
}

}  // namespace

void AddSharingRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "POST", "/authorization", api::Auth::kUser, Create);
  api::Add(router, ctx, "GET", "/authorization", api::Auth::kUser, List);
  api::Add(router, ctx, "PUT", "/authorization", api::Auth::kUser, Edit);
  api::Add(router, ctx, "DELETE", "/authorization", api::Auth::kUser, [](api::Call& call) {
    return Delete(call, {call.Query("devTid"), call.Query("ctrlKey")});
  });
  api::Add(router, ctx, "DELETE", "/v1/device-auth/{ctrlKey}", api::Auth::kUser,
           [](api::Call& call) {
             return Delete(call, {"", call.Param("ctrlKey")});
           });
}

}  // namespace krypton::http
