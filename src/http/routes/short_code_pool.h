// The short-code pool (user-api.md §5.1.7, enterprise-api.md §5), shared by the user
// routes (short_codes.cc) and the enterprise registry (ent_devices.cc): 8-digit codes
// from limits.short_code_pool, each with a 4-digit password derived from the
// manufacturer's secret (auth/device_auth.h), so it is never stored.
#ifndef KRYPTON_HTTP_ROUTES_SHORT_CODE_POOL_H_
#define KRYPTON_HTTP_ROUTES_SHORT_CODE_POOL_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "storage/store.h"

namespace krypton::http {

// The device's short code, allocating one on first use: a random start in the pool of
// `pool` codes, then the next free codes (at most 1,000 probes; a pool that full →
// 5400046; store failures → 5500000). Calls go through `store` (which may be the store
// handed to an InTransaction body).
Result<std::string> ShortCodeOf(storage::Store& store, int64_t pool, int64_t now_ms,
                                const std::string& dev_tid);

// The password of `code` for device `d`; "" when its product or manufacturer is missing.
std::string ShortCodePassword(storage::Store& store, const storage::Device& d,
                              const std::string& code);

}  // namespace krypton::http

#endif  // KRYPTON_HTTP_ROUTES_SHORT_CODE_POOL_H_
