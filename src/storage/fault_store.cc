#include "storage/fault_store.h"

#include <algorithm>

namespace krypton::storage {
namespace {

// Sorted (binary search). Generated from store.h: every method that is not a read
// (Get…, Find…, List…, Count…, Is…, QuotaRemaining).
const std::vector<std::string_view> kWrites = {"AddFeedback",
                                               "AddTemplate",
                                               "AllocateShortCode",
                                               "AuthorizeProduct",
                                               "BindDevice",
                                               "BindProductH5",
                                               "ClaimFiring",
                                               "CreateDevice",
                                               "CreateFolder",
                                               "CreateH5Template",
                                               "CreateNews",
                                               "CreateProduct",
                                               "CreateReverseRequest",
                                               "CreateReverseTemplate",
                                               "CreateShare",
                                               "CreateTask",
                                               "CreateUser",
                                               "DeleteConsoleMember",
                                               "DeleteDevice",
                                               "DeleteFolder",
                                               "DeleteProduct",
                                               "DeleteShare",
                                               "DeleteTask",
                                               "DeleteVerifyCode",
                                               "DrawQuota",
                                               "FinishFiring",
                                               "MarkLicenseIssued",
                                               "PutBindResult",
                                               "PutConsoleMember",
                                               "PutFirmwareRule",
                                               "PutPinCode",
                                               "PutProductDetails",
                                               "PutRefreshToken",
                                               "PutVerifyCode",
                                               "RenameFolder",
                                               "ReplaceDemoDevices",
                                               "ReturnQuota",
                                               "RevokeRefreshToken",
                                               "RevokeUserRefreshTokens",
                                               "SaveDeviceInfo",
                                               "SaveDeviceState",
                                               "SetAllDevicesOffline",
                                               "SetDeviceFolder",
                                               "SetDeviceLicenseRevoked",
                                               "SetDeviceName",
                                               "SetDeviceOnline",
                                               "SetManufacturerServerKey",
                                               "SetQuota",
                                               "SetReverseRequestStatus",
                                               "UnauthorizeProduct",
                                               "UnbindDevice",
                                               "UpdateDeviceTokens",
                                               "UpdateH5Template",
                                               "UpdateProduct",
                                               "UpdateShare",
                                               "UpdateTask",
                                               "UpdateUserContact",
                                               "UpdateUserPassword",
                                               "UpdateUserProfile",
                                               "UpdateVerifyCode",
                                               "UpsertManufacturer"};

const std::vector<std::string_view> kMethods = {"AddFeedback",
                                                "AddTemplate",
                                                "AllocateShortCode",
                                                "AuthorizeProduct",
                                                "BindDevice",
                                                "BindProductH5",
                                                "ClaimFiring",
                                                "CountNews",
                                                "CountShortCodes",
                                                "CountVerifyCodesSince",
                                                "CreateDevice",
                                                "CreateFolder",
                                                "CreateH5Template",
                                                "CreateNews",
                                                "CreateProduct",
                                                "CreateReverseRequest",
                                                "CreateReverseTemplate",
                                                "CreateShare",
                                                "CreateTask",
                                                "CreateUser",
                                                "DeleteConsoleMember",
                                                "DeleteDevice",
                                                "DeleteFolder",
                                                "DeleteProduct",
                                                "DeleteShare",
                                                "DeleteTask",
                                                "DeleteVerifyCode",
                                                "DrawQuota",
                                                "FindDeviceByCtrlKey",
                                                "FindManufacturerByServerKey",
                                                "FindProductByProdKey",
                                                "FindProductByPublicKey",
                                                "FindShortCode",
                                                "FindUserByEmail",
                                                "FindUserByPhone",
                                                "FinishFiring",
                                                "GetConsoleMember",
                                                "GetCurrentTemplate",
                                                "GetDevice",
                                                "GetDeviceShortCode",
                                                "GetFirmwareRule",
                                                "GetH5Template",
                                                "GetLatestVerifyCode",
                                                "GetManufacturer",
                                                "GetPinCode",
                                                "GetProduct",
                                                "GetProductDetails",
                                                "GetProductH5",
                                                "GetRefreshToken",
                                                "GetReverseRequest",
                                                "GetReverseTemplate",
                                                "GetShare",
                                                "GetTask",
                                                "GetTemplate",
                                                "GetUser",
                                                "GetVerifyCode",
                                                "IsLicenseIssued",
                                                "ListAuthorizedProducts",
                                                "ListBindResults",
                                                "ListConsoleMembers",
                                                "ListDemoDevices",
                                                "ListDevicesByOwner",
                                                "ListEnterpriseDevices",
                                                "ListFeedback",
                                                "ListFirings",
                                                "ListFirmwareRules",
                                                "ListFolderDevices",
                                                "ListFolders",
                                                "ListLivePinCodes",
                                                "ListMemberships",
                                                "ListNews",
                                                "ListProductAuthorizations",
                                                "ListProducts",
                                                "ListQuotas",
                                                "ListReverseRequests",
                                                "ListReverseTemplates",
                                                "ListSharesByDevice",
                                                "ListSharesByGrantee",
                                                "ListTasks",
                                                "ListTemplates",
                                                "ListUnfinishedFirings",
                                                "MarkLicenseIssued",
                                                "PutBindResult",
                                                "PutConsoleMember",
                                                "PutFirmwareRule",
                                                "PutPinCode",
                                                "PutProductDetails",
                                                "PutRefreshToken",
                                                "PutVerifyCode",
                                                "QuotaRemaining",
                                                "RenameFolder",
                                                "ReplaceDemoDevices",
                                                "ReturnQuota",
                                                "RevokeRefreshToken",
                                                "RevokeUserRefreshTokens",
                                                "SaveDeviceInfo",
                                                "SaveDeviceState",
                                                "ScanActiveTasks",
                                                "SetAllDevicesOffline",
                                                "SetDeviceFolder",
                                                "SetDeviceLicenseRevoked",
                                                "SetDeviceName",
                                                "SetDeviceOnline",
                                                "SetManufacturerServerKey",
                                                "SetQuota",
                                                "SetReverseRequestStatus",
                                                "UnauthorizeProduct",
                                                "UnbindDevice",
                                                "UpdateDeviceTokens",
                                                "UpdateH5Template",
                                                "UpdateProduct",
                                                "UpdateShare",
                                                "UpdateTask",
                                                "UpdateUserContact",
                                                "UpdateUserPassword",
                                                "UpdateUserProfile",
                                                "UpdateVerifyCode",
                                                "UpsertManufacturer"};

}  // namespace

bool FaultStore::IsMethod(std::string_view method) {
  return std::binary_search(kMethods.begin(), kMethods.end(), method);
}

bool FaultStore::IsWrite(std::string_view method) {
  return std::binary_search(kWrites.begin(), kWrites.end(), method);
}

const std::vector<std::string_view>& FaultStore::WriteMethods() { return kWrites; }

void FaultStore::FailCalls(std::string method, int64_t skip) {
  std::lock_guard lock(mu_);
  mode_ = Mode::kMethod;
  method_ = std::move(method);
  skip_ = skip;
}

void FaultStore::FailWrites(int64_t skip) {
  std::lock_guard lock(mu_);
  mode_ = Mode::kWrites;
  method_.clear();
  skip_ = skip;
}

void FaultStore::Disarm() {
  std::lock_guard lock(mu_);
  mode_ = Mode::kOff;
  method_.clear();
  skip_ = 0;
}

int64_t FaultStore::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

int64_t FaultStore::writes() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(write_log_.size());
}

