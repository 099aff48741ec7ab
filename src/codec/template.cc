// Template parsing and validation (templates-and-frames.md §1.2–§1.4).
#include "codec/template.h"

#include <algorithm>

#include "codec/json_internal.h"

namespace krypton::codec {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view kModeNames[] = {"JSON_CTRL", "JSON_TRANSPARENT",
                                           "JSON_TRANSPARENT_NOT_CHECK_RAW", "TRANSPARENT48",
                                           "TRANSPARENT48_V2"};
constexpr int kMaxFrameBytes = 254;
// Fields per command: as many as the longest 48 frame can carry (248 one-byte fields);
// also bounds the per-field checks of a JSON_CTRL command.
constexpr size_t kMaxFields = 248;

Status Illegal(std::string detail) {
  return Status(Code::kEntIllegalArgument).WithDetail(std::move(detail));
}

// A key as it appears in messages, cut so that a hostile template cannot flood a log.
std::string Quote(std::string_view s) {
  size_t cut = 40;
  if (s.size() <= cut) return "\"" + std::string(s) + "\"";
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return "\"" + std::string(s.substr(0, cut)) + "…\"";
}

// The first key that appears twice in `o`, or empty.
std::string_view DuplicateKey(object o) {
  std::vector<std::string_view> keys;
  for (auto [key, value] : o) {
    (void)value;
    keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());  // n log n: a hostile template may have many keys
  auto dup = std::adjacent_find(keys.begin(), keys.end());
  return dup == keys.end() ? std::string_view() : *dup;
}

// The integer value of `e` when it is an integer in [lo, hi].
bool ReadInt(element e, int64_t lo, int64_t hi, int64_t* out) {
  int64_t v = 0;
  if (e.type() == element_type::INT64) {
    v = e.get_int64().value_unsafe();
  } else {
    return false;
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool IsReservedKey(std::string_view k) {
  return k == "cmdId" || k == "cmdTag" || k == "msgId" || k == "raw";
}

}  // namespace

std::optional<WorkMode> ParseWorkMode(std::string_view name) {
  for (size_t i = 0; i < std::size(kModeNames); ++i) {
    if (kModeNames[i] == name) return static_cast<WorkMode>(i);
  }
  return std::nullopt;
}

std::string_view WorkModeName(WorkMode mode) { return kModeNames[static_cast<int>(mode)]; }

int WorkModeNumber(WorkMode mode) {
  switch (mode) {
    case WorkMode::kJsonTransparent:
      return 0;
    case WorkMode::kJsonCtrl:
      return 1;
    case WorkMode::kTransparent48:
      return 2;
    case WorkMode::kJsonTransparentNotCheckRaw:
      return 3;
    case WorkMode::kTransparent48V2:
      return 4;
  }
  return 1;
}

const Command* Template::FindById(int64_t cmd_id) const {
  if (cmd_id < 0 || cmd_id > 255) return nullptr;
  int16_t i = by_id_[static_cast<size_t>(cmd_id)];
  return i == 0 ? nullptr : &commands_[static_cast<size_t>(i - 1)];
}

const Command* Template::FindByTag(std::string_view cmd_tag) const {
  for (const Command& c : commands_) {
    if (c.tag == cmd_tag) return &c;
  }
  return nullptr;
}

// Builds a Template from a parsed document; every check of template.h lives here.
class TemplateBuilder {
 public:
  explicit TemplateBuilder(Template* t) : t_(t) {}

  Status Build(element root, std::string_view text, std::optional<WorkMode> product_mode) {
    t_->json_ = std::string(text);
    object top;
    if (root.get_object().get(top) != simdjson::SUCCESS) {
      return Illegal("the template is not a JSON object");
    }
    if (std::string_view dup = DuplicateKey(top); !dup.empty()) {
      return Illegal("the template has the key " + Quote(dup) + " twice");
    }
    element mode_el;
    if (top["workModeType"].get(mode_el) == simdjson::SUCCESS) {
      std::string_view name;
      std::optional<WorkMode> mode;
      if (mode_el.get_string().get(name) == simdjson::SUCCESS) mode = ParseWorkMode(name);
      if (!mode) {
        return Illegal(
            "workModeType must be JSON_CTRL, JSON_TRANSPARENT, "
            "JSON_TRANSPARENT_NOT_CHECK_RAW, TRANSPARENT48 or TRANSPARENT48_V2");
      }
      if (product_mode && *mode != *product_mode) {
        return Illegal("the template's workModeType " + std::string(name) + " differs from " +
                       std::string(WorkModeName(*product_mode)));
      }
      t_->mode_ = *mode;
    } else if (product_mode) {
      t_->mode_ = *product_mode;
      mode_completed_ = true;
    } else {
      return Illegal("the template has no workModeType");
    }
    object protocol;
    element protocol_el;
    if (top["protocol"].get(protocol_el) != simdjson::SUCCESS) {
      return Illegal("the template has no \"protocol\" object");
    }
    if (protocol_el.get_object().get(protocol) != simdjson::SUCCESS) {
      return Illegal("\"protocol\" must be an object keyed by cmdId");
    }
    for (auto [key, value] : protocol) {
      KRYPTON_RETURN_IF_ERROR(AddCommand(key, value));
    }
    std::sort(t_->commands_.begin(), t_->commands_.end(),
              [](const Command& a, const Command& b) { return a.id < b.id; });
    for (size_t i = 0; i < t_->commands_.size(); ++i) {
      t_->by_id_[static_cast<size_t>(t_->commands_[i].id)] = static_cast<int16_t>(i + 1);
    }
    // A completed tag may collide with an explicit one ("cmd2" on command 3).
    const auto& cmds = t_->commands_;
    for (size_t i = 0; i < cmds.size(); ++i) {
      for (size_t j = i + 1; j < cmds.size(); ++j) {
        if (cmds[i].tag == cmds[j].tag) {
          return Illegal("protocol[\"" + std::to_string(cmds[j].id) + "\"]: cmdTag " +
                         Quote(cmds[j].tag) + " is already the cmdTag of cmdId " +
                         std::to_string(cmds[i].id));
        }
      }
    }
    return Rewrite(top);
  }

 private:
  Status AddCommand(std::string_view key, element value) {
    std::string where = "protocol[" + Quote(key) + "]";
    object cmd;
    if (value.get_object().get(cmd) != simdjson::SUCCESS) {
      return Illegal(where + " must be an object");
    }
    if (std::string_view dup = DuplicateKey(cmd); !dup.empty()) {
      return Illegal(where + " has the key " + Quote(dup) + " twice");
    }
    Command c;
    element id_el;
    int64_t id = 0;
    if (cmd["cmdId"].get(id_el) != simdjson::SUCCESS || !ReadInt(id_el, 0, 255, &id)) {
      return Illegal(where + ": cmdId must be an integer 0..255");
    }
    c.id = static_cast<int>(id);
    if (key != std::to_string(id)) {
      return Illegal(where + ": the key must be the decimal cmdId (" + std::to_string(id) + ")");
    }
    if (std::any_of(t_->commands_.begin(), t_->commands_.end(),
                    [&](const Command& o) { return o.id == c.id; })) {
      return Illegal(where + ": cmdId " + std::to_string(id) + " appears twice");
    }
    element tag_el;
    if (cmd["cmdTag"].get(tag_el) == simdjson::SUCCESS) {
      std::string_view tag;
      if (tag_el.get_string().get(tag) != simdjson::SUCCESS) {
        return Illegal(where + ": cmdTag must be a string");
      }
      c.tag = std::string(tag);
    }
    if (c.tag.empty()) {
      c.tag = "cmd" + std::to_string(id);
      t_->warnings_.push_back(where + ": cmdTag completed as " + c.tag);
      completed_ = true;
    }
    element ft_el;
    if (cmd["frameType"].get(ft_el) == simdjson::SUCCESS) {
      int64_t ft = 0;
      if (!ReadInt(ft_el, 1, 7, &ft) || (ft != 1 && ft != 2 && ft != 7)) {
        return Illegal(where + ": frameType must be 1, 2 or 7");
      }
      c.frame_type = static_cast<int>(ft);
    } else if (Is48(t_->mode_)) {
      return Illegal(where + ": frameType is required in " + std::string(WorkModeName(t_->mode_)));
    }
    element fields_el;
    if (cmd["fields"].get(fields_el) == simdjson::SUCCESS) {
      simdjson::dom::array fields;
      if (fields_el.get_array().get(fields) != simdjson::SUCCESS) {
        return Illegal(where + ": fields must be an array");
      }
      if (fields.size() > kMaxFields) {
        return Illegal(where + ": more than " + std::to_string(kMaxFields) + " fields");
      }
      size_t i = 0;
      for (element f : fields) {
        KRYPTON_RETURN_IF_ERROR(AddField(where + ".fields[" + std::to_string(i++) + "]", f, &c));
      }
    }
    int fixed = t_->mode_ != WorkMode::kTransparent48 ? 6 : (c.frame_type == 7 ? 72 : 8);
    if (Is48(t_->mode_) && fixed + c.data_length > kMaxFrameBytes) {
      return Illegal(where + ": the frame would be " + std::to_string(fixed + c.data_length) +
                     " bytes, more than 254");
    }
    t_->commands_.push_back(std::move(c));
    return Status::Ok();
  }

  Status AddField(const std::string& where0, element value, Command* c) {
    object f;
    if (value.get_object().get(f) != simdjson::SUCCESS) {
      return Illegal(where0 + " must be an object");
    }
    std::string_view name;
    if (f["name"].get_string().get(name) != simdjson::SUCCESS || name.empty()) {
      return Illegal(where0 + ": name must be a non-empty string");
    }
    std::string where = where0 + " " + Quote(name);
    if (std::string_view dup = DuplicateKey(f); !dup.empty()) {
      return Illegal(where + " has the key " + Quote(dup) + " twice");
    }
    if (IsReservedKey(name)) {
      return Illegal(where + ": the name is reserved (cmdId, cmdTag, msgId and raw are)");
    }
    for (const Field& other : c->fields) {
      if (other.name == name) return Illegal(where + ": the name appears twice in the command");
    }
    Field field;
    field.name = std::string(name);
    std::string_view type;
    if (f["dataType"].get_string().get(type) != simdjson::SUCCESS) {
      return Illegal(where + ": dataType must be a string");
    }
    const bool json_ctrl = t_->mode_ == WorkMode::kJsonCtrl;
    if (json_ctrl && type == "INT") {
      field.type = DataType::kInt;
    } else if (json_ctrl && type == "FLOAT") {
      field.type = DataType::kFloat;
    } else if (!json_ctrl && type == "NUMBER") {
      field.type = DataType::kNumber;
    } else if (type == "STRING") {
      field.type = DataType::kString;
    } else {
      return Illegal(where + ": dataType " + Quote(type) + " is not allowed in " +
                     std::string(WorkModeName(t_->mode_)) +
                     (json_ctrl ? " (use INT, FLOAT or STRING)" : " (use NUMBER or STRING)"));
    }
    element len_el;
    if (f["dataLength"].get(len_el) == simdjson::SUCCESS) {
      int64_t len = 0;
      if (!ReadInt(len_el, 1, kMaxFrameBytes, &len)) {
        return Illegal(where + ": dataLength must be an integer 1..248");
      }
      field.length = static_cast<int>(len);
    } else if (!json_ctrl) {
      return Illegal(where + ": dataLength is required in " + std::string(WorkModeName(t_->mode_)));
    }
    if (field.type == DataType::kNumber && field.length > 8) {
      return Illegal(where + ": a NUMBER's dataLength must be 1..8");
    }
    if (field.type == DataType::kNumber && field.length > 4) {
      t_->warnings_.push_back(where + ": NUMBER of " + std::to_string(field.length) +
                              " bytes (SDKWEB encodes only up to 4 exactly)");
    }
    KRYPTON_RETURN_IF_ERROR(ReadBound(f, "minValue", where, &field.min));
    KRYPTON_RETURN_IF_ERROR(ReadBound(f, "maxValue", where, &field.max));
    if (field.min && field.max && CompareNumbers(*field.min, *field.max) > 0) {
      return Illegal(where + ": minValue is greater than maxValue");
    }
    if (!json_ctrl && field.min && CompareNumbers(*field.min, Number(int64_t{0})) < 0) {
      t_->warnings_.push_back(where + ": minValue < 0, but 48 frames carry unsigned numbers");
    }
    element enum_el;
    if (f["enumeration"].get(enum_el) == simdjson::SUCCESS && !enum_el.is_null()) {
      simdjson::dom::array items;
      if (enum_el.get_array().get(items) != simdjson::SUCCESS) {
        return Illegal(where + ": enumeration must be an array");
      }
      for (element item : items) {
        element v;
        Number n;
        if (item["value"].get(v) != simdjson::SUCCESS || !internal::ReadNumber(v, &n)) {
          return Illegal(where + ": every enumeration item needs a number \"value\"");
        }
        field.enumeration.push_back(n);
      }
    }
    c->data_length += field.length;
    c->fields.push_back(std::move(field));
    return Status::Ok();
  }

  static Status ReadBound(object f, const char* key, const std::string& where,
                          std::optional<Number>* out) {
    element e;
    if (f[key].get(e) != simdjson::SUCCESS || e.is_null()) return Status::Ok();
    Number n;
    if (!internal::ReadNumber(e, &n)) return Illegal(where + ": " + key + " must be a number");
    *out = n;
    return Status::Ok();
  }

  // Re-serialises the template with what was completed: workModeType (first) and
  // cmdTags (right after cmdId). Served templates then always carry both.
  Status Rewrite(object top) {
    if (!completed_ && !mode_completed_) return Status::Ok();
    internal::JsonOut w;
    w.Begin();
    if (mode_completed_) w.Key("workModeType").String(WorkModeName(t_->mode_));
    for (auto [key, value] : top) {
      w.Key(key);
      if (key != "protocol") {
        w.Raw(value);
        continue;
      }
      w.Begin();
      object protocol;
      if (value.get_object().get(protocol) != simdjson::SUCCESS) continue;  // checked by Build
      for (auto [ckey, cvalue] : protocol) {
        w.Key(ckey);
        object cmd;
        if (cvalue.get_object().get(cmd) != simdjson::SUCCESS) continue;  // checked by Build
        std::string_view tag;
        bool has_tag = cmd["cmdTag"].get_string().get(tag) == simdjson::SUCCESS && !tag.empty();
        w.Begin();
        for (auto [mkey, mvalue] : cmd) {
          if (mkey == "cmdTag" && !has_tag) continue;
          w.Key(mkey).Raw(mvalue);
          if (mkey == "cmdId" && !has_tag) {
            w.Key("cmdTag").String("cmd" + std::to_string(mvalue.get_int64().value_unsafe()));
          }
        }
        w.End();
      }
      w.End();
    }
    w.End();
    t_->json_ = w.Take();  // replaces the input text
    return Status::Ok();
  }

  Template* t_;
  bool completed_ = false;       // a cmdTag was completed
  bool mode_completed_ = false;  // workModeType was taken from the product
};

Result<Template> ParseTemplate(std::string_view json, std::optional<WorkMode> product_mode) {
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return Illegal("the template is not a JSON object");
  }
  Template t;
  TemplateBuilder builder(&t);
  KRYPTON_RETURN_IF_ERROR(builder.Build(root, json, product_mode));
  return t;
}

}  // namespace krypton::codec
