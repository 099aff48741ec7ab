// H5 templates (enterprise-api.md §3.2 E4–E6, §6; decisions 0007, 0010):
//   POST /api/v1/enterprise/h5 {platform, h5Page?, pageZipURL?, version?, md5?}
//        → 201 {"id","platform","h5Page","pageZipURL","version","md5"}
//   PUT  /api/v1/enterprise/h5/{id}/package[?version=]  body = a zip (own template)
//        → 200 H5 template with the hosted URLs, md5 and version
//   GET  /api/v1/enterprise/product/{mid}/h5?platform=   (own/authorized) → 200 H5 template
//   PUT  /api/v1/enterprise/product/{mid}/h5 {platform, h5TemplateId}  (owner) → 204
//   GET  /external/device/h5?platform= + X-Hekr-ProdPubKey (user Bearer) → 200 H5 template
// `platform` is Android or IOS in any case (8400003), emitted canonically. A template
// belongs to the enterprise that created it; binding or uploading to another
// enterprise's id is 8400005. The rules live in catalog/h5.h (shared with the admin CLI).
#include <memory>

#include "catalog/h5.h"
#include "http/routes/ent_internal.h"

namespace krypton::http::ent {
namespace {

Response H5Json(int status, const storage::H5Template& t) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteH5(w, t);
  return api::Json(status, std::string(buf.GetString(), buf.GetSize()));
}

// The product's binding for `platform` (any spelling): 8400003, 8400005.
Result<storage::H5Template> Bound(ApiContext& ctx, const std::string& mid,
                                  const std::string& platform) {
  std::string canonical = catalog::CanonicalPlatform(platform);
  if (canonical.empty()) return Status(Code::kEntBadPlatform);
  auto h5 = ctx.store.GetProductH5(mid, canonical);
  if (!h5.ok()) {
    return h5.status().not_found() ? Status(Code::kEntH5TemplateNotExist) : Internal(h5.status());
  }
  return *h5;
}

Response Create(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  catalog::H5Fields f{api::Str(*body, "platform"), api::Str(*body, "h5Page"),
                      api::Str(*body, "pageZipURL"), api::Str(*body, "version"),
                      api::Str(*body, "md5")};
  auto t = catalog::CreateH5Template(ctx.store, *pid, f, ctx.clock.NowMs());
  if (!t.ok()) return Fail(ctx, req, t.status());
  return H5Json(201, *t);
}

// The hosting settings of this server (decision 0010).
catalog::H5Hosting Hosting(const ApiContext& ctx) {
  const config::Config& c = ctx.config;
  return {c.data_dir,
          ctx.public_http_url.empty() ? c.PublicHttpUrl(c.http.port) : ctx.public_http_url,
          c.limits.h5_package_entries, c.limits.h5_unpacked_bytes};
}

// The zip is checked, unpacked and swapped in on the worker pool (file I/O).
void UploadPackage(ApiContext& ctx, Request req, Responder respond) {
  auto shared = std::make_shared<const Request>(std::move(req));
  api::OnWorker(ctx, std::move(respond), [&ctx, shared]() -> Response {
    const Request& r = *shared;
    auto pid = api::EnterprisePid(ctx, r);
    if (!pid.ok()) return Fail(ctx, r, pid.status());
    auto t = catalog::InstallH5Package(ctx.store, Hosting(ctx), *pid, r.params.at("id"), r.body,
                                       api::Query(r, "version"));
    if (!t.ok()) return Fail(ctx, r, t.status());
    return H5Json(200, *t);
  });
}

Response GetForProduct(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto p = Visible(ctx, *pid, req.params.at("mid"));
  if (!p.ok()) return Fail(ctx, req, p.status());
  auto h5 = Bound(ctx, p->mid, api::Query(req, "platform"));
  if (!h5.ok()) return Fail(ctx, req, h5.status());
  return H5Json(200, *h5);
}

Response Bind(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  Status s = catalog::BindH5Template(ctx.store, *pid, req.params.at("mid"),
                                     api::Str(*body, "platform"), api::Str(*body, "h5TemplateId"));
  if (!s.ok()) return Fail(ctx, req, s);
  return api::NoContent();
}

// E6: the app side, found by X-Hekr-ProdPubKey; user-API errors (403 bad bearer).
Response External(ApiContext& ctx, const Request& req) {
  auto claims = api::Bearer(ctx, req);
  if (!claims.ok()) return api::Error(ctx, req, claims.status());
  std::string ppk = req.Header("x-hekr-prodpubkey");
  if (ppk.empty()) return api::Error(ctx, req, Status(Code::kUserInvalidProdPubKey));
  auto product = ctx.store.FindProductByPublicKey(ppk);
  if (!product.ok()) {
    return api::Error(ctx, req,
                      product.status().not_found() ? Status(Code::kUserInvalidProdPubKey)
                                                   : Internal(product.status()));
  }
  auto h5 = Bound(ctx, product->mid, api::Query(req, "platform"));
  if (!h5.ok()) return api::Error(ctx, req, h5.status());
  return H5Json(200, *h5);
}

}  // namespace

void AddEnterpriseH5Routes(Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/enterprise/h5", [&ctx](const Request& r) { return Create(ctx, r); });
  router.AddAsync("PUT", "/api/v1/enterprise/h5/{id}/package",
                  [&ctx](Request r, Responder respond) {
                    UploadPackage(ctx, std::move(r), std::move(respond));
                  },
                  {static_cast<size_t>(ctx.config.limits.h5_package_bytes)});
  router.Add("GET", "/api/v1/enterprise/product/{mid}/h5",
             [&ctx](const Request& r) { return GetForProduct(ctx, r); });
  router.Add("PUT", "/api/v1/enterprise/product/{mid}/h5",
             [&ctx](const Request& r) { return Bind(ctx, r); });
  router.Add("GET", "/external/device/h5", [&ctx](const Request& r) { return External(ctx, r); });
}

}  // namespace krypton::http::ent
