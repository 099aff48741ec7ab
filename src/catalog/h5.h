// H5 control-panel templates and their hosted packages (enterprise-api.md §6, §3.2
// E4–E6; docs/decisions/0010-h5-hosting.md): the rules and file work behind
// POST /api/v1/enterprise/h5, PUT /api/v1/enterprise/h5/{id}/package,
// PUT /api/v1/enterprise/product/{mid}/h5 and `krypton admin h5 …`, and the safe path
// lookup behind GET /h5page/… and /h5package/…. Contract:
// - No HTTP. Callers pass the store, the time, the hosting settings and, for owner-only
//   operations, the calling enterprise (`owner`; std::nullopt = the operator).
// - Errors are the enterprise codes: 8400002 (kEntIllegalArgument) with a detail that
//   names the problem, 8400003 platform, 8400005 unknown or foreign template, 8400000
//   unknown or foreign product, kUserInternal (detail = the cause) for store or disk
//   failures.
// - Files of template {id}: <data_dir>/h5/{id}/{id}.zip (the upload, byte for byte) and
//   <data_dir>/h5/{id}/page/ (its files). A package is checked completely before a
//   byte is written, unpacked into a staging folder beside page/ and swapped in with one
//   rename, so a reader sees the old tree or the new one, never a mix; a rejected
//   package changes nothing.
// - Threads: any thread. InstallH5Package does blocking file I/O: keep it off the event
//   loops. Two uploads of one template in one process are serialised; across processes
//   (server and admin CLI) the last swap wins.
#ifndef KRYPTON_CATALOG_H5_H_
#define KRYPTON_CATALOG_H5_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/store.h"

namespace krypton::catalog {

// "Android" / "IOS" for any spelling of either (case-insensitive); "" otherwise.
std::string CanonicalPlatform(std::string_view platform);

// The members of a new template. h5_page may be empty until a package is uploaded.
struct H5Fields {
  std::string platform;               // any spelling (8400003 otherwise)
  std::string h5_page, page_zip_url;  // at most 1024 characters each
  std::string version, md5;           // at most 64 characters each
};
// Validates and stores a template of enterprise `pid` with a generated 16-character id.
Result<storage::H5Template> CreateH5Template(storage::Store& store, const std::string& pid,
                                             const H5Fields& fields, int64_t now_ms);

// Template `id` when `owner` created it (any template for the operator); 8400005 otherwise.
Result<storage::H5Template> OwnedH5Template(storage::Store& store,
                                            const std::optional<std::string>& owner,
                                            const std::string& id);

// E5: binds template `id` to product `mid` for `platform` (any spelling), replacing the
// previous binding. The product must be `owner`'s (8400000) and the template the
// product's enterprise's (8400005); a template of the other platform is 8400002.
Status BindH5Template(storage::Store& store, const std::optional<std::string>& owner,
                      const std::string& mid, std::string_view platform, const std::string& id);

// Where and how packages are hosted.
struct H5Hosting {
  std::string data_dir;  // packages live under <data_dir>/h5/
  std::string base_url;  // the public HTTP URL, no trailing '/' (Config::PublicHttpUrl)
  // Bounds of one package; a package beyond either is 8400002 (limits.h5_package_*).
  int64_t max_entries = 2000;
  int64_t max_unpacked_bytes = 100 << 20;
};

// Checks the zip `zip`, unpacks it as template `id`'s page tree, keeps the zip, and
// sets the template's h5Page to {base}/h5page/{id}/index.html, pageZipURL to
// {base}/h5package/{id}/{id}.zip, md5 to the zip's MD5 (lower-case hex) and version to
// `version`, or when that is empty to the stored one bumped ("" → "1", "1.0.2" →
// "1.0.3", "beta" → "beta.1"). Returns the updated template.
//
// 8400002 and nothing changed when: the body is not a zip; it has more than
// max_entries entries or unpacks to more than max_unpacked_bytes (declared or
// actual); an entry name is absolute ("/x", "C:x"), has a "..", "." or empty component
// or a backslash, or appears twice; an entry is a symbolic link or anything but a file
// or folder, or is encrypted; an entry is damaged (CRC); there is no index.html at the
// root — or, when every entry sits in one top folder, inside it (that folder is then
// stripped); `version` is not 1–64 letters, digits, '.', '_' or '-'. Entries under a
// top-level __MACOSX/ folder are checked but not unpacked.
Result<storage::H5Template> InstallH5Package(storage::Store& store, const H5Hosting& hosting,
                                             const std::optional<std::string>& owner,
                                             const std::string& id, std::string_view zip,
                                             const std::string& version);

// The file GET /h5page/{id}/{tail} serves — <data_dir>/h5/{id}/page/{tail} — where
// `raw_tail` is the URL path after "{id}/", still percent-encoded. std::nullopt (a 404)
// unless `id` is 1–64 letters or digits and every decoded segment is a plain name: no
// "." or "..", no '/', '\\' or control characters, raw or encoded. The file itself
// may still be missing.
std::optional<std::string> H5PageFile(const std::string& data_dir, std::string_view id,
                                      std::string_view raw_tail);
// The zip GET /h5package/{id}/{file} serves: only `file` == "{id}.zip".
std::optional<std::string> H5PackageFile(const std::string& data_dir, std::string_view id,
                                         std::string_view file);

}  // namespace krypton::catalog

#endif  // KRYPTON_CATALOG_H5_H_
