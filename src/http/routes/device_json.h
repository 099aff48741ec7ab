// The Device object of the user API (user-api.md §5.1.1). Defined in devices.cc; also
// written by binding.cc, whose getNewDeviceList items add bindResultCode/bindResultMsg.
#ifndef KRYPTON_HTTP_ROUTES_DEVICE_JSON_H_
#define KRYPTON_HTTP_ROUTES_DEVICE_JSON_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

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

// Binds `device` to the caller once its bindKey (or short code) was verified — the QR
// rules of §5.1.2 (5400024, 5400028, 5400008, 5400013, force bind or 5400043); the
// app hub's access cache is invalidated. Returns the bound device.
Result<storage::Device> BindToCaller(ApiContext& ctx, const auth::TokenClaims& caller,
                                     const storage::Device& device, const std::string& name);
// The Device object as JSON text for `caller`.
std::string DeviceJsonFor(ApiContext& ctx, const storage::Device& d, const std::string& caller);

}  // namespace krypton::http

#endif  // KRYPTON_HTTP_ROUTES_DEVICE_JSON_H_
