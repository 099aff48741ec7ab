// Logging: one spdlog logger for the whole process.
//
// InitLogging() is called once by the app before any thread starts; afterwards the
// spdlog macros (or the KLOG_* shorthands) are safe from any thread. Lines go to
// stderr, as text or as JSON lines ({"ts","level","msg"}).
//
// Never log a secret: tokens, keys (prodKey, ctrlKey, bindKey, authKey, licence,
// serverKey), passwords and verify codes are passed through Redact() when a log line
// must mention them. tests/protocol/serve_test.cc scans a server's log for them.
#ifndef KRYPTON_COMMON_LOGGING_H_
#define KRYPTON_COMMON_LOGGING_H_

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace krypton {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  bool json = false;           // JSON lines instead of text
};

// Installs the process logger. Returns false (and leaves the default logger) when
// `options.level` is not a level name.
bool InitLogging(const LogOptions& options);

// "ab…(32)" style placeholder for a secret: never more than its first two
// characters and its length.
std::string Redact(std::string_view secret);

// Escapes `s` for use inside a JSON string (used by the JSON log format).
std::string JsonEscape(std::string_view s);

}  // namespace krypton

#endif  // KRYPTON_COMMON_LOGGING_H_
