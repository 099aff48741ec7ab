#include "db_dump.h"

#include <sqlite3.h>

#include <algorithm>
#include <vector>

namespace krypton::testing {

std::string DumpDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "<cannot open>";
  }
  auto rows = [db](const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      out.push_back("<error: " + sql + ">");
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row += (i ? "|" : "") + (text ? std::string(reinterpret_cast<const char*>(text)) : "NULL");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return out;
  };
  std::string dump;
  for (const std::string& table :
       rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
    std::vector<std::string> content = rows("SELECT * FROM \"" + table + "\"");
    std::sort(content.begin(), content.end());
    dump += "[" + table + "]\n";
    for (const std::string& r : content) dump += r + "\n";
  }
  sqlite3_close(db);
  return dump;
}

}  // namespace krypton::testing
