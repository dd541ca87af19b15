#pragma once
// Judging a recorded run again: its assertions, re-created from their specs,
// prepared at the baseline and checked against the final snapshot, over a
// Timeline rebuilt from the given events (the recorded order, or another
// interleaving of the watch streams, or a planted violation).
//
// The events are appended as the run appended them: up to the "baseline"
// note, then Prepare, then the rest up to the "checks" note (what follows it,
// cleanup, is not the drill), then Check. Exec and API reads are answered
// from the recording (replay_answers.h); time is a ReplayClock set to each
// event's recorded instant, so nothing sleeps.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "assertions/assertion.h"
#include "tests/replay/recorded_run.h"
#include "tests/replay/replay_answers.h"

namespace kdrill::replay {

struct JudgeOptions {
  // Params set over the recorded ones, by assertion type (e.g. turn the
  // volume witness of at-most-one-per-ordinal off where exec order matters).
  std::map<std::string, Json> param_overrides;
  // Only these assertion types (empty: all of the recording's).
  std::vector<std::string> only;
  // Changes to the recorded answers or snapshots before judging.
  std::function<void(ReplayExecutor&, ReplayKubeApi&)> plant_answers;
  const cluster::Snapshot* final_state = nullptr;  // instead of the recorded one
};

struct Judgement {
  std::string name;  // the assertion's name in the drill
  std::string type;
  assertions::Verdict verdict;
};

std::vector<Judgement> Judge(const RecordedRun& run, const std::vector<RecordedEvent>& events,
                             const JudgeOptions& options = {});

// "PASS"/"FAIL"/"ERROR"/"N/A"
const char* KindName(assertions::VerdictKind k);

}  // namespace kdrill::replay