std::vector<std::string> FaultStore::write_log() const {
  std::lock_guard lock(mu_);
  return write_log_;
}

void FaultStore::ClearLog() {
  std::lock_guard lock(mu_);
  write_log_.clear();
}

std::optional<StoreStatus> FaultStore::Inject(std::string_view method) {
  std::lock_guard lock(mu_);
  bool write = IsWrite(method);
  if (write) write_log_.emplace_back(method);
  bool matches = (mode_ == Mode::kMethod && method == method_) || (mode_ == Mode::kWrites && write);
  if (!matches) return std::nullopt;
  if (skip_ > 0) {
    --skip_;
    return std::nullopt;
  }
  ++injected_;
  return StoreStatus::Failed("injected: " + std::string(method));
}

int FaultStore::SchemaVersion() { return base_.SchemaVersion(); }

StoreStatus FaultStore::InTransaction(const std::function<StoreStatus(Store&)>& body) {
  // The body talks to this store, so the rules apply inside the transaction too; the
  // base store's transaction rolls back whatever it wrote when it returns a failure.
  return base_.InTransaction([&](Store&) -> StoreStatus {
    StoreStatus s = body(*this);
    if (!s.ok()) return s;
    if (std::optional<StoreStatus> f = Inject("InTransaction")) return *f;  // commit fails
    return s;
  });
}

StoreStatus FaultStore::Checkpoint() {
  if (std::optional<StoreStatus> f = Inject("Checkpoint")) return *f;
  return base_.Checkpoint();
}

