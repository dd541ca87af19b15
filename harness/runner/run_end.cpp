#include "harness/runner/run_end.h"

#include <algorithm>

namespace kdrill {

RunEnd RunEndForSetupError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
      return RunEnd::kBadInput;
    case ErrorCode::kForbidden:
      return e.http_status == 0 ? RunEnd::kRefused : RunEnd::kClusterError;
    case ErrorCode::kCancelled:
      return RunEnd::kInterrupted;
    default:
      return RunEnd::kClusterError;
  }
}

RunEnd RunEndForPlanProblem(const Error& e) {
  if (e.code == ErrorCode::kInvalidArgument) return RunEnd::kBadInput;
  if (e.code == ErrorCode::kForbidden && e.http_status == 0) return RunEnd::kRefused;
  if (e.http_status != 0 || e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kUnauthorized) {
    return RunEnd::kClusterError;
  }
  return RunEnd::kBroken;
}

RunEnd Worse(RunEnd a, RunEnd b) {
  if (a == RunEnd::kInterrupted || b == RunEnd::kInterrupted) return RunEnd::kInterrupted;
  return std::max(a, b);
}

}  // namespace kdrill
