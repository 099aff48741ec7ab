#include "auth/jwt.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace krypton::auth {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

Status Invalid(std::string why) {
  return Status(Code::kUaaInvalidToken).WithDetail(std::move(why));
}

// The public key PEM of a PEM private key, or "" when it is not one.
std::string PublicPem(const std::string& private_pem) {
  BIO* in = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (key == nullptr) return "";
  BIO* out = BIO_new(BIO_s_mem());
  std::string pem;
  if (PEM_write_bio_PUBKEY(out, key) == 1) {
    char* data = nullptr;
    long n = BIO_get_mem_data(out, &data);
    pem.assign(data, static_cast<size_t>(n));
  }
  BIO_free(out);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace

std::string NewUuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

JwtCodec::~JwtCodec() = default;

Result<std::unique_ptr<JwtCodec>> JwtCodec::Load(const std::string& alg,
                                                 const std::string& key_file) {
  std::ifstream in(key_file, std::ios::binary);
  if (!in) return Status(Code::kUserInternal).WithDetail("cannot read jwt key " + key_file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto codec = FromKey(alg, ss.str());
  if (!codec.ok()) {
    return Status(Code::kUserInternal).WithDetail(key_file + ": " + codec.status().detail());
  }
  return codec;
}

Result<std::unique_ptr<JwtCodec>> JwtCodec::FromKey(const std::string& alg, std::string key) {
  std::unique_ptr<JwtCodec> c(new JwtCodec());
  c->alg_ = alg;
  if (alg == "HS256") {
    // The secret is the key file's text without trailing whitespace.
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
      key.pop_back();
    }
    if (key.size() < 32) return Status(Code::kUserInternal).WithDetail("HS256 secret too short");
    c->sign_key_ = key;
    c->verify_key_ = key;
  } else if (alg == "RS256") {
    c->verify_key_ = PublicPem(key);
    if (c->verify_key_.empty()) {
      return Status(Code::kUserInternal).WithDetail("not a PEM private key");
    }
    c->sign_key_ = std::move(key);
  } else {
    return Status(Code::kUserInternal).WithDetail("unsupported jwt.alg " + alg);
  }
  return c;
}

std::string JwtCodec::Sign(TokenClaims claims) const {
  if (claims.jti.empty()) claims.jti = NewUuid();
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  JwtPtr j(raw);
  jwt_add_grant(j.get(), "uid", claims.uid.c_str());
  jwt_add_grant(j.get(), "isolation", claims.isolation.c_str());
  jwt_add_grant(j.get(), "type", claims.type.c_str());
  std::string authorities = "{\"authorities\":[";
  for (size_t i = 0; i < claims.authorities.size(); ++i) {
    authorities += (i ? ",\"" : "\"") + claims.authorities[i] + "\"";
  }
  authorities += "]}";
  jwt_add_grants_json(j.get(), authorities.c_str());
  jwt_add_grant(j.get(), "jti", claims.jti.c_str());
  if (!claims.ati.empty()) jwt_add_grant(j.get(), "ati", claims.ati.c_str());
  jwt_add_grant_int(j.get(), "exp", static_cast<long>(claims.exp));
  jwt_add_grant_int(j.get(), "tep", static_cast<long>(claims.epoch));
  jwt_set_alg(j.get(), alg_ == "RS256" ? JWT_ALG_RS256 : JWT_ALG_HS256,
              reinterpret_cast<const unsigned char*>(sign_key_.data()),
              static_cast<int>(sign_key_.size()));
  char* text = jwt_encode_str(j.get());
  std::string out = text ? text : "";
  free(text);
  return out;
}

Result<TokenClaims> JwtCodec::Verify(std::string_view token, int64_t now_s) const {
  if (token.empty() || token.size() > 8192) return Invalid("empty or oversized token");
  std::string text(token);
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(verify_key_.data()),
                 static_cast<int>(verify_key_.size())) != 0 ||
      raw == nullptr) {
    return Invalid("malformed token or bad signature");
  }
  JwtPtr j(raw);
  jwt_alg_t expected = alg_ == "RS256" ? JWT_ALG_RS256 : JWT_ALG_HS256;
  if (jwt_get_alg(j.get()) != expected) return Invalid("unexpected algorithm");
  TokenClaims c;
  const char* uid = jwt_get_grant(j.get(), "uid");
  if (uid == nullptr || *uid == '\0') return Invalid("no uid claim");
  c.uid = uid;
  if (const char* v = jwt_get_grant(j.get(), "isolation")) c.isolation = v;
  if (const char* v = jwt_get_grant(j.get(), "type")) c.type = v;
  if (const char* v = jwt_get_grant(j.get(), "jti")) c.jti = v;
  if (const char* v = jwt_get_grant(j.get(), "ati")) c.ati = v;
  errno = 0;
  c.exp = jwt_get_grant_int(j.get(), "exp");
  if (errno != 0 || c.exp <= 0) return Invalid("no exp claim");
  if (c.exp <= now_s) return Invalid("expired");
  // Tokens signed before epochs existed have no tep: epoch 0, every account's first.
  errno = 0;
  long epoch = jwt_get_grant_int(j.get(), "tep");
  c.epoch = errno == 0 ? epoch : 0;
  if (c.epoch < 0) return Invalid("bad tep claim");
  return c;
}

}  // namespace krypton::auth
