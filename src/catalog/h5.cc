// H5 templates and hosted packages (h5.h). The package check reads only the zip's
// central directory (names, sizes, attributes) and rejects before anything is written;
// the unpack then counts the bytes it really inflates, so a lying directory cannot
// overrun the bounds either.
#include "catalog/h5.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "catalog/catalog.h"
#include "common/secrets.h"

namespace krypton::catalog {
namespace {

namespace fs = std::filesystem;

Status Disk(const std::string& what) {
  return Status(Code::kUserInternal).WithDetail("h5 package: " + what);
}

// An entry name as it may appear in a message (bounded, printable).
std::string Shown(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 200)) {
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  return "'" + out + (name.size() > 200 ? "…'" : "'");
}

bool IsVersion(std::string_view v) {
  return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

std::string NextVersion(const std::string& v) {
  if (v.empty()) return "1";
  size_t start = v.rfind('.');
  start = start == std::string::npos ? 0 : start + 1;
  std::string_view last = std::string_view(v).substr(start);
  if (last.empty() || last.size() > 9 ||
      !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return v + ".1";
  }
  return v.substr(0, start) + std::to_string(std::stol(std::string(last)) + 1);
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &n, EVP_md5(), nullptr) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool IsId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c));
  });
}

fs::path PackageDir(const std::string& data_dir, std::string_view id) {
  return fs::path(data_dir) / "h5" / std::string(id);
}

// ---- The zip ----------------------------------------------------------------------

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;

struct Entry {
  zip_uint64_t index;
  std::string path;  // relative to page/, top folder stripped; no trailing '/'
  bool dir;
  zip_uint64_t size;  // declared uncompressed size
};

// The entry's path components, or the reason it is refused.
Result<std::vector<std::string>> Components(std::string_view name) {
  if (name.empty()) return Illegal("an entry has an empty name");
  if (name.find('\\') != std::string_view::npos) {
    return Illegal("entry " + Shown(name) + " contains a backslash");
  }
  if (name.front() == '/' || (name.size() >= 2 && name[1] == ':')) {
    return Illegal("entry " + Shown(name) + " has an absolute path");
  }
  std::vector<std::string> parts;
  std::string_view rest = name;
  if (rest.back() == '/') rest.remove_suffix(1);  // a folder entry
  while (true) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part == "..") return Illegal("entry " + Shown(name) + " contains '..'");
    if (part.empty() || part == ".") {
      return Illegal("entry " + Shown(name) + " has an empty or '.' path component");
    }
    for (char c : part) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return Illegal("entry " + Shown(name) + " contains a control character");
      }
    }
    parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return parts;
}

// Every entry to unpack, checked against the rules of h5.h.
Result<std::vector<Entry>> CheckPackage(zip_t* z, const H5Hosting& hosting) {
  zip_int64_t n = zip_get_num_entries(z, 0);
  if (n < 0) return Illegal("the package is not a zip file");
  if (n > hosting.max_entries) {
    return Illegal("the package has " + std::to_string(n) + " entries; at most " +
                   std::to_string(hosting.max_entries) + " are allowed");
  }
  struct Named {
    Entry entry;
    std::vector<std::string> parts;
  };
  std::vector<Named> named;
  std::set<std::string> seen;
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE)) {
      return Illegal("entry " + std::to_string(i) + " cannot be read");
    }
    std::string_view name = st.name;
    auto parts = Components(name);
    if (!parts.ok()) return parts.status();
    bool dir = name.back() == '/';
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(z, index, 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX) {
      mode_t type = static_cast<mode_t>(attributes >> 16) & S_IFMT;
      if (type == S_IFLNK) return Illegal("entry " + Shown(name) + " is a symbolic link");
      if (type == S_IFDIR) dir = true;
      if (type != 0 && type != S_IFREG && type != S_IFDIR) {
        return Illegal("entry " + Shown(name) + " is not a regular file or folder");
      }
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
      return Illegal("entry " + Shown(name) + " is encrypted");
    }
    std::string joined;
    for (const auto& p : *parts) joined += (joined.empty() ? "" : "/") + p;
    if (!seen.insert(joined).second) return Illegal("entry " + Shown(name) + " appears twice");
    total += dir ? 0 : st.size;
    if (total > static_cast<uint64_t>(hosting.max_unpacked_bytes)) {
      return Illegal("the package unpacks to more than " +
                     std::to_string(hosting.max_unpacked_bytes) + " bytes");
    }
    named.push_back({{index, joined, dir, dir ? 0 : st.size}, std::move(*parts)});
  }
  // A file may not also be a folder of another entry ("a" and "a/b").
  std::set<std::string> files;
  for (const Named& e : named) {
    if (!e.entry.dir) files.insert(e.entry.path);
  }
  for (const Named& e : named) {
    std::string prefix;
    for (size_t i = 0; i + 1 < e.parts.size(); ++i) {
      prefix += (i == 0 ? "" : "/") + e.parts[i];
      if (files.count(prefix)) {
        return Illegal("entry " + Shown(e.entry.path) + " uses the file " + Shown(prefix) +
                       " as a folder");
      }
    }
  }
  // index.html at the root, or in the one top folder every entry shares (stripped).
  size_t strip = 0;
  if (!files.count("index.html")) {
    std::string top;
    bool one_top = true;
    for (const Named& e : named) {
      if (e.parts.front() == "__MACOSX") continue;
      if (top.empty()) top = e.parts.front();
      one_top = one_top && e.parts.front() == top && (e.parts.size() > 1 || e.entry.dir);
    }
    if (top.empty() || !one_top || !files.count(top + "/index.html")) {
      return Illegal("the package has no index.html at its root or in its single top folder");
    }
    strip = top.size() + 1;
  }
  std::vector<Entry> out;
  for (Named& e : named) {
    if (e.parts.front() == "__MACOSX") continue;
    if (e.entry.path.size() <= strip) continue;  // the stripped top folder itself
    e.entry.path = e.entry.path.substr(strip);
    out.push_back(std::move(e.entry));
  }
  return out;
}

