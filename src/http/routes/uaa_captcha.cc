// Image captchas (user-api.md §3.1):
//   GET /api/v1/captcha → {"rid","png":<base64>}   GET /images/getImgCaptcha?rid= → image/png
//   GET /images/checkCaptcha?rid=&code=  and  POST /images/checkCaptcha {"code","rid"}
//     → {"captchaToken":"<rid>:<code>"}; 3400002 wrong code, 3400003 unknown or expired rid.
#include <sodium.h>

#include "auth/jwt.h"
#include "common/json_object.h"
#include "http/routes/api.h"

namespace krypton::http {
namespace {

std::string Base64(const std::string& bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.pop_back();  // the terminating NUL
  return out;
}

Response NewCaptcha(ApiContext& ctx, const Request& req) {
  if (!api::IpAllowed(ctx, req)) return api::Error(ctx, req, Status(Code::kUaaRateLimited));
  std::string rid = auth::NewUuid();
  std::string png = ctx.captcha.Create(rid, ctx.clock.NowMs());
  return api::Json(200, JsonObject().Add("rid", rid).Add("png", Base64(png)).Finish());
}

Response ImageCaptcha(ApiContext& ctx, const Request& req) {
  if (!api::IpAllowed(ctx, req)) return api::Error(ctx, req, Status(Code::kUaaRateLimited));
  std::string rid = api::Query(req, "rid");
  if (rid.size() <= 16 || rid.size() > 128 || rid.find(' ') != std::string::npos) {
    return api::Error(ctx, req, Status(Code::kUserInvalidParam, "rid"));
  }
  Response r;
  r.content_type = "image/png";
  r.body = ctx.captcha.Create(rid, ctx.clock.NowMs());
  return r;
}

Response CheckCaptcha(ApiContext& ctx, const Request& req) {
  std::string rid = api::Query(req, "rid"), code = api::Query(req, "code");
  if (req.method == "POST") {
    simdjson::dom::parser parser;
    auto body = api::Body(req, parser);
    if (!body.ok()) return api::Error(ctx, req, body.status());
    rid = api::Str(*body, "rid");
    code = api::Str(*body, "code");
  }
  if (Status s = ctx.captcha.Check(rid, code, ctx.clock.NowMs()); !s.ok()) {
    return api::Error(ctx, req, s);
  }
  return api::Json(200, JsonObject().Add("captchaToken", rid + ":" + code).Finish());
}

}  // namespace

void AddUaaCaptchaRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/api/v1/captcha", [&ctx](const Request& r) { return NewCaptcha(ctx, r); });
  router.Add("GET", "/images/getImgCaptcha", [&ctx](const Request& r) { return ImageCaptcha(ctx, r); });
  router.Add("GET", "/images/checkCaptcha", [&ctx](const Request& r) { return CheckCaptcha(ctx, r); });
  router.Add("POST", "/images/checkCaptcha", [&ctx](const Request& r) { return CheckCaptcha(ctx, r); });
}

}  // namespace krypton::http
