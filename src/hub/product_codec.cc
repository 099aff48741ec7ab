#include "hub/product_codec.h"

#include <spdlog/spdlog.h>

namespace krypton::hub {

std::shared_ptr<const ProductCodec> ProductCodecs::Get(const std::string& mid) {
  Status error;
  auto codec =
      cache_.Get(mid, &error, [this](const std::string& key, Status* e) { return Load(key, e); });
  if (!error.ok()) spdlog::error("product {}: cannot load its template: {}", mid, error.ToString());
  return codec;
}

std::shared_ptr<const ProductCodec> ProductCodecs::Load(const std::string& mid, Status* error) {
  auto product = store_.GetProduct(mid);
  if (!product.ok()) {
    if (!product.status().not_found()) {
      *error = Status(Code::kHubInternal).WithDetail(product.status().ToString());
    }
    return nullptr;
  }
  auto out = std::make_shared<ProductCodec>();
  out->mid = mid;
  out->check_mode = codec::ParseCheckMode(product->check_mode);
  out->decorate = product->decorate_dev_send;
  auto stored = store_.GetCurrentTemplate(mid);
  if (!stored.ok()) {
    if (!stored.status().not_found()) {
      *error = Status(Code::kHubInternal).WithDetail(stored.status().ToString());
      return nullptr;
    }
    return out;  // no template: no checks
  }
  Result<codec::Template> tpl =
      codec::ParseTemplate(stored->body_json, codec::ParseWorkMode(product->work_mode_type));
  if (!tpl.ok()) {
    spdlog::warn("product {}: template v{} does not parse, data passes unchecked: {}", mid,
                 stored->version, tpl.status().ToString());
    return out;
  }
  out->tpl = std::move(*tpl);
  out->version = stored->version;
  return out;
}

}  // namespace krypton::hub