// Unpacks `entries` into `dir` (which exists and is empty). 8400002 for damaged data,
// kUserInternal for disk errors.
Status Unpack(zip_t* z, const std::vector<Entry>& entries, const fs::path& dir,
              const H5Hosting& hosting) {
  uint64_t total = 0;
  std::vector<char> buf(64 * 1024);
  for (const Entry& e : entries) {
    fs::path target = dir / e.path;
    std::error_code ec;
    fs::create_directories(e.dir ? target : target.parent_path(), ec);
    if (ec) return Disk("mkdir " + target.string() + ": " + ec.message());
    if (e.dir) continue;
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return Disk("create " + target.string() + ": " + std::strerror(errno));
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> in(zip_fopen_index(z, e.index, 0),
                                                         &zip_fclose);
    Status result;
    uint64_t written = 0;
    if (!in) result = Illegal("entry " + Shown(e.path) + " is damaged: " + zip_strerror(z));
    while (result.ok()) {
      zip_int64_t got = zip_fread(in.get(), buf.data(), buf.size());
      if (got < 0) {
        result = Illegal("entry " + Shown(e.path) + " is damaged: " + zip_file_strerror(in.get()));
        break;
      }
      if (got == 0) break;
      written += static_cast<uint64_t>(got);
      total += static_cast<uint64_t>(got);
      if (written > e.size || total > static_cast<uint64_t>(hosting.max_unpacked_bytes)) {
        result = Illegal("entry " + Shown(e.path) + " is larger than the package declares");
        break;
      }
      for (zip_int64_t off = 0; off < got;) {
        ssize_t w = ::write(fd, buf.data() + off, static_cast<size_t>(got - off));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          result = Disk("write " + target.string() + ": " + std::strerror(errno));
          break;
        }
        off += w;
      }
    }
    if (::close(fd) != 0 && result.ok()) result = Disk("close " + target.string());
    if (!result.ok()) return result;
  }
  return Status();
}

// Writes `data` to a new file in `dir`; its path, or a disk error.
Result<fs::path> WriteTemp(const fs::path& dir, std::string_view data) {
  std::string path = (dir / ".zip-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  if (fd < 0) return Disk("mkstemp in " + dir.string() + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += static_cast<size_t>(w);
  }
  bool ok = off == data.size() && ::fchmod(fd, 0644) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Disk("write " + path);
  }
  return fs::path(path);
}

// Puts `staging` in place of `page` atomically (the old tree ends in `staging`).
Status SwapIn(const fs::path& staging, const fs::path& page) {
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, page.c_str(), RENAME_EXCHANGE) == 0) {
    return Status();
  }
  if (errno == ENOENT && ::rename(staging.c_str(), page.c_str()) == 0) return Status();
  return Disk("swap " + staging.string() + " → " + page.string() + ": " + std::strerror(errno));
}

std::mutex& InstallMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

std::string CanonicalPlatform(std::string_view platform) {
  std::string lower;
  for (char c : platform) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "android") return "Android";
  if (lower == "ios") return "IOS";
  return "";
}

Result<storage::H5Template> CreateH5Template(storage::Store& store, const std::string& pid,
                                             const H5Fields& fields, int64_t now_ms) {
  storage::H5Template t;
  t.platform = CanonicalPlatform(fields.platform);
  if (t.platform.empty()) return Status(Code::kEntBadPlatform);
  if (fields.h5_page.size() > 1024 || fields.page_zip_url.size() > 1024 ||
      fields.version.size() > 64 || fields.md5.size() > 64) {
    return Illegal("h5Page and pageZipURL are at most 1024 characters, version and md5 64");
  }
  t.id = RandomAlnum(16);
  t.pid = pid;
  t.h5_page = fields.h5_page;
  t.page_zip_url = fields.page_zip_url;
  t.version = fields.version;
  t.md5 = fields.md5;
  t.created_at_ms = now_ms;
  if (auto s = store.CreateH5Template(t); !s.ok()) {
    return s.not_found() ? Status(Code::kEntPidNotExist) : Internal(s);
  }
  return t;
}

