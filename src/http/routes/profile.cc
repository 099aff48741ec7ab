// GET and PUT /user/profile and /user/preferences[/{mid}] (user-api.md §5.7): the profile
// is a JSON document per user; PUT is a partial update, extraProperties merged key by key.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/routes/api.h"

namespace krypton::http {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr const char* kReadOnly[] = {"uid", "email", "phoneNumber", "isSecurity", "updateDate",
                                     "thirdAccount"};
constexpr const char* kStrings[] = {"firstName", "lastName", "description"};

std::string Write(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

Document Stored(const storage::User& user) {
  Document d;
  d.Parse(user.profile_json.c_str());
  if (d.HasParseError() || !d.IsObject()) d.SetObject();
  return d;
}

Response Get(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUserNotExist));
  Document stored = Stored(*user);
  Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  auto str = [&](const std::string& s) { return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); };
  out.AddMember("uid", str(user->uid), a);
  out.AddMember("email", str(user->email), a);
  out.AddMember("phoneNumber", str(user->phone), a);
  for (const char* key : kStrings) {
    out.AddMember(Value(key, a), stored.HasMember(key) ? Value(stored[key], a) : str(""), a);
  }
  for (const char* key : {"gender", "birthday"}) {
    out.AddMember(Value(key, a), stored.HasMember(key) ? Value(stored[key], a) : Value(), a);
  }
  out.AddMember("age", stored.HasMember("age") ? Value(stored["age"], a) : Value(0), a);
  out.AddMember("isSecurity", false, a);
  Value avatar(rapidjson::kObjectType);
  if (stored.HasMember("avatarUrl") && stored["avatarUrl"].IsObject()) avatar.CopyFrom(stored["avatarUrl"], a);
  out.AddMember("avatarUrl", avatar, a);
  Value extra(rapidjson::kObjectType);
  if (stored.HasMember("extraProperties") && stored["extraProperties"].IsObject()) {
    extra.CopyFrom(stored["extraProperties"], a);
    // The document's sample echoes extraProperties' keys at the top level too.
    for (auto& m : stored["extraProperties"].GetObject()) {
      if (!out.HasMember(m.name)) out.AddMember(Value(m.name, a), Value(m.value, a), a);
    }
  }
  out.AddMember("extraProperties", extra, a);
  out.AddMember("updateDate",
                stored.HasMember("updateDate") ? Value(stored["updateDate"], a)
                                               : Value(static_cast<int64_t>(user->created_at_ms)),
                a);
  out.AddMember("thirdAccount", Value(rapidjson::kArrayType), a);
  return api::Json(200, Write(out));
}

Response Put(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  Document patch;
  patch.Parse(req.body.c_str());
  if (patch.HasParseError() || !patch.IsObject()) return api::Error(ctx, req, Status(Code::kUserJsonBody));
  for (const char* key : kReadOnly) {
    if (patch.HasMember(key)) return api::Error(ctx, req, Status(Code::kUserProfileModifyFailed));
  }
  if (patch.HasMember("age") && (!patch["age"].IsInt() || patch["age"].GetInt() < 0 ||
                                 patch["age"].GetInt() > 200)) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "age"));
  }
  if (patch.HasMember("gender")) {
    const Value& g = patch["gender"];
    if (!g.IsNull() && !(g.IsString() && (std::string_view(g.GetString()) == "MAN" ||
                                          std::string_view(g.GetString()) == "WOMAN"))) {
      return api::Error(ctx, req, Status(Code::kUserInvalidParam, "gender"));
    }
  }
  for (const char* key : kStrings) {
    if (patch.HasMember(key) && !patch[key].IsString() && !patch[key].IsNull()) {
      return api::Error(ctx, req, Status(Code::kUserInvalidParam, key));
    }
  }
  if (patch.HasMember("extraProperties") && !patch["extraProperties"].IsObject()) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "extraProperties"));
  }
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUserNotExist));
  Document stored = Stored(*user);
  auto& a = stored.GetAllocator();
  auto set = [&](const char* key, const Value& v) {
    if (stored.HasMember(key)) stored.RemoveMember(key);
    stored.AddMember(Value(key, a), Value(v, a), a);
  };
  for (const char* key : {"firstName", "lastName", "description", "gender", "age", "birthday",
                          "avatarUrl"}) {
    if (patch.HasMember(key)) set(key, patch[key]);
  }
  if (patch.HasMember("extraProperties")) {
    if (!stored.HasMember("extraProperties") || !stored["extraProperties"].IsObject()) {
      set("extraProperties", Value(rapidjson::kObjectType));
    }
    Value& extra = stored["extraProperties"];
    for (auto& m : patch["extraProperties"].GetObject()) {
      if (extra.HasMember(m.name)) extra.RemoveMember(m.name);
      extra.AddMember(Value(m.name, a), Value(m.value, a), a);
    }
  }
  set("updateDate", Value(static_cast<int64_t>(ctx.clock.NowMs())));
  if (auto s = ctx.store.UpdateUserProfile(user->uid, Write(stored)); !s.ok()) {
    return api::Error(ctx, req, Status(Code::kUserProfileModifyFailed).WithDetail(s.ToString()));
  }
  return api::NoContent();
}

