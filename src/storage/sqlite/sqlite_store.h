// SqliteStore: the default Store backend, one SQLite database file.
//
// Contract (beyond store.h)
// - One connection, guarded by a recursive mutex: every call holds it for its whole
//   duration, and InTransaction holds it across its body, so the body may call back
//   into the store on the same thread while other threads wait.
// - The file is opened in WAL mode (external readers such as the sqlite3 shell do not
//   block the server), with foreign keys on, synchronous=NORMAL (a power loss may lose
//   the last commits but never corrupts the file) and the configured busy timeout for
//   locks held by other processes.
// - Open() applies pending migrations (storage/migrations), each in its own
//   transaction, and refuses a database newer than LatestSchemaVersion().
// - Operations made of several statements (UnbindDevice, DeleteShare, DeleteFolder)
//   are atomic: a transaction of their own, or a savepoint inside InTransaction.
//
// Only store.cc and the tests include this header; other modules use store.h.
#ifndef KRYPTON_STORAGE_SQLITE_SQLITE_STORE_H_
#define KRYPTON_STORAGE_SQLITE_SQLITE_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace krypton::storage {

namespace sqlite {
class Connection;
}  // namespace sqlite

class SqliteStore final : public Store {
 public:
  // Opens `options.path` (":memory:" for a private in-memory database), sets the
  // pragmas and migrates. kFailed when the file cannot be opened, WAL cannot be
  // enabled, a migration fails, or the schema is newer than this binary.
  static StoreResult<std::unique_ptr<Store>> Open(const StoreOptions& options);

  ~SqliteStore() override;

  int SchemaVersion() override;
  StoreStatus InTransaction(const std::function<StoreStatus(Store&)>& body) override;
  StoreStatus Checkpoint() override;

  StoreStatus CreateUser(const User& user) override;
  StoreResult<User> GetUser(const std::string& uid) override;
  StoreResult<User> FindUserByEmail(const std::string& pid, const std::string& email) override;
  StoreResult<User> FindUserByPhone(const std::string& pid, const std::string& phone) override;
  StoreStatus UpdateUserPassword(const std::string& uid, const std::string& hash) override;
  StoreStatus UpdateUserProfile(const std::string& uid, const std::string& json) override;
  StoreStatus UpdateUserContact(const std::string& uid, const std::string& phone,
                                const std::string& email, bool email_verified) override;

  StoreStatus UpsertManufacturer(const Manufacturer& m) override;
  StoreResult<Manufacturer> GetManufacturer(const std::string& pid) override;
  StoreStatus SetManufacturerServerKey(const std::string& pid,
                                       const std::string& key_hash) override;
  StoreResult<Manufacturer> FindManufacturerByServerKey(const std::string& key_hash) override;

  StoreStatus CreateProduct(const Product& p) override;
  StoreStatus UpdateProduct(const Product& p) override;
  StoreResult<Product> GetProduct(const std::string& mid) override;
  StoreResult<Product> FindProductByProdKey(const std::string& prod_key) override;
  StoreResult<Product> FindProductByPublicKey(const std::string& ppk) override;
  StoreResult<std::vector<Product>> ListProducts(std::optional<std::string> pid) override;

  StoreResult<int> AddTemplate(const std::string& mid, const std::string& body_json,
                               int64_t now_ms) override;
  StoreResult<ProtocolTemplate> GetCurrentTemplate(const std::string& mid) override;
  StoreResult<ProtocolTemplate> GetTemplate(const std::string& mid, int version) override;
  StoreResult<std::vector<ProtocolTemplate>> ListTemplates(const std::string& mid) override;

  // sqlite_store_catalogue.cc
  StoreStatus PutProductDetails(const ProductDetails& d) override;
  StoreResult<ProductDetails> GetProductDetails(const std::string& mid) override;
  StoreStatus DeleteProduct(const std::string& mid) override;
  StoreStatus CreateH5Template(const H5Template& t) override;
  StoreResult<H5Template> GetH5Template(const std::string& id) override;
  StoreStatus UpdateH5Template(const H5Template& t) override;
  StoreStatus BindProductH5(const std::string& mid, const std::string& platform,
                            const std::string& h5_id) override;
  StoreResult<H5Template> GetProductH5(const std::string& mid,
                                       const std::string& platform) override;
  StoreStatus AuthorizeProduct(const std::string& mid, const std::string& pid,
                               int64_t at_ms) override;
  StoreResult<std::vector<std::string>> ListProductAuthorizations(const std::string& mid) override;
  StoreStatus UnauthorizeProduct(const std::string& mid, const std::string& pid) override;
  StoreResult<std::vector<Product>> ListAuthorizedProducts(const std::string& pid) override;

