// The hub path of the codec: appSend data → device data, devSend data → app data
// (templates-and-frames.md §6–§7). The check table lives in codec.h.
#include "codec/codec.h"

#include <charconv>
#include <cmath>

#include "codec/json_internal.h"

namespace krypton::codec {

namespace internal {
simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}
}  // namespace internal

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool IsAlwaysAccepted(std::string_view key) {
  return key == "cmdId" || key == "cmdTag" || key == "msgId" || key == "raw";
}

Status InvalidParam(std::string detail) {
  return Status(Code::kHubInvalidParam).WithDetail(std::move(detail));
}

Status ParseData(std::string_view data_json, object* out) {
  element root;
  if (internal::ThreadParser().parse(data_json.data(), data_json.size()).get(root) !=
          simdjson::SUCCESS ||
      root.get_object().get(*out) != simdjson::SUCCESS) {
    return InvalidParam("data must be a JSON object");
  }
  return Status::Ok();
}

// A numeric string as a Number ("1" → 1, "2.5" → 2.5): LENIENT's coercion.
bool ParseNumericString(std::string_view s, Number* out) {
  const char* end = s.data() + s.size();
  int64_t i = 0;
  if (auto r = std::from_chars(s.data(), end, i); r.ec == std::errc() && r.ptr == end) {
    *out = i;
    return !s.empty();
  }
  uint64_t u = 0;
  if (auto r = std::from_chars(s.data(), end, u); r.ec == std::errc() && r.ptr == end) {
    *out = u;
    return !s.empty();
  }
  double d = 0;
  if (auto r = std::from_chars(s.data(), end, d); r.ec == std::errc() && r.ptr == end) {
    *out = d;
    return !s.empty() && std::isfinite(d);
  }
  return false;
}

// A K-V value as the field's Value; LENIENT coerces numeric strings and booleans for
// numeric fields (§6.2). Anything else of the wrong JSON type → 1400032.
Status ReadKvValue(const Field& field, element e, CheckMode mode, Value* out) {
  if (field.type == DataType::kString) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      return InvalidParam(field.name + " must be a string");
    }
    *out = std::string(s);
    return Status::Ok();
  }
  Number n;
  if (internal::ReadNumber(e, &n)) {
    std::visit([out](auto v) { *out = v; }, n);
    return Status::Ok();
  }
  if (mode == CheckMode::kLenient) {
    std::string_view s;
    bool b = false;
    if (e.get_string().get(s) == simdjson::SUCCESS && ParseNumericString(s, &n)) {
      std::visit([out](auto v) { *out = v; }, n);
      return Status::Ok();
    }
    if (e.get_bool().get(b) == simdjson::SUCCESS) {
      *out = int64_t{b ? 1 : 0};
      return Status::Ok();
    }
  }
  return InvalidParam(field.name + " must be a number");
}

// The command `data` names by cmdId (first) or cmdTag; nullptr when it names neither.
Status ResolveCommand(const Template& t, object data, CheckMode mode, Direction dir,
                      const Command** out) {
  *out = nullptr;
  element id_el, tag_el;
  bool has_id = data["cmdId"].get(id_el) == simdjson::SUCCESS;
  bool has_tag = data["cmdTag"].get(tag_el) == simdjson::SUCCESS;
  if (!has_id && !has_tag) return Status::Ok();
  std::string named;
  if (has_id) {
    Number n;
    std::string_view s;
    bool ok = internal::ReadNumber(id_el, &n) ||
              (mode == CheckMode::kLenient && id_el.get_string().get(s) == simdjson::SUCCESS &&
               ParseNumericString(s, &n));
    if (!ok) return InvalidParam("cmdId must be a number");
    // 2.0 names cmdId 2; 2.5 and 1e30 name nothing.
    int64_t id = -1;
    if (const auto* i = std::get_if<int64_t>(&n)) {
      id = *i;
    } else if (const auto* u = std::get_if<uint64_t>(&n)) {
      id = *u <= 255 ? static_cast<int64_t>(*u) : -1;
    } else if (double d = std::get<double>(n); d >= 0 && d <= 255 && std::trunc(d) == d) {
      id = static_cast<int64_t>(d);
    }
    *out = t.FindById(id);
    named = "cmdId " + simdjson::minify(id_el);
  }
  if (*out == nullptr && has_tag) {
    std::string_view tag;
    if (tag_el.get_string().get(tag) != simdjson::SUCCESS) {
      return InvalidParam("cmdTag must be a string");
    }
    *out = t.FindByTag(tag);
    named += (named.empty() ? "cmdTag " : ", cmdTag ") + std::string(tag);
  }
  if (*out != nullptr) return Status::Ok();
  named += " is not in the template";
  if (dir == Direction::kAppToDevice) {
    return Status(Code::kHubNoSuchInstruction).WithDetail(std::move(named));
  }
  return Status(Code::kHubRawInvalid).WithDetail(std::move(named));
}

