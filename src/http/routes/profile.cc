// GET and PUT /user/profile and /user/preferences[/{mid}] (user-api.md §5.7): adapters
// over accounts/profile.h (the profile is a JSON document per user; PUT is a partial
// update, extraProperties merged key by key; preferences are kept in it).
#include "accounts/profile.h"

#include <optional>

#include "http/routes/api.h"
#include "http/routes/uaa_internal.h"

namespace krypton::http {
namespace {

std::optional<std::string> Mid(const api::Call& call) {
  auto it = call.req.params.find("mid");
  if (it == call.req.params.end()) return std::nullopt;
  return it->second;
}

Result<Response> Get(api::Call& call) {
  accounts::Env env = uaa::Env(call.ctx);
  auto profile = accounts::GetProfile(env, call.uid());
  if (!profile.ok()) return profile.status();
  return api::Json(200, std::move(profile).value());
}

Result<Response> Put(api::Call& call) {
  accounts::Env env = uaa::Env(call.ctx);
  KRYPTON_RETURN_IF_ERROR(accounts::UpdateProfile(env, call.uid(), call.req.body, call.NowMs()));
  return api::NoContent();
}

Result<Response> GetPreferences(api::Call& call) {
  accounts::Env env = uaa::Env(call.ctx);
  auto prefs = accounts::GetPreferences(env, call.uid(), Mid(call));
  if (!prefs.ok()) return prefs.status();
  return api::Json(200, std::move(prefs).value());
}

Result<Response> PutPreferences(api::Call& call) {
  accounts::Env env = uaa::Env(call.ctx);
  KRYPTON_RETURN_IF_ERROR(accounts::UpdatePreferences(env, call.uid(), call.req.body, Mid(call)));
  return api::NoContent();
}

}  // namespace

void AddProfileRoutes(Router& router, ApiContext& ctx) {
  using api::Auth;
  api::Add(router, ctx, "GET", "/user/profile", Auth::kUser, Get);
  api::Add(router, ctx, "PUT", "/user/profile", Auth::kUser, Put);
  api::Add(router, ctx, "GET", "/user/preferences", Auth::kUser, GetPreferences);
  api::Add(router, ctx, "GET", "/user/preferences/{mid}", Auth::kUser, GetPreferences);
  api::Add(router, ctx, "PUT", "/user/preferences", Auth::kUser, PutPreferences);
  api::Add(router, ctx, "PUT", "/user/preferences/{mid}", Auth::kUser, PutPreferences);
}

}  // namespace krypton::http
