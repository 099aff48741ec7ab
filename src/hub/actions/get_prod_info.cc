// getProdInfo (§3.1): which hub a device should use, and its product's facts.
// getAppDomain (§1.6): the API domain for apps.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "catalog/catalog.h"
#include "hub/info_connection.h"

namespace krypton::hub {
namespace {

// templates-and-frames.md §2.2.
int WorkModeNumber(std::string_view work_mode) {
  if (work_mode == "JSON_TRANSPARENT") return 0;
  if (work_mode == "JSON_CTRL") return 1;
  if (work_mode == "TRANSPARENT48") return 2;
  if (work_mode == "JSON_TRANSPARENT_NOT_CHECK_RAW") return 3;
  if (work_mode == "TRANSPARENT48_V2") return 4;
  return 0;
}

}  // namespace

std::string DcInfoJson(const HubContext& ctx, bool with_timestamp) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  if (with_timestamp) {
    w.Key("opTimestamp");
    w.Int64(ctx.clock.NowMs());
  }
  for (const char* key : {"fromDC", "dc"}) {
    w.Key(key);
    w.String("krypton");
  }
  for (const char* key : {"area", "fromArea"}) {
    w.Key(key);
    w.String("local");
  }
  w.Key("domain");
  const std::string& domain = ctx.config.hub.public_domain;
  w.String(domain.data(), static_cast<rapidjson::SizeType>(domain.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void GetProdInfo(InfoConnection& conn, const Envelope& e) {
  // The identifiers' charset and length (common/identifiers.h), as on the device hub.
  auto dev_tid = RequiredId(e, "devTid", IdKind::kDevTid);
  if (!dev_tid.ok()) return conn.ReplyError(e, dev_tid.status());
  auto prod_key = RequiredId(e, "prodKey", IdKind::kProdKey);
  if (!prod_key.ok()) return conn.ReplyError(e, prod_key.status());

  HubContext& ctx = conn.ctx();
  auto product = ctx.store.FindProductByProdKey(std::string(*prod_key));
  if (!product.ok()) {
    return conn.ReplyError(
        e, Status(product.status().not_found() ? Code::kHubProductKeyInvalid : Code::kHubInternal));
  }
  if (product->pre_register) {
    auto device = ctx.store.GetDevice(std::string(*dev_tid));
    if (!device.ok() || device->mid != product->mid) {
      return conn.ReplyError(e, Status(Code::kHubDeviceNotFound));
    }
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("mid");
  w.String(product->mid.data(), static_cast<rapidjson::SizeType>(product->mid.size()));
  w.Key("workMode");
  w.Int(WorkModeNumber(product->work_mode_type));
  w.Key("tokenType");
  w.Int(catalog::DeviceAuthOf(*product) == catalog::DeviceAuth::kLicense ? 1 : 2);
  w.Key("serviceHost");
  w.String(ctx.public_host.data(), static_cast<rapidjson::SizeType>(ctx.public_host.size()));
  w.Key("servicePort");
  w.Int(ctx.public_device_port);
  w.Key("encryptType");
  w.String("None");
  w.Key("connectType");
  w.String("tcp");
  w.EndObject();
  conn.Reply(e, std::string_view(buf.GetString(), buf.GetSize()), DcInfoJson(ctx, false));
}

void GetAppDomain(InfoConnection& conn, const Envelope& e) {
  conn.Reply(e, {}, DcInfoJson(conn.ctx(), true));
}

}  // namespace krypton::hub
