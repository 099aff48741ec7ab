// The HTTP API routes (UAA today; the user and enterprise APIs follow) and the helpers
// every route file shares: body parsing (D24), bearer authentication (D2), errors with
// the D18 code mapping, rate limits (D20), and the worker pool for blocking work.
//
// Route files: uaa_login.cc (login, refresh), uaa_codes.cc (verify codes), devices.cc
// (/device), product_template.cc (/external/device/protocolTemplate), metrics.cc (/metrics),
// folders.cc (/folder), sharing.cc (/authorization), reverse_auth.cc (/authorization/reverse…),
// short_codes.cc (/device/shortCode…), uaa_accounts.cc (register, reset and change password),
// uaa_email.cc (e-mail links, change phone), profile.cc (/user/profile), binding.cc
// (/deviceBindStatus, /queryOwner, /getPINCode, /getNewDeviceList; Device JSON shared through
// device_json.h), ent_*.cc (the enterprise API; who may call which route: ent_access.cc,
// members: ent_members.cc), h5_hosting.cc (/h5page, /h5package). Handlers run
// on the connection's loop; argon2id hashing runs on `blocking` and answers through the Responder.
#ifndef KRYPTON_HTTP_ROUTES_API_H_
#define KRYPTON_HTTP_ROUTES_API_H_

#include <simdjson.h>

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/attempt_limiter.h"
#include "auth/captcha.h"
#include "auth/hash_queue.h"
#include "auth/jwt.h"
#include "auth/mailer.h"
#include "auth/rate_limit.h"
#include "auth/token_epochs.h"
#include "bus/bus.h"
#include "catalog/members.h"
#include "common/clock.h"
#include "config/config.h"
#include "http/http.h"
#include "storage/store.h"

