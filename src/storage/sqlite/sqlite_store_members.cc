// SqliteStore: console members (D28, docs/decisions/0012-console-members.md), the table
// console_members of migration v13. The rules (roles, the last ADMIN) are in
// catalog/members.cc; this file only reads and writes rows.
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::Statement;

namespace {

#define KRYPTON_MEMBER_COLUMNS "pid, uid, role, created_at_ms"

ConsoleMember ReadMember(const Statement& s) {
  ConsoleMember m;
  m.pid = s.Text(0);
  m.uid = s.Text(1);
  m.role = s.Text(2);
  m.created_at_ms = s.Int64(3);
  return m;
}

}  // namespace

StoreStatus SqliteStore::PutConsoleMember(const ConsoleMember& m) {
  std::lock_guard lock(mu_);
  // A missing manufacturer or account is a FOREIGN KEY failure: kNotFound.
  return db_
      ->Run("PutConsoleMember", m.pid + "/" + m.uid,
            "INSERT INTO console_members (" KRYPTON_MEMBER_COLUMNS
            ") VALUES (?, ?, ?, ?) "
            "ON CONFLICT (pid, uid) DO UPDATE SET role = excluded.role",
            m.pid, m.uid, m.role, m.created_at_ms)
      .status();
}

StoreResult<ConsoleMember> SqliteStore::GetConsoleMember(const std::string& pid,
                                                         const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetConsoleMember", pid + "/" + uid,
                       "SELECT " KRYPTON_MEMBER_COLUMNS
                       " FROM console_members WHERE pid = ? AND uid = ?",
                       ReadMember, pid, uid);
}

StoreStatus SqliteStore::DeleteConsoleMember(const std::string& pid, const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->RunOnRow("DeleteConsoleMember", pid + "/" + uid,
                       "DELETE FROM console_members WHERE pid = ? AND uid = ?", pid, uid);
}

StoreResult<std::vector<ConsoleMember>> SqliteStore::ListConsoleMembers(const std::string& pid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListConsoleMembers", pid,
                       "SELECT " KRYPTON_MEMBER_COLUMNS
                       " FROM console_members WHERE pid = ? ORDER BY created_at_ms, uid",
                       ReadMember, pid);
}

StoreResult<std::vector<ConsoleMember>> SqliteStore::ListMemberships(const std::string& uid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListMemberships", uid,
                       "SELECT " KRYPTON_MEMBER_COLUMNS
                       " FROM console_members WHERE uid = ? ORDER BY pid",
                       ReadMember, uid);
}

}  // namespace krypton::storage
