// Black-box: hosted H5 pages (enterprise-api.md §6; docs/decisions/0010-h5-hosting.md) on
// the real binary — a zip uploaded with PUT /api/v1/enterprise/h5/{id}/package is served
// under /h5page/{id}/ and /h5package/{id}/ with the right bytes, types and ETag; E4 and the
// user API's device object carry the URLs; bad packages, foreign ids and oversize bodies
// get their documented errors and leave the previous package served; no request path
// leaves the template's folder; `krypton admin h5 …` does the same on the same database.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"
#include "zip_maker.h"

namespace krypton::testing {
namespace {

constexpr const char* kAcme = "11111111111";
constexpr const char* kBeta = "22222222222";
constexpr int kPackageLimit = 65536;  // limits.h5_package_bytes in these tests

std::string Md5Hex(const std::string& data) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), d, &n, EVP_md5(), nullptr);
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", d[i]);
    out += hex;
  }
  return out;
}

// Bytes that deflate does not shrink, so a package can be made larger than 1 KiB.
std::string Noise(size_t n) {
  std::string out;
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out += static_cast<char>(x & 0xff);
  }
  return out;
}

const std::string kIndex = "<!doctype html><title>panel</title><script src=js/app.js></script>";
const std::string kApp = "console.log('krypton');";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + Noise(3000);

class H5HostingTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    for (const char* pid : {kAcme, kBeta}) {
      admin_.CreateManufacturer(pid, "Ent");
    }
    acme_ = admin_.ServerKey(kAcme);
    beta_ = admin_.ServerKey(kBeta);
    // Every other route keeps a 1 KiB body limit; the package route has its own.
    ASSERT_TRUE(Serve({"hub.public_host=127.0.0.1", "http.max_body_bytes=1024",
                       "limits.h5_package_bytes=" + std::to_string(kPackageLimit)}));
    base_ = "http://127.0.0.1:" + std::to_string(server_->port("http"));
    good_zip_ = MakeZip({{"panel/index.html", kIndex},
                         {"panel/js/app.js", kApp},
                         {"panel/img/logo.png", kPng},
                         {"panel/data.bin", "\x01\x02"}});
  }

  // A new template of Acme for `platform`; its id.
  std::string NewTemplate(const std::string& platform) {
    HttpResult r =
        api_.Ent(acme_, "POST", "/api/v1/enterprise/h5", R"({"platform":")" + platform + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return StringField(r.body, "/id");
  }
  HttpResult Upload(const std::string& id, const std::string& zip, const std::string& query = "") {
    return api_.Ent(acme_, "PUT", "/api/v1/enterprise/h5/" + id + "/package" + query, zip, kZip);
  }

  std::string uid_, acme_, beta_, base_, good_zip_;
};

