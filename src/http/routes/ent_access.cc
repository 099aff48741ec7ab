// The enterprise access table and its guard (ent_access.h). GET routes are VIEWER's,
// except those that reveal a device-side secret (prodKey, bindKey in a long code,
// short-code password): DEVELOPER. Writes are DEVELOPER's; POST encode/decode only
// compute, so VIEWER. Member management and sharing a product with another enterprise
// are ADMIN's, and so is issuing a new server key (`POST serverKey`; the operator can too,
// with `krypton admin manufacturer key`).
#include "http/routes/ent_access.h"

#include <spdlog/spdlog.h>

#include "http/routes/api.h"
#include "http/routes/ent_internal.h"

namespace krypton::http {
namespace ent {

using catalog::Role;

const std::vector<AccessRule>& AccessTable() {
  static const std::vector<AccessRule> kTable = {
      // Products (ent_products.cc, E1, E7, E8, E17).
      {"GET", "/api/v1/enterprise/product", Role::kViewer},
      {"POST", "/api/v1/enterprise/product", Role::kDeveloper},
      {"GET", "/api/v1/enterprise/product/{mid}", Role::kDeveloper},  // prodKey
      {"PUT", "/api/v1/enterprise/product/{mid}", Role::kDeveloper},
      {"DELETE", "/api/v1/enterprise/product/{mid}", Role::kDeveloper},
      {"PUT", "/api/v1/enterprise/product/{mid}/status", Role::kDeveloper},
      {"POST", "/api/v1/enterprise/product/{mid}/authorize", Role::kAdmin},
      {"GET", "/api/v1/enterprise/product/{mid}/authorize", Role::kViewer},
      {"DELETE", "/api/v1/enterprise/product/{mid}/authorize/{pid}", Role::kAdmin},
      {"GET", "/api/v1/enterprise/info", Role::kViewer},
      // Protocol templates (ent_protocol.cc, E2, E3, E9, E10).
      {"GET", "/api/v1/enterprise/product/{mid}/protocolTemplate", Role::kViewer},
      {"PUT", "/api/v1/enterprise/product/{mid}/protocolTemplate", Role::kDeveloper},
      {"POST", "/api/v1/enterprise/product/{mid}/protocol/encode", Role::kViewer},
      {"POST", "/api/v1/enterprise/product/{mid}/protocol/decode", Role::kViewer},
      // H5 templates (ent_h5.cc, E4, E5).
      {"POST", "/api/v1/enterprise/h5", Role::kDeveloper},
      {"PUT", "/api/v1/enterprise/h5/{id}/package", Role::kDeveloper},
      {"GET", "/api/v1/enterprise/product/{mid}/h5", Role::kViewer},
      {"PUT", "/api/v1/enterprise/product/{mid}/h5", Role::kDeveloper},
      // Devices, imports, licences, quotas (ent_devices.cc, ent_device_import.cc, E11–E16).
      {"GET", "/api/v1/enterprise/device/{devTid}", Role::kViewer},
      {"GET", "/api/v1/enterprise/device", Role::kViewer},
      {"DELETE", "/api/v1/enterprise/device/{devTid}", Role::kDeveloper},
      {"GET", "/api/v1/enterprise/device/{devTid}/code", Role::kDeveloper},  // bindKey
      {"GET", "/api/v1/enterprise/quota", Role::kViewer},
      {"POST", "/api/v1/enterprise/product/{mid}/device/import", Role::kDeveloper},
      {"POST", "/api/v1/enterprise/product/{mid}/license", Role::kDeveloper},
      {"DELETE", "/api/v1/enterprise/product/{mid}/license/{devTid}", Role::kDeveloper},
      // The enterprise side of the app-facing endpoints (ent_external.cc).
      {"GET", "/api/v1/enterprise/product/{mid}/firmware", Role::kViewer},
      {"PUT", "/api/v1/enterprise/product/{mid}/firmware", Role::kDeveloper},
      {"POST", "/api/v1/enterprise/news", Role::kDeveloper},
      {"GET", "/api/v1/enterprise/feedback", Role::kViewer},
      {"PUT", "/api/v1/enterprise/demoDevices", Role::kDeveloper},
      // Console members (ent_members.cc).
      {"GET", "/api/v1/enterprise/member", Role::kAdmin},
      {"POST", "/api/v1/enterprise/member", Role::kAdmin},
      {"DELETE", "/api/v1/enterprise/member/{uid}", Role::kAdmin},
      // Server keys (ent_members.cc): an ADMIN issues a new one (the old one dies).
      {"POST", "/api/v1/enterprise/serverKey", Role::kAdmin},
  };
  return kTable;
}

std::optional<Role> RequiredRole(std::string_view method, std::string_view pattern) {
  for (const AccessRule& r : AccessTable()) {
    if (r.method == method && r.pattern == pattern) return r.min_role;
  }
  return std::nullopt;
}

namespace {

std::optional<Response> Admit(ApiContext& ctx, Request& req) {
  auto caller = api::AuthenticateEnterprise(ctx, req);
  if (!caller.ok()) {
    spdlog::debug("enterprise: {} {} refused: {}", req.method, req.route,
                  caller.status().ToString());
    return api::EnterpriseError(ctx, req, caller.status());
  }
  std::optional<Role> needed = RequiredRole(req.method, req.route);
  if (!needed) {
    spdlog::error("enterprise: route {} {} has no access-table entry: refused", req.method,
                  req.route);
    return api::EnterpriseError(
        ctx, req, Status(Code::kUserNoPrivilege).WithDetail("route not in the access table"));
  }
  if (static_cast<int>(caller->role) < static_cast<int>(*needed)) {
    spdlog::info("enterprise: {} {} refused to member {} of {}: role {} below {}", req.method,
                 req.route, caller->uid, caller->pid, catalog::RoleName(caller->role),
                 catalog::RoleName(*needed));
    return api::EnterpriseError(ctx, req, Status(Code::kUserNoPrivilege));
  }
  req.attributes["enterprise.pid"] = caller->pid;
  req.attributes["enterprise.role"] = std::string(catalog::RoleName(caller->role));
  if (!caller->uid.empty()) req.attributes["enterprise.uid"] = caller->uid;
  return std::nullopt;
}

}  // namespace
}  // namespace ent

void AddEnterpriseGuard(Router& router, ApiContext& ctx) {
  router.AddGuard(std::string(ent::kEnterprisePrefix),
                  [&ctx](Request& req) { return ent::Admit(ctx, req); });
}

}  // namespace krypton::http
