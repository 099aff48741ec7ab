// Store: the only door to persistent data. No SQL exists outside src/storage/.
//
// Contract
// - One Store per process, opened by OpenStore() before the event loops start and
//   destroyed after they stop. Every method may be called from any thread; calls are
//   serialised inside the implementation (the SQLite backend has one connection and
//   one mutex; WAL lets external readers proceed). Calls block: they are short,
//   indexed statements, and callers on an event loop accept that cost.
// - Records are plain values: the caller owns what it passes and what it gets back.
// - Failures are values (StoreStatus): kNotFound for a missing row, kConflict for a
//   unique key that already exists, kFailed for anything else (I/O, corruption), with
//   a detail for the log. Callers translate them into their protocol's wire code.
// - Secrets: device tokens are stored as SHA-256 hashes, passwords as argon2id
//   strings; keys that must be shown again (ctrlKey, bindKey, prodKey) are stored as
//   given. Nothing here logs a record.
// - The schema is versioned (storage/migrations); OpenStore() migrates an older
//   database forward and refuses one newer than this binary knows.
//
// The interface is written for a PostgreSQL implementation to follow without changing
// callers: no SQLite types leak, timestamps are epoch milliseconds, JSON documents
// travel as text.
#ifndef KRYPTON_STORAGE_STORE_H_
#define KRYPTON_STORAGE_STORE_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace krypton::storage {

// Outcome of a store call. Default-constructed = OK.
class [[nodiscard]] StoreStatus {
 public:
  enum class Kind { kOk, kNotFound, kConflict, kFailed };

  StoreStatus() = default;
  StoreStatus(Kind kind, std::string detail) : kind_(kind), detail_(std::move(detail)) {}
  static StoreStatus NotFound(std::string detail) { return {Kind::kNotFound, std::move(detail)}; }
  static StoreStatus Conflict(std::string detail) { return {Kind::kConflict, std::move(detail)}; }
  static StoreStatus Failed(std::string detail) { return {Kind::kFailed, std::move(detail)}; }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  bool not_found() const { return kind_ == Kind::kNotFound; }
  bool conflict() const { return kind_ == Kind::kConflict; }
  const std::string& detail() const { return detail_; }
  std::string ToString() const;

 private:
  Kind kind_ = Kind::kOk;
  std::string detail_;
};

template <typename T>
using StoreResult = Result<T, StoreStatus>;

// Maps a failed StoreStatus onto a wire Status: kNotFound → `not_found`, kConflict →
// `conflict`, kFailed → `internal`; the store's detail is kept for the log.
Status ToStatus(const StoreStatus& s, Code not_found, Code conflict, Code internal);
// Any store failure as 5500000 (kUserInternal) with the store's message as the detail:
// for failures the caller has no better code for. OK stays OK.
Status Internal(const StoreStatus& s);
// Runs `body` in one Store::InTransaction (the domain services' one transaction per
// operation). A non-OK Status from `body` rolls everything back and is returned as is
// (`body` maps store errors itself, usually with Internal); a failed commit is 5500000.
// A body that must keep some writes although the operation fails (a wrong verify code's
// attempt counter) returns OK and reports its failure through a variable of its own.
class Store;
[[nodiscard]] Status Transact(Store& store, const std::function<Status(Store&)>& body);

// ---- Records (enterprise-api.md §2, user-api.md §6) ---------------------------------

struct User {
  std::string uid;  // 11 digits
  std::string pid = "00000000000";
  std::string phone;  // empty = none; unique per pid when set
  std::string email;  // empty = none; unique per pid when set (stored lower-case)
  bool email_verified = false;
  std::string password_hash;  // argon2id string (auth/password.h)
  std::string profile_json = "{}";
  int64_t created_at_ms = 0;
  // Bumped by every password change or reset; tokens issued under an older epoch are
  // refused (issue 14, docs/security.md).
  int64_t token_epoch = 0;
};

struct Manufacturer {
  std::string pid;  // 11 digits; "00000000000" = the public account system
  std::string name;
  int64_t created_at_ms = 0;
  // Derivation secrets of AUTHKEY and LICENSE devices (enterprise-api.md §4.1); empty
  // = not set, and such devices are refused.
  std::string auth_secret;
  std::string license_secret;
  // SHA-256 hex of the enterprise's server key (`Authorization: key=…`); "" = none.
  std::string server_key_hash;
};

