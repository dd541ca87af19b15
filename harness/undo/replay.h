#pragma once
// Replaying a journal's pending undos, newest first: the one loop behind a
// run's cleanup and `kdrill recover`. Each undo that succeeds is marked done
// in the journal; when every one succeeded the journal is marked ended.

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/undo/journal.h"

namespace kdrill {

struct ReplayResult {
  size_t pending = 0;                 // undos there were to replay
  std::vector<std::string> failures;  // "description: error", one per failed undo
  bool ok() const { return failures.empty(); }
};

// Called after each undo with its record and its result (a one-line result,
// or the error).
using UndoReport = std::function<void(const UndoRecord& rec, const Result<std::string>& result)>;

// Replays journal.Pending() in order against api/exec (waits on clock), as
// planned by PlanReplay (harness/undo/replay_plan.h): a merge patch that the
// next undo overwrites is skipped ("skipped: the next undo (...) sets the same
// fields ..."), marked done
// and reported like any other. stop reaches
// each undo (cleanup passes a token that is never stopped: it runs to the end).
ReplayResult ReplayPending(Journal& journal, kube::KubeApi& api, PodExecutor& exec, Clock& clock,
                           std::stop_token stop, const UndoReport& report = {});

}  // namespace kdrill
