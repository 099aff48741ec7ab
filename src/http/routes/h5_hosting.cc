// Hosted H5 pages and packages (enterprise-api.md §6; decision 0010), no authentication
// (Hekr served them from a CDN):
//   GET|HEAD /h5page/{id}/{path...}     a file of template {id}'s unpacked package
//   GET|HEAD /h5package/{id}/{id}.zip   the package as uploaded
// Content-Type by extension, ETag = the template's md5 (quoted), Cache-Control
// no-cache (the URLs stay the same across uploads, so caches revalidate), and
// If-None-Match → 304. Anything missing, and any path that is not a plain name under the
// template's folder (catalog::H5PageFile), is a 404 with the unknown-path body (D23).
// Files are read on the worker pool.
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <memory>

#include "catalog/h5.h"
#include "http/error_response.h"
#include "http/routes/api.h"

namespace krypton::http {
namespace {

std::string_view ContentType(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"svg", "image/svg+xml"},
      {"ico", "image/x-icon"},
      {"webp", "image/webp"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"zip", "application/zip"},
  };
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext(path.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

Response NotFound(const ApiContext& ctx, const Request& req) {
  ErrorContext ec;
  ec.now_ms = ctx.clock.NowMs();
  ec.path = req.path;
  ec.chinese = req.PrefersChinese();
  ec.status_override = 404;
  return ErrorResponse(Status(Code::kUserError), ec);
}

// The regular file at `path` (never through a symbolic link at its end), or a 404.
Response Serve(const ApiContext& ctx, const Request& req, const std::string& id,
               const std::optional<std::string>& path) {
  if (!path) return NotFound(ctx, req);
  struct stat st;
  if (::lstat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return NotFound(ctx, req);
  auto t = ctx.store.GetH5Template(id);
  if (!t.ok()) return NotFound(ctx, req);
  Response r;
  r.content_type = std::string(ContentType(*path));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  std::string etag = t->md5.empty() ? "" : "\"" + t->md5 + "\"";
  if (!etag.empty()) {
    r.headers.emplace_back("ETag", etag);
    if (req.Header("if-none-match") == etag) {
      r.status = 304;
      r.content_type.clear();
      return r;
    }
  }
  r.file = *path;  // streamed by the HTTP session (Beast's file body)
  return r;
}

// GET|HEAD /h5page/{id}/{path...} and /h5package/{id}/{file}: `file_of` names the file.
api::AsyncCallHandler Hosted(std::optional<std::string> (*file_of)(const std::string&,
                                                                   std::string_view,
                                                                   std::string_view),
                             const char* segment) {
  return [file_of, segment](std::shared_ptr<api::Call> call, api::Done done) {
    boost::asio::post(call->ctx.blocking, [call, done = std::move(done), file_of, segment] {
      const std::string id = call->Param("id");
      done(Serve(call->ctx, call->req, id,
                 file_of(call->ctx.config.data_dir, id, call->Param(segment))));
    });
  };
}

}  // namespace

void AddH5HostingRoutes(Router& router, ApiContext& ctx) {
  for (const char* method : {"GET", "HEAD"}) {
    api::AddAsync(router, ctx, method, "/h5page/{id}/{path...}", api::Auth::kNone,
                  Hosted(catalog::H5PageFile, "path"));
    api::AddAsync(router, ctx, method, "/h5package/{id}/{file}", api::Auth::kNone,
                  Hosted(catalog::H5PackageFile, "file"));
  }
}

}  // namespace krypton::http