struct Product {
  std::string mid;  // 12 characters
  std::string pid;
  std::string name;
  std::string prod_key;                 // device-side secret; unique
  std::string product_public_key;       // app-side key (ppk); unique
  std::string work_mode_type;           // JSON_CTRL, JSON_TRANSPARENT, …
  std::string device_auth = "PRODKEY";  // PRODKEY | AUTHKEY | LICENSE
  bool pre_register = false;
  bool force_bind = false;
  std::string status = "PUBLISHED";    // UNPUBLISHED | PUBLISHED | DISCONTINUED
  std::string check_mode = "LENIENT";  // LENIENT | STRICT (D7)
  bool decorate_dev_send = true;       // D16
  int max_dev_share_num = 10;
  bool auto_issue_license = false;  // LICENSE: issue on first login (§4.2)
  // false: scheduler task writes on this product's devices answer 6400025 (schema v14).
  bool supports_scheduler = true;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct ProtocolTemplate {
  std::string mid;
  int version = 0;  // 1, 2, …; the highest is current
  std::string body_json;
  int64_t created_at_ms = 0;
};

struct Device {
  std::string dev_tid;  // ≤ 32 characters
  std::string mid;
  std::string bind_key;
  std::string ctrl_key;
  std::string token_hash;       // SHA-256 hex of the current device token; empty = none yet
  std::string last_token_hash;  // of the previous token (hub-protocol.md §3.2)
  std::string owner_uid;        // empty = unbound
  int64_t bound_at_ms = 0;
  std::string device_name;
  bool registered = false;       // imported/pre-registered by the enterprise
  bool license_revoked = false;  // a LICENSE device whose licence was revoked
  bool online = false;
  int64_t last_seen_ms = 0;
  int64_t first_login_ms = 0;
  std::string info_json = "{}";   // last reportDevInfo params
  std::string state_json = "{}";  // last devSend data
  int64_t state_at_ms = 0;
  int64_t created_at_ms = 0;
};

struct Share {
  int64_t id = 0;  // assigned by CreateShare
  std::string dev_tid;
  std::string grantor;
  std::string grantee;
  std::string mode = "ALL";  // ALL | PARTIAL
  std::string instruction_expire_json = "{}";
  bool enable_scheduler = false;
  bool enable_ifttt = false;
  std::string desc;
  int64_t grant_time_ms = 0;
  int64_t update_time_ms = 0;
  int64_t expire_at_ms = 0;  // 0 = never
};

// A scheduler task (user-api.md §5.5): a command the cloud sends to a device on a
// schedule, on behalf of `uid`. `id` is the store's global handle (the engine's key,
// never reused); `task_id` the small number the API shows, unique per (uid, devTid).
struct SchedulerTask {
  int64_t id = 0;  // assigned by CreateTask
  std::string uid;
  std::string dev_tid;
  int64_t task_id = 0;
  std::string sub_dev_tid;  // "" = the device itself
  std::string ctrl_key;     // the ctrlKey the task was written with
  std::string task_name;
  std::optional<std::string> task_key;  // client idempotency key; nullopt = none
  std::string desc;
  bool enable = true;
  bool feedback = false;
  std::string code_json = "{}";   // the command's data object
  std::string scheduler_type;     // GENERIC | ONCE | LOOP
  std::string cron_expr;          // Quartz, derived for ONCE and LOOP
  std::string trigger_date_time;  // ONCE: local "yyyy-MM-ddTHH:mm:ss"; "" = none
  std::string trigger_time;       // LOOP: "HH:mm:ss"; "" = none
  std::string repeat_list_json;   // LOOP: the request's repeatList as JSON; "" = none
  int time_zone_offset = 0;       // minutes east of UTC
  int64_t fire_count = 0;         // firings whose command reached the device
  int64_t last_scheduled_ms = 0;  // scheduled time of the last claimed firing; 0 = none
  bool expired = false;           // a ONCE task that fired or was missed
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// One firing of a task: claimed (outcome CLAIMED) before its command is sent, then
// given its outcome. The task's uid, devTid and taskId come from the task row.
struct TaskFiring {
  int64_t task_row = 0;  // SchedulerTask::id
  std::string uid;
  std::string dev_tid;
  int64_t task_id = 0;
  int64_t scheduled_ms = 0;
  std::string outcome = "CLAIMED";
  int code = 0;
  std::string desc;
  int64_t claimed_at_ms = 0;
  int64_t finished_at_ms = 0;
};

// A verify code sent to a phone or e-mail (user-api.md §3.2); the code is stored hashed.
struct VerifyCode {
  std::string pid;
  std::string target;   // phone number or lower-case e-mail
  std::string purpose;  // register | resetPassword | changePhone
  std::string code_hash;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  int attempts = 0;
  std::string check_token;  // issued by checkVerifyCode; "" until then
};

// A refresh token's bookkeeping (D10): rotation marks the old one used.
struct RefreshToken {
  std::string jti;
  std::string uid;
  int64_t exp_s = 0;
  bool revoked = false;
};

// Reverse authorization (user-api.md §5.4). params_json keeps the share to create:
// {"mode","expire","instructionExpire","enableScheduler","enableIFTTT","desc"}.
struct ReverseTemplate {
  std::string id;
  std::string dev_tid;
  std::string grantor;
  std::string params_json = "{}";
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

struct ReverseRequest {
  std::string register_id;
  std::string template_id;
  std::string dev_tid;
  std::string grantor;
  std::string grantee;
  std::string params_json = "{}";
  std::string status = "PENDING";  // PENDING | AGREED | REJECTED
  int64_t created_at_ms = 0;
};

// A binding PIN (user-api.md §5.1.4), one per (uid, ssid); only its SHA-256 is kept.
struct PinCode {
  std::string pin_hash;  // Sha256Hex of the 6-character PIN
  std::string uid;       // who asked for it (GET /getPINCode)
  std::string pid;       // that user's pid (5400008 / 1400030)
  std::string ssid;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

// What a device that presented a PIN got: a user-family code (5200000, 5400013, …).
struct BindResult {
  std::string pin_hash;
  std::string dev_tid;
  int code = 0;
  std::string msg;
  int64_t at_ms = 0;
};

struct Folder {
  std::string folder_id;  // "0" is the virtual root and is never stored
  std::string uid;
  std::string name;  // unique per user
  int64_t created_at_ms = 0;
};

// ---- Catalogue records (enterprise-api.md §2.1, §6; ent_products.cc) ----

// A product's descriptive fields beyond Product (the §3.1.1 list shape); one row per
// product, absent = these defaults. JSON documents travel as text.
struct ProductDetails {
  std::string mid;
  std::string product_type = "INDEPENDENT";  // INDEPENDENT | GATEWAY | SUB
  std::string display_name_json = "{}";      // {"zh_CN": …, "en_US": …}
  std::string model;
  std::string logo;
  std::string bind_type = "WIFI";
  std::string access_way_json = R"(["WIFI"])";
  std::string category_json = "null";  // {"id","name","logo","parent"} or null
};

// An H5 control-panel template (§6), owned by the enterprise that created it.
struct H5Template {
  std::string id;
  std::string pid;
  std::string platform;  // Android | IOS (canonical spelling)
  std::string h5_page;
  std::string page_zip_url;
  std::string version;
  std::string md5;
  int64_t created_at_ms = 0;
};

// A quota of an enterprise (enterprise-api.md §4.2): for one product or "*" (every
// product of the pid), counting DEVICE imports or LICENSE issues.
struct Quota {
  static constexpr int64_t kUnlimited = -1;  // total
  std::string pid;
  std::string mid = "*";
  std::string kind;  // DEVICE | LICENSE
  int64_t total = 0;
  int64_t used = 0;
  // What the row may still give: kUnlimited, or total - used but never below 0 (a
  // total set under `used` leaves nothing).
  int64_t Remaining() const {
    return total == kUnlimited ? kUnlimited : std::max<int64_t>(0, total - used);
  }
};

// ---- App-facing enterprise records (enterprise-api.md §3.1.3–§3.1.6; ent_external.cc) ----

// The latest firmware of one binType of a product (§3.1.3); one per (mid, bin_type).
struct FirmwareRule {
  std::string mid;
  std::string bin_type;
  std::string bin_ver;  // dotted numbers, e.g. "4.2.0.0"
  std::string bin_url;
  std::string md5;
  int64_t size = 0;
  int64_t updated_at_ms = 0;
};

// An enterprise news item (§3.1.4). info_tags_json is a JSON array of strings.
struct NewsItem {
  std::string id;
  std::string pid;
  std::string title;
  std::string info_content;
  std::string info_tags_json = "[]";
  std::string author_name;
  int64_t update_time_ms = 0;
};

// A user's after-sales feedback (§3.1.5), filed under the user's pid.
struct Feedback {
  int64_t id = 0;  // assigned by the store
  std::string uid;
  std::string pid;
  std::string user_number;  // the phone or e-mail the user gave ("UserNumber")
  std::string title;
  std::string content;
  std::string images;  // "url1,url2" as given
  int64_t created_at_ms = 0;
};

// A demo ("experience") device of an enterprise (§3.1.6).
struct DemoDevice {
  std::string pid;
  std::string device_name;
  std::string logo;
  std::string desc;
  std::string android_h5_page;
  std::string ios_h5_page;
};

// A console member (D28): account `uid` may act for enterprise `pid` with `role`
// ("ADMIN", "DEVELOPER" or "VIEWER"). Never implied by the account's own pid.
struct ConsoleMember {
  std::string pid;
  std::string uid;
  std::string role;
  int64_t created_at_ms = 0;
};

// ---- The interfaces ---------------------------------------------------------------------
//
// The store is split by aggregate: each interface below owns the tables of one part of
// the domain, and a caller that only needs one part can take that interface. All four
// live in the same database (one SQLite file), so InTransaction (on Store) spans them.
// Every contract of the file comment holds for each of them.

// Accounts (user-api.md §3): users, their passwords and token epochs, profiles and
// contacts, verify codes and refresh tokens. Changed by the UAA routes (accounts/).
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Users. CreateUser: kConflict when the uid, or the phone/e-mail within the pid, exists.
  // E-mails are stored lower-case and looked up case-insensitively; an empty e-mail or
  // phone never matches (FindUserBy… returns kNotFound).
  virtual StoreStatus CreateUser(const User& user) = 0;
  virtual StoreResult<User> GetUser(const std::string& uid) = 0;
  virtual StoreResult<User> FindUserByEmail(const std::string& pid, const std::string& email) = 0;
  virtual StoreResult<User> FindUserByPhone(const std::string& pid, const std::string& phone) = 0;
  // Sets the password hash and bumps token_epoch in the same statement (issue 14: every
  // token signed before is refused from then on).
  virtual StoreStatus UpdateUserPassword(const std::string& uid, const std::string& hash) = 0;
  virtual StoreStatus UpdateUserProfile(const std::string& uid, const std::string& json) = 0;
  // Replaces phone, e-mail (lower-cased) and the e-mail's verified flag; kConflict when
  // the phone or e-mail belongs to another account of the pid.
  virtual StoreStatus UpdateUserContact(const std::string& uid, const std::string& phone,
                                        const std::string& email, bool email_verified) = 0;

