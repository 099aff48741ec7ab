// Console members: the rules of catalog/members.h over the store's console_members rows.
#include "catalog/members.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "common/identifiers.h"
#include "common/secrets.h"

namespace krypton::catalog {
namespace {

Status PidExists(storage::Store& store, const std::string& pid) {
  auto m = store.GetManufacturer(pid);
  if (m.ok()) return Status::Ok();
  return m.status().not_found() ? Status(Code::kEntPidNotExist) : Internal(m.status());
}

// Refuses when `pid` would be left without an ADMIN after `uid` stops being one.
Status KeepsAnAdmin(storage::Store& store, const std::string& pid, const std::string& uid) {
  auto members = store.ListConsoleMembers(pid);
  if (!members.ok()) return Internal(members.status());
  bool was_admin = false;
  int admins = 0;
  for (const auto& m : *members) {
    if (ParseRole(m.role) != Role::kAdmin) continue;
    ++admins;
    if (m.uid == uid) was_admin = true;
  }
  if (was_admin && admins == 1) {
    return Illegal(
        "the last ADMIN of an enterprise cannot be removed or demoted; add another ADMIN first");
  }
  return Status::Ok();
}

MemberView ViewOf(storage::Store& store, const storage::ConsoleMember& m) {
  MemberView v;
  v.uid = m.uid;
  v.role = ParseRole(m.role).value_or(Role::kViewer);
  v.created_at_ms = m.created_at_ms;
  if (auto u = store.GetUser(m.uid); u.ok()) {
    v.email = u->email;
    v.phone = u->phone;
    v.account_pid = u->pid;
  }
  return v;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "ADMIN";
    case Role::kDeveloper:
      return "DEVELOPER";
    case Role::kViewer:
      return "VIEWER";
  }
  return "VIEWER";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (Role r : {Role::kViewer, Role::kDeveloper, Role::kAdmin}) {
    if (text == RoleName(r)) return r;
  }
  return std::nullopt;
}

Result<storage::User> FindMemberAccount(storage::Store& store, const std::string& pid,
                                        const std::string& email) {
  if (email.empty()) return Illegal("email is required");
  for (const std::string& in : {pid, std::string(kPublicPid)}) {
    auto u = store.FindUserByEmail(in, email);
    if (u.ok()) return *u;
    if (!u.status().not_found()) return Internal(u.status());
  }
  return Status(Code::kUserNotExist).WithDetail("no account with that e-mail");
}

Result<MemberView> PutMember(storage::Store& store, const std::string& pid, const std::string& uid,
                             std::string_view role_text, int64_t now_ms) {
  std::optional<Role> role = ParseRole(role_text);
  if (!role) return Illegal("role must be ADMIN, DEVELOPER or VIEWER");
  Status outcome;
  storage::ConsoleMember stored;
  storage::StoreStatus tx = store.InTransaction([&](storage::Store& s) {
    outcome = PidExists(s, pid);
    if (!outcome.ok()) return storage::StoreStatus::Failed("refused");
    if (auto u = s.GetUser(uid); !u.ok()) {
      outcome = u.status().not_found() ? Status(Code::kUserNotExist) : Internal(u.status());
      return storage::StoreStatus::Failed("refused");
    }
    if (*role != Role::kAdmin) {
      outcome = KeepsAnAdmin(s, pid, uid);
      if (!outcome.ok()) return storage::StoreStatus::Failed("refused");
    }
    storage::ConsoleMember m{pid, uid, std::string(RoleName(*role)), now_ms};
    if (storage::StoreStatus w = s.PutConsoleMember(m); !w.ok()) {
      outcome = Internal(w);
      return w;
    }
    auto back = s.GetConsoleMember(pid, uid);  // created_at_ms of an existing member
    if (!back.ok()) {
      outcome = Internal(back.status());
      return back.status();
    }
    stored = *back;
    return storage::StoreStatus();
  });
  if (!outcome.ok()) return outcome;
  if (!tx.ok()) return Internal(tx);
  return ViewOf(store, stored);
}

Status RemoveMember(storage::Store& store, const std::string& pid, const std::string& uid) {
  Status outcome;
  storage::StoreStatus tx = store.InTransaction([&](storage::Store& s) {
    outcome = PidExists(s, pid);
    if (!outcome.ok()) return storage::StoreStatus::Failed("refused");
    outcome = KeepsAnAdmin(s, pid, uid);
    if (!outcome.ok()) return storage::StoreStatus::Failed("refused");
    storage::StoreStatus d = s.DeleteConsoleMember(pid, uid);
    if (!d.ok()) {
      outcome =
          d.not_found() ? Status(Code::kUserNotExist).WithDetail("not a member") : Internal(d);
    }
    return d;
  });
  if (!outcome.ok()) return outcome;
  if (!tx.ok()) return Internal(tx);
  return Status::Ok();
}

Result<std::vector<MemberView>> ListMembers(storage::Store& store, const std::string& pid) {
  if (Status s = PidExists(store, pid); !s.ok()) return s;
  auto rows = store.ListConsoleMembers(pid);
  if (!rows.ok()) return Internal(rows.status());
  std::vector<MemberView> out;
  out.reserve(rows->size());
  for (const auto& m : *rows) out.push_back(ViewOf(store, m));
  return out;
}

Result<std::vector<storage::ConsoleMember>> MembershipsOf(storage::Store& store,
                                                          const std::string& uid) {
  auto rows = store.ListMemberships(uid);
  if (!rows.ok()) return Internal(rows.status());
  return *rows;
}

Result<std::string> RotateServerKey(storage::Store& store, const std::string& pid) {
  std::string key = RandomHex(32);
  storage::StoreStatus s = store.SetManufacturerServerKey(pid, Sha256Hex(key));
  if (s.not_found()) return Status(Code::kEntPidNotExist);
  if (!s.ok()) return Internal(s);
  return key;
}

}  // namespace krypton::catalog