// ---- Forwarding (one per Store method) -------------------------------------------------

StoreStatus FaultStore::CreateUser(const User& user) {
  if (auto f = Inject("CreateUser")) return *f;
  return base_.CreateUser(user);
}

StoreResult<User> FaultStore::GetUser(const std::string& uid) {
  if (auto f = Inject("GetUser")) return *f;
  return base_.GetUser(uid);
}

StoreResult<User> FaultStore::FindUserByEmail(const std::string& pid, const std::string& email) {
  if (auto f = Inject("FindUserByEmail")) return *f;
  return base_.FindUserByEmail(pid, email);
}

StoreResult<User> FaultStore::FindUserByPhone(const std::string& pid, const std::string& phone) {
  if (auto f = Inject("FindUserByPhone")) return *f;
  return base_.FindUserByPhone(pid, phone);
}

StoreStatus FaultStore::UpdateUserPassword(const std::string& uid, const std::string& hash) {
  if (auto f = Inject("UpdateUserPassword")) return *f;
  return base_.UpdateUserPassword(uid, hash);
}

StoreStatus FaultStore::UpdateUserProfile(const std::string& uid, const std::string& json) {
  if (auto f = Inject("UpdateUserProfile")) return *f;
  return base_.UpdateUserProfile(uid, json);
}

StoreStatus FaultStore::UpdateUserContact(const std::string& uid, const std::string& phone,
                                          const std::string& email, bool email_verified) {
  if (auto f = Inject("UpdateUserContact")) return *f;
  return base_.UpdateUserContact(uid, phone, email, email_verified);
}

StoreStatus FaultStore::PutVerifyCode(const VerifyCode& code) {
  if (auto f = Inject("PutVerifyCode")) return *f;
  return base_.PutVerifyCode(code);
}

StoreResult<VerifyCode> FaultStore::GetVerifyCode(const std::string& pid, const std::string& target,
                                                  const std::string& purpose) {
  if (auto f = Inject("GetVerifyCode")) return *f;
  return base_.GetVerifyCode(pid, target, purpose);
}

StoreResult<VerifyCode> FaultStore::GetLatestVerifyCode(const std::string& pid,
                                                        const std::string& target) {
  if (auto f = Inject("GetLatestVerifyCode")) return *f;
  return base_.GetLatestVerifyCode(pid, target);
}

StoreStatus FaultStore::UpdateVerifyCode(const VerifyCode& code) {
  if (auto f = Inject("UpdateVerifyCode")) return *f;
  return base_.UpdateVerifyCode(code);
}

StoreStatus FaultStore::DeleteVerifyCode(const std::string& pid, const std::string& target,
                                         const std::string& purpose) {
  if (auto f = Inject("DeleteVerifyCode")) return *f;
  return base_.DeleteVerifyCode(pid, target, purpose);
}

StoreResult<int> FaultStore::CountVerifyCodesSince(const std::string& target, int64_t since_ms) {
  if (auto f = Inject("CountVerifyCodesSince")) return *f;
  return base_.CountVerifyCodesSince(target, since_ms);
}

StoreStatus FaultStore::PutRefreshToken(const RefreshToken& token) {
  if (auto f = Inject("PutRefreshToken")) return *f;
  return base_.PutRefreshToken(token);
}

StoreResult<RefreshToken> FaultStore::GetRefreshToken(const std::string& jti) {
  if (auto f = Inject("GetRefreshToken")) return *f;
  return base_.GetRefreshToken(jti);
}

StoreStatus FaultStore::RevokeRefreshToken(const std::string& jti) {
  if (auto f = Inject("RevokeRefreshToken")) return *f;
  return base_.RevokeRefreshToken(jti);
}

StoreStatus FaultStore::RevokeUserRefreshTokens(const std::string& uid) {
  if (auto f = Inject("RevokeUserRefreshTokens")) return *f;
  return base_.RevokeUserRefreshTokens(uid);
}

StoreStatus FaultStore::UpsertManufacturer(const Manufacturer& m) {
  if (auto f = Inject("UpsertManufacturer")) return *f;
  return base_.UpsertManufacturer(m);
}

StoreResult<Manufacturer> FaultStore::GetManufacturer(const std::string& pid) {
  if (auto f = Inject("GetManufacturer")) return *f;
  return base_.GetManufacturer(pid);
}

StoreStatus FaultStore::SetManufacturerServerKey(const std::string& pid,
                                                 const std::string& key_hash) {
  if (auto f = Inject("SetManufacturerServerKey")) return *f;
  return base_.SetManufacturerServerKey(pid, key_hash);
}

