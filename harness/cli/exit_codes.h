#pragma once
// kdrill's documented exit codes (README "Exit codes"). `diagnose` uses
// kExitOk (no problem found), kExitFailed (problems found), kExitUsage and
// kExitCluster (the object does not exist, or the cluster could not be read).

#include "harness/core/status.h"
#include "harness/runner/run_end.h"

namespace kdrill::cli {

enum ExitCode : int {
  kExitOk = 0,             // every step and assertion passed
  kExitFailed = 1,         // a guarantee was broken: an assertion failed, a step or wait failed
  kExitUsage = 2,          // bad input: drill file, flags, kubeconfig; nothing was touched
  kExitCluster = 3,        // the cluster could not be reached or refused kdrill (auth, API errors)
  kExitRefused = 4,        // a safety rule refused the drill (protected namespace, context not allowed)
  kExitCleanup = 5,        // cleanup could not restore everything: run the printed `kdrill recover`
  kExitInterrupted = 130,  // Ctrl-C / SIGTERM: cleanup ran (or was abandoned on a second signal)
};

// The one map from how a run or plan ended to its exit code.
ExitCode ExitCodeFor(RunEnd end);

// A connection that could not be made: a kubeconfig that is missing or wrong
// is bad input (kExitUsage); anything else is the cluster's (kExitCluster).
ExitCode ExitCodeForConnectError(const Error& e);
// What a connect error is, for the line that reports it: "cannot use the
// kubeconfig" for bad input (kExitUsage), else "cannot connect to the cluster".
const char* ConnectErrorHeadline(const Error& e);

}  // namespace kdrill::cli
