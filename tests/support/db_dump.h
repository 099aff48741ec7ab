// Test support: every row of every table of a SQLite database, read through its own
// read-only connection (what another process sees) — for tests that assert a failed
// operation left the database exactly as it was (the FaultStore tests).
#ifndef KRYPTON_TESTS_SUPPORT_DB_DUMP_H_
#define KRYPTON_TESTS_SUPPORT_DB_DUMP_H_

#include <string>

namespace krypton::testing {

// "[table]\n" then one "v1|v2|…\n" per row (NULL as "NULL"), rows sorted within each
// table, tables by name; "<cannot open>" when the file cannot be opened.
std::string DumpDatabase(const std::string& path);

}  // namespace krypton::testing

#endif  // KRYPTON_TESTS_SUPPORT_DB_DUMP_H_
