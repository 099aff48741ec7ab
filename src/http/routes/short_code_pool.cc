// The short-code pool (short_code_pool.h).
#include "http/routes/short_code_pool.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "auth/device_auth.h"

namespace krypton::http {

std::string ShortCodePassword(storage::Store& store, const storage::Device& d,
                              const std::string& code) {
  auto product = store.GetProduct(d.mid);
  if (!product.ok()) return "";
  auto m = store.GetManufacturer(product->pid);
  return m.ok() ? auth::DeriveShortCodePassword(m->auth_secret, d.dev_tid, code) : "";
}

Result<std::string> ShortCodeOf(storage::Store& store, int64_t pool, int64_t now_ms,
                                const std::string& dev_tid) {
  auto existing = store.GetDeviceShortCode(dev_tid);
  if (existing.ok()) return *existing;
  auto used = store.CountShortCodes();
  if (!used.ok()) return Status(Code::kUserInternal).WithDetail(used.status().ToString());
  if (*used >= pool) return Status(Code::kUserShortCodesExhausted);
  std::random_device rd;
  int64_t start = static_cast<int64_t>((uint64_t{rd()} << 32 | rd()) % static_cast<uint64_t>(pool));
  for (int64_t i = 0; i < std::min<int64_t>(pool, 1000); ++i) {
    char code[24];
    std::snprintf(code, sizeof code, "%08lld", static_cast<long long>((start + i) % pool));
    auto s = store.AllocateShortCode(code, dev_tid, now_ms);
    if (s.ok()) return std::string(code);
    if (!s.conflict()) return Status(Code::kUserInternal).WithDetail(s.ToString());
    auto mine = store.GetDeviceShortCode(dev_tid);  // allocated meanwhile
    if (mine.ok()) return *mine;
  }
  return Status(Code::kUserShortCodesExhausted);
}

}  // namespace krypton::http