Result<storage::H5Template> OwnedH5Template(storage::Store& store,
                                            const std::optional<std::string>& owner,
                                            const std::string& id) {
  auto t = store.GetH5Template(id);
  if (!t.ok()) {
    return t.status().not_found() ? Status(Code::kEntH5TemplateNotExist) : Internal(t.status());
  }
  if (owner && t->pid != *owner) return Status(Code::kEntH5TemplateNotExist);
  return *t;
}

Status BindH5Template(storage::Store& store, const std::optional<std::string>& owner,
                      const std::string& mid, std::string_view platform, const std::string& id) {
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  std::string canonical = CanonicalPlatform(platform);
  if (canonical.empty()) return Status(Code::kEntBadPlatform);
  auto t = OwnedH5Template(store, p->pid, id);
  if (!t.ok()) return t.status();
  if (t->platform != canonical) return Illegal("h5 template " + t->id + " is for " + t->platform);
  if (auto s = store.BindProductH5(p->mid, canonical, t->id); !s.ok()) return Internal(s);
  return Status();
}

Result<storage::H5Template> InstallH5Package(storage::Store& store, const H5Hosting& hosting,
                                             const std::optional<std::string>& owner,
                                             const std::string& id, std::string_view zip,
                                             const std::string& version) {
  auto t = OwnedH5Template(store, owner, id);
  if (!t.ok()) return t.status();
  if (!version.empty() && !IsVersion(version)) {
    return Illegal("version must be 1 to 64 letters, digits, '.', '_' or '-'");
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  Zip archive(source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr);
  zip_error_fini(&error);
  if (!archive) {
    if (source) zip_source_free(source);
    return Illegal("the package is not a zip file");
  }
  auto entries = CheckPackage(archive.get(), hosting);
  if (!entries.ok()) return entries.status();

  const fs::path dir = PackageDir(hosting.data_dir, t->id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Disk("mkdir " + dir.string() + ": " + ec.message());
  std::string staging_name = (dir / ".staging-XXXXXX").string();
  if (::mkdtemp(staging_name.data()) == nullptr) {
    return Disk("mkdtemp in " + dir.string() + ": " + std::strerror(errno));
  }
  const fs::path staging = staging_name;
  Status unpacked = Unpack(archive.get(), *entries, staging, hosting);
  auto zip_temp = unpacked.ok() ? WriteTemp(dir, zip) : Result<fs::path>(unpacked);
  if (!zip_temp.ok()) {
    fs::remove_all(staging, ec);
    return zip_temp.status();
  }

  std::lock_guard lock(InstallMutex());
  auto current = OwnedH5Template(store, owner, id);  // the version may have moved meanwhile
  if (!current.ok()) {
    fs::remove_all(staging, ec);
    fs::remove(*zip_temp, ec);
    return current.status();
  }
  Status swapped = SwapIn(staging, dir / "page");
  fs::remove_all(staging, ec);  // the old tree, or what was left of the new one
  if (swapped.ok() && ::rename(zip_temp->c_str(), (dir / (t->id + ".zip")).c_str()) != 0) {
    swapped = Disk("rename " + zip_temp->string() + ": " + std::strerror(errno));
  }
  if (!swapped.ok()) {
    fs::remove(*zip_temp, ec);
    return swapped;
  }
  storage::H5Template updated = *current;
  updated.h5_page = hosting.base_url + "/h5page/" + t->id + "/index.html";
  updated.page_zip_url = hosting.base_url + "/h5package/" + t->id + "/" + t->id + ".zip";
  updated.md5 = Md5Hex(zip);
  updated.version = version.empty() ? NextVersion(current->version) : version;
  if (auto s = store.UpdateH5Template(updated); !s.ok()) return Internal(s);
  return updated;
}

std::optional<std::string> H5PageFile(const std::string& data_dir, std::string_view id,
                                      std::string_view raw_tail) {
  if (!IsId(id) || raw_tail.empty()) return std::nullopt;
  fs::path path = PackageDir(data_dir, id) / "page";
  while (true) {
    size_t slash = raw_tail.find('/');
    std::string_view raw = raw_tail.substr(0, slash);
    std::string segment;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '%') {
        if (i + 2 >= raw.size()) return std::nullopt;
        auto hex = [](char h) {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        int hi = hex(raw[i + 1]), lo = hex(raw[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/' || c == '\\') {
        return std::nullopt;
      }
      segment += c;
    }
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    path /= segment;
    if (slash == std::string_view::npos) break;
    raw_tail.remove_prefix(slash + 1);
  }
  return path.string();
}

std::optional<std::string> H5PackageFile(const std::string& data_dir, std::string_view id,
                                         std::string_view file) {
  if (!IsId(id) || file != std::string(id) + ".zip") return std::nullopt;
  return (PackageDir(data_dir, id) / file).string();
}

}  // namespace krypton::catalog
