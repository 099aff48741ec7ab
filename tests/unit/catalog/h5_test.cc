#include "catalog/h5.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace krypton::catalog {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPid = "12345678901";

struct ZipEntry {
  std::string name;
  std::string data;
  uint32_t unix_mode = 0;  // 0 = libzip's default attributes
  bool encrypt = false;
};

// A zip made with libzip, as bytes.
std::string MakeZip(const std::vector<ZipEntry>& entries) {
  std::string tmpl = ::testing::TempDir() + "h5zip_XXXXXX";
  int fd = mkstemp(tmpl.data());
  EXPECT_GE(fd, 0);
  close(fd);
  int err = 0;
  zip_t* z = zip_open(tmpl.c_str(), ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr) << err;
  for (const ZipEntry& e : entries) {
    zip_int64_t i;
    if (e.name.back() == '/') {
      i = zip_dir_add(z, e.name.c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      zip_source_t* s = zip_source_buffer(z, e.data.data(), e.data.size(), 0);
      i = zip_file_add(z, e.name.c_str(), s, ZIP_FL_ENC_UTF_8);
    }
    EXPECT_GE(i, 0) << e.name << ": " << zip_strerror(z);
    if (e.unix_mode != 0) {
      zip_file_set_external_attributes(z, static_cast<zip_uint64_t>(i), 0, ZIP_OPSYS_UNIX,
                                       e.unix_mode << 16);
    }
    if (e.encrypt) {
      EXPECT_EQ(zip_file_set_encryption(z, static_cast<zip_uint64_t>(i), ZIP_EM_AES_256, "pw"), 0);
    }
  }
  EXPECT_EQ(zip_close(z), 0);
  std::ifstream in(tmpl, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(tmpl);
  return ss.str();
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class H5PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "krypton_h5_XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    auto store = storage::OpenStore({dir_ + "/k.db", 1000});
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    storage::Manufacturer m;
    m.pid = kPid;
    m.name = "Acme";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    H5Fields f;
    f.platform = "android";
    auto t = CreateH5Template(*store_, kPid, f, 1);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    id_ = t->id;
    hosting_ = {dir_, "http://cdn.test", 10, 1 << 20};
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<storage::H5Template> Install(const std::string& zip, const std::string& version = "") {
    return InstallH5Package(*store_, hosting_, std::string(kPid), id_, zip, version);
  }
  void ExpectRejected(const std::string& zip, const std::string& detail) {
    auto r = Install(zip);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kEntIllegalArgument);
    EXPECT_EQ(r.status().detail(), detail);
  }
  fs::path Page() const { return fs::path(dir_) / "h5" / id_ / "page"; }

  std::string dir_, id_;
  std::unique_ptr<storage::Store> store_;
  H5Hosting hosting_;
};

TEST_F(H5PackageTest, UnpacksKeepsTheZipAndSetsTheTemplate) {
  std::string zip = MakeZip({{"index.html", "<p>hi</p>"}, {"js/", ""}, {"js/app.js", "go()"}});
  auto t = Install(zip);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->h5_page, "http://cdn.test/h5page/" + id_ + "/index.html");
  EXPECT_EQ(t->page_zip_url, "http://cdn.test/h5package/" + id_ + "/" + id_ + ".zip");
  EXPECT_EQ(t->version, "1");
  EXPECT_EQ(t->md5.size(), 32u);
  EXPECT_EQ(Read(Page() / "index.html"), "<p>hi</p>");
  EXPECT_EQ(Read(Page() / "js" / "app.js"), "go()");
  EXPECT_EQ(Read(fs::path(dir_) / "h5" / id_ / (id_ + ".zip")), zip);
  auto stored = store_->GetH5Template(id_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->md5, t->md5);
  // Only page/ and the zip remain: no staging folder or temporary file is left behind.
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "h5" / id_)) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST_F(H5PackageTest, VersionsBumpOrAreGiven) {
  std::string zip = MakeZip({{"index.html", "x"}});
  EXPECT_EQ(Install(zip)->version, "1");
  EXPECT_EQ(Install(zip)->version, "2");
  EXPECT_EQ(Install(zip, "1.0.9")->version, "1.0.9");
  EXPECT_EQ(Install(zip)->version, "1.0.10");
  EXPECT_EQ(Install(zip, "beta")->version, "beta");
  EXPECT_EQ(Install(zip)->version, "beta.1");
  auto bad = Install(zip, "1 0");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().detail(), "version must be 1 to 64 letters, digits, '.', '_' or '-'");
}

TEST_F(H5PackageTest, OneTopFolderIsStrippedAndMacJunkSkipped) {
  auto t = Install(MakeZip({{"panel/", ""},
                            {"panel/index.html", "top"},
                            {"panel/css/a.css", "a{}"},
                            {"__MACOSX/panel/._index.html", "junk"}}));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Read(Page() / "index.html"), "top");
  EXPECT_EQ(Read(Page() / "css" / "a.css"), "a{}");
  EXPECT_FALSE(fs::exists(Page() / "panel"));
  EXPECT_FALSE(fs::exists(Page() / "__MACOSX"));
}

