#pragma once
// kdrill's documented exit codes (README "Exit codes"). `diagnose` uses
// kExitOk (no problem found), kExitFailed (problems found), kExitUsage and
// kExitCluster (the object does not exist, or the cluster could not be read).

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

}  // namespace kdrill::cli
