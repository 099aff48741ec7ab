#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/secrets.h"

namespace krypton::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;

std::unique_ptr<JwtCodec> Hs(std::string secret = std::string(64, 'a')) {
  auto c = JwtCodec::FromKey("HS256", std::move(secret));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

std::string RsaPem() {
  std::string path = ::testing::TempDir() + "/krypton_jwt_rsa.pem";
  std::string cmd = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + path +
                    " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// base64url of a JSON segment, for hand-made tokens.
std::string B64(const std::string& s) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : s) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(t[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(t[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

TEST(JwtTest, SignAndVerifyCarryTheFixedClaims) {
  ASSERT_TRUE(InitSecrets());
  auto codec = Hs();
  TokenClaims c;
  c.uid = "16193751742";
  c.type = "WEB";
  c.exp = kNow + 60;
  std::string token = codec->Sign(c);
  auto v = codec->Verify(token, kNow);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->uid, "16193751742");
  EXPECT_EQ(v->isolation, "00000000000");
  EXPECT_EQ(v->type, "WEB");
  EXPECT_EQ(v->exp, kNow + 60);
  EXPECT_EQ(v->jti.size(), 36u);
  // The payload is plain base64url JSON with the claim names clients decode.
  std::string payload = token.substr(token.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));
  std::string json(payload.size(), '\0');
  size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(json.data()), json.size(),
                              payload.data(), payload.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  json.resize(len);
  for (const char* claim :
       {R"("uid":"16193751742")", R"("isolation":"00000000000")", R"("type":"WEB")",
        R"("authorities":["ROLE_USER"])", R"("jti":")", R"("exp":1800000060)"}) {
    EXPECT_NE(json.find(claim), std::string::npos) << claim << " in " << json;
  }
}

TEST(JwtTest, ExpiredTamperedAndForeignTokensAreRefused) {
  ASSERT_TRUE(InitSecrets());
  auto codec = Hs();
  TokenClaims c;
  c.uid = "1";
  c.exp = kNow + 60;
  std::string token = codec->Sign(c);
  EXPECT_EQ(codec->Verify(token, kNow + 60).status().code(), Code::kUaaInvalidToken);  // expired
  std::string tampered = token;
  tampered[tampered.find('.') + 3] ^= 1;
  EXPECT_EQ(codec->Verify(tampered, kNow).status().code(), Code::kUaaInvalidToken);
  EXPECT_EQ(Hs(std::string(64, 'b'))->Verify(token, kNow).status().code(), Code::kUaaInvalidToken);
  EXPECT_EQ(codec->Verify("garbage", kNow).status().code(), Code::kUaaInvalidToken);
  EXPECT_EQ(codec->Verify("", kNow).status().code(), Code::kUaaInvalidToken);
  // alg "none" is never accepted.
  std::string none =
      B64(R"({"alg":"none","typ":"JWT"})") + "." + B64(R"({"uid":"1","exp":1900000000})") + ".";
  EXPECT_EQ(codec->Verify(none, kNow).status().code(), Code::kUaaInvalidToken);
}

TEST(JwtTest, Rs256AndAlgorithmConfusion) {
  ASSERT_TRUE(InitSecrets());
  std::string pem = RsaPem();
  auto rs = JwtCodec::FromKey("RS256", pem);
  ASSERT_TRUE(rs.ok()) << rs.status().ToString();
  TokenClaims c;
  c.uid = "2";
  c.exp = kNow + 60;
  std::string token = (*rs)->Sign(c);
  auto v = (*rs)->Verify(token, kNow);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->uid, "2");
  // An HS256 token is refused by an RS256 codec, and vice versa.
  EXPECT_FALSE((*rs)->Verify(Hs()->Sign(c), kNow).ok());
  EXPECT_FALSE(Hs()->Verify(token, kNow).ok());
  EXPECT_FALSE(JwtCodec::FromKey("RS256", "not a pem").ok());
  EXPECT_FALSE(JwtCodec::FromKey("HS256", "short").ok());
  EXPECT_FALSE(JwtCodec::FromKey("ES256", std::string(64, 'a')).ok());
}

}  // namespace
}  // namespace krypton::auth
