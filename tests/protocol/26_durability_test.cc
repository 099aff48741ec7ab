// Black-box: issue 14 item 6 — no acknowledged write is lost when the server is killed.
//
// Writer threads of this test process (the server is a separate process) bind devices,
// rename them, share them, create and rename folders and move devices into them through
// the HTTP API, each thread for its own account, and log every write the server
// acknowledged (2xx). Once every kind of write was acknowledged a few times, while the
// writers keep renaming, the server gets SIGKILL. It is started again on the same data
// dir, and every acknowledged write must be there when read back through the API (a
// rename may also show the one value that was in flight at the kill). Finally, with the
// server stopped, the database must pass `PRAGMA integrity_check` and
// `PRAGMA foreign_key_check`.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kWriters = 4;
constexpr int kDevicesPerWriter = 10;
constexpr int kFoldersPerWriter = 4;

// What one writer was told was done (acked) and what it sent without an answer that
// says it was not (maybe: in flight at the kill, or answered with an error).
struct WriterLog {
  std::string email, token;
  std::vector<std::string> dev_tids;
  std::map<std::string, std::string> bind_key;  // devTid → bindKey, from the import
  std::map<std::string, std::string> ctrl_key;  // devTid → ctrlKey, from the bind answer
  std::set<std::string> bound, shared;          // acked binds and shares (to bob)
  std::map<std::string, std::string> name;      // devTid → last acked deviceName
  std::map<std::string, std::set<std::string>> maybe_name;  // names sent after it
  std::map<std::string, std::string> folder_of;             // devTid → folderId of an acked move
  std::map<std::string, std::string> folder_name;           // folderId → last acked name
  std::map<std::string, std::set<std::string>> maybe_folder_name;
  std::vector<std::string> folders;  // acked creations, in order
  std::vector<std::string> errors;   // non-2xx answers before the kill
};

struct Counters {
  std::atomic<int> binds{0}, renames{0}, shares{0}, folders{0}, moves{0}, folder_renames{0};
};

bool Ok(const HttpResult& r) { return r.status >= 200 && r.status < 300; }

