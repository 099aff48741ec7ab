// Template: a product's protocol template (templates-and-frames.md §1), parsed and
// validated.
//
// Contract
// - ParseTemplate is the only way to build a Template: a Template that exists is valid
//   (§1.4 and the extra rules listed at ParseTemplate), so the frame codec (frame.h) and
//   the hub conversions (codec.h) never re-check its shape.
// - A Template is an immutable value after parsing: share it freely between threads
//   (const methods only). It does not keep the opaque display keys (`desc`, `unit`, …);
//   those stay in the stored JSON text, which json() returns.
// - Pure: no I/O, no global state. Fuzzed by tests/fuzz/codec_template_fuzz.cc.
#ifndef KRYPTON_CODEC_TEMPLATE_H_
#define KRYPTON_CODEC_TEMPLATE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/value.h"
#include "common/status.h"

namespace krypton::codec {

// The five work modes (§2.1). A "48 product" is any mode but kJsonCtrl.
enum class WorkMode {
  kJsonCtrl,
  kJsonTransparent,
  kJsonTransparentNotCheckRaw,
  kTransparent48,    // the legacy layout (§3.5)
  kTransparent48V2,  // byte-identical to kJsonTransparent
};

// "JSON_CTRL" → kJsonCtrl, …; nullopt for anything else (case-sensitive, as on the wire).
std::optional<WorkMode> ParseWorkMode(std::string_view name);
std::string_view WorkModeName(WorkMode mode);
// The `workMode` integer of getProdInfoResp (§2.2): 0 JSON_TRANSPARENT, 1 JSON_CTRL,
// 2 TRANSPARENT48, 3 JSON_TRANSPARENT_NOT_CHECK_RAW, 4 TRANSPARENT48_V2.
int WorkModeNumber(WorkMode mode);
inline bool Is48(WorkMode mode) { return mode != WorkMode::kJsonCtrl; }

// §1.3: INT, FLOAT, STRING in JSON_CTRL; NUMBER, STRING in the 48 modes.
enum class DataType { kInt, kFloat, kNumber, kString };

struct Field {
  std::string name;  // the K-V key; unique within its command, never a reserved key
  DataType type = DataType::kNumber;
  // Bytes on the wire (48 modes: NUMBER 1..8, STRING ≥ 1). JSON_CTRL: 0 = absent; when
  // given for a STRING it bounds the UTF-8 length (1400003).
  int length = 0;
  std::optional<Number> min;        // minValue
  std::optional<Number> max;        // maxValue
  std::vector<Number> enumeration;  // enumeration[].value; empty = any value
};

struct Command {
  int id = 0;       // cmdId 0..255
  std::string tag;  // cmdTag, non-empty and unique (completed to "cmd<id>" when absent)
  // 1 device report, 2 command to the device, 7 TRANSPARENT48 frame with an appTid;
  // 0 = absent (allowed in JSON_CTRL only).
  int frame_type = 0;
  std::vector<Field> fields;  // wire order
  int data_length = 0;        // Σ fields' length (48 modes)
};

class Template {
 public:
  WorkMode mode() const { return mode_; }
  // Commands in ascending cmdId order.
  const std::vector<Command>& commands() const { return commands_; }
  const Command* FindById(int64_t cmd_id) const;
  const Command* FindByTag(std::string_view cmd_tag) const;
  // The JSON to store and serve: the input text, or, when cmdTags or workModeType were
  // completed, the input re-serialised (minified) with them. Unknown keys are kept.
  const std::string& json() const { return json_; }
  // Accepted but suspicious (§1.4): NUMBER fields longer than 4 bytes, minValue < 0
  // in a 48 mode, completed cmdTags. One human sentence each.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  friend class TemplateBuilder;  // template.cc
  WorkMode mode_ = WorkMode::kJsonCtrl;
  std::vector<Command> commands_;
  std::array<int16_t, 256> by_id_{};  // cmdId → index in commands_ + 1; 0 = none
  std::string json_;
  std::vector<std::string> warnings_;
};

// Parses and validates a template. `product_mode` is the product's work mode when the
// caller knows it: the template's `workModeType` must then equal it (or be absent, and
// the product's is taken and added to json()); without it, `workModeType` is required.
//
// Refusals are Status(Code::kEntIllegalArgument) (8400002 "Illegal argument") whose
// detail is one sentence naming the place and the rule, e.g.
//   protocol["2"].fields[0] "power": dataType "INT" is not allowed in TRANSPARENT48_V2
//     (use NUMBER or STRING)
// Rules (§1.4, plus what the codec needs to be unambiguous):
// - the text is a JSON object, with no key twice in the objects read here (JavaScript
//   clients keep the last duplicate, simdjson the first); `workModeType` is one of the
//   five modes;
// - `protocol` is an object; each key is the decimal cmdId of its command (no sign,
//   no leading zero); cmdIds are integers 0..255 and unique; cmdTags are strings,
//   unique; an absent or empty cmdTag is completed with "cmd<id>";
// - `frameType` is 1, 2 or 7 (required in the 48 modes, optional in JSON_CTRL);
// - `fields` is an array (absent = none) of at most 248 fields; each field has a
//   non-empty string `name`, unique within its command and not one of cmdId, cmdTag,
//   msgId, raw; `dataType` is allowed for the mode; `dataLength` is an integer,
//   required in the 48 modes, 1..8 for NUMBER and ≥ 1 for STRING; `minValue` and
//   `maxValue` are numbers with min ≤ max; `enumeration` is an array of objects with
//   a number `value`;
// - the longest frame fits 254 bytes: 6 + Σ dataLength (TRANSPARENT48: 8 + Σ, + 64
//   for frameType 7).
Result<Template> ParseTemplate(std::string_view json,
                               std::optional<WorkMode> product_mode = std::nullopt);

}  // namespace krypton::codec

#endif  // KRYPTON_CODEC_TEMPLATE_H_
