// A product's protocol template on the enterprise side (enterprise-api.md §3.2 E2, E3,
// E9, E10; templates-and-frames.md §1.4, §4, §5):
//   GET  …/product/{mid}/protocolTemplate       → 200 the stored template (own/authorized)
//   PUT  …/product/{mid}/protocolTemplate       → 204 (owner; not once PUBLISHED: 8400002
//        "Illegal argument: the product is PUBLISHED: its protocol template is frozen")
//   POST …/product/{mid}/protocol/encode  K-V → 200 {"raw":"48…"}
//   POST …/product/{mid}/protocol/decode  {"raw"} → 200 {"cmdId","cmdTag",fields…}
// A stored template is used by the hub at once (TemplatesChanged: bus::ChangeEvent
// kTemplate, heard by the hub's product codecs).
#include "catalog/catalog.h"
#include "codec/frame.h"
#include "codec/template.h"
#include "http/routes/ent_internal.h"

namespace krypton::http::ent {
namespace {

Result<Response> GetTemplate(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  auto p = Visible(ctx, pid, call.Param("mid"));
  if (!p.ok()) return p.status();
  auto tpl = ctx.store.GetCurrentTemplate(p->mid);
  if (!tpl.ok()) {
    return tpl.status().not_found() ? Status(Code::kEntTemplateNotExist) : Internal(tpl.status());
  }
  return api::Json(200, std::move(tpl->body_json));
}

Result<Response> PutTemplate(api::Call& call) {
  ApiContext& ctx = call.ctx;
  const std::string& pid = call.enterprise().pid;
  const std::string mid = call.Param("mid");
  auto stored = catalog::StoreTemplate(ctx.store, pid, mid, call.req.body, call.NowMs());
  if (!stored.ok()) return stored.status();
  TemplatesChanged(ctx, mid);
  return api::NoContent();
}

// The product (own or authorized), a 48 product (8400028), and its parsed template (8400001).
Result<codec::Template> Template48(api::Call& call) {
  ApiContext& ctx = call.ctx;
  auto p = Visible(ctx, call.enterprise().pid, call.Param("mid"));
  if (!p.ok()) return p.status();
  auto mode = codec::ParseWorkMode(p->work_mode_type);
  if (!mode || !codec::Is48(*mode)) return Status(Code::kEntProductTypeNot48);
  auto stored = ctx.store.GetCurrentTemplate(p->mid);
  if (!stored.ok()) {
    return stored.status().not_found() ? Status(Code::kEntTemplateNotExist)
                                       : Internal(stored.status());
  }
  return codec::ParseTemplate(stored->body_json, *mode);
}

Result<Response> Encode(api::Call& call) {
  auto t = Template48(call);
  if (!t.ok()) return t.status();
  auto body = Body(call);
  if (!body.ok()) return body.status();
  const codec::Command* command = nullptr;
  int64_t id = 0;
  std::string_view tag;
  if ((*body)["cmdId"].get_int64().get(id) == simdjson::SUCCESS) {
    command = t->FindById(id);
  } else if ((*body)["cmdTag"].get_string().get(tag) == simdjson::SUCCESS) {
    command = t->FindByTag(tag);
  } else {
    return Illegal("cmdId (a number) or cmdTag (a string) is required");
  }
  if (command == nullptr) return Status(Code::kHubNoSuchInstruction);
  uint64_t msg_id = 0;
  if ((*body)["msgId"].get_uint64().get(msg_id) != simdjson::SUCCESS) msg_id = 0;
  codec::KeyValues values;
  for (auto [key, value] : *body) {
    if (key == "cmdId" || key == "cmdTag" || key == "msgId") continue;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    std::string_view s;
    if (value.get_int64().get(i) == simdjson::SUCCESS) {
      values.emplace_back(std::string(key), codec::Value(i));
    } else if (value.get_uint64().get(u) == simdjson::SUCCESS) {
      values.emplace_back(std::string(key), codec::Value(u));
    } else if (value.get_double().get(d) == simdjson::SUCCESS) {
      values.emplace_back(std::string(key), codec::Value(d));
    } else if (value.get_string().get(s) == simdjson::SUCCESS) {
      values.emplace_back(std::string(key), codec::Value(std::string(s)));
    }
  }
  auto raw = codec::EncodeFrame(*t, *command, values, static_cast<uint32_t>(msg_id));
  if (!raw.ok()) return raw.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "raw");
  api::WriteString(w, *raw);
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<Response> Decode(api::Call& call) {
  auto t = Template48(call);
  if (!t.ok()) return t.status();
  auto body = Body(call);
  if (!body.ok()) return body.status();
  std::string raw = api::Str(*body, "raw");
  if (raw.empty()) return Illegal("raw (a hex string) is required");
  auto frame = codec::DecodeFrame(*t, raw);
  if (!frame.ok()) return frame.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "cmdId");
  w.Int(frame->command->id);
  Key(w, "cmdTag");
  api::WriteString(w, frame->command->tag);
  for (const auto& [name, value] : codec::ToKeyValues(*frame)) {
    Key(w, name);
    if (const auto* i = std::get_if<int64_t>(&value)) {
      w.Int64(*i);
    } else if (const auto* u = std::get_if<uint64_t>(&value)) {
      w.Uint64(*u);
    } else if (const auto* d = std::get_if<double>(&value)) {
      w.Double(*d);
    } else {
      api::WriteString(w, std::get<std::string>(value));
    }
  }
  w.EndObject();
  return api::Json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

void AddEnterpriseProtocolRoutes(Router& router, ApiContext& ctx) {
  const std::string base = "/api/v1/enterprise/product/{mid}";
  constexpr api::Auth kEnt = api::Auth::kEnterprise;
  api::Add(router, ctx, "GET", base + "/protocolTemplate", kEnt, GetTemplate);
  api::Add(router, ctx, "PUT", base + "/protocolTemplate", kEnt, PutTemplate);
  api::Add(router, ctx, "POST", base + "/protocol/encode", kEnt, Encode);
  api::Add(router, ctx, "POST", base + "/protocol/decode", kEnt, Decode);
}

}  // namespace krypton::http::ent