  // Stores a verify code, replacing the previous one of (pid, target, purpose).
  virtual StoreStatus PutVerifyCode(const VerifyCode& code) = 0;
  virtual StoreResult<VerifyCode> GetVerifyCode(const std::string& pid, const std::string& target,
                                                const std::string& purpose) = 0;
  // The latest code of (pid, target) whatever its purpose; kNotFound when none.
  virtual StoreResult<VerifyCode> GetLatestVerifyCode(const std::string& pid,
                                                      const std::string& target) = 0;
  virtual StoreStatus UpdateVerifyCode(const VerifyCode& code) = 0;  // attempts, check_token
  virtual StoreStatus DeleteVerifyCode(const std::string& pid, const std::string& target,
                                       const std::string& purpose) = 0;
  // Codes sent to `target` (any pid) since `since_ms` — the daily cap (D20).
  virtual StoreResult<int> CountVerifyCodesSince(const std::string& target, int64_t since_ms) = 0;

  virtual StoreStatus PutRefreshToken(const RefreshToken& token) = 0;
  virtual StoreResult<RefreshToken> GetRefreshToken(const std::string& jti) = 0;
  virtual StoreStatus RevokeRefreshToken(const std::string& jti) = 0;
  // Revokes every refresh token of the user (password change or reset).
  virtual StoreStatus RevokeUserRefreshTokens(const std::string& uid) = 0;
};

// The enterprise catalogue (enterprise-api.md §2–§6): manufacturers and their server
// keys, products, protocol templates, product details, H5 templates and bindings,
// product authorizations, firmware rules, news, feedback, demo devices and console
// members. Changed by the enterprise routes (catalog/).
class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Manufacturers. Upsert keeps created_at_ms of an existing row.
  virtual StoreStatus UpsertManufacturer(const Manufacturer& m) = 0;
  virtual StoreResult<Manufacturer> GetManufacturer(const std::string& pid) = 0;
  // Sets (replaces) the server key hash; kNotFound for an unknown pid.
  virtual StoreStatus SetManufacturerServerKey(const std::string& pid,
                                               const std::string& key_hash) = 0;
  // kNotFound when no manufacturer has this (non-empty) hash.
  virtual StoreResult<Manufacturer> FindManufacturerByServerKey(const std::string& key_hash) = 0;