StoreResult<Manufacturer> FaultStore::FindManufacturerByServerKey(const std::string& key_hash) {
  if (auto f = Inject("FindManufacturerByServerKey")) return *f;
  return base_.FindManufacturerByServerKey(key_hash);
}

StoreStatus FaultStore::CreateProduct(const Product& p) {
  if (auto f = Inject("CreateProduct")) return *f;
  return base_.CreateProduct(p);
}

StoreStatus FaultStore::UpdateProduct(const Product& p) {
  if (auto f = Inject("UpdateProduct")) return *f;
  return base_.UpdateProduct(p);
}

StoreResult<Product> FaultStore::GetProduct(const std::string& mid) {
  if (auto f = Inject("GetProduct")) return *f;
  return base_.GetProduct(mid);
}

StoreResult<Product> FaultStore::FindProductByProdKey(const std::string& prod_key) {
  if (auto f = Inject("FindProductByProdKey")) return *f;
  return base_.FindProductByProdKey(prod_key);
}

StoreResult<Product> FaultStore::FindProductByPublicKey(const std::string& ppk) {
  if (auto f = Inject("FindProductByPublicKey")) return *f;
  return base_.FindProductByPublicKey(ppk);
}

StoreResult<std::vector<Product>> FaultStore::ListProducts(std::optional<std::string> pid) {
  if (auto f = Inject("ListProducts")) return *f;
  return base_.ListProducts(pid);
}

StoreResult<int> FaultStore::AddTemplate(const std::string& mid, const std::string& body_json,
                                         int64_t now_ms) {
  if (auto f = Inject("AddTemplate")) return *f;
  return base_.AddTemplate(mid, body_json, now_ms);
}

StoreResult<ProtocolTemplate> FaultStore::GetCurrentTemplate(const std::string& mid) {
  if (auto f = Inject("GetCurrentTemplate")) return *f;
  return base_.GetCurrentTemplate(mid);
}

StoreResult<ProtocolTemplate> FaultStore::GetTemplate(const std::string& mid, int version) {
  if (auto f = Inject("GetTemplate")) return *f;
  return base_.GetTemplate(mid, version);
}

StoreResult<std::vector<ProtocolTemplate>> FaultStore::ListTemplates(const std::string& mid) {
  if (auto f = Inject("ListTemplates")) return *f;
  return base_.ListTemplates(mid);
}

StoreStatus FaultStore::PutProductDetails(const ProductDetails& d) {
  if (auto f = Inject("PutProductDetails")) return *f;
  return base_.PutProductDetails(d);
}

StoreResult<ProductDetails> FaultStore::GetProductDetails(const std::string& mid) {
  if (auto f = Inject("GetProductDetails")) return *f;
  return base_.GetProductDetails(mid);
}

StoreStatus FaultStore::DeleteProduct(const std::string& mid) {
  if (auto f = Inject("DeleteProduct")) return *f;
  return base_.DeleteProduct(mid);
}

StoreStatus FaultStore::CreateH5Template(const H5Template& t) {
  if (auto f = Inject("CreateH5Template")) return *f;
  return base_.CreateH5Template(t);
}

StoreResult<H5Template> FaultStore::GetH5Template(const std::string& id) {
  if (auto f = Inject("GetH5Template")) return *f;
  return base_.GetH5Template(id);
}

StoreStatus FaultStore::UpdateH5Template(const H5Template& t) {
  if (auto f = Inject("UpdateH5Template")) return *f;
  return base_.UpdateH5Template(t);
}

StoreStatus FaultStore::BindProductH5(const std::string& mid, const std::string& platform,
                                      const std::string& h5_id) {
  if (auto f = Inject("BindProductH5")) return *f;
  return base_.BindProductH5(mid, platform, h5_id);
}

StoreResult<H5Template> FaultStore::GetProductH5(const std::string& mid,
                                                 const std::string& platform) {
  if (auto f = Inject("GetProductH5")) return *f;
  return base_.GetProductH5(mid, platform);
}

StoreStatus FaultStore::AuthorizeProduct(const std::string& mid, const std::string& pid,
                                         int64_t at_ms) {
  if (auto f = Inject("AuthorizeProduct")) return *f;
  return base_.AuthorizeProduct(mid, pid, at_ms);
}

StoreResult<std::vector<std::string>> FaultStore::ListProductAuthorizations(
    const std::string& mid) {
  if (auto f = Inject("ListProductAuthorizations")) return *f;
  return base_.ListProductAuthorizations(mid);
}

