#include "auth/mailer.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "common/json_object.h"
#include "common/logging.h"

namespace krypton::auth {
namespace {

// `value`, or null when it is empty.
JsonObject& AddOrNull(JsonObject& o, std::string_view key, const std::string& value) {
  return value.empty() ? o.AddNull(key) : o.Add(key, value);
}

}  // namespace

Status Mailer::Send(const OutgoingMessage& m) {
  // One JSON line, written by the JSON writer (every field escaped, issue 15).
  JsonObject o;
  o.Add("time", m.time_ms)
      .Add("channel", m.channel)
      .Add("to", m.to)
      .Add("pid", m.pid)
      .Add("purpose", m.purpose);
  AddOrNull(o, "code", m.code);
  AddOrNull(o, "link", m.link);
  std::string line = o.Add("text", m.text).Finish() + "\n";
  {
    std::lock_guard lock(mu_);
    std::ofstream out(path_, std::ios::app);
    out << line;
    out.flush();
    if (!out) {
      spdlog::error("mail: cannot append to {}", path_);
      return Status(Code::kUserInternal).WithDetail("outbox not writable");
    }
  }
  spdlog::info("mail: {} message ({}) to {} written to the outbox", m.channel, m.purpose,
               Redact(m.to));
  return Status();
}

}  // namespace krypton::auth
