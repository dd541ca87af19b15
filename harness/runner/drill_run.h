#pragma once
// One drill through its phases (harness/runner/runner.h): the Runner's
// insides, split by phase across drill_run*.cpp. Not for use outside
// harness/runner.
//   drill_run.cpp         Run: header and seed, safety rails and journal, the phases in order
//   drill_run_setup.cpp   setup manifests, watches, settle before the baseline
//   drill_run_steps.cpp   faults and waits, in order
//   drill_run_workload.cpp  spec.workload's writer around the steps
//   drill_run_checks.cpp  assertion checks, cleanup (journal replay), the report's timeline

#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "assertions/assertion.h"
#include "harness/backup/session.h"
#include "harness/cluster/snapshot.h"
#include "harness/kube/call_ledger.h"
#include "harness/runner/case_scope.h"
#include "harness/runner/recorder.h"
#include "harness/runner/recording.h"
#include "harness/runner/runner.h"
#include "harness/runner/waits.h"
#include "harness/undo/journal.h"
#include "harness/watch/timeline.h"
#include "harness/workload/workload_writer.h"

namespace kdrill::run_internal {

using reports::CaseResult;
using reports::Outcome;

class DrillRun {
 public:
  // ledger (may be null): where api and exec count kdrill's own calls; the
  // run names the phase it is in (setup, settle, baseline, steps,
  // assertions, cleanup) so the counts are per phase.
  DrillRun(kube::KubeApi& api, PodExecutor& exec, Clock& clock, const RunOptions& opts, const drill::Drill& drill,
           kube::CallLedger* ledger = nullptr)
      : ledger_(ledger),
        api_(api),
        exec_(exec),
        clock_(clock),
        opts_(opts),
        drill_(drill),
        timeline_(clock),
        assertion_api_(api),
        assertion_exec_(exec) {}

  RunOutcome Run();

 private:
  // Run()'s parts: the report's header and the seed; the safety rails and
  // the journal (false: the run ends here); setup, steps and checks.
  void Begin();
  bool Preflight();
  void RunPhases();

  // Thread-safe: assertion witnesses log from their own threads.
  void Say(const std::string& line, CaseResult* into = nullptr) {
    std::string stamped = fmt::format("[{:6.1f}s] {}", timeline_.SecondsSinceStart(clock_.Now()), line);
    std::lock_guard lock(say_mu_);
    if (opts_.out) opts_.out(stamped);
    if (into) into->log.push_back(stamped);
  }
  // The first error that stops the run before its steps decides how it ends.
  void Abort(const Error& e) {
    if (outcome_.end == RunEnd::kPassed) outcome_.end = RunEndForSetupError(e);
  }
  // Ends a setup phase: its case is an error with message, cause (or an error
  // of code with that message) stops the run; returns false.
  bool FailSetup(CaseScope& scope, std::string message, const Error& cause);
  bool FailSetup(CaseScope& scope, std::string message, ErrorCode code);
  bool ApplySetup();
  bool StartWatchesAndSettle();
  void RunSteps();
  // --step: the step as it would run now; `rng` is a copy of the run's, so the
  // preview names the victims the step is about to choose.
  StepPreview PreviewStep(const drill::Step& step, int index, std::mt19937_64 rng);
  // The target as the API has it now, named by the drill even when it is
  // gone (a wait or a preview reads it; a missing target is theirs to judge).
  cluster::StatefulSetSpec TargetSpecNow();
  Status WaitFor(const WaitPredicate& w, std::chrono::milliseconds timeout, CaseResult& c, bool diagnose_on_timeout);
  // spec.workload (drill_run_workload.cpp): the writer up and writing before
  // the first fault (false: the run ends here), then stopped and read back.
  bool StartWorkload();
  void FinishWorkload();
  void CheckAssertions(const cluster::Snapshot& fin);
  void Cleanup();
  // A case of kind/name that ended in an error with message (no time of its own).
  void AddErrorCase(const std::string& kind, const std::string& name, const std::string& message);
  void FillTimeline();
  // The live view (opts_.on_live): what the run is doing now, and the thread
  // that draws frames from the Timeline.
  void SetActivity(std::string activity);
  void EnterPhase(const char* phase) {
    if (ledger_ != nullptr) ledger_->SetPhase(phase);
  }
  void StartLive();
  void StopLive();
  void EmitLiveFrame();

  kube::CallLedger* ledger_;
  kube::KubeApi& api_;
  PodExecutor& exec_;
  Clock& clock_;
  const RunOptions& opts_;
  drill::Drill drill_;
  Timeline timeline_;
  std::optional<Journal> journal_;
  std::unique_ptr<Recorder> recorder_;
  std::optional<cluster::Snapshot> baseline_;
  std::optional<cluster::Snapshot> final_;
  // What the assertions read and ran, kept for the run's recording.
  RecordingKubeApi assertion_api_;
  RecordingExecutor assertion_exec_;
  std::vector<std::unique_ptr<assertions::Assertion>> checks_;  // one per drill_.assertions
  std::vector<std::string> prepare_errors_;                      // "" where Prepare succeeded
  RunOutcome outcome_;
  std::string run_id_;
  uint64_t seed_ = 0;
  GoneUids gone_uids_;
  std::optional<backup::Session> backups_;
  std::unique_ptr<workload::WorkloadWriter> writer_;
  std::optional<workload::WorkloadRun> workload_run_;
  CaseResult* workload_case_ = nullptr;  // the writer's start case while StartWorkload runs
  std::mutex live_mu_;
  std::string activity_;
  MonoTime activity_start_{};
  std::jthread live_thread_;
  std::mutex say_mu_;
};

}  // namespace kdrill::run_internal
