// The app-facing enterprise endpoints real clients call (enterprise-api.md §3.1.3–§3.1.6)
// and the enterprise-side writes that feed them (docs/decisions/0009-enterprise-external.md):
//   POST /external/device/fw/ota/check [{devTid, productPublicKey, binType, binVer}]
//        → 200 [{devTid, update, devFirmwareOTARawRuleVO}] one element per input
//   GET  /api/v1/enterprise/product/{mid}/firmware (own/authorized) → 200 the rules
//   PUT  /api/v1/enterprise/product/{mid}/firmware {binType, binVer, binUrl, md5?, size?}
//        (owner) → 204
//   GET  /external/vc/getByPid?page=&size= → 200 the paging envelope of the token's pid
//   POST /api/v1/enterprise/news {title, infoContent?, infoTags?, authorName?} → 201 {id}
//   POST /external/feedback {UserNumber?, title, content, images?} → 201, empty body
//   GET  /api/v1/enterprise/feedback?page=&size= → 200 bare array (the caller's pid)
//   GET  /external/device/default/static → 200 bare array of the token's pid's demo devices
//   PUT  /api/v1/enterprise/demoDevices [{deviceName, logo?, desc?, androidH5Page?,
//        iosH5Page?}] → 204 (replaces the whole list)
// /external/… take a user's Bearer token (403 when bad); /api/v1/enterprise/… a server
// key or a console Bearer (401 when bad). Malformed bodies and parameters are 8400002
// with a desc naming the problem. The enterprise-side rules and writes, and the version
// and paging rules, are catalog/external.h's (shared with `krypton admin firmware|news|
// feedback|demo-devices …`); this file reads requests and writes answers.
#include <optional>
#include <string_view>
#include <vector>

#include "catalog/external.h"
#include "http/routes/ent_internal.h"

