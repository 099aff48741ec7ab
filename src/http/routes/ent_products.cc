// The enterprise product catalogue (enterprise-api.md §3.1.1, §3.2 E1, E7, E8, E17;
// docs/decisions/0007-enterprise-products.md): list, create, read, update, delete,
// publish, authorize another enterprise, and the public enterprise card. The calling
// enterprise comes from `Authorization: key={serverKey}` or a console Bearer token
// (api::Enterprise); reads see own and authorized products, writes are owner-only
// (§4.3). The rules and writes of create, update, status and delete are the catalogue
// service's (catalog/catalog.h, shared with `krypton admin product …`); this file reads
// bodies and writes answers. Shared helpers: ent_internal.h, ent_common.cc.
#include <map>
#include <optional>

#include "catalog/catalog.h"
#include "http/routes/ent_internal.h"

namespace krypton::http {

namespace {

using ent::Fail;
using ent::Illegal;
using ent::Internal;
using ent::Key;
using ent::String;
using ent::Writer;

// Optional members: absent → unchanged; present with the wrong type → 8400002.
Status ReadStr(simdjson::dom::object o, const char* key, std::optional<std::string>& out) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS) return Status();
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS)
    return Illegal(std::string(key) + " must be a string");
  out = std::string(v);
  return Status();
}
Status ReadBool(simdjson::dom::object o, const char* key, std::optional<bool>& out) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS) return Status();
  bool v = false;
  if (e.get_bool().get(v) != simdjson::SUCCESS)
    return Illegal(std::string(key) + " must be true or false");
  out = v;
  return Status();
}
Status ReadInt(simdjson::dom::object o, const char* key, std::optional<int>& out) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS) return Status();
  int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS || v < 0 || v > 1000) {
    return Illegal(std::string(key) + " must be an integer from 0 to 1000");
  }
  out = static_cast<int>(v);
  return Status();
}
// An object (or, with `array_of_strings`, an array of strings) kept as minified text.
Status ReadJson(simdjson::dom::object o, const char* key, bool array_of_strings,
                std::optional<std::string>& out) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS) return Status();
  if (array_of_strings) {
    simdjson::dom::array a;
    if (e.get_array().get(a) != simdjson::SUCCESS)
      return Illegal(std::string(key) + " must be an array of strings");
    for (auto item : a) {
      if (!item.is_string()) return Illegal(std::string(key) + " must be an array of strings");
    }
  } else if (key == std::string_view("category") && e.is_null()) {
    out = "null";
    return Status();
  } else if (!e.is_object()) {
    return Illegal(std::string(key) + " must be an object");
  }
  out = std::string(simdjson::minify(e));
  return Status();
}

// The body's settable members (type errors → 8400002); catalog::ApplyProductFields
// validates them.
Status ReadFields(simdjson::dom::object o, catalog::ProductFields& f) {
  for (Status s :
       {ReadStr(o, "name", f.name), ReadStr(o, "workModeType", f.work_mode_type),
        ReadStr(o, "productType", f.product_type), ReadStr(o, "model", f.model),
        ReadStr(o, "logo", f.logo), ReadStr(o, "bindType", f.bind_type),
        ReadStr(o, "deviceAuth", f.device_auth), ReadStr(o, "checkMode", f.check_mode),
        ReadBool(o, "forceBind", f.force_bind), ReadBool(o, "preRegister", f.pre_register),
        ReadBool(o, "decorateDevSend", f.decorate_dev_send),
        ReadBool(o, "autoIssueLicense", f.auto_issue_license),
        ReadInt(o, "maxDevShareNum", f.max_dev_share_num),
        ReadJson(o, "displayName", false, f.display_name_json),
        ReadJson(o, "accessWay", true, f.access_way_json),
        ReadJson(o, "category", false, f.category_json)}) {
    if (!s.ok()) return s;
  }
  return Status();
}

