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

Result<Response> NewCaptcha(api::Call& call) {
  if (!api::IpAllowed(call.ctx, call.req)) return Status(Code::kUaaRateLimited);
  std::string rid = auth::NewUuid();
  std::string png = call.ctx.captcha.Create(rid, call.NowMs());
  return api::Json(200, JsonObject().Add("rid", rid).Add("png", Base64(png)).Finish());
}

Result<Response> ImageCaptcha(api::Call& call) {
  if (!api::IpAllowed(call.ctx, call.req)) return Status(Code::kUaaRateLimited);
  std::string rid = call.Query("rid");
  if (rid.size() <= 16 || rid.size() > 128 || rid.find(' ') != std::string::npos) {
    return Status(Code::kUserInvalidParam, "rid");
  }
  Response r;
  r.content_type = "image/png";
  r.body = call.ctx.captcha.Create(rid, call.NowMs());
  return r;
}

Result<Response> CheckCaptcha(api::Call& call) {
  std::string rid = call.Query("rid"), code = call.Query("code");
  if (call.req.method == "POST") {
    auto body = call.Body();
    if (!body.ok()) return body.status();
    rid = api::Str(*body, "rid");
    code = api::Str(*body, "code");
  }
  KRYPTON_RETURN_IF_ERROR(call.ctx.captcha.Check(rid, code, call.NowMs()));
  return api::Json(200, JsonObject().Add("captchaToken", rid + ":" + code).Finish());
}

}  // namespace

void AddUaaCaptchaRoutes(Router& router, ApiContext& ctx) {
  using api::Auth;
  api::Add(router, ctx, "GET", "/api/v1/captcha", Auth::kNone, NewCaptcha);
  api::Add(router, ctx, "GET", "/images/getImgCaptcha", Auth::kNone, ImageCaptcha);
  api::Add(router, ctx, "GET", "/images/checkCaptcha", Auth::kNone, CheckCaptcha);
  api::Add(router, ctx, "POST", "/images/checkCaptcha", Auth::kNone, CheckCaptcha);
}

}  // namespace krypton::http