StoreStatus FaultStore::UnauthorizeProduct(const std::string& mid, const std::string& pid) {
  if (auto f = Inject("UnauthorizeProduct")) return *f;
  return base_.UnauthorizeProduct(mid, pid);
}

StoreResult<std::vector<Product>> FaultStore::ListAuthorizedProducts(const std::string& pid) {
  if (auto f = Inject("ListAuthorizedProducts")) return *f;
  return base_.ListAuthorizedProducts(pid);
}

StoreStatus FaultStore::PutFirmwareRule(const FirmwareRule& r) {
  if (auto f = Inject("PutFirmwareRule")) return *f;
  return base_.PutFirmwareRule(r);
}

StoreResult<std::vector<FirmwareRule>> FaultStore::ListFirmwareRules(const std::string& mid) {
  if (auto f = Inject("ListFirmwareRules")) return *f;
  return base_.ListFirmwareRules(mid);
}

StoreResult<FirmwareRule> FaultStore::GetFirmwareRule(const std::string& mid,
                                                      const std::string& bin_type) {
  if (auto f = Inject("GetFirmwareRule")) return *f;
  return base_.GetFirmwareRule(mid, bin_type);
}

StoreStatus FaultStore::CreateNews(const NewsItem& n) {
  if (auto f = Inject("CreateNews")) return *f;
  return base_.CreateNews(n);
}

StoreResult<std::vector<NewsItem>> FaultStore::ListNews(const std::string& pid, int64_t offset,
                                                        int64_t limit) {
  if (auto f = Inject("ListNews")) return *f;
  return base_.ListNews(pid, offset, limit);
}

StoreResult<int64_t> FaultStore::CountNews(const std::string& pid) {
  if (auto f = Inject("CountNews")) return *f;
  return base_.CountNews(pid);
}

StoreResult<int64_t> FaultStore::AddFeedback(const Feedback& f) {
  if (auto f = Inject("AddFeedback")) return *f;
  return base_.AddFeedback(f);
}

StoreResult<std::vector<Feedback>> FaultStore::ListFeedback(const std::string& pid, int64_t offset,
                                                            int64_t limit) {
  if (auto f = Inject("ListFeedback")) return *f;
  return base_.ListFeedback(pid, offset, limit);
}

StoreStatus FaultStore::ReplaceDemoDevices(const std::string& pid,
                                           const std::vector<DemoDevice>& devices) {
  if (auto f = Inject("ReplaceDemoDevices")) return *f;
  return base_.ReplaceDemoDevices(pid, devices);
}

StoreResult<std::vector<DemoDevice>> FaultStore::ListDemoDevices(const std::string& pid) {
  if (auto f = Inject("ListDemoDevices")) return *f;
  return base_.ListDemoDevices(pid);
}

StoreStatus FaultStore::PutConsoleMember(const ConsoleMember& m) {
  if (auto f = Inject("PutConsoleMember")) return *f;
  return base_.PutConsoleMember(m);
}

StoreResult<ConsoleMember> FaultStore::GetConsoleMember(const std::string& pid,
                                                        const std::string& uid) {
  if (auto f = Inject("GetConsoleMember")) return *f;
  return base_.GetConsoleMember(pid, uid);
}

StoreStatus FaultStore::DeleteConsoleMember(const std::string& pid, const std::string& uid) {
  if (auto f = Inject("DeleteConsoleMember")) return *f;
  return base_.DeleteConsoleMember(pid, uid);
}

StoreResult<std::vector<ConsoleMember>> FaultStore::ListConsoleMembers(const std::string& pid) {
  if (auto f = Inject("ListConsoleMembers")) return *f;
  return base_.ListConsoleMembers(pid);
}

StoreResult<std::vector<ConsoleMember>> FaultStore::ListMemberships(const std::string& uid) {
  if (auto f = Inject("ListMemberships")) return *f;
  return base_.ListMemberships(uid);
}

StoreStatus FaultStore::CreateDevice(const Device& d) {
  if (auto f = Inject("CreateDevice")) return *f;
  return base_.CreateDevice(d);
}

StoreResult<Device> FaultStore::GetDevice(const std::string& dev_tid) {
  if (auto f = Inject("GetDevice")) return *f;
  return base_.GetDevice(dev_tid);
}

StoreResult<Device> FaultStore::FindDeviceByCtrlKey(const std::string& ctrl_key) {
  if (auto f = Inject("FindDeviceByCtrlKey")) return *f;
  return base_.FindDeviceByCtrlKey(ctrl_key);
}

