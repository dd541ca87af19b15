#pragma once
// How a drill run or plan ended, in order of severity. The runner and the
// planner report a RunEnd; harness/cli/exit_codes.h alone turns it into the
// documented exit code (README "Exit codes").

#include "harness/core/status.h"

namespace kdrill {

enum class RunEnd {
  kPassed,             // every step and assertion passed; a plan: every step resolved
  kBroken,             // a guarantee broke, a step or wait failed; a plan: a step cannot be resolved
  kBadInput,           // the drill, its flags or its setup are wrong; nothing was touched
  kClusterError,       // the cluster could not be reached or refused kdrill
  kRefused,            // a safety rule refused the drill
  kCleanupIncomplete,  // cleanup could not undo everything: `kdrill recover`
  kInterrupted,        // Ctrl-C / SIGTERM
};

// The end of a run stopped before its steps by e: bad input, a refusal, an
// interruption, else the cluster (an API error, a journal that cannot be
// written, a setup object that already exists).
RunEnd RunEndForSetupError(const Error& e);

// The end of a plan that found problem e: bad input, a refusal, API errors
// are the cluster's; anything else means the run would fail there (kBroken).
RunEnd RunEndForPlanProblem(const Error& e);

// The more severe of a and b; an interruption beats everything.
RunEnd Worse(RunEnd a, RunEnd b);

}  // namespace kdrill