TEST_F(H5HostingTest, UploadedPackageIsServed) {
  std::string id = NewTemplate("android");
  ASSERT_GT(good_zip_.size(), 1024u);  // beyond http.max_body_bytes: the route's own limit
  HttpResult up = Upload(id, good_zip_);
  ASSERT_EQ(up.status, 200) << up.body;
  std::string md5 = Md5Hex(good_zip_);
  EXPECT_EQ(up.body, R"({"id":")" + id + R"(","platform":"Android","h5Page":")" + base_ +
                         "/h5page/" + id + R"(/index.html","pageZipURL":")" + base_ +
                         "/h5package/" + id + "/" + id + R"(.zip","version":"1","md5":")" + md5 +
                         "\"}");

  HttpResult index = api_.Get("/h5page/" + id + "/index.html");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.body, kIndex);
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["etag"], "\"" + md5 + "\"");
  EXPECT_EQ(index.headers["cache-control"], "no-cache");
  HttpResult app = api_.Get("/h5page/" + id + "/js/app.js");
  EXPECT_EQ(app.body, kApp);
  EXPECT_EQ(app.headers["content-type"], "text/javascript; charset=utf-8");
  HttpResult png = api_.Get("/h5page/" + id + "/img/logo.png");
  EXPECT_EQ(png.body, kPng);
  EXPECT_EQ(png.headers["content-type"], "image/png");
  EXPECT_EQ(api_.Get("/h5page/" + id + "/data.bin").headers["content-type"],
            "application/octet-stream");
  HttpResult head = api_.Request("HEAD", "/h5page/" + id + "/img/logo.png");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers["content-length"], std::to_string(kPng.size()));
  EXPECT_EQ(head.headers["content-type"], "image/png");
  HttpResult cached =
      api_.Get("/h5page/" + id + "/index.html", {{"If-None-Match", "\"" + md5 + "\""}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_EQ(cached.body, "");

  HttpResult zip = api_.Get("/h5package/" + id + "/" + id + ".zip");
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.body, good_zip_);
  EXPECT_EQ(Md5Hex(zip.body), StringField(up.body, "/md5"));
  EXPECT_EQ(zip.headers["content-type"], "application/zip");
  EXPECT_EQ(zip.headers["etag"], "\"" + md5 + "\"");

  // E4 shows the hosted URLs once the template is bound.
  HttpResult p = api_.Ent(acme_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Panel","workModeType":"JSON_CTRL"})");
  ASSERT_EQ(p.status, 201) << p.body;
  std::string mid = StringField(p.body, "/mid");
  ASSERT_EQ(api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid + "/h5",
                     R"({"platform":"Android","h5TemplateId":")" + id + "\"}")
                .status,
            204);
  HttpResult e4 =
      api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid + "/h5?platform=android");
  EXPECT_EQ(e4.body, up.body);

  // A new upload replaces the files at the same URLs; ?version= names the version.
  std::string v2 = MakeZip({{"index.html", "v2"}});
  HttpResult again = Upload(id, v2, "?version=2.0.0");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(StringField(again.body, "/version"), "2.0.0");
  EXPECT_EQ(StringField(again.body, "/md5"), Md5Hex(v2));
  EXPECT_EQ(api_.Get("/h5page/" + id + "/index.html").body, "v2");
  EXPECT_EQ(api_.Get("/h5page/" + id + "/js/app.js").status, 404);  // not in the new package
  EXPECT_EQ(api_.Get("/h5package/" + id + "/" + id + ".zip").body, v2);
}

// Sends a request header announcing `length` body bytes, and no body; the raw answer.
std::string AnnounceBody(int port, const std::string& method, const std::string& target,
                         const std::string& auth, size_t length) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
  std::string req = method + " " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + auth +
                    "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(out), ec);  // until the server closes
  return out;
}

