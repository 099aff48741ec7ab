// Helpers shared by the enterprise device registry routes (ent_devices.cc: E11–E13,
// E16; ent_device_import.cc: E14, E15).
#ifndef KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <string>
#include <string_view>

#include "http/routes/api.h"

namespace krypton::http::entdev {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// A store failure as an internal error (the detail stays in the log).
using storage::Internal;
// http://www.hekr.me?action=bind&devTid={devTid}&bindKey={bindKey} (enterprise-api.md §5).
std::string LongCode(const storage::Device& d);

// Handlers behind api::Add / api::AddAsync with Auth::kEnterprise (errors: the
// middleware's api::EnterpriseError).
void Import(std::shared_ptr<api::Call> call, api::Done done);         // E14
void IssueLicenses(std::shared_ptr<api::Call> call, api::Done done);  // E15
Result<Response> RevokeLicense(api::Call& call);                      // licence revoke

}  // namespace krypton::http::entdev

#endif  // KRYPTON_HTTP_ROUTES_ENT_DEVICES_INTERNAL_H_
