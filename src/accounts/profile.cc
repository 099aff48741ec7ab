#include "accounts/profile.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

#include "accounts/internal.h"

namespace krypton::accounts {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr const char* kReadOnly[] = {"uid",        "email",      "phoneNumber",
                                     "isSecurity", "updateDate", "thirdAccount"};
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

Result<storage::User> UserIn(storage::Store& s, const std::string& uid) {
  auto user = s.GetUser(uid);
  if (user.ok()) return std::move(user).value();
  if (user.status().not_found()) return Status(Code::kUserNotExist);
  return storage::Internal(user.status());
}

Status Validate(const Document& patch) {
  for (const char* key : kReadOnly) {
    if (patch.HasMember(key)) return Status(Code::kUserProfileModifyFailed);
  }
  if (patch.HasMember("age") &&
      (!patch["age"].IsInt() || patch["age"].GetInt() < 0 || patch["age"].GetInt() > 200)) {
    return Status(Code::kUserInvalidParam, "age");
  }
  if (patch.HasMember("gender")) {
    const Value& g = patch["gender"];
    if (!g.IsNull() && !(g.IsString() && (std::string_view(g.GetString()) == "MAN" ||
                                          std::string_view(g.GetString()) == "WOMAN"))) {
      return Status(Code::kUserInvalidParam, "gender");
    }
  }
  for (const char* key : kStrings) {
    if (patch.HasMember(key) && !patch[key].IsString() && !patch[key].IsNull()) {
      return Status(Code::kUserInvalidParam, key);
    }
  }
  if (patch.HasMember("extraProperties") && !patch["extraProperties"].IsObject()) {
    return Status(Code::kUserInvalidParam, "extraProperties");
  }
  return Status();
}

}  // namespace

Result<std::string> GetProfile(Env& env, const std::string& uid) {
  auto user = UserIn(env.store, uid);
  if (!user.ok()) return user.status();
  Document stored = Stored(*user);
  Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  auto str = [&](const std::string& s) {
    return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
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
  if (stored.HasMember("avatarUrl") && stored["avatarUrl"].IsObject()) {
    avatar.CopyFrom(stored["avatarUrl"], a);
  }
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
  return Write(out);
}

Status UpdateProfile(Env& env, const std::string& uid, const std::string& patch_json,
                     int64_t now_ms) {
  Document patch;
  patch.Parse(patch_json.c_str());
  if (patch.HasParseError() || !patch.IsObject()) return Status(Code::kUserJsonBody);
  KRYPTON_RETURN_IF_ERROR(Validate(patch));
  return internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    auto user = UserIn(tx, uid);
    if (!user.ok()) return user.status();
    Document stored = Stored(*user);
    auto& a = stored.GetAllocator();
    auto set = [&](const char* key, const Value& v) {
      if (stored.HasMember(key)) stored.RemoveMember(key);
      stored.AddMember(Value(key, a), Value(v, a), a);
    };
    for (const char* key :
         {"firstName", "lastName", "description", "gender", "age", "birthday", "avatarUrl"}) {
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
    set("updateDate", Value(static_cast<int64_t>(now_ms)));
    if (storage::StoreStatus w = tx.UpdateUserProfile(uid, Write(stored)); !w.ok()) {
      return Status(Code::kUserProfileModifyFailed).WithDetail(w.ToString());
    }
    return Status();
  });
}

Result<std::string> GetPreferences(Env& env, const std::string& uid,
                                   const std::optional<std::string>& mid) {
  auto user = UserIn(env.store, uid);
  if (!user.ok()) return user.status();
  Document stored = Stored(*user);
  Value empty(rapidjson::kObjectType);
  const Value& prefs = stored.HasMember("_preferences") && stored["_preferences"].IsObject()
                           ? stored["_preferences"]
                           : empty;
  if (!mid) {
    Document out(rapidjson::kObjectType);
    out.CopyFrom(prefs, out.GetAllocator());
    if (!out.HasMember("global")) {
      out.AddMember("global", Value(rapidjson::kObjectType), out.GetAllocator());
    }
    return Write(out);
  }
  auto it = prefs.FindMember(mid->c_str());
  return it != prefs.MemberEnd() && it->value.IsObject() ? Write(it->value) : std::string("{}");
}

Status UpdatePreferences(Env& env, const std::string& uid, const std::string& patch_json,
                         const std::optional<std::string>& mid) {
  Document patch;
  patch.Parse(patch_json.c_str());
  if (patch.HasParseError() || !patch.IsObject()) return Status(Code::kUserJsonBody);
  return internal::Transact(env.store, [&](storage::Store& tx) -> Status {
    auto user = UserIn(tx, uid);
    if (!user.ok()) return user.status();
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
    for (auto& m : patch.GetObject()) {
      if (mid) {
        merge(*mid, m.name, m.value);
      } else if (m.value.IsObject()) {
        for (auto& inner : m.value.GetObject()) merge(m.name.GetString(), inner.name, inner.value);
      } else {
        merge("global", m.name, m.value);
      }
    }
    if (storage::StoreStatus w = tx.UpdateUserProfile(uid, Write(stored)); !w.ok()) {
      return Status(Code::kUserInternal).WithDetail(w.ToString());
    }
    return Status();
  });
}

}  // namespace krypton::accounts