class DurabilityTest : public KryptonTest {
 protected:
  // One writer's script: first bind, rename, share and file its devices, creating its
  // folders on the way; then rename devices and folders until `stop`.
  void Write(WriterLog& log, const std::string& bob_uid, int index) {
    auto note_error = [&](const std::string& what, const HttpResult& r) {
      if (!killed_.load())
        log.errors.push_back(what + " → " + std::to_string(r.status) + " " + r.body);
    };
    auto rename = [&](const std::string& dev_tid, const std::string& name) {
      log.maybe_name[dev_tid].insert(name);
      HttpResult r = api_.AsUser(log.token, "PATCH", "/device/" + dev_tid,
                                 R"({"deviceName":")" + name + "\"}");
      if (Ok(r)) {
        log.name[dev_tid] = name;
        log.maybe_name[dev_tid].clear();
        ++counters_.renames;
      } else {
        note_error("rename " + dev_tid, r);
      }
      return r.status != 0;
    };
    auto rename_folder = [&](const std::string& id, const std::string& name) {
      log.maybe_folder_name[id].insert(name);
      HttpResult r =
          api_.AsUser(log.token, "PUT", "/folder/" + id, R"({"newFolderName":")" + name + "\"}");
      if (Ok(r)) {
        log.folder_name[id] = name;
        log.maybe_folder_name[id].clear();
        ++counters_.folder_renames;
      } else {
        note_error("rename folder " + id, r);
      }
      return r.status != 0;
    };
    const std::string w = std::to_string(index);
    for (size_t i = 0; i < log.dev_tids.size() && !stop_.load(); ++i) {
      const std::string& dev_tid = log.dev_tids[i];
      HttpResult bound = api_.AsUser(
          log.token, "POST", "/device",
          R"({"devTid":")" + dev_tid + R"(","bindKey":")" + log.bind_key[dev_tid] + "\"}");
      if (!Ok(bound)) {
        note_error("bind " + dev_tid, bound);
        if (bound.status == 0) return;
        continue;
      }
      log.bound.insert(dev_tid);
      log.ctrl_key[dev_tid] = StringField(bound.body, "/ctrlKey");
      ++counters_.binds;
      if (!rename(dev_tid, "n" + w + "d" + std::to_string(i) + "s0")) return;
      if (i % 3 == 0 && static_cast<int>(log.folders.size()) < kFoldersPerWriter) {
        std::string name = "F" + w + "x" + std::to_string(i);
        HttpResult made =
            api_.AsUser(log.token, "POST", "/folder", R"({"folderName":")" + name + "\"}");
        if (Ok(made)) {
          std::string id = StringField(made.body, "/folderId");
          log.folders.push_back(id);
          log.folder_name[id] = name;
          ++counters_.folders;
        } else {
          note_error("folder " + name, made);
          if (made.status == 0) return;
        }
      }
      if (!log.folders.empty()) {
        const std::string& id = log.folders.back();
        HttpResult moved = api_.AsUser(
            log.token, "POST", "/folder/" + id,
            R"({"devTid":")" + dev_tid + R"(","ctrlKey":")" + log.ctrl_key[dev_tid] + "\"}");
        if (Ok(moved)) {
          log.folder_of[dev_tid] = id;
          ++counters_.moves;
        } else {
          note_error("move " + dev_tid, moved);
          if (moved.status == 0) return;
        }
      }
      if (i % 2 == 0) {
        HttpResult share =
            api_.AsUser(log.token, "POST", "/authorization",
                        R"({"grantee":")" + bob_uid + R"(","devTid":")" + dev_tid +
                            R"(","ctrlKey":")" + log.ctrl_key[dev_tid] + R"(","mode":"ALL"})");
        if (Ok(share)) {
          log.shared.insert(dev_tid);
          ++counters_.shares;
        } else {
          note_error("share " + dev_tid, share);
          if (share.status == 0) return;
        }
      }
    }
    // Until the kill: renames, so that the server is under load when it dies.
    std::vector<std::string> mine(log.bound.begin(), log.bound.end());
    for (int seq = 1; !stop_.load() && !mine.empty(); ++seq) {
      const std::string& dev_tid = mine[seq % mine.size()];
      if (!rename(dev_tid, "n" + w + "s" + std::to_string(seq))) return;
      if (seq % 4 == 0 && !log.folders.empty()) {
        const std::string& id = log.folders[seq % log.folders.size()];
        if (!rename_folder(id, "G" + w + "s" + std::to_string(seq))) return;
      }
    }
  }

  // True once every kind of write was acknowledged a few times.
  bool Loaded() const {
    return counters_.binds >= 8 && counters_.shares >= 4 && counters_.folders >= 4 &&
           counters_.moves >= 4 && counters_.renames >= 40 && counters_.folder_renames >= 4;
  }

  std::atomic<bool> stop_{false}, killed_{false};
  Counters counters_;
};

// Runs `sql` on the database at `path`: every row's first column, or "<error …>".
std::vector<std::string> Rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    rows.push_back(std::string("<error open: ") + (db ? sqlite3_errmsg(db) : "?") + ">");
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    rows.push_back(std::string("<error prepare: ") + sqlite3_errmsg(db) + ">");
  } else {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st, 0);
      rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    if (rc != SQLITE_DONE) rows.push_back(std::string("<error step: ") + sqlite3_errmsg(db) + ">");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

