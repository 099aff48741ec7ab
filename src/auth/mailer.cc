#include "auth/mailer.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "common/logging.h"

namespace krypton::auth {
namespace {

std::string Quoted(const std::string& s) { return "\"" + JsonEscape(s) + "\""; }
std::string OrNull(const std::string& s) { return s.empty() ? "null" : Quoted(s); }

}  // namespace

Status Mailer::Send(const OutgoingMessage& m) {
  std::string line = "{\"time\":" + std::to_string(m.time_ms) + ",\"channel\":" +
                     Quoted(m.channel) + ",\"to\":" + Quoted(m.to) + ",\"pid\":" + Quoted(m.pid) +
                     ",\"purpose\":" + Quoted(m.purpose) + ",\"code\":" + OrNull(m.code) +
                     ",\"link\":" + OrNull(m.link) + ",\"text\":" + Quoted(m.text) + "}\n";
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
