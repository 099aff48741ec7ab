// The route middleware of api.h: authentication by the route's declared Auth, the body
// parsed once, and Status → wire body in one place. The only caller of Bearer() for app
// users (AuthenticateEnterprise is the other, for console members).
#include <memory>
#include <optional>

#include "http/routes/api.h"

namespace krypton::http::api {

Result<simdjson::dom::object> Call::Body() {
  if (!body_parsed_) {
    body_parsed_ = true;
    body_ok_ = parser_.parse(req.body).get_object().get(body_) == simdjson::SUCCESS;
  }
  if (!body_ok_) return Status(Code::kUserJsonBody);
  return body_;
}

std::string Call::Query(std::string_view key) const { return api::Query(req, key); }

std::string Call::Param(const std::string& name) const {
  auto it = req.params.find(name);
  return it == req.params.end() ? std::string() : it->second;
}

int64_t Call::NowMs() const { return ctx.clock.NowMs(); }

Response Call::Error(const Status& error) const {
  return auth_ == Auth::kEnterprise ? EnterpriseError(ctx, req, error)
                                    : api::Error(ctx, req, error);
}

// Authenticates `call` by its Auth: the refusal to send, or nullopt when admitted (the
// caller's claims or enterprise identity are then in `call`).
std::optional<Response> Authenticate(Call& call) {
  switch (call.auth_) {
    case Auth::kNone:
      break;
    case Auth::kUser: {
      auto claims = Bearer(call.ctx, call.req);
      if (!claims.ok()) return call.Error(claims.status());
      call.claims_ = std::move(claims).value();
      break;
    }
    case Auth::kEnterprise: {
      auto caller = Enterprise(call.ctx, call.req);
      if (!caller.ok()) return call.Error(caller.status());
      call.enterprise_ = std::move(caller).value();
      break;
    }
  }
  return std::nullopt;
}

void Add(Router& router, ApiContext& ctx, std::string method, std::string pattern, Auth auth,
         CallHandler handler, RouteOptions options) {
  router.Add(
      std::move(method), std::move(pattern),
      [&ctx, auth, handler = std::move(handler)](const Request& req) {
        Call call(ctx, req, auth);
        if (std::optional<Response> refused = Authenticate(call)) return std::move(*refused);
        Result<Response> r = handler(call);
        return r.ok() ? std::move(r).value() : call.Error(r.status());
      },
      options);
}

namespace {

// An asynchronous call owns its request.
struct OwnedCall {
  OwnedCall(ApiContext& ctx, Request r, Auth auth) : req(std::move(r)), call(ctx, req, auth) {}
  Request req;
  Call call;
};

}  // namespace

void AddAsync(Router& router, ApiContext& ctx, std::string method, std::string pattern, Auth auth,
              AsyncCallHandler handler, RouteOptions options) {
  router.AddAsync(
      std::move(method), std::move(pattern),
      [&ctx, auth, handler = std::move(handler)](Request req, Responder respond) {
        auto owned = std::make_shared<OwnedCall>(ctx, std::move(req), auth);
        std::shared_ptr<Call> call(owned, &owned->call);
        if (std::optional<Response> refused = Authenticate(*call)) {
          respond(std::move(*refused));
          return;
        }
        handler(call, [call, respond = std::move(respond)](Result<Response> r) {
          respond(r.ok() ? std::move(r).value() : call->Error(r.status()));
        });
      },
      options);
}

}  // namespace krypton::http::api
