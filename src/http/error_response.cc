#include "http/error_response.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace krypton::http {
namespace {

bool IsInternal(int32_t code) {
  // The second digit of 7-digit codes is the class: 15xxxxx, 55xxxxx, 65xxxxx.
  return code >= 1000000 && (code / 100000) % 10 == 5;
}

const char* ReasonFor(int status) {
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    default:
      return "Error";
  }
}

}  // namespace

int HttpStatusFor(const Status& status, int auth_failure_status) {
  switch (status.code()) {
    case Code::kUaaRateLimited:
    case Code::kUaaDailyLimit:
    case Code::kUaaTooManyVerifyCodes:
      return 429;
    case Code::kUaaBadCredentials:
      return 401;
    case Code::kUaaInvalidToken:
      return auth_failure_status;
    default:
      return IsInternal(status.number()) ? 500 : 400;
  }
}

Response ErrorResponse(const Status& status, const ErrorContext& context) {
  int http_status = context.status_override != 0
                        ? context.status_override
                        : HttpStatusFor(status, context.auth_failure_status);
  if (context.status_override == 0 && status.code() == Code::kUserNoPrivilege) {
    http_status = context.no_privilege_status;
  }
  std::string desc = status.Message();
  if (context.chinese && !status.MessageZh().empty()) desc = std::string(status.MessageZh());

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("code");
  w.Int(status.number());
  w.Key("desc");
  w.String(desc.data(), static_cast<rapidjson::SizeType>(desc.size()));
  w.Key("timestamp");
  w.Int64(context.now_ms);
  if (status.code() == Code::kUaaInvalidToken) {
    // The merged body: the Android SDK refreshes its token only on "status":403 (D2).
    w.Key("status");
    w.Int(http_status);
    w.Key("error");
    w.String(ReasonFor(http_status));
    w.Key("message");
    w.String("Access Denied");
    w.Key("path");
    w.String(context.path.data(), static_cast<rapidjson::SizeType>(context.path.size()));
  }
  w.EndObject();
  return Response::Json(http_status, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace krypton::http
