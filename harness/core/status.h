#pragma once
// The result type that crosses every module boundary in kdrill.
//
// Library exceptions (yaml-cpp, nlohmann::json, Boost, curl errors) stop at the
// module that uses the library and come out as an Error. Errors that reach a
// person say what went wrong, where, and what to do.

#include <expected>
#include <string>
#include <utility>

namespace kdrill {

enum class ErrorCode {
  kInvalidArgument,   // bad input from the user (drill, flags, kubeconfig)
  kNotFound,          // HTTP 404 / missing object or file
  kAlreadyExists,     // HTTP 409 with reason AlreadyExists
  kConflict,          // HTTP 409 otherwise (resourceVersion / UID precondition)
  kUnauthorized,      // HTTP 401
  kForbidden,         // HTTP 403, or refused by kdrill's own scope rules
  kGone,              // HTTP 410: resourceVersion too old (watch must relist)
  kTooManyRequests,   // HTTP 429 (rate limit, or an eviction blocked by a PDB)
  kInvalid,           // HTTP 422: the API server rejected the object
  kServerError,       // HTTP 5xx
  kUnavailable,       // network: connect refused, reset, TLS failure
  kTimeout,           // a deadline passed
  kCancelled,         // the user interrupted (Ctrl-C / SIGTERM)
  kFailedPrecondition,// the cluster is not in a state the operation needs
  kIo,                // local file system / process errors
  kInternal,          // a bug in kdrill
};

const char* ErrorCodeName(ErrorCode code);
// The inverse of ErrorCodeName (kInternal for a name it does not know).
ErrorCode ErrorCodeFromName(const std::string& name);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int http_status = 0;  // set for errors that came from the API server
  std::string reason;   // metav1.Status.reason when the API server gave one

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}

  // "NotFound: pods \"web-0\" not found"
  std::string ToString() const;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

inline Status Ok() { return {}; }

}  // namespace kdrill