  // Products. CreateProduct: kConflict on mid, prodKey or ppk; kNotFound when the pid
  // has no manufacturer. UpdateProduct replaces every field but mid and created_at_ms.
  virtual StoreStatus CreateProduct(const Product& p) = 0;
  virtual StoreStatus UpdateProduct(const Product& p) = 0;
  virtual StoreResult<Product> GetProduct(const std::string& mid) = 0;
  virtual StoreResult<Product> FindProductByProdKey(const std::string& prod_key) = 0;
  virtual StoreResult<Product> FindProductByPublicKey(const std::string& ppk) = 0;
  // All products, or those of `pid` when given, ordered by mid.
  virtual StoreResult<std::vector<Product>> ListProducts(std::optional<std::string> pid) = 0;

  // Protocol templates, versioned per product. AddTemplate stores the next version
  // and returns its number; kNotFound when the product does not exist.
  virtual StoreResult<int> AddTemplate(const std::string& mid, const std::string& body_json,
                                       int64_t now_ms) = 0;
  // The highest version; kNotFound when the product has none.
  virtual StoreResult<ProtocolTemplate> GetCurrentTemplate(const std::string& mid) = 0;
  virtual StoreResult<ProtocolTemplate> GetTemplate(const std::string& mid, int version) = 0;
  // Every version, oldest first; empty when the product has none (or does not exist).
  virtual StoreResult<std::vector<ProtocolTemplate>> ListTemplates(const std::string& mid) = 0;

