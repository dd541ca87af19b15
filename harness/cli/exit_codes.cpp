#include "harness/cli/exit_codes.h"

namespace kdrill::cli {

ExitCode ExitCodeFor(RunEnd end) {
  switch (end) {
    case RunEnd::kPassed:
      return kExitOk;
    case RunEnd::kBroken:
      return kExitFailed;
    case RunEnd::kBadInput:
      return kExitUsage;
    case RunEnd::kClusterError:
      return kExitCluster;
    case RunEnd::kRefused:
      return kExitRefused;
    case RunEnd::kCleanupIncomplete:
      return kExitCleanup;
    case RunEnd::kInterrupted:
      return kExitInterrupted;
  }
  return kExitFailed;
}

ExitCode ExitCodeForConnectError(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kNotFound ? kExitUsage : kExitCluster;
}

}  // namespace kdrill::cli