// Checks K-V `data` against `cmd` and collects the values of its fields (§6.2).
Status CheckKv(const Command& cmd, object data, CheckMode mode, KeyValues* values) {
  for (auto [key, value] : data) {
    if (IsAlwaysAccepted(key)) continue;
    const Field* field = nullptr;
    for (const Field& f : cmd.fields) {
      if (f.name == key) field = &f;
    }
    if (field == nullptr) {
      if (mode == CheckMode::kStrict) {
        return Status(Code::kHubFieldNotExist)
            .WithDetail(std::string(key) + " is not a field of " + cmd.tag);
      }
      continue;
    }
    Value v;
    KRYPTON_RETURN_IF_ERROR(ReadKvValue(*field, value, mode, &v));
    KRYPTON_RETURN_IF_ERROR(CheckValue(*field, v));
    values->emplace_back(field->name, std::move(v));
  }
  if (mode == CheckMode::kStrict) {
    for (const Field& f : cmd.fields) {
      if (FindValue(*values, f.name) == nullptr) return InvalidParam(f.name + " is missing");
    }
  }
  return Status::Ok();
}

// STRICT's frame type rule (§5 step 8): the command's frameType and the direction's.
Status CheckFrameType(const Command& cmd, uint8_t type, Direction dir) {
  uint8_t want = dir == Direction::kAppToDevice ? kFrameCommand : kFrameReport;
  if (type != want || type != cmd.frame_type) {
    return Status(Code::kHubRawInvalid)
        .WithDetail("frame type " + std::to_string(type) + " for cmdId " + std::to_string(cmd.id) +
                    " (frameType " + std::to_string(cmd.frame_type) + ") " +
                    (dir == Direction::kAppToDevice ? "in an appSend" : "in a devSend"));
  }
  return Status::Ok();
}

bool ChecksRawContent(WorkMode mode) {
  return mode == WorkMode::kJsonTransparent || mode == WorkMode::kTransparent48V2;
}

Result<std::string_view> RawString(element raw) {
  std::string_view hex;
  if (raw.get_string().get(hex) != simdjson::SUCCESS) {
    return Status(Code::kHubRawInvalid).WithDetail("raw must be a hex string");
  }
  return hex;
}

// NOT_CHECK_RAW and TRANSPARENT48: hex, nothing more.
Status CheckHexOnly(std::string_view hex) {
  Result<Frame> f = ParseFrame(hex);
  if (!f.ok() && f.status().code() == Code::kHubRawInvalid) return f.status();
  return Status::Ok();
}

Result<Prepared> AppRaw(const Template& t, std::string_view data_json, element raw_el,
                        CheckMode mode) {
  Result<std::string_view> hex = RawString(raw_el);
  if (!hex.ok()) return hex.status();
  Prepared out{std::string(data_json), nullptr};
  if (!ChecksRawContent(t.mode())) {
    KRYPTON_RETURN_IF_ERROR(CheckHexOnly(*hex));
    return out;
  }
  Result<Frame> frame = ParseFrame(*hex);
  if (!frame.ok()) return frame.status();
  DecodeOptions options{Direction::kAppToDevice, mode == CheckMode::kStrict};
  Result<DecodedFrame> d = DecodeFrame(t, *frame, options);
  if (!d.ok()) {
    // LENIENT forwards an app raw whose data length does not fit, unchecked (§5).
    if (mode == CheckMode::kLenient && d.status().code() == Code::kHubRawInvalid) return out;
    return d.status();
  }
  for (size_t i = 0; i < d->values.size(); ++i) {
    KRYPTON_RETURN_IF_ERROR(CheckValue(d->command->fields[i], d->values[i]));
  }
  if (mode == CheckMode::kStrict) {
    KRYPTON_RETURN_IF_ERROR(CheckFrameType(*d->command, d->frame_type, Direction::kAppToDevice));
  }
  out.command = d->command;
  return out;
}

// {"raw":…,"cmdId":n,"cmdTag":"…",fields…,other keys…}; nullopt when a string is
// not UTF-8 (the report then goes out undecorated).
std::optional<std::string> Decorated(const DecodedFrame& d, object data) {
  internal::JsonOut w;
  const Command& cmd = *d.command;
  w.Begin();
  w.Key("raw").Raw(data["raw"].value_unsafe());
  w.Key("cmdId").Number(int64_t{cmd.id});
  w.Key("cmdTag").String(cmd.tag);
  for (size_t i = 0; i < d.values.size(); ++i) {
    const auto* s = std::get_if<std::string>(&d.values[i]);
    if (s != nullptr && !simdjson::validate_utf8(*s)) return std::nullopt;
    w.Key(cmd.fields[i].name).Val(d.values[i]);
  }
  for (auto [key, value] : data) {
    if (key == "raw" || key == "cmdId" || key == "cmdTag") continue;
    bool is_field = false;
    for (const Field& f : cmd.fields) is_field = is_field || f.name == key;
    if (is_field) continue;
    w.Key(key).Raw(value);
  }
  w.End();
  return w.Take();
}

