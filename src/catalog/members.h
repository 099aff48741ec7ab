// Console members (D28, docs/decisions/0012-console-members.md): the accounts that may
// act for an enterprise on /api/v1/enterprise/…, each with a role. Shared by the
// enterprise API (http/routes/ent_access.cc admits callers, ent_members.cc manages
// members) and `krypton admin manufacturer member add|remove|list`. Contract:
// - Membership is its own record (storage::ConsoleMember). It is never implied by an
//   account's pid: app users register themselves under their manufacturer's pid.
// - Roles are ordered VIEWER < DEVELOPER < ADMIN; a route's minimum role is in ONE table
//   (http/routes/ent_access.cc), never checked per handler.
// - An enterprise that has an ADMIN always keeps one: removing or demoting the last
//   ADMIN is refused (8400002) for everyone — enterprise ADMINs, the server key and the
//   operator alike. The operator adds another ADMIN first (decision 0012).
// - No HTTP, no clock, no I/O but the Store; callers pass the time. Errors: 8400002
//   (kEntIllegalArgument) with a detail for a bad role or the last-ADMIN rule, 8400004
//   for an unknown pid, 5400039 (kUserNotExist) for an unknown account or a uid that is
//   no member, kUserInternal for store failures. A change and its last-ADMIN check run
//   in one Store::InTransaction, so two concurrent demotions cannot both pass.
#ifndef KRYPTON_CATALOG_MEMBERS_H_
#define KRYPTON_CATALOG_MEMBERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace krypton::catalog {

// Ordered: a higher role may do everything a lower one may.
enum class Role { kViewer = 1, kDeveloper = 2, kAdmin = 3 };

// "VIEWER", "DEVELOPER", "ADMIN".
std::string_view RoleName(Role role);
// The role spelled exactly so (upper case); nullopt otherwise.
std::optional<Role> ParseRole(std::string_view text);

// A member as the API and the CLI show it.
struct MemberView {
  std::string uid;
  std::string email;        // "" when the account has none
  std::string phone;        // "" when the account has none
  std::string account_pid;  // the pid the account itself belongs to
  Role role = Role::kViewer;
  int64_t created_at_ms = 0;
};

// The account a member e-mail names: the account with that e-mail under enterprise
// `pid` itself, else under the public account system 00000000000. 5400039 when none.
Result<storage::User> FindMemberAccount(storage::Store& store, const std::string& pid,
                                        const std::string& email);

// Makes account `uid` a member of enterprise `pid` with `role_text`, or changes its role.
// 8400004 unknown pid, 8400002 bad role or demoting the last ADMIN, 5400039 no account.
Result<MemberView> PutMember(storage::Store& store, const std::string& pid, const std::string& uid,
                             std::string_view role_text, int64_t now_ms);

// Ends `uid`'s membership of `pid`. 5400039 when it is no member, 8400002 for the last
// ADMIN.
Status RemoveMember(storage::Store& store, const std::string& pid, const std::string& uid);

// The members of `pid`, oldest first. 8400004 unknown pid.
Result<std::vector<MemberView>> ListMembers(storage::Store& store, const std::string& pid);

// Issues a new server key for enterprise `pid` (Authorization: key=…) and returns it; only
// its SHA-256 is stored, so it is shown once, and the old key stops working at once.
// Called by the enterprise API (ADMIN) and `krypton admin manufacturer key`. 8400004
// unknown pid.
Result<std::string> RotateServerKey(storage::Store& store, const std::string& pid);

// The enterprises account `uid` is a console member of, by pid (empty: none).
Result<std::vector<storage::ConsoleMember>> MembershipsOf(storage::Store& store,
                                                          const std::string& uid);

}  // namespace krypton::catalog

#endif  // KRYPTON_CATALOG_MEMBERS_H_