TEST_F(H5HostingTest, BadUploadsChangeNothing) {
  std::string id = NewTemplate("IOS");
  ASSERT_EQ(Upload(id, good_zip_).status, 200);
  const std::string md5 = Md5Hex(good_zip_);
  const std::string illegal = "Illegal argument: ";

  ExpectApiError(
      api_.Ent(beta_, "PUT", "/api/v1/enterprise/h5/" + id + "/package", good_zip_, kZip), 400,
      "8400005", "The h5 template does not exist");
  ExpectApiError(Upload("NOPE000000000000", good_zip_), 400, "8400005",
                 "The h5 template does not exist");
  ExpectApiError(
      api_.Ent("wrong", "PUT", "/api/v1/enterprise/h5/" + id + "/package", good_zip_, kZip), 401,
      "3400015", "Invalid token");
  ExpectApiError(Upload(id, MakeZip({{"main.html", "x"}})), 400, "8400002",
                 illegal + "the package has no index.html at its root or in its single top folder");
  ExpectApiError(Upload(id, MakeZip({{"index.html", "x"}, {"../x", "slip"}})), 400, "8400002",
                 illegal + "entry '../x' contains '..'");
  ExpectApiError(Upload(id, MakeZip({{"index.html", "x"}, {"/tmp/x", "abs"}})), 400, "8400002",
                 illegal + "entry '/tmp/x' has an absolute path");
  ExpectApiError(Upload(id, "PK not really a zip"), 400, "8400002",
                 illegal + "the package is not a zip file");
  ExpectApiError(Upload(id, good_zip_, "?version=a%20b"), 400, "8400002",
                 illegal + "version must be 1 to 64 letters, digits, '.', '_' or '-'");

  // Beyond limits.h5_package_bytes: 413 as soon as the header announces it.
  const int port = server_->port("http");
  std::string big = AnnounceBody(port, "PUT", "/api/v1/enterprise/h5/" + id + "/package", acme_,
                                 kPackageLimit + 1);
  EXPECT_EQ(big.rfind("HTTP/1.1 413 ", 0), 0u) << big;
  EXPECT_NE(big.find(R"("code":5400000)"), std::string::npos) << big;
  // Other routes keep http.max_body_bytes (1024 here).
  std::string other = AnnounceBody(port, "POST", "/api/v1/enterprise/h5", acme_, 1025);
  EXPECT_EQ(other.rfind("HTTP/1.1 413 ", 0), 0u) << other;

  EXPECT_EQ(api_.Get("/h5page/" + id + "/index.html").body, kIndex);
  EXPECT_EQ(api_.Get("/h5page/" + id + "/js/app.js").body, kApp);
  EXPECT_EQ(api_.Get("/h5page/" + id + "/x").status, 404);
  EXPECT_EQ(api_.Get("/h5package/" + id + "/" + id + ".zip").body, good_zip_);
  HttpResult p = api_.Ent(acme_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Panel","workModeType":"JSON_CTRL"})");
  std::string mid = StringField(p.body, "/mid");
  ASSERT_EQ(api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid + "/h5",
                     R"({"platform":"ios","h5TemplateId":")" + id + "\"}")
                .status,
            204);
  HttpResult e4 = api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid + "/h5?platform=IOS");
  EXPECT_EQ(StringField(e4.body, "/md5"), md5);
  EXPECT_EQ(StringField(e4.body, "/version"), "1");
}

TEST_F(H5HostingTest, NoPathLeavesTheTemplatesFolder) {
  std::string id = NewTemplate("Android");
  ASSERT_EQ(Upload(id, good_zip_).status, 200);
  ASSERT_TRUE(std::filesystem::exists(dir_ + "/krypton.db"));
  const std::string page = "/h5page/" + id + "/";
  for (const std::string& path : std::vector<std::string>{
           page + "../" + id + ".zip",      // the zip beside page/
           page + "../../../krypton.db",    // the database
           page + "%2e%2e/" + id + ".zip",  // encoded dots
           page + "%2E%2E/%2E%2E/%2E%2E/krypton.db",
           page + "..%2f..%2f..%2fkrypton.db",  // encoded slashes
           page + "%2fetc%2fpasswd",            // an absolute path
           page + "/etc/passwd",                // an empty segment is skipped: page/etc/passwd
           page + "..%5c..%5c..%5ckrypton.db",  // encoded backslashes
           page + "js%5capp.js",
           page + "./index.html",
           page + "index.html%00.png",
           page + "missing.js",
           "/h5page/..%2f..%2f/krypton.db",  // a template id that is no id
           "/h5page/%2e%2e/krypton.db",
           "/h5page/NOPE000000000000/index.html",
           "/h5package/" + id + "/../../krypton.db",
           "/h5package/" + id + "/other.zip",
           "/h5package/..%2f..%2f/krypton.db",
           "/h5package/" + id + "/%2e%2e",
       }) {
    HttpResult r = api_.Get(path);
    EXPECT_EQ(r.status, 404) << path << " → " << r.body.substr(0, 80);
    EXPECT_EQ(Field(r.body, "/code"), "5400000") << path;
  }
  // A raw backslash never reaches a file either.
  HttpResult raw = api_.Get(page + "..\\..\\..\\krypton.db");
  EXPECT_EQ(raw.status, 404) << raw.body;
  EXPECT_EQ(api_.Get(page + "index.html").status, 200);
}

