// Schema migrations: the ordered list of steps that build the store's schema.
//
// Contract
// - Versions are 1, 2, 3, … without gaps; AllMigrations()[i].version == i + 1. A
//   database at version N has had migrations 1..N applied; version 0 is an empty file.
// - A step is never edited once released: a schema change is a new step appended at
//   the end. Tests keep a database of every released version working.
// - The SQL is SQLite's dialect restricted to what PostgreSQL also accepts (TEXT,
//   INTEGER for small numbers and 0/1 flags, BIGINT for epoch milliseconds, partial
//   unique indexes, ON DELETE CASCADE). The one SQLite-only construct is an
//   auto-assigned key (INTEGER PRIMARY KEY AUTOINCREMENT); each such line is marked
//   "dialect:" so a PostgreSQL backend can substitute an identity column.
// - A backend records the version in the database (SQLite: PRAGMA user_version),
//   applies each pending step in its own transaction together with the version bump,
//   and refuses a database newer than LatestSchemaVersion() with
//   SchemaTooNewDetail().
//
// Everything here is constant data: safe from any thread.
#ifndef KRYPTON_STORAGE_MIGRATIONS_MIGRATIONS_H_
#define KRYPTON_STORAGE_MIGRATIONS_MIGRATIONS_H_

#include <span>
#include <string>

namespace krypton::storage {

struct Migration {
  int version;              // the schema version this step produces
  const char* description;  // one line, for logs and tests
  const char* sql;          // one or more statements separated by ';'
};

// Every migration, oldest first.
std::span<const Migration> AllMigrations();

// The version a database has after every migration: AllMigrations().back().version.
int LatestSchemaVersion();

// The steps a database at `current_version` still needs, oldest first; empty when it is
// up to date or newer than this binary.
std::span<const Migration> PendingMigrations(int current_version);

// "database schema version N is newer than this binary (M)": the detail of the
// kFailed status a backend returns for a database it must not touch.
std::string SchemaTooNewDetail(int database_version);

}  // namespace krypton::storage

#endif  // KRYPTON_STORAGE_MIGRATIONS_MIGRATIONS_H_