  StoreStatus CreateDevice(const Device& d) override;
  StoreResult<Device> GetDevice(const std::string& dev_tid) override;
  StoreResult<Device> FindDeviceByCtrlKey(const std::string& ctrl_key) override;
  StoreStatus UpdateDeviceTokens(const std::string& dev_tid, const std::string& token_hash,
                                 const std::string& last_token_hash) override;
  StoreStatus SetDeviceOnline(const std::string& dev_tid, bool online, int64_t at_ms) override;
  StoreStatus SetAllDevicesOffline() override;
  StoreStatus SaveDeviceInfo(const std::string& dev_tid, const std::string& info_json) override;
  StoreStatus SetDeviceLicenseRevoked(const std::string& dev_tid, bool revoked) override;
  StoreStatus SetDeviceName(const std::string& dev_tid, const std::string& name) override;
  StoreStatus SaveDeviceState(const std::string& dev_tid, const std::string& state_json,
                              int64_t at_ms) override;
  StoreResult<std::vector<Device>> ListDevicesByOwner(const std::string& uid) override;

  StoreStatus BindDevice(const std::string& dev_tid, const std::string& uid,
                         int64_t at_ms) override;
  StoreStatus UnbindDevice(const std::string& dev_tid, const std::string& new_ctrl_key) override;

  StoreResult<int64_t> CreateShare(const Share& s) override;
  StoreStatus UpdateShare(const Share& s) override;
  StoreResult<Share> GetShare(const std::string& dev_tid, const std::string& grantee) override;
  StoreResult<std::vector<Share>> ListSharesByDevice(const std::string& dev_tid) override;
  StoreResult<std::vector<Share>> ListSharesByGrantee(const std::string& uid) override;
  StoreStatus DeleteShare(const std::string& dev_tid, const std::string& grantee) override;

  StoreStatus CreateReverseTemplate(const ReverseTemplate& t) override;
  StoreResult<ReverseTemplate> GetReverseTemplate(const std::string& id) override;
  StoreResult<std::vector<ReverseTemplate>> ListReverseTemplates(
      const std::string& dev_tid) override;
  StoreStatus CreateReverseRequest(const ReverseRequest& r) override;
  StoreResult<ReverseRequest> GetReverseRequest(const std::string& register_id) override;
  StoreResult<std::vector<ReverseRequest>> ListReverseRequests(const std::string& dev_tid) override;
  StoreStatus SetReverseRequestStatus(const std::string& register_id,
                                      const std::string& status) override;
  // PIN binding (sqlite_store_pins.cc).
  StoreStatus PutPinCode(const PinCode& pin, int64_t purge_before_ms) override;
  StoreResult<PinCode> GetPinCode(const std::string& pin_hash) override;
  StoreResult<std::vector<PinCode>> ListLivePinCodes(const std::string& ssid,
                                                     int64_t now_ms) override;
  StoreStatus PutBindResult(const BindResult& r) override;
  StoreResult<std::vector<BindResult>> ListBindResults(const std::string& pin_hash) override;
  StoreStatus AllocateShortCode(const std::string& short_code, const std::string& dev_tid,
                                int64_t at_ms) override;
  StoreResult<std::string> FindShortCode(const std::string& short_code) override;
  StoreResult<std::string> GetDeviceShortCode(const std::string& dev_tid) override;
  StoreResult<int64_t> CountShortCodes() override;
  // Quotas and licences (sqlite_store_quotas.cc).
  StoreStatus SetQuota(const Quota& q) override;
  StoreResult<std::vector<Quota>> ListQuotas(const std::string& pid) override;
  StoreResult<int64_t> QuotaRemaining(const std::string& pid, const std::string& mid,
                                      const std::string& kind) override;
  StoreStatus DrawQuota(const std::string& pid, const std::string& mid, const std::string& kind,
                        int64_t n) override;
  StoreStatus ReturnQuota(const std::string& pid, const std::string& mid,
                          const std::string& kind) override;
  StoreStatus DeleteDevice(const std::string& dev_tid) override;
  StoreStatus MarkLicenseIssued(const std::string& dev_tid, int64_t at_ms) override;
  StoreResult<bool> IsLicenseIssued(const std::string& dev_tid) override;
  StoreResult<std::vector<std::string>> ListEnterpriseDevices(const std::string& pid,
                                                              const std::string& mid,
                                                              std::optional<bool> online,
                                                              int64_t offset,
                                                              int64_t limit) override;
  // App-facing enterprise data (sqlite_store_external.cc).
  StoreStatus PutFirmwareRule(const FirmwareRule& r) override;
  StoreResult<std::vector<FirmwareRule>> ListFirmwareRules(const std::string& mid) override;
  StoreResult<FirmwareRule> GetFirmwareRule(const std::string& mid,
                                            const std::string& bin_type) override;
  StoreStatus CreateNews(const NewsItem& n) override;
  StoreResult<std::vector<NewsItem>> ListNews(const std::string& pid, int64_t offset,
                                              int64_t limit) override;
  StoreResult<int64_t> CountNews(const std::string& pid) override;
  StoreResult<int64_t> AddFeedback(const Feedback& f) override;
  StoreResult<std::vector<Feedback>> ListFeedback(const std::string& pid, int64_t offset,
                                                  int64_t limit) override;
  StoreStatus ReplaceDemoDevices(const std::string& pid,
                                 const std::vector<DemoDevice>& devices) override;
  StoreResult<std::vector<DemoDevice>> ListDemoDevices(const std::string& pid) override;
  // Console members (sqlite_store_members.cc).
  StoreStatus PutConsoleMember(const ConsoleMember& m) override;
  StoreResult<ConsoleMember> GetConsoleMember(const std::string& pid,
                                              const std::string& uid) override;
  StoreStatus DeleteConsoleMember(const std::string& pid, const std::string& uid) override;
  StoreResult<std::vector<ConsoleMember>> ListConsoleMembers(const std::string& pid) override;
  StoreResult<std::vector<ConsoleMember>> ListMemberships(const std::string& uid) override;
  StoreStatus CreateFolder(const Folder& f) override;
  StoreResult<std::vector<Folder>> ListFolders(const std::string& uid) override;
  StoreStatus RenameFolder(const std::string& uid, const std::string& folder_id,
                           const std::string& name) override;
  StoreStatus DeleteFolder(const std::string& uid, const std::string& folder_id) override;
  StoreStatus SetDeviceFolder(const std::string& uid, const std::string& dev_tid,
                              const std::string& folder_id) override;
  StoreResult<std::vector<std::string>> ListFolderDevices(const std::string& uid,
                                                          const std::string& folder_id) override;

