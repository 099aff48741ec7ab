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

// The enterprise error answer (ent::Fail: 401 for authentication failures, 8400002's
// detail appended to its desc).
Response Fail(const ApiContext& ctx, const Request& req, const Status& error);
// A store failure as an internal error (the detail stays in the log).
using storage::Internal;
// "key": "value".
void Str(Writer& w, std::string_view key, std::string_view value);
// http://www.hekr.me?action=bind&devTid={devTid}&bindKey={bindKey} (enterprise-api.md §5).
std::string LongCode(const storage::Device& d);

void Import(ApiContext& ctx, Request req, Responder respond);         // E14
void IssueLicenses(ApiContext& ctx, Request req, Responder respond);  // E15
Response RevokeLicense(ApiContext& ctx, const Request& req);          // licence revoke

}  // namespace krypton::http::entdev

#endif  // KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_
