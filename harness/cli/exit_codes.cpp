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

const char* ConnectErrorHeadline(const Error& e) {
  return ExitCodeForConnectError(e) == kExitUsage ? "cannot use the kubeconfig" : "cannot connect to the cluster";
}

ExitCode ExitCodeForConnectError(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kNotFound ? kExitUsage : kExitCluster;
}

}  // namespace kdrill::cli