  // Catalogue (enterprise-api.md §2, §4.3, §6). PutProductDetails replaces the row of
  // d.mid (kNotFound without product); GetProductDetails → kNotFound when none was put.
  // DeleteProduct removes the product with its templates, details, H5 bindings and
  // authorizations; kConflict when devices of the product exist, kNotFound when unknown.
  virtual StoreStatus PutProductDetails(const ProductDetails& d) = 0;
  virtual StoreResult<ProductDetails> GetProductDetails(const std::string& mid) = 0;
  virtual StoreStatus DeleteProduct(const std::string& mid) = 0;
  // H5 templates: kConflict on an existing id, kNotFound for an unknown pid.
  virtual StoreStatus CreateH5Template(const H5Template& t) = 0;
  virtual StoreResult<H5Template> GetH5Template(const std::string& id) = 0;
  // Replaces h5_page, page_zip_url, version and md5 of template t.id (an uploaded
  // package, decision 0010); kNotFound for an unknown id.
  virtual StoreStatus UpdateH5Template(const H5Template& t) = 0;
  // One binding per (mid, platform), replaced; kNotFound for an unknown product or id.
  virtual StoreStatus BindProductH5(const std::string& mid, const std::string& platform,
                                    const std::string& h5_id) = 0;
  // The bound template; kNotFound when none is bound for that platform.
  virtual StoreResult<H5Template> GetProductH5(const std::string& mid,
                                               const std::string& platform) = 0;
  // Product authorizations (authorizedPids). Authorizing twice is OK; kNotFound for an
  // unknown product or pid. Lists are sorted.
  virtual StoreStatus AuthorizeProduct(const std::string& mid, const std::string& pid,
                                       int64_t at_ms) = 0;
  virtual StoreResult<std::vector<std::string>> ListProductAuthorizations(
      const std::string& mid) = 0;
  // Removes an authorization; removing one that does not exist is OK.
  virtual StoreStatus UnauthorizeProduct(const std::string& mid, const std::string& pid) = 0;
  // Products shared with `pid` by other enterprises, ordered by mid.
  virtual StoreResult<std::vector<Product>> ListAuthorizedProducts(const std::string& pid) = 0;

  // App-facing enterprise data (enterprise-api.md §3.1.3–§3.1.6; sqlite_store_external.cc).
  // PutFirmwareRule replaces the rule of (r.mid, r.bin_type); kNotFound for an unknown
  // product. ListFirmwareRules orders by bin_type (empty for an unknown product);
  // GetFirmwareRule → kNotFound when the product has no rule for that binType.
  virtual StoreStatus PutFirmwareRule(const FirmwareRule& r) = 0;
  virtual StoreResult<std::vector<FirmwareRule>> ListFirmwareRules(const std::string& mid) = 0;
  virtual StoreResult<FirmwareRule> GetFirmwareRule(const std::string& mid,
                                                    const std::string& bin_type) = 0;
  // News: CreateNews → kConflict on an existing id, kNotFound for an unknown pid.
  // ListNews orders newest first (update_time_ms, then id), `limit` from `offset`.
  virtual StoreStatus CreateNews(const NewsItem& n) = 0;
  virtual StoreResult<std::vector<NewsItem>> ListNews(const std::string& pid, int64_t offset,
                                                      int64_t limit) = 0;
  virtual StoreResult<int64_t> CountNews(const std::string& pid) = 0;
  // Feedback: AddFeedback returns the new id (f.id is ignored). ListFeedback: the
  // feedback filed under `pid`, newest first, `limit` from `offset`.
  virtual StoreResult<int64_t> AddFeedback(const Feedback& f) = 0;
  virtual StoreResult<std::vector<Feedback>> ListFeedback(const std::string& pid, int64_t offset,
                                                          int64_t limit) = 0;
  // Demo devices: ReplaceDemoDevices replaces the whole list of `pid` atomically (each
  // device's own pid is ignored); kNotFound for an unknown pid with a non-empty list.
  // ListDemoDevices keeps the order they were put in.
  virtual StoreStatus ReplaceDemoDevices(const std::string& pid,
                                         const std::vector<DemoDevice>& devices) = 0;
  virtual StoreResult<std::vector<DemoDevice>> ListDemoDevices(const std::string& pid) = 0;

  // Console members (sqlite_store_members.cc; rules in catalog/members.h).
  // PutConsoleMember inserts (pid, uid) or changes its role, keeping created_at_ms;
  // kNotFound when the pid has no manufacturer or the uid no account. DeleteConsoleMember:
  // kNotFound when (pid, uid) is no member. ListConsoleMembers orders by created_at_ms
  // then uid; ListMemberships (every enterprise of one account) by pid.
  [[nodiscard]] virtual StoreStatus PutConsoleMember(const ConsoleMember& m) = 0;
  [[nodiscard]] virtual StoreResult<ConsoleMember> GetConsoleMember(const std::string& pid,
                                                                    const std::string& uid) = 0;
  [[nodiscard]] virtual StoreStatus DeleteConsoleMember(const std::string& pid,
                                                        const std::string& uid) = 0;
  [[nodiscard]] virtual StoreResult<std::vector<ConsoleMember>> ListConsoleMembers(
      const std::string& pid) = 0;
  [[nodiscard]] virtual StoreResult<std::vector<ConsoleMember>> ListMemberships(
      const std::string& uid) = 0;
};

// Devices (hub-protocol.md, user-api.md §5.1): device rows and their tokens, online state
// and reports, binding to an owner, binding PINs and their results, short codes, import
// quotas, licences and the enterprise's device list. Changed by the hub, the binding
// routes (devices/) and the enterprise device routes.
class DeviceStore {
 public:
  virtual ~DeviceStore() = default;

