// Helpers shared by the enterprise device registry routes (ent_devices.cc: E11–E13,
// E16; ent_device_import.cc: E14, E15).
#ifndef KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "http/routes/api.h"

namespace krypton::http::entdev {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The enterprise error answer (401 for authentication failures).
Response Fail(const ApiContext& ctx, const Request& req, const Status& error);
// A store failure as an internal error (the detail stays in the log).
Status Internal(const storage::StoreStatus& s);
// Product `mid` when `pid` owns it (product.pid == pid); 8400000 otherwise.
Result<storage::Product> OwnedProduct(ApiContext& ctx, const std::string& pid,
                                      const std::string& mid);
// "key": "value".
void Str(Writer& w, std::string_view key, std::string_view value);
// http://www.hekr.me?action=bind&devTid={devTid}&bindKey={bindKey} (enterprise-api.md §5).
std::string LongCode(const storage::Device& d);

Response Import(ApiContext& ctx, const Request& req);         // E14
Response IssueLicenses(ApiContext& ctx, const Request& req);  // E15

}  // namespace krypton::http::entdev

#endif  // KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_
