#pragma once
// The Runner carries one drill through every phase:
//   setup manifests -> watches -> settle -> baseline -> assertion prepare ->
//   steps (faults, waits) -> settle -> final snapshot -> assertion checks ->
//   cleanup (the journal's undos, newest first)
// and returns a RunReport plus how the run ended (RunEnd). It never throws; every problem
// becomes a case in the report.

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/drill/model.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/runner/live_frame.h"
#include "harness/runner/run_end.h"
#include "harness/runner/scope.h"
#include "reports/run_report.h"

namespace kdrill {

// `kdrill run --step`: what is shown before a step, resolved against the live
// cluster just before it runs (the run's own random choices included), and
// how the person answered.
struct StepPreview {
  int index = 0;                   // 1-based
  int total = 0;
  std::string name;                // the step's name
  std::string what;                // "pod-kill on ordinals [1]: delete chosen pods ..." / "wait for ..."
  std::vector<std::string> plan;   // "victims: web-1", "- delete pod demo/web-1 (...)"; a fault's plan error
  std::string explain;             // the step's `explain:` ("" if none)
};
enum class StepAnswer { kRun, kSkip, kQuit };

struct RunOptions {
  std::string ns_override;         // -n
  std::optional<uint64_t> seed;    // --seed
  std::string journal_dir;         // where the run's journal goes
  // Where backups go by default (<report_dir>/backups/<run-id>/<name>): the
  // directory of --junit/--json; empty: the drill's spec.reports directory,
  // else journal_dir.
  std::string report_dir;
  std::string context;             // for the report and the journal
  std::string kubeconfig;          // for the journal (recover reconnects with it)
  ScopePolicy scope;
  std::function<void(const std::string&)> out;  // progress lines (console)
  std::function<void(const std::string&)> on_journal;  // called with the journal path once it exists
  std::stop_token stop;            // first Ctrl-C: stop injecting, clean up
  // --step: asked before each step that would run. kSkip records the step as
  // skipped and goes on; kQuit records it as not run, and the caller stops
  // the run through `stop` (as a first Ctrl-C does). Null: every step runs.
  std::function<StepAnswer(const StepPreview&)> before_step;
  // --step: told each step's result once it ran or was skipped.
  std::function<void(const StepPreview&, const reports::CaseResult&)> after_step;
  // The live view: called from a thread of the run with the target's state
  // as the watches saw it, when it changed (at most 4 times a second) and at
  // least once a second; never after Run returns. Null: no live view.
  std::function<void(const LiveFrame&)> on_live;
};

struct RunOutcome {
  reports::RunReport report;
  RunEnd end = RunEnd::kPassed;    // the exit code: harness/cli/exit_codes.h
  std::string journal_path;
  bool cleanup_ok = true;
};

class Runner {
 public:
  // REQUIRES: api, exec and clock outlive the runner.
  Runner(kube::KubeApi& api, PodExecutor& exec, Clock& clock, RunOptions options);
  RunOutcome Run(const drill::Drill& drill);

 private:
  kube::KubeApi& api_;
  PodExecutor& exec_;
  Clock& clock_;
  RunOptions opts_;
};

// Resolves the namespace and applies -n to a drill's setup objects: objects
// in the drill's declared namespace (or with none) move to ns, and a Namespace
// object named after the declared namespace is renamed.
drill::Drill RetargetDrill(const drill::Drill& drill, const std::string& ns);

// The report directory a drill's backups default to (see RunOptions::report_dir).
std::string ReportDirFor(const RunOptions& opts, const drill::Drill& drill);

}  // namespace kdrill