  // Devices. CreateDevice: kConflict when the devTid exists, kNotFound without product
  // (or with an owner_uid that is not a user). Updates by devTid return kNotFound for an
  // unknown device.
  virtual StoreStatus CreateDevice(const Device& d) = 0;
  virtual StoreResult<Device> GetDevice(const std::string& dev_tid) = 0;
  // The device whose current ctrlKey this is; kNotFound when none.
  virtual StoreResult<Device> FindDeviceByCtrlKey(const std::string& ctrl_key) = 0;
  // Replaces both token hashes (a new token shifts the current one into last).
  virtual StoreStatus UpdateDeviceTokens(const std::string& dev_tid, const std::string& token_hash,
                                         const std::string& last_token_hash) = 0;
  // Sets online and last_seen_ms = at_ms; the first time a device comes online it also
  // sets first_login_ms.
  virtual StoreStatus SetDeviceOnline(const std::string& dev_tid, bool online, int64_t at_ms) = 0;
  // Marks every device offline (start-up after a crash: no session survives).
  virtual StoreStatus SetAllDevicesOffline() = 0;
  virtual StoreStatus SaveDeviceInfo(const std::string& dev_tid, const std::string& info_json) = 0;
  virtual StoreStatus SetDeviceName(const std::string& dev_tid, const std::string& name) = 0;
  // Revokes (or restores) a LICENSE device's licence; kNotFound for an unknown device.
  virtual StoreStatus SetDeviceLicenseRevoked(const std::string& dev_tid, bool revoked) = 0;
  virtual StoreStatus SaveDeviceState(const std::string& dev_tid, const std::string& state_json,
                                      int64_t at_ms) = 0;
  virtual StoreResult<std::vector<Device>> ListDevicesByOwner(const std::string& uid) = 0;

  // Binding. BindDevice: kConflict when bound to another user (re-binding to the same
  // user succeeds and keeps bound_at_ms), kNotFound for an unknown device or uid.
  // UnbindDevice removes the owner, every share, scheduler task and folder membership of the device
  // and sets `new_ctrl_key` (the ctrlKey rotates on unbind); kNotFound for an unknown
  // device. Moving a device to another owner (forceBind) is UnbindDevice + BindDevice
  // inside InTransaction.
  virtual StoreStatus BindDevice(const std::string& dev_tid, const std::string& uid,
                                 int64_t at_ms) = 0;
  virtual StoreStatus UnbindDevice(const std::string& dev_tid, const std::string& new_ctrl_key) = 0;

  // PIN binding (user-api.md §5.1.4). PutPinCode replaces the PIN of (uid, ssid), with
  // its results, and first drops every PIN that expired before `purge_before_ms`;
  // kConflict when another PIN has the same hash (the caller draws a new one), kNotFound
  // for an unknown uid. ListLivePinCodes: PINs of `ssid` not expired at `now_ms`.
  // PutBindResult records or replaces the outcome of (pin, devTid) but never replaces a
  // recorded 5200000; kNotFound for an unknown PIN or device. ListBindResults orders by
  // at_ms.
  virtual StoreStatus PutPinCode(const PinCode& pin, int64_t purge_before_ms) = 0;
  virtual StoreResult<PinCode> GetPinCode(const std::string& pin_hash) = 0;
  virtual StoreResult<std::vector<PinCode>> ListLivePinCodes(const std::string& ssid,
                                                             int64_t now_ms) = 0;
  virtual StoreStatus PutBindResult(const BindResult& r) = 0;
  virtual StoreResult<std::vector<BindResult>> ListBindResults(const std::string& pin_hash) = 0;

  // Short codes. AllocateShortCode: kConflict when the code is taken or the device has
  // one already, kNotFound for an unknown device. FindShortCode → the devTid;
  // GetDeviceShortCode → the code; both kNotFound when none.
  virtual StoreStatus AllocateShortCode(const std::string& short_code, const std::string& dev_tid,
                                        int64_t at_ms) = 0;
  virtual StoreResult<std::string> FindShortCode(const std::string& short_code) = 0;
  virtual StoreResult<std::string> GetDeviceShortCode(const std::string& dev_tid) = 0;
  virtual StoreResult<int64_t> CountShortCodes() = 0;

