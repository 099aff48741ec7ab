// The Device object of the user API (user-api.md §5.1.1). Defined in devices.cc; also
// written by binding.cc, whose getNewDeviceList items add bindResultCode/bindResultMsg,
// and short_codes.cc. Binding itself is the device domain's (devices/binding.h).
#ifndef KRYPTON_HTTP_ROUTES_DEVICE_JSON_H_
#define KRYPTON_HTTP_ROUTES_DEVICE_JSON_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "devices/devices.h"
#include "http/routes/api.h"

namespace krypton::http {

// bindResultCode / bindResultMsg of a getNewDeviceList item (D22); null elsewhere.
struct BindOutcome {
  int code = 0;
  std::string msg;
};

// `d` of product `p` as seen by `caller` (bindKey only for the owner), with `shares`
// shares and the URLs of the product's bound H5 templates (androidH5Page, iosH5Page,
// androidPageZipURL, iosPageZipURL; "" when none — looked up per call, so lists use
// their own per-product cache); `outcome` null in ordinary device lists.
void WriteDevice(const ApiContext& ctx, rapidjson::Writer<rapidjson::StringBuffer>& w,
                 const storage::Device& d, const storage::Product& p, const std::string& caller,
                 int shares, const BindOutcome* outcome = nullptr);

// The device domain's environment and caller for a user API call (devices/devices.h):
// the caller's pid is the pid its token is isolated to.
inline devices::Env DevicesEnv(ApiContext& ctx) { return {ctx.store, ctx.bus, ctx.config}; }
inline devices::Caller DevicesCaller(const api::Call& call) {
  return {call.uid(), call.claims().isolation};
}
// The Device object as JSON text for `caller`.
std::string DeviceJsonFor(ApiContext& ctx, const storage::Device& d, const std::string& caller);

}  // namespace krypton::http

#endif  // KRYPTON_HTTP_ROUTES_DEVICE_JSON_H_