TEST_F(DurabilityTest, NoAcknowledgedWriteIsLostAfterSigkill) {
  const auto started = std::chrono::steady_clock::now();
  admin_.Demo();
  std::string bob_uid = admin_.CreateUser("bob@example.com", "bob-secret");
  std::vector<WriterLog> logs(kWriters);
  std::vector<std::string> args = {"device", "import", "--product", "DEMOSOCKET01"};
  for (int w = 0; w < kWriters; ++w) {
    logs[w].email = "w" + std::to_string(w) + "@example.com";
    admin_.CreateUser(logs[w].email, "writer-secret");
    for (int i = 0; i < kDevicesPerWriter; ++i) {
      std::string tid = "DUR" + std::to_string(w) + "X" + std::to_string(i);
      logs[w].dev_tids.push_back(tid);
      args.push_back("--dev-tid");
      args.push_back(tid);
    }
  }
  // The bindKeys of the pre-registered devices, from the import's JSON.
  std::string imported = admin_.Json(args);
  for (WriterLog& log : logs) {
    for (const std::string& tid : log.dev_tids) {
      std::vector<std::string> tids = StringFields(imported, "/devTid");
      std::vector<std::string> keys = StringFields(imported, "/bindKey");
      for (size_t k = 0; k < tids.size() && k < keys.size(); ++k) {
        if (tids[k] == tid) log.bind_key[tid] = keys[k];
      }
      ASSERT_FALSE(log.bind_key[tid].empty()) << tid << " in " << imported;
    }
  }
  ASSERT_TRUE(Serve());
  // A device is bound only after it logged in once (5400024 otherwise): each logs in on
  // the device hub (its row exists, so this registers nothing) and goes offline again.
  for (WriterLog& log : logs) {
    for (const std::string& tid : log.dev_tids) {
      LineClient dev(server_->port("device"));
      std::string login = dev.Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":")" + tid +
                                   R"(","prodKey":"xxxxxx","token":""}})")
                              .value_or("<no answer>");
      ASSERT_EQ(Field(login, "/code"), "200") << tid << ": " << login;
      log.bind_key[tid] = StringField(login, "/params/bindKey");
    }
  }
  for (int w = 0; w < kWriters; ++w) {
    logs[w].token = api_.Login(logs[w].email, "writer-secret");
    ASSERT_FALSE(logs[w].token.empty());
  }

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, &logs, &bob_uid, w] { Write(logs[w], bob_uid, w); });
  }
  const auto deadline = std::chrono::steady_clock::now() + 12s;
  while (!Loaded() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  bool loaded = Loaded();
  std::this_thread::sleep_for(100ms);
  killed_ = true;
  EXPECT_EQ(server_->Stop(SIGKILL, 5000), 128 + SIGKILL);
  stop_ = true;
  for (std::thread& t : writers) t.join();
  for (const WriterLog& log : logs) EXPECT_EQ(log.errors, std::vector<std::string>{});
  ASSERT_TRUE(loaded) << "binds " << counters_.binds << ", shares " << counters_.shares
                      << ", folders " << counters_.folders << ", moves " << counters_.moves
                      << ", renames " << counters_.renames << ", folder renames "
                      << counters_.folder_renames;

  // Back on the same data dir: every acknowledged write is there.
  ASSERT_TRUE(Serve());
  int checked = 0;
  for (WriterLog& log : logs) {
    std::string token = api_.Login(log.email, "writer-secret");
    for (const std::string& tid : log.bound) {
      HttpResult d = api_.AsUser(token, "GET", "/device?devTid=" + tid);
      ASSERT_EQ(d.status, 200) << d.body;
      EXPECT_EQ(StringField(d.body, "/0/devTid"), tid) << "acked bind lost: " << d.body;
      ++checked;
      if (auto it = log.name.find(tid); it != log.name.end()) {
        std::string now = StringField(d.body, "/0/deviceName");
        EXPECT_TRUE(now == it->second || log.maybe_name[tid].count(now))
            << tid << ": acked name " << it->second << ", now " << now;
        ++checked;
      }
      if (auto it = log.folder_of.find(tid); it != log.folder_of.end()) {
        EXPECT_EQ(StringField(d.body, "/0/folderId"), it->second) << "acked move lost: " << tid;
        ++checked;
      }
      if (log.shared.count(tid)) {
        HttpResult s = api_.AsUser(token, "GET", "/authorization?devTid=" + tid);
        std::vector<std::string> grantees = StringFields(s.body, "/grantee");
        EXPECT_EQ(grantees, std::vector<std::string>{bob_uid}) << "acked share lost: " << s.body;
        ++checked;
      }
    }
    for (const std::string& id : log.folders) {
      HttpResult f = api_.AsUser(token, "GET", "/folder?folderId=" + id);
      ASSERT_EQ(f.status, 200) << f.body;
      EXPECT_EQ(StringField(f.body, "/0/folderId"), id) << "acked folder lost: " << f.body;
      std::string now = StringField(f.body, "/0/folderName");
      EXPECT_TRUE(now == log.folder_name[id] || log.maybe_folder_name[id].count(now))
          << id << ": acked name " << log.folder_name[id] << ", now " << now;
      checked += 2;
    }
  }
  EXPECT_GT(checked, 40);
  std::cout << "[ durability ] acknowledged before SIGKILL: " << counters_.binds << " binds, "
            << counters_.shares << " shares, " << counters_.folders << " folders, "
            << counters_.moves << " moves, " << counters_.renames << " renames, "
            << counters_.folder_renames << " folder renames; " << checked << " facts read back\n";

  // The database itself, with the server stopped.
  EXPECT_EQ(server_->Stop(SIGTERM, 10000), 0);
  const std::string db = dir_ + "/krypton.db";
  EXPECT_EQ(Rows(db, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(Rows(db, "PRAGMA foreign_key_check"), std::vector<std::string>{});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 25s);
}

}  // namespace
}  // namespace krypton::testing
