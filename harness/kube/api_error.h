#pragma once
// Typed errors from API server answers: HTTP status + metav1.Status
// (reason, message) -> kdrill::Error with code, http_status and reason set.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"

namespace kdrill::kube {

// HTTP status + Status.reason -> ErrorCode:
// 400 kInvalidArgument, 401 kUnauthorized, 403 kForbidden, 404 kNotFound,
// 409 kAlreadyExists when reason is AlreadyExists else kConflict, 410 kGone,
// 422 kInvalid, 429 kTooManyRequests, 504 / reason Timeout kTimeout,
// other 5xx kServerError, anything else kServerError.
ErrorCode ErrorCodeForStatus(int http_status, std::string_view reason);

// Builds the error for a non-2xx answer. `body` is the response body (a Status
// object in JSON, or anything else); `context` says what was attempted
// ("get pods \"web-0\" in namespace \"demo\""). The message is Status.message
// when present, else a short excerpt of the body.
Error ApiErrorFromResponse(int http_status, std::string_view body, const std::string& context);

// Builds the error for a Status object that arrived in a watch ERROR event.
// Status.code gives the HTTP status (410 -> kGone).
Error ApiErrorFromStatusObject(const nlohmann::json& status, const std::string& context);

}  // namespace kdrill::kube