Result<Prepared> DeviceRaw(const Template& t, std::string_view data_json, object data,
                           element raw_el, CheckMode mode, bool decorate) {
  Result<std::string_view> hex = RawString(raw_el);
  if (!hex.ok()) return hex.status();
  Prepared out{std::string(data_json), nullptr};
  if (!ChecksRawContent(t.mode())) {
    KRYPTON_RETURN_IF_ERROR(CheckHexOnly(*hex));
    if (t.mode() != WorkMode::kJsonTransparentNotCheckRaw || !decorate) return out;
    Result<DecodedFrame> d = DecodeFrame(t, *hex, {Direction::kDeviceToApp, true});
    if (!d.ok()) return out;
    if (auto text = Decorated(*d, data)) out.data_json = std::move(*text);
    return out;
  }
  Result<DecodedFrame> d = DecodeFrame(t, *hex, {Direction::kDeviceToApp, true});
  if (!d.ok()) return d.status();
  for (size_t i = 0; i < d->values.size(); ++i) {
    KRYPTON_RETURN_IF_ERROR(CheckValue(d->command->fields[i], d->values[i]));
  }
  if (mode == CheckMode::kStrict) {
    KRYPTON_RETURN_IF_ERROR(CheckFrameType(*d->command, d->frame_type, Direction::kDeviceToApp));
  }
  out.command = d->command;
  if (decorate) {
    if (auto text = Decorated(*d, data)) out.data_json = std::move(*text);
  }
  return out;
}

// `"cmdId":n,` inserted at the front of a JSON_CTRL command that named only cmdTag.
std::string WithCmdId(std::string_view data_json, int cmd_id) {
  size_t brace = data_json.find('{');
  std::string out;
  out.reserve(data_json.size() + 12);
  out.append(data_json.substr(0, brace + 1));
  out.append("\"cmdId\":").append(std::to_string(cmd_id)).append(",");
  out.append(data_json.substr(brace + 1));
  return out;
}

}  // namespace

CheckMode ParseCheckMode(std::string_view name) {
  return name == "STRICT" ? CheckMode::kStrict : CheckMode::kLenient;
}

Result<Prepared> PrepareAppCommand(const Template& t, std::string_view data_json, CheckMode mode,
                                   uint32_t msg_id) {
  object data;
  KRYPTON_RETURN_IF_ERROR(ParseData(data_json, &data));
  element raw;
  bool has_raw = data["raw"].get(raw) == simdjson::SUCCESS;
  if (Is48(t.mode()) && has_raw) return AppRaw(t, data_json, raw, mode);
  Prepared out{std::string(data_json), nullptr};
  if (t.mode() == WorkMode::kTransparent48) return out;  // opaque (§3.5)
  KRYPTON_RETURN_IF_ERROR(ResolveCommand(t, data, mode, Direction::kAppToDevice, &out.command));
  if (out.command == nullptr) return out;  // names no command: forwarded unchecked
  KeyValues values;
  KRYPTON_RETURN_IF_ERROR(CheckKv(*out.command, data, mode, &values));
  if (t.mode() == WorkMode::kJsonCtrl) {
    element id;
    if (data["cmdId"].get(id) != simdjson::SUCCESS) {
      out.data_json = WithCmdId(data_json, out.command->id);
    }
    return out;
  }
  Result<std::string> hex = EncodeFrame(t, *out.command, values, msg_id);
  if (!hex.ok()) return hex.status();
  out.data_json = "{\"raw\":\"" + *hex + "\"}";
  return out;
}

Result<Prepared> DecorateDeviceReport(const Template& t, std::string_view data_json, CheckMode mode,
                                      bool decorate) {
  object data;
  KRYPTON_RETURN_IF_ERROR(ParseData(data_json, &data));
  element raw;
  bool has_raw = data["raw"].get(raw) == simdjson::SUCCESS;
  if (Is48(t.mode()) && has_raw) return DeviceRaw(t, data_json, data, raw, mode, decorate);
  Prepared out{std::string(data_json), nullptr};
  if (t.mode() == WorkMode::kTransparent48) return out;
  KRYPTON_RETURN_IF_ERROR(ResolveCommand(t, data, mode, Direction::kDeviceToApp, &out.command));
  if (out.command == nullptr) return out;
  KeyValues values;
  KRYPTON_RETURN_IF_ERROR(CheckKv(*out.command, data, mode, &values));
  return out;
}

}  // namespace krypton::codec