  // Quotas and licences (enterprise-api.md §4.2, E14–E16; sqlite_store_quotas.cc).
  // SetQuota sets q.total of (pid, mid, kind), keeping `used` of an existing row.
  // QuotaRemaining: what (pid, mid, kind) may still draw — the product's row plus the
  // "*" row (a missing row counts 0), Quota::kUnlimited when either is unlimited.
  // DrawQuota takes n units, the product's row first, then "*"; kConflict (nothing
  // drawn) when fewer remain. Inside InTransaction, check and draw are atomic.
  virtual StoreStatus SetQuota(const Quota& q) = 0;
  virtual StoreResult<std::vector<Quota>> ListQuotas(const std::string& pid) = 0;
  virtual StoreResult<int64_t> QuotaRemaining(const std::string& pid, const std::string& mid,
                                              const std::string& kind) = 0;
  virtual StoreStatus DrawQuota(const std::string& pid, const std::string& mid,
                                const std::string& kind, int64_t n) = 0;
  // Gives one unit back: to the product's row when it has used units, else to "*"
  // (unlimited rows count their use too); nothing when neither has any.
  virtual StoreStatus ReturnQuota(const std::string& pid, const std::string& mid,
                                  const std::string& kind) = 0;
  // Deletes a device and every row that hangs on it (shares, folder memberships, short
  // code, licence record, reverse-authorization and bind records); kNotFound if unknown.
  virtual StoreStatus DeleteDevice(const std::string& dev_tid) = 0;
  // Licence issue records (E14/E15): MarkLicenseIssued upserts (kNotFound for an unknown
  // device); IsLicenseIssued → false when none.
  virtual StoreStatus MarkLicenseIssued(const std::string& dev_tid, int64_t at_ms) = 0;
  virtual StoreResult<bool> IsLicenseIssued(const std::string& dev_tid) = 0;
  // devTids of the products `pid` owns or is authorized for (only `mid` when not empty;
  // only online or offline ones when `online` is set), by devTid, `limit` from `offset`.
  virtual StoreResult<std::vector<std::string>> ListEnterpriseDevices(const std::string& pid,
                                                                      const std::string& mid,
                                                                      std::optional<bool> online,
                                                                      int64_t offset,
                                                                      int64_t limit) = 0;
};

// What users see of devices they do not own, and how they arrange them (user-api.md
// §5.2–§5.4): shares, reverse-authorization templates and requests, folders. Rows here
// hang on devices and users: unbinding or deleting a device removes them (DeviceStore).
class ShareStore {
 public:
  virtual ~ShareStore() = default;

  // Shares. CreateShare returns the new id (s.id is ignored); kConflict on (devTid,
  // grantee); kNotFound for an unknown device, grantor or grantee. Lists are ordered
  // by id. An expired share is still returned: expiry is the caller's rule.
  virtual StoreResult<int64_t> CreateShare(const Share& s) = 0;
  // By id: replaces mode, instruction_expire_json, enable_scheduler, enable_ifttt,
  // desc, update_time_ms and expire_at_ms; kNotFound for an unknown id.
  virtual StoreStatus UpdateShare(const Share& s) = 0;
  virtual StoreResult<Share> GetShare(const std::string& dev_tid, const std::string& grantee) = 0;
  virtual StoreResult<std::vector<Share>> ListSharesByDevice(const std::string& dev_tid) = 0;
  virtual StoreResult<std::vector<Share>> ListSharesByGrantee(const std::string& uid) = 0;
  // Also takes the device out of the grantee's folders and deletes the grantee's
  // scheduler tasks on it; kNotFound when no such share.
  virtual StoreStatus DeleteShare(const std::string& dev_tid, const std::string& grantee) = 0;

  // Reverse authorization. Creates return kConflict on an existing id and kNotFound for
  // an unknown device; lists are ordered by creation time. UnbindDevice removes a
  // device's templates and requests.
  virtual StoreStatus CreateReverseTemplate(const ReverseTemplate& t) = 0;
  virtual StoreResult<ReverseTemplate> GetReverseTemplate(const std::string& id) = 0;
  virtual StoreResult<std::vector<ReverseTemplate>> ListReverseTemplates(
      const std::string& dev_tid) = 0;
  virtual StoreStatus CreateReverseRequest(const ReverseRequest& r) = 0;
  virtual StoreResult<ReverseRequest> GetReverseRequest(const std::string& register_id) = 0;
  virtual StoreResult<std::vector<ReverseRequest>> ListReverseRequests(
      const std::string& dev_tid) = 0;
  // kNotFound for an unknown id.
  virtual StoreStatus SetReverseRequestStatus(const std::string& register_id,
                                              const std::string& status) = 0;

