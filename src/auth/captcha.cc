#include "auth/captcha.h"

#include <sodium.h>
#include <zlib.h>

#include <vector>

#include "common/secrets.h"

namespace krypton::auth {
namespace {

// 5×7 digits, one byte per row (low 5 bits).
constexpr unsigned char kFont[10][7] = {
    {14, 17, 19, 21, 25, 17, 14}, {4, 12, 4, 4, 4, 4, 14},  {14, 17, 1, 2, 4, 8, 31},
    {31, 2, 4, 2, 1, 17, 14},     {2, 6, 10, 18, 31, 2, 2}, {31, 16, 30, 1, 1, 17, 14},
    {6, 8, 16, 30, 17, 17, 14},   {31, 1, 2, 4, 8, 8, 8},   {14, 17, 17, 14, 17, 17, 14},
    {14, 17, 17, 15, 1, 2, 12},
};

void Chunk(std::string& png, const char* type, const std::string& data) {
  auto be32 = [&png](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) png.push_back(static_cast<char>((v >> s) & 0xFF));
  };
  be32(static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  be32(static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string RenderCaptchaPng(const std::string& text) {
  constexpr int kScale = 4, kW = 150, kH = 44;
  std::vector<unsigned char> pixels(kW * kH, 255);
  for (auto& p : pixels) p = static_cast<unsigned char>(200 + randombytes_uniform(56));  // noise
  for (size_t i = 0; i < text.size(); ++i) {
    int digit = text[i] - '0';
    if (digit < 0 || digit > 9) continue;
    int x0 = 10 + static_cast<int>(i) * 26 + static_cast<int>(randombytes_uniform(5));
    int y0 = 6 + static_cast<int>(randombytes_uniform(6));
    for (int row = 0; row < 7; ++row) {
      for (int col = 0; col < 5; ++col) {
        if (!(kFont[digit][row] & (16 >> col))) continue;
        for (int dy = 0; dy < kScale; ++dy) {
          for (int dx = 0; dx < kScale; ++dx) {
            int x = x0 + col * kScale + dx, y = y0 + row * kScale + dy;
            if (x < kW && y < kH)
              pixels[y * kW + x] = static_cast<unsigned char>(randombytes_uniform(80));
          }
        }
      }
    }
  }
  std::string raw;  // each scanline: filter byte 0, then the row
  for (int y = 0; y < kH; ++y) {
    raw.push_back(0);
    raw.append(reinterpret_cast<const char*>(&pixels[y * kW]), kW);
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string deflated(size, '\0');
  compress(reinterpret_cast<Bytef*>(deflated.data()), &size,
           reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()));
  deflated.resize(size);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  for (uint32_t v : {static_cast<uint32_t>(kW), static_cast<uint32_t>(kH)}) {
    for (int s = 24; s >= 0; s -= 8) ihdr.push_back(static_cast<char>((v >> s) & 0xFF));
  }
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grayscale, deflate, no interlace
  Chunk(png, "IHDR", ihdr);
  Chunk(png, "IDAT", deflated);
  Chunk(png, "IEND", "");
  return png;
}

std::string CaptchaStore::Create(const std::string& rid, int64_t now_ms) {
  std::string code = RandomDigits(5);
  {
    std::lock_guard lock(mu_);
    if (entries_.size() >= max_entries_ && entries_.find(rid) == entries_.end()) {
      for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->second.expires_ms <= now_ms ? entries_.erase(it) : std::next(it);
      }
      if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
    }
    entries_[rid] = Entry{code, now_ms + ttl_ms_};
  }
  return RenderCaptchaPng(code);
}

Status CaptchaStore::Check(const std::string& rid, const std::string& code, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(rid);
  if (it == entries_.end() || it->second.expires_ms <= now_ms)
    return Status(Code::kUaaVerifyCodeExpired);
  if (!ConstantTimeEqual(code, it->second.code)) return Status(Code::kUaaInvalidVerifyCode);
  return Status();
}

bool CaptchaStore::ConsumeToken(const std::string& token, int64_t now_ms) {
  size_t colon = token.rfind(':');
  if (colon == std::string::npos) return false;
  std::lock_guard lock(mu_);
  auto it = entries_.find(token.substr(0, colon));
  if (it == entries_.end() || it->second.expires_ms <= now_ms ||
      !ConstantTimeEqual(token.substr(colon + 1), it->second.code)) {
    return false;
  }
  entries_.erase(it);
  return true;
}

std::string CaptchaStore::CodeForTest(const std::string& rid) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(rid);
  return it == entries_.end() ? "" : it->second.code;
}

}  // namespace krypton::auth
