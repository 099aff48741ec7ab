// SqliteStore: the app-facing enterprise data — firmware rules, enterprise news, user
// feedback and demo devices (enterprise-api.md §3.1.3–§3.1.6).
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

using sqlite::FirstInt64;
using sqlite::Statement;

namespace {

#define KRYPTON_FIRMWARE_COLUMNS "mid, bin_type, bin_ver, bin_url, md5, size, updated_at_ms"
#define KRYPTON_NEWS_COLUMNS \
  "id, pid, title, info_content, info_tags_json, author_name, update_time_ms"
#define KRYPTON_FEEDBACK_COLUMNS "id, uid, pid, user_number, title, content, images, created_at_ms"

FirmwareRule ReadFirmware(const Statement& s) {
  FirmwareRule r;
  r.mid = s.Text(0);
  r.bin_type = s.Text(1);
  r.bin_ver = s.Text(2);
  r.bin_url = s.Text(3);
  r.md5 = s.Text(4);
  r.size = s.Int64(5);
  r.updated_at_ms = s.Int64(6);
  return r;
}

NewsItem ReadNews(const Statement& s) {
  NewsItem n;
  n.id = s.Text(0);
  n.pid = s.Text(1);
  n.title = s.Text(2);
  n.info_content = s.Text(3);
  n.info_tags_json = s.Text(4);
  n.author_name = s.Text(5);
  n.update_time_ms = s.Int64(6);
  return n;
}

Feedback ReadFeedback(const Statement& s) {
  Feedback f;
  f.id = s.Int64(0);
  f.uid = s.Text(1);
  f.pid = s.Text(2);
  f.user_number = s.Text(3);
  f.title = s.Text(4);
  f.content = s.Text(5);
  f.images = s.Text(6);
  f.created_at_ms = s.Int64(7);
  return f;
}

DemoDevice ReadDemo(const Statement& s) {
  DemoDevice d;
  d.pid = s.Text(0);
  d.device_name = s.Text(1);
  d.logo = s.Text(2);
  d.desc = s.Text(3);
  d.android_h5_page = s.Text(4);
  d.ios_h5_page = s.Text(5);
  return d;
}

}  // namespace

StoreStatus SqliteStore::PutFirmwareRule(const FirmwareRule& r) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("PutFirmwareRule", r.mid,
            "INSERT OR REPLACE INTO firmware_rules (" KRYPTON_FIRMWARE_COLUMNS
            ") VALUES (?, ?, ?, ?, ?, ?, ?)",
            r.mid, r.bin_type, r.bin_ver, r.bin_url, r.md5, r.size, r.updated_at_ms)
      .status();
}

StoreResult<std::vector<FirmwareRule>> SqliteStore::ListFirmwareRules(const std::string& mid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListFirmwareRules", mid,
                       "SELECT " KRYPTON_FIRMWARE_COLUMNS
                       " FROM firmware_rules WHERE mid = ? ORDER BY bin_type",
                       ReadFirmware, mid);
}

StoreResult<FirmwareRule> SqliteStore::GetFirmwareRule(const std::string& mid,
                                                       const std::string& bin_type) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("GetFirmwareRule", mid,
                       "SELECT " KRYPTON_FIRMWARE_COLUMNS
                       " FROM firmware_rules WHERE mid = ? AND bin_type = ?",
                       ReadFirmware, mid, bin_type);
}

StoreStatus SqliteStore::CreateNews(const NewsItem& n) {
  std::lock_guard lock(mu_);
  return db_
      ->Run("CreateNews", n.id,
            "INSERT INTO enterprise_news (" KRYPTON_NEWS_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?)",
            n.id, n.pid, n.title, n.info_content, n.info_tags_json, n.author_name, n.update_time_ms)
      .status();
}

StoreResult<std::vector<NewsItem>> SqliteStore::ListNews(const std::string& pid, int64_t offset,
                                                         int64_t limit) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListNews", pid,
                       "SELECT " KRYPTON_NEWS_COLUMNS
                       " FROM enterprise_news WHERE pid = ? "
                       "ORDER BY update_time_ms DESC, id LIMIT ? OFFSET ?",
                       ReadNews, pid, limit, offset);
}

StoreResult<int64_t> SqliteStore::CountNews(const std::string& pid) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("CountNews", pid, "SELECT COUNT(*) FROM enterprise_news WHERE pid = ?",
                       FirstInt64, pid);
}

StoreResult<int64_t> SqliteStore::AddFeedback(const Feedback& f) {
  std::lock_guard lock(mu_);
  return db_->QueryOne("AddFeedback", f.uid,
                       "INSERT INTO feedback (uid, pid, user_number, title, content, images, "
                       "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       FirstInt64, f.uid, f.pid, f.user_number, f.title, f.content, f.images,
                       f.created_at_ms);
}

StoreResult<std::vector<Feedback>> SqliteStore::ListFeedback(const std::string& pid, int64_t offset,
                                                             int64_t limit) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListFeedback", pid,
                       "SELECT " KRYPTON_FEEDBACK_COLUMNS
                       " FROM feedback WHERE pid = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                       ReadFeedback, pid, limit, offset);
}

StoreStatus SqliteStore::ReplaceDemoDevices(const std::string& pid,
                                            const std::vector<DemoDevice>& devices) {
  std::lock_guard lock(mu_);
  return Atomically("ReplaceDemoDevices", [&]() -> StoreStatus {
    auto gone = db_->Run("ReplaceDemoDevices", pid, "DELETE FROM demo_devices WHERE pid = ?", pid);
    if (!gone.ok()) return gone.status();
    int64_t position = 0;
    for (const DemoDevice& d : devices) {
      auto put = db_->Run("ReplaceDemoDevices", pid,
                          "INSERT INTO demo_devices (pid, position, device_name, logo, "
                          "description, android_h5_page, ios_h5_page) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          pid, position++, d.device_name, d.logo, d.desc, d.android_h5_page,
                          d.ios_h5_page);
      if (!put.ok()) return put.status();
    }
    return {};
  });
}

StoreResult<std::vector<DemoDevice>> SqliteStore::ListDemoDevices(const std::string& pid) {
  std::lock_guard lock(mu_);
  return db_->QueryAll("ListDemoDevices", pid,
                       "SELECT pid, device_name, logo, description, android_h5_page, "
                       "ios_h5_page FROM demo_devices WHERE pid = ? ORDER BY position",
                       ReadDemo, pid);
}

#undef KRYPTON_FIRMWARE_COLUMNS
#undef KRYPTON_NEWS_COLUMNS
#undef KRYPTON_FEEDBACK_COLUMNS

}  // namespace krypton::storage
