// libFuzzer target: 48 frames and appSend/devSend data through the codec
// (src/codec/frame.h, codec.h), with the demo socket's template (templates-and-frames.md
// §9.2) in each 48 work mode and in JSON_CTRL. Any input must be decoded or refused
// with a Status — never crash, hang, leak or read out of bounds — and what the codec
// encodes must decode to the same values.
//
// Input: byte 0 picks the work mode, the check mode and the path; the rest is
//   path 0: a hex string for ParseFrame/DecodeFrame, both directions;
//   path 1: a `data` JSON object for PrepareAppCommand and DecorateDeviceReport;
//   path 2: raw bytes made into a frame (header, length and checksum fixed up), so
//           that the template decode is reached, then re-encoded and compared.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "codec/codec.h"

namespace {

using namespace krypton::codec;

constexpr std::string_view kTemplate = R"({"workModeType":"MODE","protocol":{
"0":{"cmdId":0,"cmdTag":"queryDev","frameType":2,"fields":[]},
"1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},
"2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1,"enumeration":[{"value":0},{"value":1}]}]},
"3":{"cmdId":3,"cmdTag":"setLabel","frameType":2,"fields":[{"name":"label","dataType":"STRING","dataLength":4},{"name":"limitW","dataType":"NUMBER","dataLength":2,"minValue":0,"maxValue":3000}]},
"4":{"cmdId":4,"cmdTag":"wide","frameType":1,"fields":[{"name":"n","dataType":"NUMBER","dataLength":8},{"name":"s","dataType":"STRING","dataLength":16}]},
"7":{"cmdId":7,"cmdTag":"withAppTid","frameType":7,"fields":[{"name":"v","dataType":"NUMBER","dataLength":3}]}}})";

const Template& TemplateFor(int mode) {
  static const Template* templates = [] {
    auto* t = new Template[5];
    const char* names[] = {"JSON_TRANSPARENT", "JSON_TRANSPARENT_NOT_CHECK_RAW", "TRANSPARENT48",
                           "TRANSPARENT48_V2", "JSON_CTRL"};
    for (int i = 0; i < 5; ++i) {
      std::string json(kTemplate);
      json.replace(json.find("MODE"), 4, names[i]);
      if (i == 4) {  // JSON_CTRL has no NUMBER: use INT and STRING without lengths
        for (size_t p; (p = json.find("\"NUMBER\"")) != std::string::npos;)
          json.replace(p, 8, "\"INT\"");
      }
      auto r = ParseTemplate(json);
      if (!r.ok()) std::abort();
      t[i] = std::move(r).value();
    }
    return t;
  }();
  return templates[mode];
}

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void FuzzHex(const Template& t, std::string_view hex) {
  (void)ParseFrame(hex);
  if (t.mode() == WorkMode::kJsonCtrl) return;
  for (Direction dir : {Direction::kAppToDevice, Direction::kDeviceToApp}) {
    (void)DecodeFrame(t, hex, {dir, dir == Direction::kDeviceToApp});
  }
}

void FuzzData(const Template& t, std::string_view data, CheckMode mode) {
  auto app = PrepareAppCommand(t, data, mode, 0x1234);
  if (app.ok() && t.mode() != WorkMode::kJsonCtrl && app->data_json.rfind("{\"raw\":\"", 0) == 0) {
    // What the codec forwards as raw is still data the codec accepts.
    Check(PrepareAppCommand(t, app->data_json, CheckMode::kLenient, 0).ok() ||
          app->command == nullptr);
  }
  (void)DecorateDeviceReport(t, data, mode, true);
  (void)DecorateDeviceReport(t, data, mode, false);
}

void FuzzBytes(const Template& t, const uint8_t* data, size_t size) {
  if (t.mode() == WorkMode::kJsonCtrl) return;
  uint8_t b[kMaxFrameBytes];
  size_t n = std::min(kMaxFrameBytes, std::max(kMinFrameBytes, size));
  for (size_t i = 0; i < n; ++i) b[i] = i < size ? data[i] : 0;
  b[0] = kFrameHeader;
  b[1] = static_cast<uint8_t>(n);
  if (t.mode() == WorkMode::kTransparent48) {
    b[3] = 0;  // the encoder writes 0 there, and zeros in the appTid block
    if (b[2] == kFrameWithAppTid && n > 7) std::fill(b + 6, b + std::min<size_t>(n - 1, 70), 0);
  }
  b[n - 1] = Checksum(b, n);
  std::string hex = ToHex(b, n);
  auto d = DecodeFrame(t, hex, {Direction::kDeviceToApp, true});
  if (!d.ok()) return;
  // Every decoded frame whose values pass the checks re-encodes to the same bytes,
  // strings excepted (decoding drops their 0x00 padding wherever it was).
  auto kv = ToKeyValues(*d);
  for (size_t i = 0; i < d->values.size(); ++i) {
    if (!CheckValue(d->command->fields[i], d->values[i]).ok()) return;
    if (d->command->fields[i].type == DataType::kString) return;
  }
  Command same = *d->command;
  same.frame_type = d->frame_type;
  auto again = EncodeFrame(t, same, kv, d->msg_id);
  Check(again.ok() && *again == hex);
}

}  // namespace

// Undefined behaviour stops the run (the preset's UBSan only prints by default).
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t sel = data[0];
  const Template& t = TemplateFor(sel % 5);
  CheckMode mode = (sel / 5) % 2 ? CheckMode::kStrict : CheckMode::kLenient;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch ((sel / 10) % 3) {
    case 0:
      FuzzHex(t, rest);
      break;
    case 1:
      FuzzData(t, rest, mode);
      break;
    default:
      FuzzBytes(t, data + 1, size - 1);
      break;
  }
  return 0;
}