StoreStatus FaultStore::UpdateDeviceTokens(const std::string& dev_tid,
                                           const std::string& token_hash,
                                           const std::string& last_token_hash) {
  if (auto f = Inject("UpdateDeviceTokens")) return *f;
  return base_.UpdateDeviceTokens(dev_tid, token_hash, last_token_hash);
}

StoreStatus FaultStore::SetDeviceOnline(const std::string& dev_tid, bool online, int64_t at_ms) {
  if (auto f = Inject("SetDeviceOnline")) return *f;
  return base_.SetDeviceOnline(dev_tid, online, at_ms);
}

StoreStatus FaultStore::SetAllDevicesOffline() {
  if (auto f = Inject("SetAllDevicesOffline")) return *f;
  return base_.SetAllDevicesOffline();
}

StoreStatus FaultStore::SaveDeviceInfo(const std::string& dev_tid, const std::string& info_json) {
  if (auto f = Inject("SaveDeviceInfo")) return *f;
  return base_.SaveDeviceInfo(dev_tid, info_json);
}

StoreStatus FaultStore::SetDeviceName(const std::string& dev_tid, const std::string& name) {
  if (auto f = Inject("SetDeviceName")) return *f;
  return base_.SetDeviceName(dev_tid, name);
}

StoreStatus FaultStore::SetDeviceLicenseRevoked(const std::string& dev_tid, bool revoked) {
  if (auto f = Inject("SetDeviceLicenseRevoked")) return *f;
  return base_.SetDeviceLicenseRevoked(dev_tid, revoked);
}

StoreStatus FaultStore::SaveDeviceState(const std::string& dev_tid, const std::string& state_json,
                                        int64_t at_ms) {
  if (auto f = Inject("SaveDeviceState")) return *f;
  return base_.SaveDeviceState(dev_tid, state_json, at_ms);
}

StoreResult<std::vector<Device>> FaultStore::ListDevicesByOwner(const std::string& uid) {
  if (auto f = Inject("ListDevicesByOwner")) return *f;
  return base_.ListDevicesByOwner(uid);
}

StoreStatus FaultStore::BindDevice(const std::string& dev_tid, const std::string& uid,
                                   int64_t at_ms) {
  if (auto f = Inject("BindDevice")) return *f;
  return base_.BindDevice(dev_tid, uid, at_ms);
}

StoreStatus FaultStore::UnbindDevice(const std::string& dev_tid, const std::string& new_ctrl_key) {
  if (auto f = Inject("UnbindDevice")) return *f;
  return base_.UnbindDevice(dev_tid, new_ctrl_key);
}

StoreStatus FaultStore::PutPinCode(const PinCode& pin, int64_t purge_before_ms) {
  if (auto f = Inject("PutPinCode")) return *f;
  return base_.PutPinCode(pin, purge_before_ms);
}

StoreResult<PinCode> FaultStore::GetPinCode(const std::string& pin_hash) {
  if (auto f = Inject("GetPinCode")) return *f;
  return base_.GetPinCode(pin_hash);
}

StoreResult<std::vector<PinCode>> FaultStore::ListLivePinCodes(const std::string& ssid,
                                                               int64_t now_ms) {
  if (auto f = Inject("ListLivePinCodes")) return *f;
  return base_.ListLivePinCodes(ssid, now_ms);
}

StoreStatus FaultStore::PutBindResult(const BindResult& r) {
  if (auto f = Inject("PutBindResult")) return *f;
  return base_.PutBindResult(r);
}

StoreResult<std::vector<BindResult>> FaultStore::ListBindResults(const std::string& pin_hash) {
  if (auto f = Inject("ListBindResults")) return *f;
  return base_.ListBindResults(pin_hash);
}

StoreStatus FaultStore::AllocateShortCode(const std::string& short_code, const std::string& dev_tid,
                                          int64_t at_ms) {
  if (auto f = Inject("AllocateShortCode")) return *f;
  return base_.AllocateShortCode(short_code, dev_tid, at_ms);
}

StoreResult<std::string> FaultStore::FindShortCode(const std::string& short_code) {
  if (auto f = Inject("FindShortCode")) return *f;
  return base_.FindShortCode(short_code);
}

StoreResult<std::string> FaultStore::GetDeviceShortCode(const std::string& dev_tid) {
  if (auto f = Inject("GetDeviceShortCode")) return *f;
  return base_.GetDeviceShortCode(dev_tid);
}

StoreResult<int64_t> FaultStore::CountShortCodes() {
  if (auto f = Inject("CountShortCodes")) return *f;
  return base_.CountShortCodes();
}

