// GET /external/device/protocolTemplate (enterprise-api.md §3.1.2): the product's current
// protocol template for apps and Hekr's web SDK, found by the X-Hekr-ProdPubKey header.
//   200 the bare stored template {"workModeType": …, "protocol": {…}} (templates are
//       validated and completed by the codec when stored, so the body is served as is)
//   400 6400015 header missing or unknown productPublicKey; 400 8400001 no template;
//   403 bad bearer. Any valid user token may read any product's template (templates are
//   not secret; ioBroker fetches one per device).
#include "http/routes/api.h"

namespace krypton::http {
namespace {

Response Get(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  std::string ppk = req.Header("x-hekr-prodpubkey");
  if (ppk.empty()) return api::Error(ctx, req, Status(Code::kUserInvalidProdPubKey));
  auto product = ctx.store.FindProductByPublicKey(ppk);
  if (!product.ok()) {
    return api::Error(ctx, req,
                      product.status().not_found()
                          ? Status(Code::kUserInvalidProdPubKey)
                          : Status(Code::kUserInternal).WithDetail(product.status().ToString()));
  }
  auto tpl = ctx.store.GetCurrentTemplate(product->mid);
  if (!tpl.ok()) {
    return api::Error(ctx, req,
                      tpl.status().not_found()
                          ? Status(Code::kEntTemplateNotExist)
                          : Status(Code::kUserInternal).WithDetail(tpl.status().ToString()));
  }
  return api::Json(200, std::move(tpl->body_json));
}

}  // namespace

void AddProductTemplateRoutes(Router& router, ApiContext& ctx) {
  router.Add("GET", "/external/device/protocolTemplate",
             [&ctx](const Request& r) { return Get(ctx, r); });
}

}  // namespace krypton::http
