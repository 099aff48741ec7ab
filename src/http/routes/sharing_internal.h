// Wire helpers shared by the sharing routes (sharing.cc) and reverse authorization
// (reverse_auth.cc), user-api.md §5.3–§5.4; the rules are in devices/sharing.h and
// devices/reverse.h. Internal to src/http/routes/.
#ifndef KRYPTON_HTTP_ROUTES_SHARING_INTERNAL_H_
#define KRYPTON_HTTP_ROUTES_SHARING_INTERNAL_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <set>
#include <string>

#include "devices/sharing.h"
#include "http/routes/api.h"

namespace krypton::http::sharing {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Comma-separated query values ("a,b").
std::set<std::string> SplitList(const std::string& text);
// The device domain's environment and the calling user of an Auth::kUser route.
devices::Env EnvOf(ApiContext& ctx);
devices::Caller CallerOf(const api::Call& call);
// The v1 share fields of `body` (mode, instructionExpire — or, in 2016 drafts, `expire`
// itself for PARTIAL —, enableScheduler, enableIFTTT, desc, expire in seconds) into
// `terms`; 6400017 "expire" when `expire` is neither a number nor null (ALL mode).
Status ReadTerms(simdjson::dom::object body, devices::ShareTerms* terms);

}  // namespace krypton::http::sharing

#endif  // KRYPTON_HTTP_ROUTES_SHARING_INTERNAL_H_