namespace krypton::http {

struct ApiContext {
  storage::Store& store;
  const config::Config& config;
  const Clock& clock;
  const auth::JwtCodec& jwt;
  auth::Mailer& mailer;
  auth::RateLimiter& limiter;
  boost::asio::thread_pool& blocking;  // password hashing and verification
  auth::CaptchaStore& captcha;
  // Where domain services and routes publish their change events after a commit
  // (bus::ChangeEvent: kAccess for bindings and shares, kTemplate for a product's template
  // or settings — the hub's caches hear them), and reach devices: Notify (devSync after a
  // forced bind or an unbind), RevokeDevice (a revoked licence: errorResp 1400039).
  bus::Bus& bus;
  // The hub's counters as Prometheus text (GET /metrics); 503 while unset.
  std::function<std::string()> metrics = nullptr;
  // The HTTP listener's public URL, no trailing '/' (config::Config::PublicHttpUrl with
  // the bound port), set before the listener starts; hosted H5 URLs begin with it.
  // "" = derived from the configured http.port.
  std::string public_http_url = {};
  // Issue 14 (docs/security/passwords.md; routes/guard.h): failed-guess counters of every
  // secret, the bounded password hashing queue, and the accounts' token epochs that Bearer
  // checks. Set by `serve`; null (unit tests) = no limits, hashing on `blocking`, no check.
  auth::AttemptLimiter* attempts = nullptr;
  auth::HashQueue* hashing = nullptr;
  auth::TokenEpochs* epochs = nullptr;
  // Scheduler tasks (issue 16, routes/scheduler.cc): their clock — the system clock, or
  // under `krypton serve --test-clock` a ManualClock that POST /test/clock sets, after
  // which `clock_moved` tells the engine to look again. Null = `clock`, no test clock.
  const Clock* scheduler_clock = nullptr;
  ManualClock* test_clock = nullptr;
  std::function<void()> clock_moved = nullptr;
};

// Registers every API route on `router`; `ctx` must outlive it.
void AddApiRoutes(Router& router, ApiContext& ctx);
void AddUaaLoginRoutes(Router& router, ApiContext& ctx);
void AddUaaCodeRoutes(Router& router, ApiContext& ctx);
void AddUaaAccountRoutes(Router& router, ApiContext& ctx);
void AddUaaEmailRoutes(Router& router, ApiContext& ctx);
void AddUaaCaptchaRoutes(Router& router, ApiContext& ctx);
void AddProfileRoutes(Router& router, ApiContext& ctx);
void AddDeviceRoutes(Router& router, ApiContext& ctx);
void AddBindingRoutes(Router& router, ApiContext& ctx);  // binding.cc
void AddProductTemplateRoutes(Router& router, ApiContext& ctx);
void AddMetricsRoutes(Router& router, ApiContext& ctx);
void AddFolderRoutes(Router& router, ApiContext& ctx);
void AddSharingRoutes(Router& router, ApiContext& ctx);
void AddReverseAuthRoutes(Router& router, ApiContext& ctx);
void AddShortCodeRoutes(Router& router, ApiContext& ctx);
void AddSchedulerRoutes(Router& router, ApiContext& ctx);  // scheduler.cc
// /api/v1/enterprise/product…, /api/v1/enterprise/h5, /api/v1/enterprise/info and
// /external/device/h5 (enterprise-api.md §3.1.1, §3.2 E1–E10, E17; ent_products.cc,
// ent_protocol.cc, ent_h5.cc; helpers ent_common.cc).
void AddEnterpriseProductRoutes(Router& router, ApiContext& ctx);
// /api/v1/enterprise/device…, /api/v1/enterprise/quota and the product's device import
// and licences (enterprise-api.md §3.2 E11–E16; ent_devices.cc, ent_device_import.cc).
void AddEnterpriseDeviceRoutes(Router& router, ApiContext& ctx);
// The app-facing enterprise endpoints /external/device/fw/ota/check, /external/vc/getByPid,
// /external/feedback, /external/device/default/static and their enterprise-side writes
// (enterprise-api.md §3.1.3–§3.1.6; ent_external.cc).
void AddEnterpriseExternalRoutes(Router& router, ApiContext& ctx);
// GET/HEAD /h5page/{id}/{path...} and /h5package/{id}/{file}: the hosted H5 pages and
// packages, no authentication (enterprise-api.md §6, decision 0010; h5_hosting.cc).
void AddH5HostingRoutes(Router& router, ApiContext& ctx);
// GET/POST /api/v1/enterprise/member, DELETE /api/v1/enterprise/member/{uid}: console
// members (D28; ent_members.cc).
void AddEnterpriseMemberRoutes(Router& router, ApiContext& ctx);
// The guard of every /api/v1/enterprise/… route: authentication and the per-route minimum
// role of ONE table (ent_access.cc, decision 0012); a route missing from it is refused.
void AddEnterpriseGuard(Router& router, ApiContext& ctx);

namespace api {

// 204 with no body.
Response NoContent();
// Forwards to devices::LiveShare (the rule lives in src/devices/sharing.h), for the route
// files that still call it (devices.cc, short_codes.cc); remove with the last caller.
bool LiveShare(const storage::Share& s, int64_t now_ms);
// A JSON response; an empty body for 200 with nothing to return (UAA, §1.3).
Response Json(int status, std::string body);
// The error response of `error` for this request (D2; D18 when uaa.error_codes = table).
Response Error(const ApiContext& ctx, const Request& req, const Status& error);

// The request body as a JSON object; 6400024 when it is not one (D24).
Result<simdjson::dom::object> Body(const Request& req, simdjson::dom::parser& parser);
// A string member; "" when absent or not a string.
std::string Str(simdjson::dom::object obj, std::string_view key);
// A query parameter, percent-decoded; "" when absent.
std::string Query(const Request& req, std::string_view key);
// The non-empty items of a comma list ("a,,b" → a, b), as views into `text`: the
// `folderId=a,b` / `taskId=a,b` filters.
std::vector<std::string_view> SplitList(std::string_view text);

// The bearer's access-token claims; 3400015 (→ 403 merged body) when missing or bad, or
// signed before the account's last password change or reset (its token epoch).
Result<auth::TokenClaims> Bearer(const ApiContext& ctx, const Request& req);

// Who acts on /api/v1/enterprise/… (enterprise-api.md §3.0, D28, decision 0012).
struct EnterpriseCaller {
  std::string pid;                              // the enterprise acted for
  catalog::Role role = catalog::Role::kViewer;  // ADMIN for the server key
  std::string uid;                              // the member's account; "" for the server key
  bool server_key = false;
};

// Authenticates an enterprise caller, without looking at the route: either
// `Authorization: key={serverKey}` (that manufacturer, full rights), or the Bearer token
// of a console member (catalog/members.h) — never an account merely because of its pid.
// A member of several enterprises names one with `X-Krypton-Pid` (kEnterprisePidHeader).
// Errors: 3400015 (answered 401 by EnterpriseError) for a missing, malformed or unknown
// key or token, a token of an account that is no member, or an X-Krypton-Pid the caller
// may not act for; 8400002 when a member of several enterprises names none.
Result<EnterpriseCaller> AuthenticateEnterprise(const ApiContext& ctx, const Request& req);
constexpr std::string_view kEnterprisePidHeader = "x-krypton-pid";

// The caller that the enterprise guard (ent_access.cc, run by the Router before every
// /api/v1/enterprise/… handler) admitted for this request, with a role at least the
// route's minimum. 3400015 when the request did not pass that guard (fail closed).
Result<EnterpriseCaller> Enterprise(const ApiContext& ctx, const Request& req);
// Enterprise(…)'s pid, for handlers that need nothing else.
Result<std::string> EnterprisePid(const ApiContext& ctx, const Request& req);
// An error of the enterprise API: as Error(), but authentication failures are 401, a too
// low role 403, and an 8400002 or 8400031 with a detail names it in desc
// ("Illegal argument: <detail>", "Quota missing: need 100, have 40").
Response EnterpriseError(const ApiContext& ctx, const Request& req, const Status& error);

// ---- Route middleware (issue 15) -------------------------------------------------------
// A route declares who may call it; the middleware authenticates, hands the handler a
// Call (the caller, the body parsed once) and turns the handler's Status into the wire
// body in one place. Handlers never parse a bearer token or build an error body.

// Who may call a route, and which error family answers it.
enum class Auth {
  kNone,        // anyone; errors as the user API / UAA (Error)
  kUser,        // an app user's access token (Bearer, D2): 3400015 → 403 otherwise
  kEnterprise,  // admitted by the enterprise guard (ent_access.cc: console member with the
                // route's role, or the server key); errors as EnterpriseError (401/403)
};

// One request as a handler sees it.
class Call {
 public:
  Call(ApiContext& ctx, const Request& req, Auth auth) : ctx(ctx), req(req), auth_(auth) {}
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  ApiContext& ctx;
  const Request& req;

