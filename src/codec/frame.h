// The "48" frame (templates-and-frames.md §3–§5, §8, §10): hex ⇄ bytes, structure and
// checksum, and the template-driven encode (K-V → raw) and decode (raw → K-V).
//
// Contract
// - Pure functions over values: no I/O, no global state, no allocation for a Frame
//   (254 bytes inline). Safe to call from any thread. Fuzzed by
//   tests/fuzz/codec_frame_fuzz.cc; every golden vector of §9 is a unit test.
// - Errors are the hub's wire codes (D15): 1400025 when `raw` is not hex or does not
//   fit the template, 1400014 when the bytes are not a 48 frame, 1400040 for a wrong
//   checksum only, 1400011 for an unknown cmdId in an app command, 1400003/1400004/
//   1400005 (field name in {0}) for values out of range or enumeration, 1400032 for a
//   missing or wrongly typed value. Status::detail() says more, for logs.
// - Hex is parsed case-insensitively and emitted in upper case (§3.1).
// - Layouts: the classic frame (§3.1) for every 48 mode but TRANSPARENT48, whose frames
//   use the legacy layout (§3.5: 16-bit msgId, 64-byte appTid block for frameType 7).
//   Numbers are unsigned big-endian in dataLength bytes with 64-bit arithmetic; strings
//   are right-padded with 0x00 on encode and lose every 0x00 on decode (§4, §5).
// - What the hub does with each error (lenient or strict, D7) is codec.h's business;
//   these functions only report.
#ifndef KRYPTON_CODEC_FRAME_H_
#define KRYPTON_CODEC_FRAME_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/template.h"
#include "codec/value.h"
#include "common/status.h"

namespace krypton::codec {

inline constexpr size_t kMinFrameBytes = 6;
inline constexpr size_t kMaxFrameBytes = 254;
inline constexpr uint8_t kFrameHeader = 0x48;

// Byte 2 of a frame (§3.2). 0xFE and 0xFF never cross the cloud (UART only); 0x07 is
// the TRANSPARENT48 frame carrying an appTid.
enum FrameType : uint8_t {
  kFrameReport = 0x01,
  kFrameCommand = 0x02,
  kFrameWithAppTid = 0x07,
  kFrameModule = 0xFE,
  kFrameError = 0xFF,
};

// Which way a frame travels; decides the unknown-cmdId code (1400011 for app commands,
// 1400025 for device reports) and the frame type a strict check expects.
enum class Direction { kAppToDevice, kDeviceToApp };

// The bytes of one structurally valid frame: size in [6, 254], bytes[0] == 0x48,
// bytes[1] == size. The checksum is not checked by ParseFrame (see checksum_ok).
struct Frame {
  std::array<uint8_t, kMaxFrameBytes> bytes{};
  size_t size = 0;

  uint8_t type() const { return bytes[2]; }
  uint8_t number() const { return bytes[3]; }  // classic layout
  bool checksum_ok() const;
};

// sum(bytes[0 .. len-2]) mod 256 — the §10 reference.
uint8_t Checksum(const uint8_t* bytes, size_t len);

// Upper-case hex of `len` bytes.
std::string ToHex(const uint8_t* bytes, size_t len);

// Hex → Frame: empty, odd length or a non-hex character → 1400025; fewer than 6 or
// more than 254 bytes, header ≠ 0x48, length byte ≠ byte count → 1400014.
Result<Frame> ParseFrame(std::string_view hex);

// A classic frame (upper-case hex) of `type`, frame number `number`, and `payload`
// (cmdId and data, or a module operation's bytes), with its length and checksum.
// `payload` is at most 250 bytes. For the simulated device and UART vectors (§3.4).
std::string BuildFrame(uint8_t type, uint8_t number, const uint8_t* payload, size_t size);

// A decoded frame: the command it names and one value per command field, in
// template order (values[i] belongs to command->fields[i]).
struct DecodedFrame {
  const Command* command = nullptr;  // points into the Template
  uint8_t frame_type = 0;
  // The classic frame number (b[3]), or TRANSPARENT48's 16-bit msgId (b[4..5]).
  uint32_t msg_id = 0;
  bool checksum_ok = true;
  std::vector<Value> values;
};

// (name, value) pairs of a decoded frame, in template order.
KeyValues ToKeyValues(const DecodedFrame& d);

struct DecodeOptions {
  Direction direction = Direction::kDeviceToApp;
  // false: a wrong checksum is reported in DecodedFrame::checksum_ok, not as 1400040.
  bool verify_checksum = true;
};

// Decodes `hex` with the template's layout (§5 steps 1–6): 1400025 / 1400014 as
// ParseFrame; 1400040 for a wrong checksum (when verified); the command by cmdId,
// unknown → 1400011 (kAppToDevice) or 1400025 (kDeviceToApp); data length ≠
// Σ dataLength → 1400025. Values are not range-checked here (CheckValue). A JSON_CTRL
// template → 8400028 (not a 48 product).
Result<DecodedFrame> DecodeFrame(const Template& t, std::string_view hex,
                                 const DecodeOptions& options = {});
// The same on an already parsed Frame.
Result<DecodedFrame> DecodeFrame(const Template& t, const Frame& frame,
                                 const DecodeOptions& options = {});

// Checks one value against its field (§6.2): a string for STRING fields and a number
// otherwise, integral for INT and NUMBER (else 1400032); > maxValue or a string longer
// than dataLength → 1400003; < minValue → 1400004; not in the enumeration → 1400005;
// a NUMBER that does not fit dataLength bytes → 1400003 (too large) or 1400004 (below
// −2^(8·dataLength−1)).
Status CheckValue(const Field& field, const Value& value);

// Encodes `values` (by field name; other keys are ignored) as a frame of `command`
// (§4): every field is required (1400032 when missing, as a frame cannot be built
// without it) and checked with CheckValue. The frame number is msg_id mod 256
// (classic) or the 16-bit msgId (TRANSPARENT48). Negative NUMBERs are written in
// two's complement (§9.6 Q2). Returns upper-case hex; a JSON_CTRL template → 8400028.
Result<std::string> EncodeFrame(const Template& t, const Command& command, const KeyValues& values,
                                uint32_t msg_id);

}  // namespace krypton::codec

#endif  // KRYPTON_CODEC_FRAME_H_
