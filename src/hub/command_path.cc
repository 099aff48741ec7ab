#include "hub/command_path.h"

namespace krypton::hub {

Result<PreparedData> PrepareData(HubContext& ctx, const std::string& mid,
                                 const std::string& data_json, uint32_t frame_no) {
  PreparedData out;
  auto product = ctx.codecs.Get(mid);
  if (!product || !product->tpl) return out;
  auto p = codec::PrepareAppCommand(*product->tpl, data_json, product->check_mode, frame_no);
  if (!p.ok()) return p.status();
  out.product = std::move(product);
  out.command = p->command;
  if (p->data_json != data_json) out.data_json = std::move(p->data_json);
  return out;
}

}  // namespace krypton::hub
