// Envelope: one parsed hub message {msgId, action, params} (hub-protocol.md §2).
//
// ParseEnvelope parses a JSON line with the calling thread's simdjson parser, so the
// views and elements inside an Envelope are valid only until the next ParseEnvelope
// on the same thread. Handlers run to completion on their loop before the next line is
// parsed, which is what makes this safe; copy anything that must outlive the handler.
//
// Pure (no I/O): fuzzed with the line framer by tests/fuzz/hub_line_fuzz.cc.
#ifndef KRYPTON_HUB_ENVELOPE_H_
#define KRYPTON_HUB_ENVELOPE_H_

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/identifiers.h"
#include "common/status.h"

namespace krypton::hub {

struct Envelope {
  std::string msg_id = "0";  // the request's msgId as raw JSON text ("5", "\"5\""); "0" if absent
  std::string_view action;
  simdjson::dom::element root;
  simdjson::dom::object params;  // empty object when absent
  bool has_params = false;
};

// Parses `line`. Fails with 1400001 (Json parse error) when the line is not a JSON
// object or has no string `action`; `out->msg_id` is still filled when parseable, so
// the errorResp can echo it.
Status ParseEnvelope(std::string_view line, Envelope* out);

// A string parameter. Missing, not a string, empty when `allow_empty` is false, or
// longer than `max_len` → 1400032 Invalid Param.
Result<std::string_view> RequiredString(const Envelope& e, std::string_view key, size_t max_len,
                                        bool allow_empty = false);

// A string parameter that may be absent (nullopt); present but not a string or too
// long → 1400032.
Result<std::optional<std::string_view>> OptionalString(const Envelope& e, std::string_view key,
                                                       size_t max_len);

// An identifier parameter checked against its kind's charset and length
// (common/identifiers.h, D29): missing, not a string, empty, or outside the rule → 1400032 with
// the key as detail. The same rule on the device hub, the app hub and dispatch.
Result<std::string_view> RequiredId(const Envelope& e, std::string_view key, IdKind kind);

// The same for an identifier that may be absent or null (nullopt).
Result<std::optional<std::string_view>> OptionalId(const Envelope& e, std::string_view key,
                                                   IdKind kind);

// The raw JSON text of params[key], or nullopt when absent.
std::optional<std::string> RawParam(const Envelope& e, std::string_view key);

// The JSON text of the whole params object ("{}" when absent).
std::string ParamsJson(const Envelope& e);

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_ENVELOPE_H_
