// `krypton admin device …`: pre-register devices, print their derived credentials
// (authKey / licence, enterprise-api.md §4.1), revoke or restore a licence. The
// enterprise API offers the same later (E14/E15).
#include <cstdio>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "auth/device_auth.h"
#include "common/clock.h"
#include "common/secrets.h"

namespace krypton::app {

int RunDeviceImport(const CommonOptions& common, const DeviceOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto product = store->GetProduct(options.mid);
  if (!product.ok()) return Fail("no product with mid " + options.mid);
  std::string out = "[";
  for (const std::string& dev_tid : options.dev_tids) {
    if (dev_tid.empty() || dev_tid.size() > 32) return Fail("devTid must be 1 to 32 characters");
    storage::Device d;
    d.dev_tid = dev_tid;
    d.mid = options.mid;
    d.bind_key = RandomHex(16);
    d.ctrl_key = RandomHex(16);
    d.registered = true;
    d.created_at_ms = SystemClock::Instance().NowMs();
    storage::StoreStatus s = store->CreateDevice(d);
    if (s.conflict()) return Fail("device " + dev_tid + " exists");
    if (!s.ok()) return Fail(s.ToString());
    out += (out.size() > 1 ? "," : "") +
           JsonObject().Add("devTid", d.dev_tid).Add("bindKey", d.bind_key).Finish();
    if (!common.json) std::cout << "imported " << dev_tid << " (bindKey " << d.bind_key << ")\n";
  }
  if (common.json) std::cout << out << "]\n";
  return 0;
}

int RunDeviceCredentials(const CommonOptions& common, const DeviceOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto product = store->GetProduct(options.mid);
  if (!product.ok()) return Fail("no product with mid " + options.mid);
  auto m = store->GetManufacturer(product->pid);
  if (!m.ok()) return Fail("no manufacturer " + product->pid);
  std::string out = "[";
  for (const std::string& dev_tid : options.dev_tids) {
    std::string auth_key = auth::DeriveAuthKey(m->auth_secret, dev_tid);
    std::string license = auth::DeriveLicense(m->license_secret, product->mid, dev_tid);
    out += (out.size() > 1 ? "," : "") + JsonObject()
                                             .Add("devTid", dev_tid)
                                             .Add("authKey", auth_key)
                                             .Add("license", license)
                                             .Finish();
    if (!common.json) {
      std::cout << dev_tid << "  authKey " << auth_key << "  license " << license << "\n";
    }
  }
  if (common.json) std::cout << out << "]\n";
  return 0;
}

int RunDeviceRevoke(const CommonOptions& common, const DeviceOptions& options, bool revoked) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  for (const std::string& dev_tid : options.dev_tids) {
    storage::StoreStatus s = store->SetDeviceLicenseRevoked(dev_tid, revoked);
    if (s.not_found()) return Fail("no device " + dev_tid);
    if (!s.ok()) return Fail(s.ToString());
    if (!common.json) std::cout << dev_tid << (revoked ? " revoked\n" : " restored\n");
  }
  if (common.json) std::cout << JsonObject().Add("revoked", revoked).Finish() << "\n";
  return 0;
}

int RunDeviceBind(const CommonOptions& common, const std::vector<std::string>& dev_tids,
                  const std::string& uid) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  int64_t now = SystemClock::Instance().NowMs();
  for (const std::string& dev_tid : dev_tids) {
    storage::StoreStatus s = store->BindDevice(dev_tid, uid, now);
    if (s.not_found()) return Fail("no device " + dev_tid + " or no user " + uid);
    if (s.conflict()) return Fail("device " + dev_tid + " is bound to another user");
    if (!s.ok()) return Fail(s.ToString());
    if (!common.json) std::cout << dev_tid << " bound to " << uid << "\n";
  }
  if (common.json) std::cout << JsonObject().Add("uid", uid).Add("bound", static_cast<int>(dev_tids.size())).Finish() << "\n";
  return 0;
}

int RunDeviceShow(const CommonOptions& common, const std::string& dev_tid) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto d = store->GetDevice(dev_tid);
  if (!d.ok()) return Fail("no device " + dev_tid);
  // Token hashes are never printed; ctrlKey and bindKey are (owners see them too).
  std::string json = JsonObject()
                         .Add("devTid", d->dev_tid)
                         .Add("mid", d->mid)
                         .Add("ctrlKey", d->ctrl_key)
                         .Add("bindKey", d->bind_key)
                         .Add("ownerUid", d->owner_uid)
                         .Add("online", d->online)
                         .Add("registered", d->registered)
                         .Add("licenseRevoked", d->license_revoked)
                         .Add("lastSeen", d->last_seen_ms)
                         .Add("firstLogin", d->first_login_ms)
                         .AddRaw("info", d->info_json)
                         .AddRaw("state", d->state_json)
                         .Add("stateAt", d->state_at_ms)
                         .Finish();
  std::cout << json << "\n";
  return 0;
}

}  // namespace krypton::app
