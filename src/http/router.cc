#include <algorithm>
#include <cctype>

#include "common/clock.h"
#include "http/error_response.h"
#include "http/http.h"

namespace krypton::http {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// "{name...}": the rest of the path.
bool IsTail(const std::string& seg) {
  return IsParam(seg) && seg.size() > 5 && seg.compare(seg.size() - 4, 4, "...}") == 0;
}

}  // namespace

std::string Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

bool Request::PrefersChinese() const {
  std::string lang = Header("accept-language");
  std::transform(lang.begin(), lang.end(), lang.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // The first listed language decides ("zh-CN,zh;q=0.9,en;q=0.8").
  size_t start = lang.find_first_not_of(" ");
  return start != std::string::npos && lang.compare(start, 2, "zh") == 0;
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  routes_.push_back(
      {std::move(method), pattern, Split(pattern), std::move(handler), nullptr, options});
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler,
                      RouteOptions options) {
  routes_.push_back(
      {std::move(method), pattern, Split(pattern), nullptr, std::move(handler), options});
}

void Router::AddGuard(std::string pattern_prefix, Guard guard) {
  guards_.emplace_back(std::move(pattern_prefix), std::move(guard));
}

std::optional<Response> Router::Guarded(Request& request) const {
  for (const auto& [prefix, guard] : guards_) {
    if (request.route.compare(0, prefix.size(), prefix) != 0) continue;
    if (std::optional<Response> refused = guard(request)) return refused;
  }
  return std::nullopt;
}

std::vector<std::string> Router::Describe() const {
  std::vector<std::string> out;
  for (const Route_& r : routes_) out.push_back(r.method + " " + r.pattern);
  return out;
}

size_t Router::BodyLimit(std::string_view method, std::string_view target) const {
  bool path_matched = false;
  std::map<std::string, std::string> params;
  const Route_* route = Match(method, target.substr(0, target.find('?')), &path_matched, &params);
  return route == nullptr ? 0 : route->options.max_body_bytes;
}

size_t Router::LargestBodyLimit() const {
  size_t largest = 0;
  for (const Route_& r : routes_) largest = std::max(largest, r.options.max_body_bytes);
  return largest;
}

const Router::Route_* Router::Match(std::string_view method, std::string_view path,
                                    bool* path_matched,
                                    std::map<std::string, std::string>* params) const {
  std::vector<std::string> segs = Split(path);
  *path_matched = false;
  for (const Route_& route : routes_) {
    const auto& pattern = route.segments;
    bool tail = !pattern.empty() && IsTail(pattern.back());
    if (tail ? segs.size() < pattern.size() : segs.size() != pattern.size()) continue;
    std::map<std::string, std::string> found;
    bool match = true;
    for (size_t i = 0; i < pattern.size() && match; ++i) {
      if (tail && i + 1 == pattern.size()) {
        std::string rest = segs[i];
        for (size_t j = i + 1; j < segs.size(); ++j) rest += "/" + segs[j];
        found[pattern[i].substr(1, pattern[i].size() - 5)] = std::move(rest);
      } else if (IsParam(pattern[i])) {
        found[pattern[i].substr(1, pattern[i].size() - 2)] = segs[i];
      } else {
        match = pattern[i] == segs[i];
      }
    }
    if (!match) continue;
    *path_matched = true;
    if (route.method != method) continue;
    *params = std::move(found);
    return &route;
  }
  return nullptr;
}

namespace {

Response NotRouted(const Request& request, bool path_matched) {
  ErrorContext ctx;
  ctx.now_ms = SystemClock::Instance().NowMs();
  ctx.path = request.path;
  ctx.chinese = request.PrefersChinese();
  ctx.status_override = path_matched ? 405 : 404;
  return ErrorResponse(Status(Code::kUserError), ctx);
}

}  // namespace

Response Router::Route(Request& request) const {
  bool path_matched = false;
  const Route_* route = Match(request.method, request.path, &path_matched, &request.params);
  if (route == nullptr) return NotRouted(request, path_matched);
  request.route = route->pattern;
  request.attributes.clear();
  if (std::optional<Response> refused = Guarded(request)) return std::move(*refused);
  if (route->handler) return route->handler(request);
  ErrorContext ctx;
  ctx.now_ms = SystemClock::Instance().NowMs();
  ctx.path = request.path;
  return ErrorResponse(Status(Code::kUserInternal).WithDetail("async route"), ctx);
}

void Router::Dispatch(Request request, Responder respond) const {
  bool path_matched = false;
  const Route_* route = Match(request.method, request.path, &path_matched, &request.params);
  if (route == nullptr) return respond(NotRouted(request, path_matched));
  request.route = route->pattern;
  request.attributes.clear();
  if (std::optional<Response> refused = Guarded(request)) return respond(std::move(*refused));
  if (route->handler) return respond(route->handler(request));
  route->async(std::move(request), std::move(respond));
}

}  // namespace krypton::http