void WriteProduct(Writer& w, const storage::Product& p, const storage::ProductDetails& d,
                  bool authorized) {
  Key(w, "mid");
  String(w, p.mid);
  Key(w, "name");
  String(w, p.name);
  Key(w, "productType");
  String(w, d.product_type);
  Key(w, "displayName");
  w.RawValue(d.display_name_json.data(), d.display_name_json.size(), rapidjson::kObjectType);
  Key(w, "model");
  String(w, d.model);
  Key(w, "logo");
  String(w, d.logo);
  Key(w, "bindType");
  String(w, d.bind_type);
  Key(w, "accessWay");
  w.RawValue(d.access_way_json.data(), d.access_way_json.size(), rapidjson::kArrayType);
  Key(w, "productPublicKey");
  String(w, p.product_public_key);
  Key(w, "workModeType");
  String(w, p.work_mode_type);
  Key(w, "forceBind");
  w.Bool(p.force_bind);
  Key(w, "authorized");
  w.Bool(authorized);
  Key(w, "ownerPid");
  String(w, p.pid);
  Key(w, "status");
  String(w, p.status);
}

storage::ProductDetails Details(ApiContext& ctx, const std::string& mid) {
  return catalog::DetailsOf(ctx.store, mid);
}

// E1's object: the list element plus the settings; the owner also sees prodKey and
// authorizedPids (an authorized enterprise does not get the device-side secret).
std::string FullProduct(ApiContext& ctx, const storage::Product& p, bool authorized) {
  storage::ProductDetails d = Details(ctx, p.mid);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  WriteProduct(w, p, d, authorized);
  Key(w, "category");
  w.RawValue(d.category_json.data(), d.category_json.size(), rapidjson::kObjectType);
  if (!authorized) {
    Key(w, "prodKey");
    String(w, p.prod_key);
    Key(w, "authorizedPids");
    w.StartArray();
    auto pids = ctx.store.ListProductAuthorizations(p.mid);
    if (pids.ok()) {
      for (const auto& pid : *pids) String(w, pid);
    }
    w.EndArray();
  }
  Key(w, "deviceAuth");
  String(w, p.device_auth);
  Key(w, "preRegister");
  w.Bool(p.pre_register);
  Key(w, "autoIssueLicense");
  w.Bool(p.auto_issue_license);
  Key(w, "checkMode");
  String(w, p.check_mode);
  Key(w, "decorateDevSend");
  w.Bool(p.decorate_dev_send);
  Key(w, "maxDevShareNum");
  w.Int(p.max_dev_share_num);
  Key(w, "h5");
  w.StartObject();
  for (const char* platform : {"Android", "IOS"}) {
    Key(w, platform);
    auto h5 = ctx.store.GetProductH5(p.mid, platform);
    if (h5.ok()) {
      ent::WriteH5(w, *h5);
    } else {
      w.Null();
    }
  }
  w.EndObject();
  Key(w, "templateVersion");
  auto tpl = ctx.store.GetCurrentTemplate(p.mid);
  if (tpl.ok()) {
    w.Int(tpl->version);
  } else {
    w.Null();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// GET /api/v1/enterprise/product (§3.1.1): own then authorized products, grouped by
// category in order of first appearance; products without a category share a group
// whose "category" is null.
Response List(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto own = ctx.store.ListProducts(*pid);
  if (!own.ok()) return Fail(ctx, req, Internal(own.status()));
  auto shared = ctx.store.ListAuthorizedProducts(*pid);
  if (!shared.ok()) return Fail(ctx, req, Internal(shared.status()));
  struct Group {
    std::string category_json;
    std::vector<std::pair<const storage::Product*, storage::ProductDetails>> products;
  };
  std::vector<Group> groups;
  std::map<std::string, size_t> by_id;
  simdjson::dom::parser parser;
  for (const auto* list : {&*own, &*shared}) {
    for (const auto& p : *list) {
      storage::ProductDetails d = Details(ctx, p.mid);
      std::string id;
      simdjson::dom::element cat;
      if (parser.parse(d.category_json).get(cat) == simdjson::SUCCESS && cat.is_object()) {
        std::string_view v;
        if (cat["id"].get_string().get(v) == simdjson::SUCCESS) id = "id:" + std::string(v);
        if (id.empty()) id = "json:" + d.category_json;
      }
      auto [it, added] = by_id.emplace(id, groups.size());
      if (added) groups.push_back({d.category_json, {}});
      groups[it->second].products.emplace_back(&p, std::move(d));
    }
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& g : groups) {
    w.StartObject();
    Key(w, "category");
    w.RawValue(g.category_json.data(), g.category_json.size(), rapidjson::kObjectType);
    Key(w, "products");
    w.StartArray();
    for (const auto& [p, d] : g.products) {
      w.StartObject();
      WriteProduct(w, *p, d, p->pid != *pid);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

// E1 GET /api/v1/enterprise/product/{mid}.
Response Get(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  bool authorized = false;
  auto p = ent::Visible(ctx, *pid, req.params.at("mid"), &authorized);
  if (!p.ok()) return Fail(ctx, req, p.status());
  return api::Json(200, FullProduct(ctx, *p, authorized));
}

// POST /api/v1/enterprise/product: a draft (UNPUBLISHED) product with generated keys.
Response Create(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = ent::Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  catalog::NewProduct n;
  n.pid = *pid;
  if (Status s = ReadFields(*body, n.fields); !s.ok()) return Fail(ctx, req, s);
  {
    // The members' rules answer before a mistyped mid or prodKey (as they always did).
    storage::Product draft;
    draft.status = "UNPUBLISHED";
    draft.work_mode_type.clear();
    storage::ProductDetails draft_details;
    if (Status s = catalog::ApplyProductFields(n.fields, draft, draft_details); !s.ok()) {
      return Fail(ctx, req, s);
    }
  }
  std::optional<std::string> mid, prod_key;
  if (Status s = ReadStr(*body, "mid", mid); !s.ok()) return Fail(ctx, req, s);
  if (Status s = ReadStr(*body, "prodKey", prod_key); !s.ok()) return Fail(ctx, req, s);
  n.mid = mid.value_or("");
  n.prod_key = prod_key.value_or("");
  simdjson::dom::element tpl_el;
  if ((*body)["protocolTemplate"].get(tpl_el) == simdjson::SUCCESS) {
    n.template_json = std::string(simdjson::minify(tpl_el));
  }
  auto p = catalog::CreateProduct(ctx.store, n, ctx.clock.NowMs());
  if (!p.ok()) return Fail(ctx, req, p.status());
  ent::TemplatesChanged(ctx);
  return api::Json(201, FullProduct(ctx, *p, false));
}

// PUT /api/v1/enterprise/product/{mid}: changes the given members (owner).
Response Update(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = ent::Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  const std::string& mid = req.params.at("mid");
  // An unknown or foreign product answers before the body's member types.
  if (auto p = catalog::OwnedProduct(ctx.store, *pid, mid); !p.ok()) {
    return Fail(ctx, req, p.status());
  }
  catalog::ProductFields fields;
  if (Status s = ReadFields(*body, fields); !s.ok()) return Fail(ctx, req, s);
  if (Status s = catalog::UpdateProduct(ctx.store, *pid, mid, fields, ctx.clock.NowMs()); !s.ok()) {
    return Fail(ctx, req, s);
  }
  ent::TemplatesChanged(ctx);
  return api::NoContent();
}

// DELETE /api/v1/enterprise/product/{mid} (owner): never a PUBLISHED product, never
// one with devices.
Response Delete(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  if (Status s = catalog::DeleteProduct(ctx.store, *pid, req.params.at("mid")); !s.ok()) {
    return Fail(ctx, req, s);
  }
  ent::TemplatesChanged(ctx);
  return api::NoContent();
}

// E17 PUT /api/v1/enterprise/product/{mid}/status: UNPUBLISHED → PUBLISHED →
// DISCONTINUED → PUBLISHED; the same status again is accepted.
Response SetStatus(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = ent::Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  auto changed = catalog::SetProductStatus(ctx.store, *pid, req.params.at("mid"),
                                           api::Str(*body, "status"), ctx.clock.NowMs());
  if (!changed.ok()) return Fail(ctx, req, changed.status());
  if (*changed) ent::TemplatesChanged(ctx);
  return api::NoContent();
}

// E8 POST /api/v1/enterprise/product/{mid}/authorize (owner).
Response Authorize(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  simdjson::dom::parser parser;
  auto body = ent::Body(req, parser);
  if (!body.ok()) return Fail(ctx, req, body.status());
  Status s = catalog::SetAuthorization(ctx.store, *pid, req.params.at("mid"),
                                      api::Str(*body, "pid"), true, ctx.clock.NowMs());
  if (!s.ok()) return Fail(ctx, req, s);
  return api::NoContent();
}

// DELETE /api/v1/enterprise/product/{mid}/authorize/{pid} (owner): withdraws E8.
Response Unauthorize(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  Status s = catalog::SetAuthorization(ctx.store, *pid, req.params.at("mid"),
                                      req.params.at("pid"), false, ctx.clock.NowMs());
  if (!s.ok()) return Fail(ctx, req, s);
  return api::NoContent();
}

// GET /api/v1/enterprise/product/{mid}/authorize (owner) → ["pid", …].
Response Authorizations(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  auto p = ent::Owned(ctx, *pid, req.params.at("mid"));
  if (!p.ok()) return Fail(ctx, req, p.status());
  auto pids = ctx.store.ListProductAuthorizations(p->mid);
  if (!pids.ok()) return Fail(ctx, req, Internal(pids.status()));
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const std::string& v : *pids) String(w, v);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

// E7 GET /api/v1/enterprise/info?pid=.
Response Info(ApiContext& ctx, const Request& req) {
  auto pid = api::EnterprisePid(ctx, req);
  if (!pid.ok()) return Fail(ctx, req, pid.status());
  std::string target = api::Query(req, "pid");
  if (target.empty()) return Fail(ctx, req, Illegal("pid is required"));
  auto m = ctx.store.GetManufacturer(target);
  if (!m.ok()) {
    return Fail(ctx, req,
                m.status().not_found() ? Status(Code::kEntPidNotExist) : Internal(m.status()));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "pid");
  String(w, m->pid);
  Key(w, "name");
  String(w, m->name);
  Key(w, "logo");
  String(w, "");
  Key(w, "certified");
  w.Bool(false);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

void AddEnterpriseProductRoutes(Router& router, ApiContext& ctx) {
  const std::string base = "/api/v1/enterprise/product";
  router.Add("GET", base, [&ctx](const Request& r) { return List(ctx, r); });
  router.Add("POST", base, [&ctx](const Request& r) { return Create(ctx, r); });
  router.Add("GET", base + "/{mid}", [&ctx](const Request& r) { return Get(ctx, r); });
  router.Add("PUT", base + "/{mid}", [&ctx](const Request& r) { return Update(ctx, r); });
  router.Add("DELETE", base + "/{mid}", [&ctx](const Request& r) { return Delete(ctx, r); });
  router.Add("PUT", base + "/{mid}/status", [&ctx](const Request& r) { return SetStatus(ctx, r); });
  router.Add("POST", base + "/{mid}/authorize",
             [&ctx](const Request& r) { return Authorize(ctx, r); });
  router.Add("GET", base + "/{mid}/authorize",
             [&ctx](const Request& r) { return Authorizations(ctx, r); });
  router.Add("DELETE", base + "/{mid}/authorize/{pid}",
             [&ctx](const Request& r) { return Unauthorize(ctx, r); });
  router.Add("GET", "/api/v1/enterprise/info", [&ctx](const Request& r) { return Info(ctx, r); });
  ent::AddEnterpriseProtocolRoutes(router, ctx);
  ent::AddEnterpriseH5Routes(router, ctx);
}

}  // namespace krypton::http