  // Auth::kUser: the caller's token claims and account (empty for other routes).
  const auth::TokenClaims& claims() const { return claims_; }
  const std::string& uid() const { return claims_.uid; }
  // Auth::kEnterprise: who acts (pid, role, member uid or server key).
  const EnterpriseCaller& enterprise() const { return enterprise_; }
  // The request body as a JSON object, parsed at the first call (and only then);
  // 6400024 when it is not one (D24). The object lives as long as this Call.
  Result<simdjson::dom::object> Body();
  // A query parameter, percent-decoded; "" when absent.
  std::string Query(std::string_view key) const;
  // A {name} segment of the route ("" when the route has none by that name).
  std::string Param(const std::string& name) const;
  int64_t NowMs() const;
  // The error body of `error` in this route's family (for per-item errors of a batch
  // that still answers 200, and for handlers that must answer before returning).
  Response Error(const Status& error) const;

 private:
  friend std::optional<Response> Authenticate(Call&);
  Auth auth_;
  auth::TokenClaims claims_;
  EnterpriseCaller enterprise_;
  simdjson::dom::parser parser_;
  bool body_parsed_ = false;
  simdjson::dom::object body_;
  bool body_ok_ = false;
};

using CallHandler = std::function<Result<Response>(Call&)>;
// For handlers that must not block the loop (argon2id): `call` lives until `done` ran;
// call `done` exactly once, from any thread.
using Done = std::function<void(Result<Response>)>;
using AsyncCallHandler = std::function<void(std::shared_ptr<Call> call, Done done)>;

// Registers `handler` for `method` `pattern` behind the middleware of `auth`.
void Add(Router& router, ApiContext& ctx, std::string method, std::string pattern, Auth auth,
         CallHandler handler, RouteOptions options = {});
void AddAsync(Router& router, ApiContext& ctx, std::string method, std::string pattern, Auth auth,
              AsyncCallHandler handler, RouteOptions options = {});

// One shared JSON writer helper: a string value of any view.
template <typename W>
void WriteString(W& w, std::string_view s) {
  w.String(s.data(), static_cast<unsigned>(s.size()));
}

// One more request from this client IP within limits.requests_per_ip_per_s; false → 429.
bool IpAllowed(const ApiContext& ctx, const Request& req);

// Runs `work` on the blocking pool; its Response goes to `respond`.
void OnWorker(ApiContext& ctx, Responder respond, std::function<Response()> work);

}  // namespace api
}  // namespace krypton::http

#endif  // KRYPTON_HTTP_ROUTES_API_H_
