// The enterprise product catalogue (enterprise-api.md §3.1.1, §3.2 E1, E7, E8, E17;
// docs/decisions/0007-enterprise-products.md): list, create, read, update, delete,
// publish, authorize another enterprise, and the public enterprise card. The calling
// enterprise comes from `Authorization: key={serverKey}` or a console Bearer token
// (the route middleware, Auth::kEnterprise); reads see own and authorized products,
// writes are owner-only (§4.3). The rules and writes of create, update, status and
// delete are the catalogue service's (catalog/catalog.h, shared with `krypton admin
// product …`); this file reads bodies and writes answers; after each committed change
// the hub hears bus::ChangeEvent kTemplate (ent::TemplatesChanged). Shared helpers:
// ent_internal.h, ent_common.cc.
#include <map>
#include <optional>

#include "catalog/catalog.h"
#include "http/routes/ent_internal.h"

namespace krypton::http {

namespace {

using ent::Illegal;
using ent::Internal;
using ent::Key;
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
        ReadBool(o, "supportsScheduler", f.supports_scheduler),
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
  api::WriteString(w, p.mid);
  Key(w, "name");
  api::WriteString(w, p.name);
  Key(w, "productType");
  api::WriteString(w, d.product_type);
  Key(w, "displayName");
  w.RawValue(d.display_name_json.data(), d.display_name_json.size(), rapidjson::kObjectType);
  Key(w, "model");
  api::WriteString(w, d.model);
  Key(w, "logo");
  api::WriteString(w, d.logo);
  Key(w, "bindType");
  api::WriteString(w, d.bind_type);
  Key(w, "accessWay");
  w.RawValue(d.access_way_json.data(), d.access_way_json.size(), rapidjson::kArrayType);
  Key(w, "productPublicKey");
  api::WriteString(w, p.product_public_key);
  Key(w, "workModeType");
  api::WriteString(w, p.work_mode_type);
  Key(w, "forceBind");
  w.Bool(p.force_bind);
  Key(w, "authorized");
  w.Bool(authorized);
  Key(w, "ownerPid");
  api::WriteString(w, p.pid);
  Key(w, "status");
  api::WriteString(w, p.status);
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
    api::WriteString(w, p.prod_key);
    Key(w, "authorizedPids");
    w.StartArray();
    auto pids = ctx.store.ListProductAuthorizations(p.mid);
    if (pids.ok()) {
      for (const auto& pid : *pids) api::WriteString(w, pid);
    }
    w.EndArray();
  }
  Key(w, "deviceAuth");
  api::WriteString(w, p.device_auth);
  Key(w, "preRegister");
  w.Bool(p.pre_register);
  Key(w, "autoIssueLicense");
  w.Bool(p.auto_issue_license);
  Key(w, "checkMode");
  api::WriteString(w, p.check_mode);
  Key(w, "decorateDevSend");
  w.Bool(p.decorate_dev_send);
  Key(w, "maxDevShareNum");
  w.Int(p.max_dev_share_num);
  Key(w, "supportsScheduler");
  w.Bool(p.supports_scheduler);
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
Result<Response> List(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto own = ctx.store.ListProducts(pid);
  if (!own.ok()) return Internal(own.status());
  auto shared = ctx.store.ListAuthorizedProducts(pid);
  if (!shared.ok()) return Internal(shared.status());
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
      WriteProduct(w, *p, d, p->pid != pid);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

// E1 GET /api/v1/enterprise/product/{mid}.
Result<Response> Get(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  bool authorized = false;
  auto p = ent::Visible(ctx, pid, call.Param("mid"), &authorized);
  if (!p.ok()) return p.status();
  return api::Json(200, FullProduct(ctx, *p, authorized));
}

// POST /api/v1/enterprise/product: a draft (UNPUBLISHED) product with generated keys.
Result<Response> Create(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = ent::Body(call);
  if (!body.ok()) return body.status();
  catalog::NewProduct n;
  n.pid = pid;
  if (Status s = ReadFields(*body, n.fields); !s.ok()) return s;
  {
    // The members' rules answer before a mistyped mid or prodKey (as they always did).
    storage::Product draft;
    draft.status = catalog::ProductStatusName(catalog::ProductStatus::kUnpublished);
    draft.work_mode_type.clear();
    storage::ProductDetails draft_details;
    if (Status s = catalog::ApplyProductFields(n.fields, draft, draft_details); !s.ok()) {
      return s;
    }
  }
  std::optional<std::string> mid, prod_key;
  if (Status s = ReadStr(*body, "mid", mid); !s.ok()) return s;
  if (Status s = ReadStr(*body, "prodKey", prod_key); !s.ok()) return s;
  n.mid = mid.value_or("");
  n.prod_key = prod_key.value_or("");
  simdjson::dom::element tpl_el;
  if ((*body)["protocolTemplate"].get(tpl_el) == simdjson::SUCCESS) {
    n.template_json = std::string(simdjson::minify(tpl_el));
  }
  auto p = catalog::CreateProduct(ctx.store, n, call.NowMs());
  if (!p.ok()) return p.status();
  ent::TemplatesChanged(ctx, p->mid);
  return api::Json(201, FullProduct(ctx, *p, false));
}

// PUT /api/v1/enterprise/product/{mid}: changes the given members (owner).
Result<Response> Update(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = ent::Body(call);
  if (!body.ok()) return body.status();
  const std::string mid = call.Param("mid");
  // An unknown or foreign product answers before the body's member types.
  if (auto p = catalog::OwnedProduct(ctx.store, pid, mid); !p.ok()) {
    return p.status();
  }
  catalog::ProductFields fields;
  if (Status s = ReadFields(*body, fields); !s.ok()) return s;
  if (Status s = catalog::UpdateProduct(ctx.store, pid, mid, fields, call.NowMs()); !s.ok()) {
    return s;
  }
  ent::TemplatesChanged(ctx, mid);
  return api::NoContent();
}

// DELETE /api/v1/enterprise/product/{mid} (owner): never a PUBLISHED product, never
// one with devices.
Result<Response> Delete(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  const std::string mid = call.Param("mid");
  if (Status s = catalog::DeleteProduct(ctx.store, pid, mid); !s.ok()) return s;
  ent::TemplatesChanged(ctx, mid);
  return api::NoContent();
}

// E17 PUT /api/v1/enterprise/product/{mid}/status: UNPUBLISHED → PUBLISHED →
// DISCONTINUED → PUBLISHED; the same status again is accepted.
Result<Response> SetStatus(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = ent::Body(call);
  if (!body.ok()) return body.status();
  const std::string mid = call.Param("mid");
  auto changed =
      catalog::SetProductStatus(ctx.store, pid, mid, api::Str(*body, "status"), call.NowMs());
  if (!changed.ok()) return changed.status();
  if (*changed) ent::TemplatesChanged(ctx, mid);
  return api::NoContent();
}

// E8 POST /api/v1/enterprise/product/{mid}/authorize (owner).
Result<Response> Authorize(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto body = ent::Body(call);
  if (!body.ok()) return body.status();
  Status s = catalog::SetAuthorization(ctx.store, pid, call.Param("mid"), api::Str(*body, "pid"),
                                       true, call.NowMs());
  if (!s.ok()) return s;
  return api::NoContent();
}

// DELETE /api/v1/enterprise/product/{mid}/authorize/{pid} (owner): withdraws E8.
Result<Response> Unauthorize(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  Status s = catalog::SetAuthorization(ctx.store, pid, call.Param("mid"), call.Param("pid"), false,
                                       call.NowMs());
  if (!s.ok()) return s;
  return api::NoContent();
}

// GET /api/v1/enterprise/product/{mid}/authorize (owner) → ["pid", …].
Result<Response> Authorizations(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto p = ent::Owned(ctx, pid, call.Param("mid"));
  if (!p.ok()) return p.status();
  auto pids = ctx.store.ListProductAuthorizations(p->mid);
  if (!pids.ok()) return Internal(pids.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const std::string& v : *pids) api::WriteString(w, v);
  w.EndArray();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

// E7 GET /api/v1/enterprise/info?pid=.
Result<Response> Info(api::Call& call) {
  ApiContext& ctx = call.ctx;
  std::string target = call.Query("pid");
  if (target.empty()) return Illegal("pid is required");
  auto m = ctx.store.GetManufacturer(target);
  if (!m.ok()) {
    return m.status().not_found() ? Status(Code::kEntPidNotExist) : Internal(m.status());
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "pid");
  api::WriteString(w, m->pid);
  Key(w, "name");
  api::WriteString(w, m->name);
  Key(w, "logo");
  api::WriteString(w, "");
  Key(w, "certified");
  w.Bool(false);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

void AddEnterpriseProductRoutes(Router& router, ApiContext& ctx) {
  const std::string base = "/api/v1/enterprise/product";
  constexpr api::Auth kEnt = api::Auth::kEnterprise;
  api::Add(router, ctx, "GET", base, kEnt, List);
  api::Add(router, ctx, "POST", base, kEnt, Create);
  api::Add(router, ctx, "GET", base + "/{mid}", kEnt, Get);
  api::Add(router, ctx, "PUT", base + "/{mid}", kEnt, Update);
  api::Add(router, ctx, "DELETE", base + "/{mid}", kEnt, Delete);
  api::Add(router, ctx, "PUT", base + "/{mid}/status", kEnt, SetStatus);
  api::Add(router, ctx, "POST", base + "/{mid}/authorize", kEnt, Authorize);
  api::Add(router, ctx, "GET", base + "/{mid}/authorize", kEnt, Authorizations);
  api::Add(router, ctx, "DELETE", base + "/{mid}/authorize/{pid}", kEnt, Unauthorize);
  api::Add(router, ctx, "GET", "/api/v1/enterprise/info", kEnt, Info);
  ent::AddEnterpriseProtocolRoutes(router, ctx);
  ent::AddEnterpriseH5Routes(router, ctx);
}

}  // namespace krypton::http
