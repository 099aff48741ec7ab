// libFuzzer target: bytes from a device or app connection, through the line framer
// and the envelope parser, as src/net/line_session.cc and the hub connections use
// them. Any input must be framed, parsed or refused with 1400001/1400032 — never
// crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/envelope.h"
#include "hub/reply.h"
#include "net/line_framer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Split the input at its first byte to exercise partial lines across feeds.
  size_t cut = size > 0 ? data[0] % (size + 1) : 0;
  krypton::net::LineFramer framer(4096);
  auto on_line = [](std::string_view line) {
    krypton::hub::Envelope e;
    krypton::Status s = krypton::hub::ParseEnvelope(line, &e);
    if (!s.ok()) {
      (void)krypton::hub::ErrorFrame(e.msg_id, "", s);
      return;
    }
    (void)krypton::hub::RequiredString(e, "devTid", 32);
    (void)krypton::hub::OptionalString(e, "token", 128);
    (void)krypton::hub::RawParam(e, "data");
    (void)krypton::hub::ParamsJson(e);
    (void)krypton::hub::SuccessFrame(e.msg_id, e.action, 200, "{}");
  };
  framer.Feed(input.substr(0, cut), on_line);
  framer.Feed(input.substr(cut), on_line);
  return 0;
}
