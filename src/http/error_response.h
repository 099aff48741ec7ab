// The one place where a Status becomes an HTTP response (spec D2, D19, D20, D23).
//
//   x5xxxxx internal codes (1500000, 5500000, 6500001…)   → 500
//   400016, 400017, 3400005 (rate and daily limits)        → 429
//   3400010 (wrong user name or password)                  → 401
//   3400015 (missing/invalid/expired bearer)               → auth_failure_status (403
//       by default) with the merged Spring-style body {code,desc,timestamp,status,
//       error,message,path}
//   6400016 (no privilege)                                 → no_privilege_status (400 by
//       default; 403 on the enterprise API, decision 0012)
//   everything else                                        → 400
// `status_override` (404/405 for unknown paths, D23) wins over the table.
// The body is {"code":N,"desc":"…","timestamp":ms}; desc is the English message with
// {0} filled, or the Chinese meaning when the client prefers Chinese and one exists.
#ifndef KRYPTON_HTTP_ERROR_RESPONSE_H_
#define KRYPTON_HTTP_ERROR_RESPONSE_H_

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "http/http.h"

namespace krypton::http {

struct ErrorContext {
  int64_t now_ms = 0;
  std::string_view path;
  int auth_failure_status = 403;
  bool chinese = false;
  int status_override = 0;  // 0 = from the table above
  // 6400016 "Has no privilege do that": 400 on the user API; the enterprise API answers
  // 403 (authenticated, but the role is too low — decision 0012).
  int no_privilege_status = 400;
};

// The HTTP status the table above gives `status` (ignoring status_override).
int HttpStatusFor(const Status& status, int auth_failure_status);

Response ErrorResponse(const Status& status, const ErrorContext& context);

}  // namespace krypton::http

#endif  // KRYPTON_HTTP_ERROR_RESPONSE_H_
