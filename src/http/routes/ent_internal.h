// Helpers shared by the enterprise product routes (defined in ent_common.cc; used by
// ent_products.cc, ent_protocol.cc,
// ent_h5.cc): error answers whose 8400002 desc names the problem, the permission rules
// of enterprise-api.md §4.3, body parsing, platform spelling and JSON writers.
#ifndef KRYPTON_HTTP_ROUTES_ENT_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_ENT_INTERNAL_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <string>

#include "http/routes/api.h"

namespace krypton::http::ent {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The enterprise error answer (401 for authentication failures). An 8400002 or 8400031
// with a detail names the problem in `desc`: "Illegal argument: <detail>"
// (templates-and-frames.md §1.4), "Quota missing: need 100, have 40" (§3.3).
Response Fail(const ApiContext& ctx, const Request& req, const Status& error);
// 8400002 with `detail`.
Status Illegal(std::string detail);
// A store failure as an internal error (the detail stays in the log).
using storage::Internal;

// The request body as a JSON object; 8400002 when it is not one.
Result<simdjson::dom::object> Body(const Request& req, simdjson::dom::parser& parser);

// Product `mid` when enterprise `pid` may read it (owner, or in its authorizedPids);
// `authorized` (optional) is set when `pid` is not the owner. 8400000 otherwise.
Result<storage::Product> Visible(ApiContext& ctx, const std::string& pid, const std::string& mid,
                                 bool* authorized = nullptr);
// Product `mid` when `pid` owns it; 8400000 for an unknown product or a non-owner.
Result<storage::Product> Owned(ApiContext& ctx, const std::string& pid, const std::string& mid);

// {"id","platform","h5Page","pageZipURL","version","md5"}.
void WriteH5(Writer& w, const storage::H5Template& t);
void Key(Writer& w, std::string_view key);
void String(Writer& w, std::string_view value);


// Tells the hub that a product's template or settings changed.
void TemplatesChanged(const ApiContext& ctx);

void AddEnterpriseProtocolRoutes(Router& router, ApiContext& ctx);  // ent_protocol.cc
void AddEnterpriseH5Routes(Router& router, ApiContext& ctx);        // ent_h5.cc

}  // namespace krypton::http::ent

#endif  // KRYPTON_HTTP_ROUTES_ENT_INTERNAL_H_
