// Device import and licences (enterprise-api.md §3.2 E14, E15, §4.2), owner only:
//   POST /api/v1/enterprise/product/{mid}/device/import
//        {"devTids":[…]} or {"count":N,"prefix":"…"} → 201 batch reply; each imported
//        device gets a bindKey, a short code with its password and, for LICENSE
//        products, its licence. Consumes DEVICE quota.
//   POST /api/v1/enterprise/product/{mid}/license {"devTids":[…]} → 201 batch reply;
//        consumes LICENSE quota for devices without a live licence.
//   DELETE /api/v1/enterprise/product/{mid}/license/{devTid} → 204: revokes the licence.
// The rules are the registry service's (catalog/registry.h); this file parses the
// body and writes the reply. A batch holds the store for up to 1,000 devices, so it
// runs on a worker (the blocking pool), not on the HTTP connection's event loop.
#include <simdjson.h>

#include <boost/asio/post.hpp>
#include <functional>
#include <vector>

#include "catalog/registry.h"
#include "http/routes/ent_devices_internal.h"

namespace krypton::http::entdev {
namespace {

Status Illegal() { return Status(Code::kEntIllegalArgument); }

// The devTids of a {"devTids":[…]} body; nullopt when absent; 8400002 when not an array
// of strings (the service checks the count).
Result<std::optional<std::vector<std::string>>> DevTids(simdjson::dom::object body) {
  simdjson::dom::element e;
  if (body["devTids"].get(e) != simdjson::SUCCESS) return std::optional<std::vector<std::string>>();
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return Illegal();
  std::vector<std::string> out;
  for (simdjson::dom::element v : a) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return Illegal();
    out.emplace_back(s);
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

// The batch as the 201 reply of §3.2 (E15's items carry only the licence).
Result<Response> BatchReply(const Result<catalog::Batch>& batch, bool with_codes) {
  if (!batch.ok()) return batch.status();  // 8400031 names the shortfall
  rapidjson::StringBuffer buf;
  Writer w(buf);
  int success = 0;
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (const catalog::BatchItem& it : batch->items) {
    Status st(it.code);
    w.StartObject();
    w.Key("devTid");
    api::WriteString(w, it.dev_tid);
    w.Key("code");
    w.Int(st.number());
    w.Key("desc");
    api::WriteString(w, st.Message());
    if (it.code == Code::kEntSuccess) {
      ++success;
      if (with_codes) {
        w.Key("bindKey");
        api::WriteString(w, it.bind_key);
        w.Key("shortCode");
        api::WriteString(w, it.short_code);
        w.Key("shortCodePassword");
        api::WriteString(w, it.password);
      }
      if (!it.license.empty()) {
        w.Key("license");
        api::WriteString(w, it.license);
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("success");
  w.Int(success);
  w.Key("failure");
  w.Int(static_cast<int>(batch->items.size()) - success);
  w.EndObject();
  return api::Json(201, std::string(buf.GetString(), buf.GetSize()));
}

// The import request of a body: devTids, or count (an integer) with an optional prefix
// (a string); 8400002 for wrong types.
Result<catalog::ImportRequest> ReadImport(const Request& req) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (parser.parse(req.body).get_object().get(body) != simdjson::SUCCESS) return Illegal();
  auto list = DevTids(body);
  if (!list.ok()) return list.status();
  catalog::ImportRequest r;
  r.dev_tids = std::move(*list);
  if (body["count"].error() != simdjson::NO_SUCH_FIELD) {
    int64_t count = 0;
    if (body["count"].get_int64().get(count) != simdjson::SUCCESS) return Illegal();
    r.count = count;
  }
  if (body["prefix"].error() != simdjson::NO_SUCH_FIELD) {
    std::string_view prefix;
    if (body["prefix"].get_string().get(prefix) != simdjson::SUCCESS) return Illegal();
    r.prefix = std::string(prefix);
  }
  return r;
}

// Runs `work` on the blocking pool (a batch holds the store for up to 1,000 devices).
void OnWorker(const std::shared_ptr<api::Call>& call, api::Done done,
              std::function<Result<Response>()> work) {
  boost::asio::post(call->ctx.blocking,
                    [done = std::move(done), work = std::move(work)] { done(work()); });
}

}  // namespace

void Import(std::shared_ptr<api::Call> call, api::Done done) {
  auto request = ReadImport(call->req);
  if (!request.ok()) return done(request.status());
  OnWorker(call, std::move(done), [call, r = std::move(*request)]() -> Result<Response> {
    ApiContext& ctx = call->ctx;
    auto batch = catalog::ImportDevices(ctx.store, call->enterprise().pid, call->Param("mid"), r,
                                        ctx.config.limits.short_code_pool, call->NowMs());
    return BatchReply(batch, true);
  });
}

void IssueLicenses(std::shared_ptr<api::Call> call, api::Done done) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (parser.parse(call->req.body).get_object().get(body) != simdjson::SUCCESS) {
    return done(Illegal());
  }
  auto list = DevTids(body);
  if (!list.ok()) return done(list.status());
  if (!list->has_value()) return done(Illegal());
  OnWorker(call, std::move(done), [call, tids = std::move(**list)]() -> Result<Response> {
    auto batch = catalog::IssueLicenses(call->ctx.store, call->enterprise().pid, call->Param("mid"),
                                        tids, call->NowMs());
    return BatchReply(batch, false);
  });
}

Result<Response> RevokeLicense(api::Call& call) {
  const std::string dev_tid = call.Param("devTid");
  Status s =
      catalog::RevokeLicense(call.ctx.store, call.enterprise().pid, call.Param("mid"), dev_tid);
  if (!s.ok()) return s;
  // An online device loses its connection at once (errorResp 1400039).
  (void)call.ctx.bus.RevokeDevice(dev_tid);  // false = not online: nothing to disconnect
  return api::NoContent();
}

}  // namespace krypton::http::entdev
