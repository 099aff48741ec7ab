// libFuzzer target: the URL tails of GET /h5page/{id}/{path...} and /h5package/{id}/{file}
// (src/catalog/h5.h H5PageFile, H5PackageFile; docs/decisions/0010-h5-hosting.md "No way
// out"). Whatever the tail — raw or percent-encoded dots, slashes, backslashes, NULs —
// a path handed back must lie inside <data_dir>/h5/{id}/page/ (or be the template's own
// zip) and name no "." or ".." segment; otherwise the answer is "no file" (a 404).
//
// Input: byte 0 picks the id (a good one or one built from the input), the rest is the
// tail, still percent-encoded as the router hands it over.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "catalog/h5.h"

namespace {

constexpr std::string_view kDataDir = "/srv/krypton";

void Check(bool ok) {
  if (!ok) std::abort();
}

// No segment of `path` (after `prefix`) is empty, "." or "..", and no byte is a NUL or
// a backslash.
void CheckPlain(std::string_view path, std::string_view prefix) {
  Check(path.substr(0, prefix.size()) == prefix);
  std::string_view rest = path.substr(prefix.size());
  Check(!rest.empty());
  Check(rest.find('\0') == std::string_view::npos);
  Check(rest.find('\\') == std::string_view::npos);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view segment = rest.substr(start, end - start);
    Check(!segment.empty() && segment != "." && segment != "..");
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string id = "Tpl0123456789abc";
  std::string_view tail = input;
  if (data[0] & 1) {  // the id from the input too: up to the first '/'
    size_t slash = input.find('/');
    id = std::string(input.substr(0, slash));
    tail = slash == std::string_view::npos ? std::string_view() : input.substr(slash + 1);
  }
  const std::string dir(kDataDir);
  if (auto page = krypton::catalog::H5PageFile(dir, id, tail)) {
    CheckPlain(id, "");  // a usable id is itself one plain segment
    CheckPlain(*page, dir + "/h5/" + id + "/page/");
  }
  if (auto zip = krypton::catalog::H5PackageFile(dir, id, tail)) {
    Check(*zip == dir + "/h5/" + id + "/" + id + ".zip");
    CheckPlain(id, "");
  }
  return 0;
}
