#include "http/routes/api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "catalog/catalog.h"
#include "common/secrets.h"
#include "devices/sharing.h"
#include "http/error_response.h"

namespace krypton::http {

void AddApiRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/healthz",
             [](const Request&) { return Response::Json(200, R"({"status":"ok"})"); });
  AddUaaLoginRoutes(router, ctx);
  AddUaaCodeRoutes(router, ctx);
  AddUaaAccountRoutes(router, ctx);
  AddUaaEmailRoutes(router, ctx);
  AddUaaCaptchaRoutes(router, ctx);
  AddProfileRoutes(router, ctx);
  AddDeviceRoutes(router, ctx);
  AddBindingRoutes(router, ctx);
  AddProductTemplateRoutes(router, ctx);
  AddMetricsRoutes(router, ctx);
  AddFolderRoutes(router, ctx);
  AddSharingRoutes(router, ctx);
  AddReverseAuthRoutes(router, ctx);
  AddShortCodeRoutes(router, ctx);
  AddSchedulerRoutes(router, ctx);
  AddEnterpriseProductRoutes(router, ctx);
  AddEnterpriseDeviceRoutes(router, ctx);
  AddEnterpriseExternalRoutes(router, ctx);
  AddH5HostingRoutes(router, ctx);
  AddEnterpriseMemberRoutes(router, ctx);
  AddEnterpriseGuard(router, ctx);
}

