// libFuzzer target: protocol templates (src/codec/template.h). Any input must be
// parsed or refused with 8400002 — never crash, hang or leak. An accepted template is
// consistent: its json() parses to the same template, and every command encodes a
// frame (with each field's smallest allowed value) that decodes back to its values.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/frame.h"
#include "codec/template.h"

namespace {

using namespace krypton::codec;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// The smallest value a field accepts, when one is easy to name.
bool SmallestValue(const Field& f, Value* out) {
  if (f.type == DataType::kString) {
    *out = std::string();
    return true;
  }
  Number n = f.min ? *f.min : Number(int64_t{0});
  if (!f.enumeration.empty()) n = f.enumeration.front();
  std::visit([out](auto v) { *out = v; }, n);
  return CheckValue(f, *out).ok();
}

}  // namespace

// Undefined behaviour stops the run (the preset's UBSan only prints by default).
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto t = ParseTemplate(json);
  (void)ParseTemplate(json, WorkMode::kTransparent48V2);
  if (!t.ok()) {
    Check(t.status().code() == krypton::Code::kEntIllegalArgument);
    return 0;
  }
  auto again = ParseTemplate(t->json());
  Check(again.ok() && again->json() == t->json() &&
        again->commands().size() == t->commands().size());
  if (!Is48(t->mode())) return 0;
  for (const Command& c : t->commands()) {
    KeyValues kv;
    bool easy = true;
    for (const Field& f : c.fields) {
      Value v;
      easy = easy && SmallestValue(f, &v);
      kv.emplace_back(f.name, v);
    }
    if (!easy) continue;
    auto hex = EncodeFrame(*t, c, kv, 0xBEEF);
    Check(hex.ok());
    auto d = DecodeFrame(*t, *hex, {Direction::kDeviceToApp, true});
    Check(d.ok() && d->command->id == c.id);
    for (size_t i = 0; i < c.fields.size(); ++i) {
      Number a, b;
      if (AsNumber(kv[i].second, &a) && AsNumber(d->values[i], &b)) {
        Check(CompareNumbers(a, b) == 0 || CompareNumbers(a, Number(int64_t{0})) < 0);
      }
    }
  }
  return 0;
}
