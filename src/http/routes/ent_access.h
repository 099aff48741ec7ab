// Who may call which enterprise route (D28, docs/decisions/0012-console-members.md):
// ONE table of (method, route pattern) → minimum console role, enforced by a Router guard
// in front of every /api/v1/enterprise/… handler. Handlers never check roles themselves;
// they read the admitted caller with api::Enterprise.
//
// The guard, in order: authenticates (api::AuthenticateEnterprise: server key or a
// console member's Bearer; failures → 401 3400015, a member of several enterprises
// without X-Krypton-Pid → 400 8400002), then compares the caller's role with the
// route's minimum (too low → 403 6400016). A route without an entry is refused for
// every caller, the server key included (403 6400016; deny by default) — and
// tests/unit/http/ent_access_test.cc fails for it.
#ifndef KRYPTON_HTTP_ROUTES_ENT_ACCESS_H_
#define KRYPTON_HTTP_ROUTES_ENT_ACCESS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/members.h"

namespace krypton::http::ent {

// Every route pattern the guard covers starts with this.
constexpr std::string_view kEnterprisePrefix = "/api/v1/enterprise/";

struct AccessRule {
  std::string_view method;
  std::string_view pattern;
  catalog::Role min_role;
};

// The table, in the order of docs/security/members.md.
const std::vector<AccessRule>& AccessTable();

// The minimum role of `method` `pattern`; nullopt when the table has no entry.
std::optional<catalog::Role> RequiredRole(std::string_view method, std::string_view pattern);

}  // namespace krypton::http::ent

#endif  // KRYPTON_HTTP_ROUTES_ENT_ACCESS_H_
