// Mailer: delivery of verify codes and e-mail links (spec D13, user-api.md §3.13).
// The default sender appends one JSON line per message to <data_dir>/outbox.jsonl and
// logs that a message went out — never the code itself (no secrets in logs).
// Thread-safe.
#ifndef KRYPTON_AUTH_MAILER_H_
#define KRYPTON_AUTH_MAILER_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "common/status.h"

namespace krypton::auth {

struct OutgoingMessage {
  int64_t time_ms = 0;
  std::string channel;  // sms | email
  std::string to;
  std::string pid;
  std::string purpose;  // register | resetPassword | changePhone | …
  std::string code;     // "" = none
  std::string link;     // "" = none
  std::string text;
};

class Mailer {
 public:
  explicit Mailer(std::string outbox_path) : path_(std::move(outbox_path)) {}
  // Fails with 5500000 (logged) when the outbox cannot be written.
  Status Send(const OutgoingMessage& message);

 private:
  std::mutex mu_;
  const std::string path_;
};

}  // namespace krypton::auth

#endif  // KRYPTON_AUTH_MAILER_H_