namespace krypton::http {
namespace ent {
namespace {

constexpr size_t kMaxCheckItems = 100;

Response JsonOf(int status, const rapidjson::StringBuffer& buf) {
  return api::Json(status, std::string(buf.GetString(), buf.GetSize()));
}

Response CreatedEmpty() {
  Response r;
  r.status = 201;
  r.content_type.clear();
  return r;
}

// A string member of at most `max` bytes; "" when absent. nullopt when it is present
// but not a string, or longer.
std::optional<std::string> OptString(simdjson::dom::object obj, std::string_view key, size_t max) {
  simdjson::dom::element e;
  if (obj[key].get(e) != simdjson::SUCCESS) return std::string();
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS || v.size() > max) return std::nullopt;
  return std::string(v);
}

// A required string of 1 to `max` bytes; nullopt otherwise.
std::optional<std::string> ReqString(simdjson::dom::object obj, std::string_view key, size_t max) {
  auto v = OptString(obj, key, max);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

// The ?page=&size= of a list (catalog::ParsePage: 8400002 when out of range).
Result<catalog::Page> PageOf(const api::Call& call) {
  return catalog::ParsePage(call.Query("page"), call.Query("size"));
}

// The app-facing routes (Auth::kUser): a bad bearer is the user API's 403, but every
// other error is answered as the enterprise API's (an 8400002 names its rule in desc).
api::CallHandler EnterpriseErrors(api::CallHandler handler) {
  return [handler = std::move(handler)](api::Call& call) -> Result<Response> {
    Result<Response> r = handler(call);
    if (r.ok()) return r;
    return api::EnterpriseError(call.ctx, call.req, r.status());
  };
}

// ---- §3.1.3 firmware ---------------------------------------------------------------

Result<Response> PutFirmware(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto r = catalog::SetFirmwareRuleFromJson(ctx.store, pid, call.Param("mid"), call.req.body,
                                            call.NowMs());
  if (!r.ok()) return r.status();
  return api::NoContent();
}

Result<Response> GetFirmware(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto rules = catalog::FirmwareRules(ctx.store, pid, call.Param("mid"));
  if (!rules.ok()) return rules.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& r : *rules) {
    w.StartObject();
    Key(w, "binType");
    api::WriteString(w, r.bin_type);
    Key(w, "binVer");
    api::WriteString(w, r.bin_ver);
    Key(w, "binUrl");
    api::WriteString(w, r.bin_url);
    Key(w, "md5");
    api::WriteString(w, r.md5);
    Key(w, "size");
    w.Int64(r.size);
    Key(w, "updateTime");
    w.Int64(r.updated_at_ms);
    w.EndObject();
  }
  w.EndArray();
  return JsonOf(200, buf);
}

struct CheckItem {
  std::string dev_tid;
  std::optional<storage::FirmwareRule> update;  // set when a newer version exists
};

Result<Response> OtaCheck(api::Call& call) {
  ApiContext& ctx = call.ctx;
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  if (parser.parse(call.req.body).get_array().get(items) != simdjson::SUCCESS) {
    return Illegal("the body must be a JSON array");
  }
  if (items.size() > kMaxCheckItems) {
    return Illegal("at most 100 devices per check");
  }
  std::vector<CheckItem> out;
  for (simdjson::dom::element e : items) {
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      return Illegal("every element must be a JSON object");
    }
    auto dev_tid = OptString(o, "devTid", 64);
    auto bin_type = ReqString(o, "binType", 32);
    if (!dev_tid || !bin_type) {
      return Illegal("devTid (at most 64 characters) and binType (1 to 32) are required");
    }
    auto bin_ver_text = ReqString(o, "binVer", 64);
    auto bin_ver = bin_ver_text ? catalog::ParseVersion(*bin_ver_text) : std::nullopt;
    if (!bin_ver) return catalog::IllegalVersion();
    std::string ppk = api::Str(o, "productPublicKey");
    if (ppk.empty()) return Status(Code::kUserInvalidProdPubKey);
    auto product = ctx.store.FindProductByPublicKey(ppk);
    if (!product.ok()) {
      return product.status().not_found() ? Status(Code::kUserInvalidProdPubKey)
                                          : Internal(product.status());
    }
    CheckItem item{*dev_tid, std::nullopt};
    auto rule = ctx.store.GetFirmwareRule(product->mid, *bin_type);
    if (!rule.ok() && !rule.status().not_found()) return Internal(rule.status());
    if (rule.ok()) {
      auto latest = catalog::ParseVersion(rule->bin_ver);
      if (latest && catalog::CompareVersions(*latest, *bin_ver) > 0) item.update = std::move(*rule);
    }
    out.push_back(std::move(item));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const CheckItem& item : out) {
    w.StartObject();
    Key(w, "devTid");
    api::WriteString(w, item.dev_tid);
    Key(w, "update");
    w.Bool(item.update.has_value());
    Key(w, "devFirmwareOTARawRuleVO");
    if (!item.update) {
      w.Null();
    } else {
      w.StartObject();
      Key(w, "binUrl");
      api::WriteString(w, item.update->bin_url);
      Key(w, "md5");
      api::WriteString(w, item.update->md5);
      Key(w, "latestBinType");
      api::WriteString(w, item.update->bin_type);
      Key(w, "latestBinVer");
      api::WriteString(w, item.update->bin_ver);
      Key(w, "size");
      w.Int64(item.update->size);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  return JsonOf(200, buf);
}

// ---- §3.1.4 news -------------------------------------------------------------------

Result<Response> CreateNews(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto n = catalog::CreateNewsFromJson(ctx.store, pid, call.req.body, call.NowMs());
  if (!n.ok()) return n.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "id");
  api::WriteString(w, n->id);
  w.EndObject();
  return JsonOf(201, buf);
}

Result<Response> NewsByPid(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const auth::TokenClaims& claims = call.claims();
  auto paging = PageOf(call);
  if (!paging.ok()) return paging.status();
  const std::string& pid = claims.isolation;
  auto m = ctx.store.GetManufacturer(pid);
  if (!m.ok()) {
    return m.status().not_found() ? Status(Code::kEntPidNotExist) : Internal(m.status());
  }
  auto total = ctx.store.CountNews(pid);
  if (!total.ok()) return Internal(total.status());
  auto news = ctx.store.ListNews(pid, paging->page * paging->size, paging->size);
  if (!news.ok()) return Internal(news.status());
  const int64_t pages = (*total + paging->size - 1) / paging->size;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "page");
  w.Int64(paging->page);
  Key(w, "size");
  w.Int64(paging->size);
  Key(w, "totalResults");
  w.Int64(*total);
  Key(w, "totalPages");
  w.Int64(pages);
  Key(w, "first");
  w.Bool(paging->page == 0);
  Key(w, "last");
  w.Bool(paging->page + 1 >= pages);
  Key(w, "result");
  w.StartArray();
  for (const auto& n : *news) {
    w.StartObject();
    Key(w, "id");
    api::WriteString(w, n.id);
    Key(w, "authorName");
    api::WriteString(w, n.author_name);
    Key(w, "updateTime");
    w.Int64(n.update_time_ms);
    Key(w, "title");
    api::WriteString(w, n.title);
    Key(w, "infoContent");
    api::WriteString(w, n.info_content);
    Key(w, "infoTags");
    w.RawValue(n.info_tags_json.data(), n.info_tags_json.size(), rapidjson::kArrayType);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return JsonOf(200, buf);
}

// ---- §3.1.5 feedback ---------------------------------------------------------------

Result<Response> PostFeedback(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const auth::TokenClaims& claims = call.claims();
  auto body = Body(call);
  if (!body.ok()) return body.status();
  auto title = ReqString(*body, "title", 256);
  auto content = ReqString(*body, "content", 65536);
  if (!title || !content) {
    return Illegal("title (1 to 256 characters) and content (1 to 65536) are required");
  }
  auto number = OptString(*body, "UserNumber", 128);
  auto images = OptString(*body, "images", 8192);
  if (!number || !images) {
    return Illegal("UserNumber is at most 128 characters, images 8192");
  }
  storage::Feedback f;
  f.uid = claims.uid;
  f.pid = claims.isolation;
  f.user_number = *number;
  f.title = *title;
  f.content = *content;
  f.images = *images;
  f.created_at_ms = call.NowMs();
  if (auto id = ctx.store.AddFeedback(f); !id.ok()) return Internal(id.status());
  return CreatedEmpty();
}

Result<Response> ListFeedback(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto paging = PageOf(call);
  if (!paging.ok()) return paging.status();
  auto list = catalog::ListFeedback(ctx.store, pid, *paging);
  if (!list.ok()) return list.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& f : *list) {
    w.StartObject();
    Key(w, "id");
    w.Int64(f.id);
    Key(w, "uid");
    api::WriteString(w, f.uid);
    Key(w, "UserNumber");
    api::WriteString(w, f.user_number);
    Key(w, "title");
    api::WriteString(w, f.title);
    Key(w, "content");
    api::WriteString(w, f.content);
    Key(w, "images");
    api::WriteString(w, f.images);
    Key(w, "createTime");
    w.Int64(f.created_at_ms);
    w.EndObject();
  }
  w.EndArray();
  return JsonOf(200, buf);
}

// ---- §3.1.6 demo devices -------------------------------------------------------------

Result<Response> PutDemoDevices(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  Status s = catalog::ReplaceDemoDevicesFromJson(ctx.store, pid, call.req.body);
  if (!s.ok()) return s;
  return api::NoContent();
}

Result<Response> DemoDevices(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const auth::TokenClaims& claims = call.claims();
  auto list = ctx.store.ListDemoDevices(claims.isolation);
  if (!list.ok()) return Internal(list.status());
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& d : *list) {
    w.StartObject();
    Key(w, "pid");
    api::WriteString(w, d.pid);
    Key(w, "deviceName");
    api::WriteString(w, d.device_name);
    Key(w, "logo");
    api::WriteString(w, d.logo);
    Key(w, "desc");
    api::WriteString(w, d.desc);
    Key(w, "androidH5Page");
    api::WriteString(w, d.android_h5_page);
    Key(w, "iosH5Page");
    api::WriteString(w, d.ios_h5_page);
    w.EndObject();
  }
  w.EndArray();
  return JsonOf(200, buf);
}

}  // namespace
}  // namespace ent