  // Folders. CreateFolder: kConflict on (uid, name) or on an existing folder_id, which
  // the caller generates (unique across users; "" and "0" are refused with kFailed);
  // kNotFound for an unknown uid. ListFolders orders by created_at_ms. RenameFolder and
  // DeleteFolder return kNotFound unless the user has that folder ("0" included).
  // DeleteFolder moves its devices back to the root. SetDeviceFolder with folder "0"
  // puts the device in the root; kNotFound for an unknown device or a folder the user
  // does not have. The store does not check that the user may see the device.
  virtual StoreStatus CreateFolder(const Folder& f) = 0;
  virtual StoreResult<std::vector<Folder>> ListFolders(const std::string& uid) = 0;
  virtual StoreStatus RenameFolder(const std::string& uid, const std::string& folder_id,
                                   const std::string& name) = 0;
  virtual StoreStatus DeleteFolder(const std::string& uid, const std::string& folder_id) = 0;
  virtual StoreStatus SetDeviceFolder(const std::string& uid, const std::string& dev_tid,
                                      const std::string& folder_id) = 0;
  // devTids in the folder, sorted ("0" = root: the devices the user owns or has a
  // share of, in no other folder); kNotFound for a folder the user does not have.
  virtual StoreResult<std::vector<std::string>> ListFolderDevices(const std::string& uid,
                                                                  const std::string& folder_id) = 0;
};

// Scheduler tasks and their firings (user-api.md §5.5, issue 16). Tasks hang on a user
// and a device: deleting either deletes them (and their firings); UnbindDevice deletes
// every task of the device and DeleteShare the grantee's tasks on it.
class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Returns the new id (t.id is ignored; t.task_id is the caller's). kConflict on
  // (uid, devTid, taskId) or (uid, devTid, taskKey); kNotFound for an unknown uid/device.
  virtual StoreResult<int64_t> CreateTask(const SchedulerTask& t) = 0;
  // By id: replaces everything but id, uid, dev_tid, task_id, fire_count,
  // last_scheduled_ms and created_at_ms. kNotFound for an unknown id; kConflict on taskKey.
  virtual StoreStatus UpdateTask(const SchedulerTask& t) = 0;
  virtual StoreResult<SchedulerTask> GetTask(int64_t id) = 0;
  // A user's tasks on a device, by task_id.
  virtual StoreResult<std::vector<SchedulerTask>> ListTasks(const std::string& uid,
                                                            const std::string& dev_tid) = 0;
  // kNotFound for an unknown id.
  virtual StoreStatus DeleteTask(int64_t id) = 0;
  // Enabled, unexpired tasks with id > after_id in id order, at most `limit` (the
  // engine's start-up scan, page by page).
  virtual StoreResult<std::vector<SchedulerTask>> ScanActiveTasks(int64_t after_id, int limit) = 0;

  // Claims the firing (task, scheduled_ms) with `outcome` (CLAIMED before a send,
  // MISSED for one that will never be sent): inserts its row, sets the task's
  // last_scheduled_ms (and expired when `expire`), and keeps only the task's newest
  // `keep` firings. kConflict when that firing was already claimed; kNotFound when the
  // task is gone.
  virtual StoreStatus ClaimFiring(int64_t task_row, int64_t scheduled_ms,
                                  const std::string& outcome, int64_t now_ms, bool expire,
                                  int keep) = 0;
  // Gives a claimed firing its outcome; `counted` adds one to the task's fire_count.
  // kNotFound when no such firing (the task was deleted meanwhile).
  virtual StoreStatus FinishFiring(int64_t task_row, int64_t scheduled_ms,
                                   const std::string& outcome, int code, const std::string& desc,
                                   int64_t now_ms, bool counted) = 0;
  // Firings of the device's tasks, newest scheduled first: only `uid`'s ("" = every
  // user's), only task `task_id` (< 0 = all), `offset`/`limit` paging.
  virtual StoreResult<std::vector<TaskFiring>> ListFirings(const std::string& uid,
                                                           const std::string& dev_tid,
                                                           int64_t task_id, int offset,
                                                           int limit) = 0;
  // Firings still CLAIMED (a crash came between claim and outcome), oldest first.
  virtual StoreResult<std::vector<TaskFiring>> ListUnfinishedFirings() = 0;
};

// The whole store: every aggregate, plus what spans them (transactions, schema, WAL).
// Callers keep taking a Store&; implementations (SqliteStore, FaultStore) implement it all.
class Store : public AccountStore,
              public CatalogStore,
              public DeviceStore,
              public ShareStore,
              public TaskStore {
 public:
  ~Store() override = default;

  // Schema version of the open database (storage/migrations); -1 if it cannot be read.
  virtual int SchemaVersion() = 0;

  // Runs `body` inside one transaction: committed when it returns OK, rolled back
  // otherwise. `body` receives this store and must make its calls through it; other
  // threads' calls wait until the transaction ends. Transactions do not nest: a call
  // from inside `body` returns kFailed. A failing call inside `body` undoes only its
  // own changes; `body` decides whether to go on or to return the failure.
  virtual StoreStatus InTransaction(const std::function<StoreStatus(Store&)>& body) = 0;

  // Flushes the write-ahead log into the database (at shutdown).
  virtual StoreStatus Checkpoint() = 0;
};

struct StoreOptions {
  std::string path;            // SQLite file; ":memory:" for a private in-memory store
  int busy_timeout_ms = 5000;  // how long a statement waits for a lock held elsewhere
};

// Opens (creating if needed) and migrates the store. Fails when the file cannot be
// opened or its schema is newer than this binary.
StoreResult<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

}  // namespace krypton::storage

#endif  // KRYPTON_STORAGE_STORE_H_