StoreStatus FaultStore::SetQuota(const Quota& q) {
  if (auto f = Inject("SetQuota")) return *f;
  return base_.SetQuota(q);
}

StoreResult<std::vector<Quota>> FaultStore::ListQuotas(const std::string& pid) {
  if (auto f = Inject("ListQuotas")) return *f;
  return base_.ListQuotas(pid);
}

StoreResult<int64_t> FaultStore::QuotaRemaining(const std::string& pid, const std::string& mid,
                                                const std::string& kind) {
  if (auto f = Inject("QuotaRemaining")) return *f;
  return base_.QuotaRemaining(pid, mid, kind);
}

StoreStatus FaultStore::DrawQuota(const std::string& pid, const std::string& mid,
                                  const std::string& kind, int64_t n) {
  if (auto f = Inject("DrawQuota")) return *f;
  return base_.DrawQuota(pid, mid, kind, n);
}

StoreStatus FaultStore::ReturnQuota(const std::string& pid, const std::string& mid,
                                    const std::string& kind) {
  if (auto f = Inject("ReturnQuota")) return *f;
  return base_.ReturnQuota(pid, mid, kind);
}

StoreStatus FaultStore::DeleteDevice(const std::string& dev_tid) {
  if (auto f = Inject("DeleteDevice")) return *f;
  return base_.DeleteDevice(dev_tid);
}

StoreStatus FaultStore::MarkLicenseIssued(const std::string& dev_tid, int64_t at_ms) {
  if (auto f = Inject("MarkLicenseIssued")) return *f;
  return base_.MarkLicenseIssued(dev_tid, at_ms);
}

StoreResult<bool> FaultStore::IsLicenseIssued(const std::string& dev_tid) {
  if (auto f = Inject("IsLicenseIssued")) return *f;
  return base_.IsLicenseIssued(dev_tid);
}

StoreResult<std::vector<std::string>> FaultStore::ListEnterpriseDevices(const std::string& pid,
                                                                        const std::string& mid,
                                                                        std::optional<bool> online,
                                                                        int64_t offset,
                                                                        int64_t limit) {
  if (auto f = Inject("ListEnterpriseDevices")) return *f;
  return base_.ListEnterpriseDevices(pid, mid, online, offset, limit);
}

StoreResult<int64_t> FaultStore::CreateShare(const Share& s) {
  if (auto f = Inject("CreateShare")) return *f;
  return base_.CreateShare(s);
}

StoreStatus FaultStore::UpdateShare(const Share& s) {
  if (auto f = Inject("UpdateShare")) return *f;
  return base_.UpdateShare(s);
}

StoreResult<Share> FaultStore::GetShare(const std::string& dev_tid, const std::string& grantee) {
  if (auto f = Inject("GetShare")) return *f;
  return base_.GetShare(dev_tid, grantee);
}

StoreResult<std::vector<Share>> FaultStore::ListSharesByDevice(const std::string& dev_tid) {
  if (auto f = Inject("ListSharesByDevice")) return *f;
  return base_.ListSharesByDevice(dev_tid);
}

StoreResult<std::vector<Share>> FaultStore::ListSharesByGrantee(const std::string& uid) {
  if (auto f = Inject("ListSharesByGrantee")) return *f;
  return base_.ListSharesByGrantee(uid);
}

StoreStatus FaultStore::DeleteShare(const std::string& dev_tid, const std::string& grantee) {
  if (auto f = Inject("DeleteShare")) return *f;
  return base_.DeleteShare(dev_tid, grantee);
}

StoreStatus FaultStore::CreateReverseTemplate(const ReverseTemplate& t) {
  if (auto f = Inject("CreateReverseTemplate")) return *f;
  return base_.CreateReverseTemplate(t);
}

StoreResult<ReverseTemplate> FaultStore::GetReverseTemplate(const std::string& id) {
  if (auto f = Inject("GetReverseTemplate")) return *f;
  return base_.GetReverseTemplate(id);
}

StoreResult<std::vector<ReverseTemplate>> FaultStore::ListReverseTemplates(
    const std::string& dev_tid) {
  if (auto f = Inject("ListReverseTemplates")) return *f;
  return base_.ListReverseTemplates(dev_tid);
}

StoreStatus FaultStore::CreateReverseRequest(const ReverseRequest& r) {
  if (auto f = Inject("CreateReverseRequest")) return *f;
  return base_.CreateReverseRequest(r);
}

StoreResult<ReverseRequest> FaultStore::GetReverseRequest(const std::string& register_id) {
  if (auto f = Inject("GetReverseRequest")) return *f;
  return base_.GetReverseRequest(register_id);
}