  // Accounts (sqlite_store_accounts.cc).
  StoreStatus PutVerifyCode(const VerifyCode& code) override;
  StoreResult<VerifyCode> GetVerifyCode(const std::string& pid, const std::string& target,
                                        const std::string& purpose) override;
  StoreResult<VerifyCode> GetLatestVerifyCode(const std::string& pid,
                                              const std::string& target) override;
  StoreStatus UpdateVerifyCode(const VerifyCode& code) override;
  StoreStatus DeleteVerifyCode(const std::string& pid, const std::string& target,
                               const std::string& purpose) override;
  StoreResult<int> CountVerifyCodesSince(const std::string& target, int64_t since_ms) override;
  StoreStatus PutRefreshToken(const RefreshToken& token) override;
  StoreResult<RefreshToken> GetRefreshToken(const std::string& jti) override;
  StoreStatus RevokeRefreshToken(const std::string& jti) override;
  StoreStatus RevokeUserRefreshTokens(const std::string& uid) override;

  // sqlite_store_tasks.cc
  StoreResult<int64_t> CreateTask(const SchedulerTask& t) override;
  StoreStatus UpdateTask(const SchedulerTask& t) override;
  StoreResult<SchedulerTask> GetTask(int64_t id) override;
  StoreResult<std::vector<SchedulerTask>> ListTasks(const std::string& uid,
                                                    const std::string& dev_tid) override;
  StoreStatus DeleteTask(int64_t id) override;
  StoreResult<std::vector<SchedulerTask>> ScanActiveTasks(int64_t after_id, int limit) override;
  StoreStatus ClaimFiring(int64_t task_row, int64_t scheduled_ms, const std::string& outcome,
                          int64_t now_ms, bool expire, int keep) override;
  StoreStatus FinishFiring(int64_t task_row, int64_t scheduled_ms, const std::string& outcome,
                           int code, const std::string& desc, int64_t now_ms,
                           bool counted) override;
  StoreResult<std::vector<TaskFiring>> ListFirings(const std::string& uid,
                                                   const std::string& dev_tid, int64_t task_id,
                                                   int offset, int limit) override;
  StoreResult<std::vector<TaskFiring>> ListUnfinishedFirings() override;

 private:
  explicit SqliteStore(std::unique_ptr<sqlite::Connection> db);

  StoreStatus Configure(const StoreOptions& options);
  StoreStatus Migrate();
  StoreResult<int> ReadUserVersion();

  // Runs `fn` atomically: in a transaction of its own, or in a savepoint when a
  // transaction is already open. REQUIRES: mu_ held.
  StoreStatus Atomically(std::string_view op, const std::function<StoreStatus()>& fn);
  // Ends the open transaction (or savepoint) with COMMIT/RELEASE when `commit`, else
  // rolls it back. REQUIRES: mu_ held.
  StoreStatus EndTransaction(bool savepoint, bool commit, std::string_view op);

  std::recursive_mutex mu_;
  std::unique_ptr<sqlite::Connection> db_;  // guarded by mu_
  int tx_depth_ = 0;                        // guarded by mu_; open transaction + savepoints
};

}  // namespace krypton::storage

#endif  // KRYPTON_STORAGE_SQLITE_SQLITE_STORE_H_