TEST_F(H5HostingTest, DeviceObjectCarriesTheBoundUrls) {
  std::string android = NewTemplate("Android");
  HttpResult up = Upload(android, good_zip_);
  ASSERT_EQ(up.status, 200) << up.body;
  HttpResult p = api_.Ent(acme_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Panel","workModeType":"JSON_CTRL"})");
  ASSERT_EQ(p.status, 201) << p.body;
  std::string mid = StringField(p.body, "/mid");
  ASSERT_EQ(api_.Ent(acme_, "PUT", "/api/v1/enterprise/product/" + mid + "/h5",
                     R"({"platform":"Android","h5TemplateId":")" + android + "\"}")
                .status,
            204);
  ASSERT_EQ(
      admin_.Run({"quota", "set", "--pid", kAcme, "--kind", "DEVICE", "--total", "-1"}).exit_code,
      0);
  for (const char* dev : {"H5DEV1", "H5DEV2"}) {
    ASSERT_EQ(admin_.Run({"device", "import", "--product", mid, "--dev-tid", dev}).exit_code, 0);
    ASSERT_EQ(admin_.Run({"device", "bind", "--dev-tid", dev, "--uid", uid_}).exit_code, 0);
  }
  const std::string token = admin_.Token(uid_);
  HttpResult list = api_.AsUser(token, "GET", "/device");
  ASSERT_EQ(list.status, 200) << list.body;
  for (const char* i : {"/0", "/1"}) {
    std::string at = i;
    EXPECT_EQ(StringField(list.body, (at + "/mid").c_str()), mid);
    EXPECT_EQ(StringField(list.body, (at + "/androidH5Page").c_str()),
              base_ + "/h5page/" + android + "/index.html");
    EXPECT_EQ(StringField(list.body, (at + "/androidPageZipURL").c_str()),
              base_ + "/h5package/" + android + "/" + android + ".zip");
    EXPECT_EQ(Field(list.body, (at + "/iosH5Page").c_str()), "\"\"");
    EXPECT_EQ(Field(list.body, (at + "/iosPageZipURL").c_str()), "\"\"");
  }
  // The page the device object names is the one served.
  std::string url = StringField(list.body, "/0/androidH5Page");
  EXPECT_EQ(api_.Get(url.substr(base_.size())).body, kIndex);
  // A device of a product without bindings: every URL is "".
  HttpResult one = api_.AsUser(token, "GET", "/device?devTid=H5DEV1");
  EXPECT_EQ(StringField(one.body, "/0/androidH5Page"), url);
  ASSERT_EQ(admin_.Run({"device", "import", "--product", "DEMOSOCKET01", "--dev-tid", "PLAIN1"})
                .exit_code,
            0);
  ASSERT_EQ(admin_.Run({"device", "bind", "--dev-tid", "PLAIN1", "--uid", uid_}).exit_code, 0);
  HttpResult plain = api_.AsUser(token, "GET", "/device?devTid=PLAIN1");
  EXPECT_EQ(Field(plain.body, "/0/androidH5Page"), "\"\"") << plain.body;
  EXPECT_EQ(Field(plain.body, "/0/androidPageZipURL"), "\"\"");
}