void AddEnterpriseExternalRoutes(Router& router, ApiContext& ctx) {
  using ent::EnterpriseErrors;
  constexpr api::Auth kEnt = api::Auth::kEnterprise;
  constexpr api::Auth kUser = api::Auth::kUser;
  api::Add(router, ctx, "POST", "/external/device/fw/ota/check", kUser,
           EnterpriseErrors(ent::OtaCheck));
  api::Add(router, ctx, "GET", "/api/v1/enterprise/product/{mid}/firmware", kEnt, ent::GetFirmware);
  api::Add(router, ctx, "PUT", "/api/v1/enterprise/product/{mid}/firmware", kEnt, ent::PutFirmware);
  api::Add(router, ctx, "GET", "/external/vc/getByPid", kUser, EnterpriseErrors(ent::NewsByPid));
  api::Add(router, ctx, "POST", "/api/v1/enterprise/news", kEnt, ent::CreateNews);
  api::Add(router, ctx, "POST", "/external/feedback", kUser, EnterpriseErrors(ent::PostFeedback));
  api::Add(router, ctx, "GET", "/api/v1/enterprise/feedback", kEnt, ent::ListFeedback);
  api::Add(router, ctx, "GET", "/external/device/default/static", kUser,
           EnterpriseErrors(ent::DemoDevices));
  api::Add(router, ctx, "PUT", "/api/v1/enterprise/demoDevices", kEnt, ent::PutDemoDevices);
}

}  // namespace krypton::http
