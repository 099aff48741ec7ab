// The enterprise routes' shared helpers (ent_internal.h).
#include "catalog/catalog.h"
#include "http/routes/ent_internal.h"

namespace krypton::http::ent {

Status Illegal(std::string detail) { return catalog::Illegal(std::move(detail)); }


Response Fail(const ApiContext& ctx, const Request& req, const Status& error) {
  Response r = api::EnterpriseError(ctx, req, error);
  const bool told = error.code() == Code::kEntIllegalArgument ||  // the rule broken
                    error.code() == Code::kEntQuotaMissing;       // the shortfall
  if (!told || error.detail().empty()) return r;
  std::string desc = req.PrefersChinese() ? std::string(error.MessageZh()) : error.Message();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "code");
  w.Int(error.number());
  Key(w, "desc");
  String(w, desc + ": " + error.detail());
  Key(w, "timestamp");
  w.Int64(ctx.clock.NowMs());
  w.EndObject();
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

Result<simdjson::dom::object> Body(const Request& req, simdjson::dom::parser& parser) {
  simdjson::dom::object obj;
  if (parser.parse(req.body).get_object().get(obj) != simdjson::SUCCESS) {
    return Illegal("the body must be a JSON object");
  }
  return obj;
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
void String(Writer& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteH5(Writer& w, const storage::H5Template& t) {
  w.StartObject();
  Key(w, "id");
  String(w, t.id);
  Key(w, "platform");
  String(w, t.platform);
  Key(w, "h5Page");
  String(w, t.h5_page);
  Key(w, "pageZipURL");
  String(w, t.page_zip_url);
  Key(w, "version");
  String(w, t.version);
  Key(w, "md5");
  String(w, t.md5);
  w.EndObject();
}

void TemplatesChanged(const ApiContext& ctx) {
  if (ctx.templates_changed) ctx.templates_changed();
}

}  // namespace krypton::http::ent
