// Helpers shared by the enterprise product routes (defined in ent_common.cc; used by
// ent_products.cc, ent_protocol.cc,
// ent_h5.cc): the permission rules of enterprise-api.md §4.3, body parsing, the
// template change event and JSON writers. Errors are answered by the route middleware
// (api::Add with Auth::kEnterprise → api::EnterpriseError).
#ifndef KRYPTON_HTTP_ROUTES_ENT_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_ENT_INTERNAL_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <string>

#include "http/routes/api.h"

namespace krypton::http::ent {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// 8400002 with `detail` (answered "Illegal argument: <detail>" by api::EnterpriseError).
Status Illegal(std::string detail);
// A store failure as an internal error (the detail stays in the log).
using storage::Internal;

// The call's body as a JSON object; 8400002 when it is not one.
Result<simdjson::dom::object> Body(api::Call& call);

// Product `mid` when enterprise `pid` may read it (owner, or in its authorizedPids);
// `authorized` (optional) is set when `pid` is not the owner. 8400000 otherwise.
Result<storage::Product> Visible(ApiContext& ctx, const std::string& pid, const std::string& mid,
                                 bool* authorized = nullptr);
// Product `mid` when `pid` owns it; 8400000 for an unknown product or a non-owner.
Result<storage::Product> Owned(ApiContext& ctx, const std::string& pid, const std::string& mid);

// {"id","platform","h5Page","pageZipURL","version","md5"}.
void WriteH5(Writer& w, const storage::H5Template& t);
void Key(Writer& w, std::string_view key);

// Product `mid`'s template or settings changed (committed): publishes
// bus::ChangeEvent kTemplate, so the hub's product codecs use the new ones at once.
void TemplatesChanged(const ApiContext& ctx, const std::string& mid);

void AddEnterpriseProtocolRoutes(Router& router, ApiContext& ctx);  // ent_protocol.cc
void AddEnterpriseH5Routes(Router& router, ApiContext& ctx);        // ent_h5.cc

}  // namespace krypton::http::ent

#endif  // KRYPTON_HTTP_ROUTES_ENT_INTERNAL_H_
