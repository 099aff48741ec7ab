// Helpers shared by the sharing routes (sharing.cc) and reverse authorization
// (reverse_auth.cc), user-api.md §5.3–§5.4. Internal to src/http/routes/.
#ifndef KRYPTON_HTTP_ROUTES_SHARING_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_SHARING_INTERNAL_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <string_view>

#include "http/routes/api.h"

namespace krypton::http::sharing {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s);
// Comma-separated query values ("a,b").
std::set<std::string> SplitList(const std::string& text);
// A user's display name: first + last name, else e-mail, else phone.
std::string UserName(ApiContext& ctx, const std::string& uid);
// The Authorization object of §5.3.2.
void WriteShare(ApiContext& ctx, Writer& w, const storage::Share& s, const std::string& ctrl_key);
// The device named by devTid (preferred) or ctrlKey; 5400017 when neither is given,
// 6400004 when unknown; with both, they must agree (5400014).
Result<storage::Device> NamedDevice(ApiContext& ctx, const std::string& dev_tid,
                                    const std::string& ctrl_key);
// The v1 share fields of `body` (mode, instructionExpire — checked against the device's
// template: 5400015, 5400020 —, enableScheduler, enableIFTTT, desc, expire in seconds)
// into `s`; 6400017 for a malformed one.
Status ReadV1(ApiContext& ctx, simdjson::dom::object body, const storage::Device& d, int64_t now,
              storage::Share* s);
// Creates one share of `d` from `grantor` (6400003 unless the owner; 6400017 to oneself;
// 5400039 unknown grantee; 5400004 exists; 5400011 maxDevShareNum reached).
Status CreateOne(ApiContext& ctx, const storage::Device& d, const std::string& grantor,
                 storage::Share share);

}  // namespace krypton::http::sharing

#endif  // KRYPTON_HTTP_ROUTES_SHARING_INTERNAL_H_
