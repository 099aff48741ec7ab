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
#include <boost/asio/post.hpp>
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

Result<Response> Create(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = Body(call);
  if (!body.ok()) return body.status();
  catalog::H5Fields f{api::Str(*body, "platform"), api::Str(*body, "h5Page"),
                      api::Str(*body, "pageZipURL"), api::Str(*body, "version"),
                      api::Str(*body, "md5")};
  auto t = catalog::CreateH5Template(ctx.store, pid, f, call.NowMs());
  if (!t.ok()) return t.status();
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
void UploadPackage(std::shared_ptr<api::Call> call, api::Done done) {
  boost::asio::post(call->ctx.blocking, [call, done = std::move(done)] {
    auto t = catalog::InstallH5Package(call->ctx.store, Hosting(call->ctx), call->enterprise().pid,
                                       call->Param("id"), call->req.body, call->Query("version"));
    if (!t.ok()) return done(t.status());
    done(H5Json(200, *t));
  });
}

Result<Response> GetForProduct(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto p = Visible(ctx, pid, call.Param("mid"));
  if (!p.ok()) return p.status();
  auto h5 = Bound(ctx, p->mid, call.Query("platform"));
  if (!h5.ok()) return h5.status();
  return H5Json(200, *h5);
}

Result<Response> Bind(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = Body(call);
  if (!body.ok()) return body.status();
  Status s = catalog::BindH5Template(ctx.store, pid, call.Param("mid"), api::Str(*body, "platform"),
                                     api::Str(*body, "h5TemplateId"));
  if (!s.ok()) return s;
  return api::NoContent();
}

// E6: the app side, found by X-Hekr-ProdPubKey; user-API errors (403 bad bearer).
Result<Response> External(api::Call& call) {
  ApiContext& ctx = call.ctx;
  std::string ppk = call.req.Header("x-hekr-prodpubkey");
  if (ppk.empty()) return Status(Code::kUserInvalidProdPubKey);
  auto product = ctx.store.FindProductByPublicKey(ppk);
  if (!product.ok()) {
    return product.status().not_found() ? Status(Code::kUserInvalidProdPubKey)
                                        : Internal(product.status());
  }
  auto h5 = Bound(ctx, product->mid, call.Query("platform"));
  if (!h5.ok()) return h5.status();
  return H5Json(200, *h5);
}

}  // namespace

void AddEnterpriseH5Routes(Router& router, ApiContext& ctx) {
  constexpr api::Auth kEnt = api::Auth::kEnterprise;
  api::Add(router, ctx, "POST", "/api/v1/enterprise/h5", kEnt, Create);
  api::AddAsync(router, ctx, "PUT", "/api/v1/enterprise/h5/{id}/package", kEnt, UploadPackage,
                {static_cast<size_t>(ctx.config.limits.h5_package_bytes)});
  api::Add(router, ctx, "GET", "/api/v1/enterprise/product/{mid}/h5", kEnt, GetForProduct);
  api::Add(router, ctx, "PUT", "/api/v1/enterprise/product/{mid}/h5", kEnt, Bind);
  api::Add(router, ctx, "GET", "/external/device/h5", api::Auth::kUser, External);
}

}  // namespace krypton::http::ent
