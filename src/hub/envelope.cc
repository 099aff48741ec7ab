#include "hub/envelope.h"

namespace krypton::hub {
namespace {

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

Status ParseEnvelope(std::string_view line, Envelope* out) {
  simdjson::dom::element root;
  if (ThreadParser().parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) {
    return Status(Code::kHubJsonParse);
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return Status(Code::kHubJsonParse);
  out->root = root;
  simdjson::dom::element msg_id;
  if (obj["msgId"].get(msg_id) == simdjson::SUCCESS) {
    // Echoed with its own JSON type (D6); null echoes as 0.
    out->msg_id = msg_id.is_null() ? "0" : simdjson::minify(msg_id);
  }
  std::string_view action;
  if (obj["action"].get_string().get(action) != simdjson::SUCCESS || action.empty()) {
    return Status(Code::kHubJsonParse);
  }
  out->action = action;
  simdjson::dom::element params;
  if (obj["params"].get(params) == simdjson::SUCCESS && params.is_object()) {
    out->params = params.get_object().value_unsafe();
    out->has_params = true;
  } else {
    out->has_params = false;
  }
  return Status();
}

Result<std::string_view> RequiredString(const Envelope& e, std::string_view key, size_t max_len,
                                        bool allow_empty) {
  std::string_view v;
  if (!e.has_params || e.params[key].get_string().get(v) != simdjson::SUCCESS ||
      v.size() > max_len || (!allow_empty && v.empty())) {
    return Status(Code::kHubInvalidParam).WithDetail(std::string(key));
  }
  return v;
}

Result<std::optional<std::string_view>> OptionalString(const Envelope& e, std::string_view key,
                                                       size_t max_len) {
  if (!e.has_params) return std::optional<std::string_view>();
  simdjson::dom::element el;
  if (e.params[key].get(el) != simdjson::SUCCESS || el.is_null()) {
    return std::optional<std::string_view>();
  }
  std::string_view v;
  if (el.get_string().get(v) != simdjson::SUCCESS || v.size() > max_len) {
    return Status(Code::kHubInvalidParam).WithDetail(std::string(key));
  }
  return std::optional<std::string_view>(v);
}

Result<std::string_view> RequiredId(const Envelope& e, std::string_view key, IdKind kind) {
  std::string_view v;
  if (!e.has_params || e.params[key].get_string().get(v) != simdjson::SUCCESS || v.empty() ||
      !ValidIdentifier(kind, v)) {
    return Status(Code::kHubInvalidParam).WithDetail(std::string(key));
  }
  return v;
}

Result<std::optional<std::string_view>> OptionalId(const Envelope& e, std::string_view key,
                                                   IdKind kind) {
  auto v = OptionalString(e, key, RuleOf(kind).max_len);
  if (!v.ok()) return v.status();
  if (v->has_value() && !ValidIdentifier(kind, **v)) {
    return Status(Code::kHubInvalidParam).WithDetail(std::string(key));
  }
  return v;
}

std::optional<std::string> RawParam(const Envelope& e, std::string_view key) {
  if (!e.has_params) return std::nullopt;
  simdjson::dom::element el;
  if (e.params[key].get(el) != simdjson::SUCCESS) return std::nullopt;
  return simdjson::minify(el);
}

std::string ParamsJson(const Envelope& e) {
  return e.has_params ? simdjson::minify(e.params) : std::string("{}");
}

}  // namespace krypton::hub