namespace api {
namespace {

// D18: with uaa.error_codes = table, UAA codes with a customer equivalent use it.
Status MapUaa(const ApiContext& ctx, const Status& s) {
  if (ctx.config.uaa.error_codes != "table") return s;
  switch (s.code()) {
    case Code::kUaaInvalidVerifyCode:
      return Status(Code::kUserInvalidVerifyCode);
    case Code::kUaaVerifyCodeMismatch:
      return Status(Code::kUserCheckVerifyCode);
    case Code::kUaaInvalidOldPassword:
      return Status(Code::kUserInvalidOldPassword);
    case Code::kUaaInvalidEmailToken:
      return Status(Code::kUserInvalidEmailToken);
    case Code::kUaaUserNotExist:
      return Status(Code::kUserNotExist);
    case Code::kUaaInvalidPhone:
      return Status(Code::kUserInvalidParam, "phoneNumber");
    case Code::kUaaInvalidRequestType:
      return Status(Code::kUserParamsNotSupported);
    default:
      return s;
  }
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Response Json(int status, std::string body) { return Response::Json(status, std::move(body)); }

Response Error(const ApiContext& ctx, const Request& req, const Status& error) {
  ErrorContext ec;
  ec.now_ms = ctx.clock.NowMs();
  ec.path = req.path;
  ec.auth_failure_status = ctx.config.http.auth_failure_status;
  ec.chinese = req.PrefersChinese();
  return ErrorResponse(MapUaa(ctx, error), ec);
}

Response NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

bool LiveShare(const storage::Share& s, int64_t now_ms) { return devices::LiveShare(s, now_ms); }

Result<EnterpriseCaller> AuthenticateEnterprise(const ApiContext& ctx, const Request& req) {
  std::string auth = req.Header("authorization");
  std::string wanted = req.Header(kEnterprisePidHeader);
  constexpr std::string_view kKey = "key=";
  if (auth.size() > kKey.size() && auth.compare(0, kKey.size(), kKey) == 0) {
    // Hash first: the lookup is by hash, so the key itself is never compared in SQL.
    auto m = ctx.store.FindManufacturerByServerKey(Sha256Hex(auth.substr(kKey.size())));
    if (!m.ok()) return Status(Code::kUaaInvalidToken).WithDetail("unknown server key");
    if (!wanted.empty() && wanted != m->pid) {
      return Status(Code::kUaaInvalidToken).WithDetail("X-Krypton-Pid is not the key's pid");
    }
    return EnterpriseCaller{m->pid, catalog::Role::kAdmin, "", true};
  }
  auto claims = Bearer(ctx, req);
  if (!claims.ok()) return claims.status();
  // D28: console rights come from membership only, never from the token's pid.
  auto memberships = catalog::MembershipsOf(ctx.store, claims->uid);
  if (!memberships.ok()) return memberships.status();
  if (memberships->empty()) {
    return Status(Code::kUaaInvalidToken).WithDetail("the account is no console member");
  }
  const storage::ConsoleMember* chosen = nullptr;
  if (!wanted.empty()) {
    for (const auto& m : *memberships) {
      if (m.pid == wanted) chosen = &m;
    }
    if (chosen == nullptr) {
      return Status(Code::kUaaInvalidToken).WithDetail("no member of the X-Krypton-Pid enterprise");
    }
  } else if (memberships->size() == 1) {
    chosen = &memberships->front();
  } else {
    return catalog::Illegal(
        "X-Krypton-Pid is required: the account is a member of several enterprises");
  }
  auto role = catalog::ParseRole(chosen->role);
  if (!role) return Status(Code::kUaaInvalidToken).WithDetail("unknown stored role");
  return EnterpriseCaller{chosen->pid, *role, claims->uid, false};
}

Result<EnterpriseCaller> Enterprise(const ApiContext&, const Request& req) {
  auto pid = req.attributes.find("enterprise.pid");
  auto role = req.attributes.find("enterprise.role");
  if (pid == req.attributes.end() || role == req.attributes.end()) {
    return Status(Code::kUaaInvalidToken).WithDetail("not admitted by the enterprise guard");
  }
  auto parsed = catalog::ParseRole(role->second);
  if (!parsed) {
    return Status(Code::kUaaInvalidToken).WithDetail("not admitted by the enterprise guard");
  }
  EnterpriseCaller c;
  c.pid = pid->second;
  c.role = *parsed;
  if (auto uid = req.attributes.find("enterprise.uid"); uid != req.attributes.end()) {
    c.uid = uid->second;
  }
  c.server_key = c.uid.empty();
  return c;
}

Result<std::string> EnterprisePid(const ApiContext& ctx, const Request& req) {
  auto caller = Enterprise(ctx, req);
  if (!caller.ok()) return caller.status();
  return caller->pid;
}

Response EnterpriseError(const ApiContext& ctx, const Request& req, const Status& error) {
  ErrorContext ec;
  ec.now_ms = ctx.clock.NowMs();
  ec.path = req.path;
  ec.auth_failure_status = 401;  // enterprise-api.md §3.0: 401 means a bad Authorization
  ec.no_privilege_status = 403;  // authenticated, but the role is too low (decision 0012)
  ec.chinese = req.PrefersChinese();
  Response r = ErrorResponse(error, ec);
  // An 8400002 or 8400031 with a detail names the problem in desc: "Illegal argument:
  // <detail>" (templates-and-frames.md §1.4), "Quota missing: need 100, have 40" (§3.3).
  const bool told = error.code() == Code::kEntIllegalArgument ||  // the rule broken
                    error.code() == Code::kEntQuotaMissing;       // the shortfall
  if (!told || error.detail().empty()) return r;
  std::string desc = req.PrefersChinese() ? std::string(error.MessageZh()) : error.Message();
  desc += ": " + error.detail();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("code");
  w.Int(error.number());
  w.Key("desc");
  WriteString(w, desc);
  w.Key("timestamp");
  w.Int64(ec.now_ms);
  w.EndObject();
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

Result<simdjson::dom::object> Body(const Request& req, simdjson::dom::parser& parser) {
  simdjson::dom::object obj;
  if (parser.parse(req.body).get_object().get(obj) != simdjson::SUCCESS) {
    return Status(Code::kUserJsonBody);
  }
  return obj;
}

std::string Str(simdjson::dom::object obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> items;
  for (size_t pos = 0; pos < text.size();) {
    size_t comma = std::min(text.find(',', pos), text.size());
    if (comma > pos) items.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return items;
}

std::string Query(const Request& req, std::string_view key) {
  std::string_view q = req.query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      std::string_view raw = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      std::string out;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          out += ' ';
        } else if (raw[i] == '%' && i + 2 < raw.size() && Hex(raw[i + 1]) >= 0 &&
                   Hex(raw[i + 2]) >= 0) {
          out += static_cast<char>(Hex(raw[i + 1]) * 16 + Hex(raw[i + 2]));
          i += 2;
        } else {
          out += raw[i];
        }
      }
      return out;
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return "";
}

Result<auth::TokenClaims> Bearer(const ApiContext& ctx, const Request& req) {
  std::string header = req.Header("authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() ||
      std::string_view(header).substr(0, kPrefix.size()) != kPrefix) {
    return Status(Code::kUaaInvalidToken).WithDetail("no bearer");
  }
  auto claims = ctx.jwt.Verify(std::string_view(header).substr(kPrefix.size()), ctx.clock.NowS());
  if (!claims.ok()) return claims.status();
  if (!claims->ati.empty()) return Status(Code::kUaaInvalidToken).WithDetail("refresh token");
  if (ctx.epochs != nullptr) {
    if (Status s = ctx.epochs->Check(claims->uid, claims->epoch); !s.ok()) return s;
  }
  return claims;
}

bool IpAllowed(const ApiContext& ctx, const Request& req) {
  return ctx.limiter.Allow("ip:" + req.remote_ip, ctx.config.limits.requests_per_ip_per_s, 1000,
                           ctx.clock.NowMs());
}

void OnWorker(ApiContext& ctx, Responder respond, std::function<Response()> work) {
  boost::asio::post(ctx.blocking,
                    [respond = std::move(respond), work = std::move(work)] { respond(work()); });
}

}  // namespace api
}  // namespace krypton::http
