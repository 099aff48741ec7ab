// The cloud's command path (hub-protocol.md §4.3 step 6, templates-and-frames.md §6–§7):
// what every command sent to a device on someone's behalf takes — an app's appSend
// (actions/app_send.cc) and a scheduler task's firing (scheduled_send.h) alike.
#ifndef KRYPTON_HUB_COMMAND_PATH_H_
#define KRYPTON_HUB_COMMAND_PATH_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "codec/codec.h"
#include "common/status.h"
#include "hub/context.h"
#include "hub/product_codec.h"

namespace krypton::hub {

struct PreparedData {
  // Keeps `command` alive.
  std::shared_ptr<const ProductCodec> product;
  // The command the data named (nullptr: none, or the product has no template).
  const codec::Command* command = nullptr;
  // The data to send when it differs from the input (K-V encoded into a 48 frame,
  // cmdId added); nullopt = send the input unchanged.
  std::optional<std::string> data_json;
};

// The product `mid`'s template checks (D7) and conversions applied to the minified
// `data_json`, with `frame_no` as the 48 frame number. A product without a template (or
// unknown) passes the data unchanged. Errors are the codec's hub codes (1400xxx).
Result<PreparedData> PrepareData(HubContext& ctx, const std::string& mid,
                                 const std::string& data_json, uint32_t frame_no);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_COMMAND_PATH_H_