// Preferences (§5.7): kept in the profile document under "_preferences" (never shown by
// GET /user/profile) as {"global": {…}, "<mid>": {…}}. GET /user/preferences returns them
// all, GET /user/preferences/{mid} one scope ({} when unset). PUT merges key by key: into
// the {mid} scope, or without a mid, object values into the scope of their key and other
// values into "global" (so {"_ReverseAuthAgree": true} is a global preference).
Response GetPreferences(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUserNotExist));
  Document stored = Stored(*user);
  Value empty(rapidjson::kObjectType);
  const Value& prefs = stored.HasMember("_preferences") && stored["_preferences"].IsObject()
                           ? stored["_preferences"]
                           : empty;
  auto mid = req.params.find("mid");
  if (mid == req.params.end()) {
    Document out(rapidjson::kObjectType);
    out.CopyFrom(prefs, out.GetAllocator());
    if (!out.HasMember("global")) out.AddMember("global", Value(rapidjson::kObjectType), out.GetAllocator());
    return api::Json(200, Write(out));
  }
  auto it = prefs.FindMember(mid->second.c_str());
  return api::Json(200, it != prefs.MemberEnd() && it->value.IsObject() ? Write(it->value) : "{}");
}

Response PutPreferences(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  Document patch;
  patch.Parse(req.body.c_str());
  if (patch.HasParseError() || !patch.IsObject()) return api::Error(ctx, req, Status(Code::kUserJsonBody));
  auto user = ctx.store.GetUser(claims->uid);
  if (!user.ok()) return api::Error(ctx, req, Status(Code::kUserNotExist));
  Document stored = Stored(*user);
  auto& a = stored.GetAllocator();
  if (!stored.HasMember("_preferences") || !stored["_preferences"].IsObject()) {
    if (stored.HasMember("_preferences")) stored.RemoveMember("_preferences");
    stored.AddMember("_preferences", Value(rapidjson::kObjectType), a);
  }
  Value& prefs = stored["_preferences"];
  auto merge = [&](const std::string& scope, const Value& key, const Value& value) {
    if (!prefs.HasMember(scope.c_str()) || !prefs[scope.c_str()].IsObject()) {
      if (prefs.HasMember(scope.c_str())) prefs.RemoveMember(scope.c_str());
      prefs.AddMember(Value(scope.c_str(), a), Value(rapidjson::kObjectType), a);
    }
    Value& target = prefs[scope.c_str()];
    if (target.HasMember(key)) target.RemoveMember(key);
    target.AddMember(Value(key, a), Value(value, a), a);
  };
  auto mid = req.params.find("mid");
  for (auto& m : patch.GetObject()) {
    if (mid != req.params.end()) {
      merge(mid->second, m.name, m.value);
    } else if (m.value.IsObject()) {
      for (auto& inner : m.value.GetObject()) merge(m.name.GetString(), inner.name, inner.value);
    } else {
      merge("global", m.name, m.value);
    }
  }
  if (auto s = ctx.store.UpdateUserProfile(user->uid, Write(stored)); !s.ok()) {
    return api::Error(ctx, req, Status(Code::kUserInternal).WithDetail(s.ToString()));
  }
  return api::NoContent();
}

}  // namespace

void AddProfileRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/user/profile", [&ctx](const Request& r) { return Get(ctx, r); });
  router.Add("PUT", "/user/profile", [&ctx](const Request& r) { return Put(ctx, r); });
  router.Add("GET", "/user/preferences", [&ctx](const Request& r) { return GetPreferences(ctx, r); });
  router.Add("GET", "/user/preferences/{mid}",
             [&ctx](const Request& r) { return GetPreferences(ctx, r); });
  router.Add("PUT", "/user/preferences", [&ctx](const Request& r) { return PutPreferences(ctx, r); });
  router.Add("PUT", "/user/preferences/{mid}",
             [&ctx](const Request& r) { return PutPreferences(ctx, r); });
}

}  // namespace krypton::http