StoreResult<std::vector<ReverseRequest>> FaultStore::ListReverseRequests(
    const std::string& dev_tid) {
  if (auto f = Inject("ListReverseRequests")) return *f;
  return base_.ListReverseRequests(dev_tid);
}

StoreStatus FaultStore::SetReverseRequestStatus(const std::string& register_id,
                                                const std::string& status) {
  if (auto f = Inject("SetReverseRequestStatus")) return *f;
  return base_.SetReverseRequestStatus(register_id, status);
}

StoreStatus FaultStore::CreateFolder(const Folder& f) {
  if (auto f = Inject("CreateFolder")) return *f;
  return base_.CreateFolder(f);
}

StoreResult<std::vector<Folder>> FaultStore::ListFolders(const std::string& uid) {
  if (auto f = Inject("ListFolders")) return *f;
  return base_.ListFolders(uid);
}

StoreStatus FaultStore::RenameFolder(const std::string& uid, const std::string& folder_id,
                                     const std::string& name) {
  if (auto f = Inject("RenameFolder")) return *f;
  return base_.RenameFolder(uid, folder_id, name);
}

StoreStatus FaultStore::DeleteFolder(const std::string& uid, const std::string& folder_id) {
  if (auto f = Inject("DeleteFolder")) return *f;
  return base_.DeleteFolder(uid, folder_id);
}

StoreStatus FaultStore::SetDeviceFolder(const std::string& uid, const std::string& dev_tid,
                                        const std::string& folder_id) {
  if (auto f = Inject("SetDeviceFolder")) return *f;
  return base_.SetDeviceFolder(uid, dev_tid, folder_id);
}

StoreResult<std::vector<std::string>> FaultStore::ListFolderDevices(const std::string& uid,
                                                                    const std::string& folder_id) {
  if (auto f = Inject("ListFolderDevices")) return *f;
  return base_.ListFolderDevices(uid, folder_id);
}

// TaskStore

StoreResult<int64_t> FaultStore::CreateTask(const SchedulerTask& t) {
  if (auto f = Inject("CreateTask")) return *f;
  return base_.CreateTask(t);
}

StoreStatus FaultStore::UpdateTask(const SchedulerTask& t) {
  if (auto f = Inject("UpdateTask")) return *f;
  return base_.UpdateTask(t);
}

StoreResult<SchedulerTask> FaultStore::GetTask(int64_t id) {
  if (auto f = Inject("GetTask")) return *f;
  return base_.GetTask(id);
}

StoreResult<std::vector<SchedulerTask>> FaultStore::ListTasks(const std::string& uid,
                                                              const std::string& dev_tid) {
  if (auto f = Inject("ListTasks")) return *f;
  return base_.ListTasks(uid, dev_tid);
}

StoreStatus FaultStore::DeleteTask(int64_t id) {
  if (auto f = Inject("DeleteTask")) return *f;
  return base_.DeleteTask(id);
}

StoreResult<std::vector<SchedulerTask>> FaultStore::ScanActiveTasks(int64_t after_id, int limit) {
  if (auto f = Inject("ScanActiveTasks")) return *f;
  return base_.ScanActiveTasks(after_id, limit);
}

StoreStatus FaultStore::ClaimFiring(int64_t task_row, int64_t scheduled_ms,
                                    const std::string& outcome, int64_t now_ms, bool expire,
                                    int keep) {
  if (auto f = Inject("ClaimFiring")) return *f;
  return base_.ClaimFiring(task_row, scheduled_ms, outcome, now_ms, expire, keep);
}

StoreStatus FaultStore::FinishFiring(int64_t task_row, int64_t scheduled_ms,
                                     const std::string& outcome, int code, const std::string& desc,
                                     int64_t now_ms, bool counted) {
  if (auto f = Inject("FinishFiring")) return *f;
  return base_.FinishFiring(task_row, scheduled_ms, outcome, code, desc, now_ms, counted);
}

StoreResult<std::vector<TaskFiring>> FaultStore::ListFirings(const std::string& uid,
                                                             const std::string& dev_tid,
                                                             int64_t task_id, int offset,
                                                             int limit) {
  if (auto f = Inject("ListFirings")) return *f;
  return base_.ListFirings(uid, dev_tid, task_id, offset, limit);
}

StoreResult<std::vector<TaskFiring>> FaultStore::ListUnfinishedFirings() {
  if (auto f = Inject("ListUnfinishedFirings")) return *f;
  return base_.ListUnfinishedFirings();
}

}  // namespace krypton::storage
