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

Result<Response> Get(api::Call& call) {
  std::string ppk = call.req.Header("x-hekr-prodpubkey");
  if (ppk.empty()) return Status(Code::kUserInvalidProdPubKey);
  auto product = call.ctx.store.FindProductByPublicKey(ppk);
  if (!product.ok()) {
    if (product.status().not_found()) return Status(Code::kUserInvalidProdPubKey);
    return storage::Internal(product.status());
  }
  auto tpl = call.ctx.store.GetCurrentTemplate(product->mid);
  if (!tpl.ok()) {
    if (tpl.status().not_found()) return Status(Code::kEntTemplateNotExist);
    return storage::Internal(tpl.status());
  }
  return api::Json(200, std::move(tpl->body_json));
}

}  // namespace

void AddProductTemplateRoutes(Router& router, ApiContext& ctx) {
  api::Add(router, ctx, "GET", "/external/device/protocolTemplate", api::Auth::kUser, Get);
}

}  // namespace krypton::http