TEST_F(H5HostingTest, AdminCommandsEndToEnd) {
  std::string zip_file = dir_ + "/panel.zip";
  std::ofstream(zip_file, std::ios::binary) << good_zip_;
  std::string bad_file = dir_ + "/bad.zip";
  std::ofstream(bad_file, std::ios::binary) << MakeZip({{"index.html", "x"}, {"../x", "slip"}});
  const std::string url_set = "http.public_url=" + base_ + "/";  // the trailing '/' is dropped

  CommandResult created =
      admin_.Run({"h5", "create", "--pid", kAcme, "--platform", "android", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string id = StringField(created.out, "/id");
  EXPECT_EQ(created.out,
            R"({"id":")" + id +
                R"(","platform":"Android","h5Page":"","pageZipURL":"","version":"","md5":""})"
                "\n");
  CommandResult up =
      admin_.Run({"h5", "upload", "--id", id, "--zip", zip_file, "--set", url_set, "--json"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(StringField(up.out, "/h5Page"), base_ + "/h5page/" + id + "/index.html");
  EXPECT_EQ(StringField(up.out, "/md5"), Md5Hex(good_zip_));
  // The running server serves what the command unpacked.
  EXPECT_EQ(api_.Get("/h5page/" + id + "/js/app.js").body, kApp);
  EXPECT_EQ(api_.Get("/h5package/" + id + "/" + id + ".zip").body, good_zip_);

  ExpectCliFailure(admin_.Run({"h5", "upload", "--id", id, "--zip", bad_file, "--set", url_set}),
                   "entry '../x' contains '..'");
  ExpectCliFailure(admin_.Run({"h5", "upload", "--id", "NOPE", "--zip", zip_file}),
                   "no H5 template NOPE");
  ExpectCliFailure(admin_.Run({"h5", "upload", "--id", id, "--zip", dir_ + "/none.zip"}),
                   "cannot read " + dir_ + "/none.zip");
  ExpectCliFailure(admin_.Run({"h5", "create", "--pid", kAcme, "--platform", "web"}),
                   "platform must be Android or IOS");
  ExpectCliFailure(admin_.Run({"h5", "create", "--pid", "99999999999", "--platform", "IOS"}),
                   "no manufacturer 99999999999");
  EXPECT_EQ(api_.Get("/h5page/" + id + "/index.html").body,
            kIndex);  // the bad upload changed nothing

  HttpResult p = api_.Ent(acme_, "POST", "/api/v1/enterprise/product",
                          R"({"name":"Panel","workModeType":"JSON_CTRL"})");
  std::string mid = StringField(p.body, "/mid");
  ExpectCliFailure(admin_.Run({"h5", "bind", "--mid", mid, "--platform", "IOS", "--id", id}),
                   "h5 template " + id + " is for Android");
  ExpectCliFailure(
      admin_.Run({"h5", "bind", "--mid", "NOPE00000000", "--platform", "IOS", "--id", id}),
      "no product with mid NOPE00000000");
  // A template is only bound to products of the enterprise that created it.
  ExpectCliFailure(
      admin_.Run({"h5", "bind", "--mid", "DEMOSOCKET01", "--platform", "Android", "--id", id}),
      "no H5 template " + id + " of the product's enterprise");
  CommandResult bound =
      admin_.Run({"h5", "bind", "--mid", mid, "--platform", "ANDROID", "--id", id});
  ASSERT_EQ(bound.exit_code, 0) << bound.err;
  EXPECT_EQ(bound.out, "bound H5 template " + id + " to product " + mid + " (Android)\n");

  CommandResult show = admin_.Run({"h5", "show", "--mid", mid, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(show.out, R"({"mid":")" + mid + R"(","Android":)" +
                          up.out.substr(0, up.out.size() - 1) +
                          R"(,"IOS":null})"
                          "\n");
  CommandResult text = admin_.Run({"h5", "show", "--mid", mid});
  EXPECT_EQ(text.out, "Android: " + id + " version 1 h5Page " + base_ + "/h5page/" + id +
                          "/index.html pageZipURL " + base_ + "/h5package/" + id + "/" + id +
                          ".zip\nIOS: none\n");
  // The API sees the operator's binding.
  HttpResult e4 =
      api_.Ent(acme_, "GET", "/api/v1/enterprise/product/" + mid + "/h5?platform=Android");
  EXPECT_EQ(e4.body + "\n", up.out);
}

}  // namespace
}  // namespace krypton::testing
