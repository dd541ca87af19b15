#include "harness/kube/api_error.h"
#include "harness/core/json_fields.h"

namespace kdrill::kube {
namespace {

constexpr size_t kMaxBodyExcerpt = 300;

}  // namespace

ErrorCode ErrorCodeForStatus(int http_status, std::string_view reason) {
  switch (http_status) {
    case 400: return ErrorCode::kInvalidArgument;
    case 401: return ErrorCode::kUnauthorized;
    case 403: return ErrorCode::kForbidden;
    case 404: return ErrorCode::kNotFound;
    case 409: return reason == "AlreadyExists" ? ErrorCode::kAlreadyExists : ErrorCode::kConflict;
    case 410: return ErrorCode::kGone;
    case 422: return ErrorCode::kInvalid;
    case 429: return ErrorCode::kTooManyRequests;
    case 504: return ErrorCode::kTimeout;
    default: break;
  }
  if (reason == "Timeout") {
    return ErrorCode::kTimeout;
  }
  if (reason == "Expired" || reason == "Gone") {
    return ErrorCode::kGone;
  }
  return ErrorCode::kServerError;
}

Error ApiErrorFromStatusObject(const nlohmann::json& status, const std::string& context) {
  int code = 0;
  std::string reason;
  std::string message;
  if (status.is_object()) {
    auto c = status.find("code");
    if (c != status.end() && c->is_number_integer()) {
      code = c->get<int>();
    }
    reason = json::Str(status, "/reason");
    message = json::Str(status, "/message");
  }
  Error err(ErrorCodeForStatus(code, reason), {});
  err.http_status = code;
  err.reason = reason;
  if (message.empty()) {
    message = "the API server answered " + (code != 0 ? "HTTP " + std::to_string(code) : "an error") +
              (reason.empty() ? "" : " (" + reason + ")");
  }
  err.message = context.empty() ? message : context + ": " + message;
  return err;
}

Error ApiErrorFromResponse(int http_status, std::string_view body, const std::string& context) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded() && doc.is_object() && json::Str(doc, "/kind") == "Status") {
    doc["code"] = http_status;  // the HTTP status is authoritative
    return ApiErrorFromStatusObject(doc, context);
  }
  std::string excerpt(body.substr(0, kMaxBodyExcerpt));
  while (!excerpt.empty() && (excerpt.back() == '\n' || excerpt.back() == '\r')) {
    excerpt.pop_back();
  }
  Error err(ErrorCodeForStatus(http_status, {}),
            (context.empty() ? std::string() : context + ": ") + "HTTP " +
                std::to_string(http_status) +
                (excerpt.empty() ? std::string() : ": " + excerpt));
  err.http_status = http_status;
  return err;
}

}  // namespace kdrill::kube
