// The enterprise routes' shared helpers (ent_internal.h).
#include "catalog/catalog.h"
#include "http/routes/ent_internal.h"

namespace krypton::http::ent {

Status Illegal(std::string detail) { return catalog::Illegal(std::move(detail)); }

Result<simdjson::dom::object> Body(api::Call& call) {
  auto body = call.Body();
  if (!body.ok()) return Illegal("the body must be a JSON object");
  return body;
}

Result<storage::Product> Visible(ApiContext& ctx, const std::string& pid, const std::string& mid,
                                 bool* authorized) {
  auto p = ctx.store.GetProduct(mid);
  if (!p.ok()) {
    return p.status().not_found() ? Status(Code::kEntProductNotExist) : Internal(p.status());
  }
  auto may = catalog::MayRead(ctx.store, *p, pid);
  if (!may.ok()) return may.status();
  if (!*may) return Status(Code::kEntProductNotExist);
  if (authorized != nullptr) *authorized = p->pid != pid;
  return *p;
}

Result<storage::Product> Owned(ApiContext& ctx, const std::string& pid, const std::string& mid) {
  return catalog::OwnedProduct(ctx.store, pid, mid);
}

void Key(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void WriteH5(Writer& w, const storage::H5Template& t) {
  w.StartObject();
  Key(w, "id");
  api::WriteString(w, t.id);
  Key(w, "platform");
  api::WriteString(w, t.platform);
  Key(w, "h5Page");
  api::WriteString(w, t.h5_page);
  Key(w, "pageZipURL");
  api::WriteString(w, t.page_zip_url);
  Key(w, "version");
  api::WriteString(w, t.version);
  Key(w, "md5");
  api::WriteString(w, t.md5);
  w.EndObject();
}

void TemplatesChanged(const ApiContext& ctx, const std::string& mid) {
  ctx.bus.PublishChange({bus::ChangeEvent::Kind::kTemplate, mid});
}

}  // namespace krypton::http::ent
