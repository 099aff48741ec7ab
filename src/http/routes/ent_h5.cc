// H5 templates (enterprise-api.md §3.2 E4–E6, §6):
//   POST /api/v1/enterprise/h5 {platform, h5Page, pageZipURL?, version?, md5?}
//        → 201 {"id","platform","h5Page","pageZipURL","version","md5"}
//   GET  /api/v1/enterprise/product/{mid}/h5?platform=   (own/authorized) → 200 H5 template
//   PUT  /api/v1/enterprise/product/{mid}/h5 {platform, h5TemplateId}  (owner) → 204
//   GET  /external/device/h5?platform= + X-Hekr-ProdPubKey (user Bearer) → 200 H5 template
// `platform` is Android or IOS in any case (8400003), emitted canonically. A template
// belongs to the enterprise that created it; binding another enterprise's id is 8400005.
#include "common/secrets.h"
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
  std::string canonical = CanonicalPlatform(platform);
  if (canonical.empty()) return Status(Code::kEntBadPlatform);
  auto h5 = ctx.store.GetProductH5(mid, canonical);
  if (!h5.ok()) {
    return h5.status().not_found() ? Status(Code::kEntH5TemplateNotExist) : Internal(h5.status());
  }
  return *h5;
}

Response Create(ApiContext& ctx, const Request& req) {
  auto pid = api::Enterprise(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  storage::H5Template t;
  t.platform = CanonicalPlatform(api::Str(*body, "platform"));
  if (t.platform.empty()) return Fail(ctx, req, Status(Code::kEntBadPlatform));
  t.h5_page = api::Str(*body, "h5Page");
  t.page_zip_url = api::Str(*body, "pageZipURL");
  t.version = api::Str(*body, "version");
  t.md5 = api::Str(*body, "md5");
  if (t.h5_page.empty() || t.h5_page.size() > 1024 || t.page_zip_url.size() > 1024 ||
      t.version.size() > 64 || t.md5.size() > 64) {
    return Fail(
        ctx, req,
        Illegal("h5Page is required; URLs are at most 1024 characters, version and md5 64"));
  }
  t.id = RandomAlnum(16);
  t.pid = *pid;
  t.created_at_ms = ctx.clock.NowMs();
  if (auto s = ctx.store.CreateH5Template(t); !s.ok()) return Fail(ctx, req, Internal(s));
  return H5Json(201, t);
}

Response GetForProduct(ApiContext& ctx, const Request& req) {
  auto pid = api::Enterprise(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto p = Visible(ctx, *pid, req.params.at("mid"));
  if (!p.ok()) return Fail(ctx, req, p.status());
  auto h5 = Bound(ctx, p->mid, api::Query(req, "platform"));
  if (!h5.ok()) return Fail(ctx, req, h5.status());
  return H5Json(200, *h5);
}

Response Bind(ApiContext& ctx, const Request& req) {
  auto pid = api::Enterprise(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  auto p = Owned(ctx, *pid, req.params.at("mid"));
  if (!p.ok()) return Fail(ctx, req, p.status());
  std::string platform = CanonicalPlatform(api::Str(*body, "platform"));
  if (platform.empty()) return Fail(ctx, req, Status(Code::kEntBadPlatform));
  auto t = ctx.store.GetH5Template(api::Str(*body, "h5TemplateId"));
  if (!t.ok() || t->pid != *pid) {
    return Fail(ctx, req,
                t.ok() || t.status().not_found() ? Status(Code::kEntH5TemplateNotExist)
                                                 : Internal(t.status()));
  }
  if (t->platform != platform) {
    return Fail(ctx, req, Illegal("h5 template " + t->id + " is for " + t->platform));
  }
  if (auto s = ctx.store.BindProductH5(p->mid, platform, t->id); !s.ok()) {
    return Fail(ctx, req, Internal(s));
  }
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
  router.Add("GET", "/api/v1/enterprise/product/{mid}/h5",
             [&ctx](const Request& r) { return GetForProduct(ctx, r); });
  router.Add("PUT", "/api/v1/enterprise/product/{mid}/h5",
             [&ctx](const Request& r) { return Bind(ctx, r); });
  router.Add("GET", "/external/device/h5", [&ctx](const Request& r) { return External(ctx, r); });
}

}  // namespace krypton::http::ent
