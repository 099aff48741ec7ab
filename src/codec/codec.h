// The template codec on the hub path: what the device hub and app hub call for every
// `appSend` and `devSend` of a product that has a template (templates-and-frames.md
// §6–§7, decisions D7, D14, D15, D16).
//
// Contract
// - Pure: JSON text in, JSON text or a Status out; no I/O. Safe on any thread: each
//   thread parses with its own simdjson parser (not the hub's, so the caller's
//   Envelope stays valid). The Template must outlive the returned Prepared::command.
// - A Status returned here is the wire answer to the sender: `appSendResp` to the app
//   (the command is not forwarded) or `devSendResp` to the device (the report is
//   dropped, and the hub counts the drop per product and code). Codes: 1400003,
//   1400004, 1400005 (field name in {0}), 1400006, 1400011, 1400014, 1400025, 1400032,
//   1400040. Status::detail() explains, for the log.
// - A product without a template skips every check: the hub forwards as-is and does
//   not call these functions.
// - The lenient/strict table (§6.2) is implemented here, once:
//   • always: raw hex (1400025) and 48 framing (1400014); unknown cmdId/cmdTag (1400011
//     from apps, 1400025 from devices); maxValue/minValue/enumeration (1400003/4/5);
//     wrongly typed values (1400032; LENIENT first coerces "1" and true to 1);
//   • device→cloud always, app→device STRICT only: checksum (1400040), data length ≠
//     Σ dataLength (1400025; LENIENT skips the field checks and forwards);
//   • STRICT only: K-V keys the command does not define (1400006; cmdId, cmdTag, msgId,
//     raw are always accepted), missing template fields (1400032), frame type ≠ the
//     command's frameType or the direction (1400025).
//   JSON_TRANSPARENT_NOT_CHECK_RAW and TRANSPARENT48 check only that `raw` is hex.
//   Data naming neither cmdId, cmdTag nor raw (an OTA progress report) is forwarded
//   unchecked.
#ifndef KRYPTON_CODEC_CODEC_H_
#define KRYPTON_CODEC_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/frame.h"
#include "codec/template.h"
#include "common/status.h"

namespace krypton::codec {

enum class CheckMode { kLenient, kStrict };  // the product's checkMode (D7)

// "STRICT" → kStrict; anything else (the stored "LENIENT", "") → kLenient.
CheckMode ParseCheckMode(std::string_view name);

struct Prepared {
  // The `data` object to send on: the input text when unchanged, else compact JSON.
  std::string data_json;
  // The command the data named (for partial-share checks, metrics, rules); nullptr
  // when it named none or the mode is opaque (TRANSPARENT48, NOT_CHECK_RAW raw).
  const Command* command = nullptr;
};

// App → device: `data_json` is the `data` object of an `appSend` (or of a stored
// scheduler/linkage command, §7.4); `msg_id` is the app's JSON msgId (0 when absent or
// not a number), which becomes the frame number of an encoded frame (msg_id mod 256).
// Returns the data to forward to the device:
// - JSON_CTRL: the input unchanged, except that a command naming only cmdTag gets the
//   resolved cmdId first (`{"cmdId":2,"cmdTag":"setPower","power":1}`, §7.3);
// - 48 modes, `raw` given: the input unchanged, after the checks above;
// - JSON_TRANSPARENT, JSON_TRANSPARENT_NOT_CHECK_RAW, TRANSPARENT48_V2, K-V given:
//   `{"raw":"48…"}` encoded with the template (§7.2); every field is then required
//   (1400032), whatever the check mode, since a frame cannot be built without it;
// - TRANSPARENT48 K-V: the input unchanged (Krypton never encodes the legacy layout).
// `data_json` that is not a JSON object → 1400032.
Result<Prepared> PrepareAppCommand(const Template& t, std::string_view data_json, CheckMode mode,
                                   uint32_t msg_id);

// Device → apps: `data_json` is the `data` object of a `devSend` (or timerReport).
// Returns the data to push to apps:
// - 48 modes with `raw` and `decorate` (the product's decorateDevSend, D16; not for
//   TRANSPARENT48): `{"raw":<unchanged>,"cmdId":n,"cmdTag":"…",<field>:value,…}` in
//   that order, followed by any other keys the device sent; for NOT_CHECK_RAW only
//   when the frame decodes (else the input unchanged), and never with a string that
//   is not UTF-8 (the input unchanged);
// - otherwise the input unchanged, after the checks above.
Result<Prepared> DecorateDeviceReport(const Template& t, std::string_view data_json, CheckMode mode,
                                      bool decorate = true);

}  // namespace krypton::codec

#endif  // KRYPTON_CODEC_CODEC_H_