TEST_F(H5PackageTest, RejectionsChangeNothing) {
  std::string good = MakeZip({{"index.html", "v1"}});
  auto first = Install(good);
  ASSERT_TRUE(first.ok());
  ExpectRejected("not a zip", "the package is not a zip file");
  ExpectRejected(MakeZip({{"main.html", "x"}}),
                 "the package has no index.html at its root or in its single top folder");
  ExpectRejected(MakeZip({{"a/index.html", "x"}, {"b/x.js", "x"}}),
                 "the package has no index.html at its root or in its single top folder");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"../x", "x"}}), "entry '../x' contains '..'");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"js/../../x", "x"}}),
                 "entry 'js/../../x' contains '..'");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"/etc/x", "x"}}),
                 "entry '/etc/x' has an absolute path");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"C:/x", "x"}}),
                 "entry 'C:/x' has an absolute path");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"a\\..\\x", "x"}}),
                 "entry 'a\\..\\x' contains a backslash");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"./x", "x"}}),
                 "entry './x' has an empty or '.' path component");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"link", "/etc/passwd", S_IFLNK | 0777}}),
                 "entry 'link' is a symbolic link");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"fifo", "", S_IFIFO | 0644}}),
                 "entry 'fifo' is not a regular file or folder");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"index.html/x", "x"}}),
                 "entry 'index.html/x' uses the file 'index.html' as a folder");
  ExpectRejected(MakeZip({{"index.html", "x"}, {"s.js", "secret", 0, true}}),
                 "entry 's.js' is encrypted");
  std::vector<ZipEntry> many = {{"index.html", "x"}};
  for (int i = 0; i < 10; ++i) many.push_back({"f" + std::to_string(i), "x"});
  ExpectRejected(MakeZip(many), "the package has 11 entries; at most 10 are allowed");
  // A zip bomb: 2 MiB of zeros deflate to a few kilobytes.
  ExpectRejected(MakeZip({{"index.html", "x"}, {"zeros", std::string(2 << 20, '\0')}}),
                 "the package unpacks to more than 1048576 bytes");

  EXPECT_EQ(Read(Page() / "index.html"), "v1");
  EXPECT_FALSE(fs::exists(Page() / "x"));
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "x"));
  EXPECT_EQ(Read(fs::path(dir_) / "h5" / id_ / (id_ + ".zip")), good);
  auto stored = store_->GetH5Template(id_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->md5, first->md5);
  EXPECT_EQ(stored->version, "1");
}

TEST_F(H5PackageTest, OnlyTheOwnerOrTheOperatorUploads) {
  std::string zip = MakeZip({{"index.html", "x"}});
  auto foreign = InstallH5Package(*store_, hosting_, std::string("99999999999"), id_, zip, "");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), Code::kEntH5TemplateNotExist);
  auto unknown = InstallH5Package(*store_, hosting_, std::string(kPid), "nope", zip, "");
  EXPECT_EQ(unknown.status().code(), Code::kEntH5TemplateNotExist);
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "h5"));
  EXPECT_TRUE(InstallH5Package(*store_, hosting_, std::nullopt, id_, zip, "").ok());
}

TEST(H5PathsTest, PageFilesStayInTheTemplatesFolder) {
  const std::string page = "/d/h5/abc/page/";
  EXPECT_EQ(H5PageFile("/d", "abc", "index.html"), page + "index.html");
  EXPECT_EQ(H5PageFile("/d", "abc", "js/app.js"), page + "js/app.js");
  EXPECT_EQ(H5PageFile("/d", "abc", "a%20b.js"), page + "a b.js");
  for (const char* tail : {"..", "../abc.zip", "js/../../x", "%2e%2e/x", "%2E%2E", ".", "%2e",
                           "js/%2fetc", "a%5cb", "a\\b", "%00", "a%0a", "%zz", "%2", ""}) {
    EXPECT_EQ(H5PageFile("/d", "abc", tail), std::nullopt) << tail;
  }
  for (const char* id : {"..", "a.b", "a%2e", "", "a/b"}) {
    EXPECT_EQ(H5PageFile("/d", id, "index.html"), std::nullopt) << id;
  }
  EXPECT_EQ(H5PackageFile("/d", "abc", "abc.zip"), "/d/h5/abc/abc.zip");
  EXPECT_EQ(H5PackageFile("/d", "abc", "other.zip"), std::nullopt);
  EXPECT_EQ(H5PackageFile("/d", "..", "...zip"), std::nullopt);
}

}  // namespace
}  // namespace krypton::catalog
