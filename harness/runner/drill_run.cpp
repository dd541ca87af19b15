#include "harness/runner/drill_run.h"

#include <unistd.h>

#include <random>

#include "harness/cluster/workload.h"
#include "harness/core/time_format.h"

namespace kdrill::run_internal {

namespace {

std::string RunId(const std::string& drill_name, WallTime now) {
  std::random_device rd;
  auto t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return fmt::format("{}-{}-{:04x}", drill_name, buf, rd() & 0xffff);
}

}  // namespace

void DrillRun::AddErrorCase(const std::string& kind, const std::string& name, const std::string& message) {
  CaseResult c;
  c.kind = kind;
  c.name = name;
  c.outcome = Outcome::kError;
  c.message = message;
  outcome_.report.cases.push_back(c);
}

void DrillRun::Begin() {
  auto& rep = outcome_.report;
  rep.drill_name = drill_.name;
  rep.drill_file = drill_.file;
  rep.ns = drill_.ns;
  rep.statefulset = drill_.statefulset;
  rep.cluster = api_.ServerUrl();
  rep.context = opts_.context;
  rep.started_at = Rfc3339(clock_.WallNow());
  seed_ = ChooseSeed(opts_.seed, drill_.seed).seed;
  rep.seed = seed_;
  rep.properties["seed"] = std::to_string(seed_);
  run_id_ = RunId(drill_.name, clock_.WallNow());
  rep.properties["run"] = run_id_;
  backups_.emplace(run_id_, ReportDirFor(opts_, drill_) + "/backups/" + run_id_);

  Say(fmt::format("drill {}: {} {}/{} on {}{}", drill_.name, drill_.target_kind, drill_.ns, drill_.statefulset,
                  rep.cluster,
                  opts_.context.empty() ? "" : " (context " + opts_.context + ")"));
  Say(fmt::format("seed {} (repeat this run's choices with --seed {})", seed_, seed_));
}

bool DrillRun::Preflight() {
  auto& rep = outcome_.report;
  // Safety rails come before anything touches the cluster.
  Status scope = CheckDrillScope(opts_.scope, drill_, opts_.context);
  if (!scope) {
    AddErrorCase("setup", "scope", scope.error().message);
    outcome_.end = scope.error().code == ErrorCode::kForbidden ? RunEnd::kRefused : RunEnd::kBadInput;
    Say("refused: " + scope.error().message);
    return false;
  }

  std::string path = opts_.journal_dir + "/" + run_id_ + ".journal";
  auto journal = Journal::Create(path, {run_id_, drill_.file, opts_.context, rep.cluster, opts_.kubeconfig,
                                        rep.started_at});
  if (!journal) {
    AddErrorCase("setup", "journal", journal.error().ToString());
    outcome_.end = RunEnd::kClusterError;
    return false;
  }
  journal_.emplace(std::move(*journal));
  outcome_.journal_path = path;
  if (opts_.on_journal) opts_.on_journal(path);
  rep.properties["journal"] = path;
  Say("journal " + path + " (after a crash: kdrill recover --journal " + path + ")");
  return true;
}

void DrillRun::SetActivity(std::string activity) {
  std::lock_guard lock(live_mu_);
  activity_ = std::move(activity);
  activity_start_ = clock_.Now();
}

void DrillRun::EmitLiveFrame() {
  LiveScope scope{drill_.ns, drill_.statefulset};
  LiveFrame frame = BuildLiveFrame(timeline_.Events(), scope, timeline_.Start(), clock_.Now());
  {
    std::lock_guard lock(live_mu_);
    frame.activity = activity_;
    frame.activity_seconds = std::chrono::duration<double>(clock_.Now() - activity_start_).count();
  }
  opts_.on_live(frame);
}

void DrillRun::StartLive() {
  if (!opts_.on_live) return;
  live_thread_ = std::jthread([this](std::stop_token stop) {
    size_t seen = 0;
    while (!stop.stop_requested()) {
      seen = timeline_.WaitForAppend(seen, std::chrono::seconds(1), stop);
      if (stop.stop_requested()) break;
      EmitLiveFrame();
      clock_.SleepFor(std::chrono::milliseconds(250));  // at most 4 frames a second
    }
  });
}

void DrillRun::StopLive() {
  if (!live_thread_.joinable()) return;
  live_thread_.request_stop();
  live_thread_.join();
}

void DrillRun::RunPhases() {
  SetActivity("setup");
  EnterPhase("setup");
  if (!ApplySetup()) return;
  SetActivity("settling before the baseline");
  EnterPhase("settle");
  if (!StartWatchesAndSettle()) return;
  EnterPhase("baseline");
  auto base = cluster::TakeSnapshot(api_, drill_.ns, drill_.statefulset, drill_.target_kind);
  if (!base) {
    AddErrorCase("setup", "baseline", "taking the baseline: " + base.error().ToString());
    Abort(base.error());
    return;
  }
  baseline_ = std::move(*base);
  timeline_.Mark("note", "baseline", drill_.statefulset, "baseline taken");
  for (const auto& [ord, o] : baseline_->ordinals) Say("baseline " + cluster::Describe(o));
  for (const auto& spec : drill_.assertions) {
    auto a = assertions::MakeAssertion(spec.type);
    assertions::AssertionContext ctx{assertion_api_, assertion_exec_, &*journal_, spec,
                                     *baseline_, nullptr, timeline_, run_id_,
                                     [&](const std::string& line) { Say("  " + line); }, opts_.stop,
                                     &clock_, &*backups_};
    auto prep = a ? a->Prepare(ctx) : Status(MakeError(ErrorCode::kInternal, "unknown assertion " + spec.type));
    prepare_errors_.push_back(prep ? std::string() : prep.error().message);
    checks_.push_back(std::move(a));
  }
  if (drill_.workload && !StartWorkload()) return;
  EnterPhase("steps");
  RunSteps();
  // Assertions judge the state after recovery: give the StatefulSet its
  // settle time (not a verdict by itself; the assertions say what is wrong).
  if (!opts_.stop.stop_requested()) {
    SetActivity("settling after the steps");
    CaseResult settle;
    auto st = WaitFor(SettledPredicate(drill_.ns, drill_.statefulset, gone_uids_, drill_.target_kind),
                      drill_.settle_timeout, settle, false);
    if (!st) Say("the StatefulSet did not settle after the steps: " + st.error().message + "; checking anyway");
  }
  if (!opts_.stop.stop_requested()) FinishWorkload();
  EnterPhase("assertions");
  auto fin = cluster::TakeSnapshot(api_, drill_.ns, drill_.statefulset, drill_.target_kind, &*baseline_);
  if (!fin) {
    AddErrorCase("assertion", "final snapshot", "taking the final snapshot: " + fin.error().ToString());
    return;
  }
  final_ = std::move(*fin);
  if (!opts_.stop.stop_requested()) {
    // Everything before this mark is the drill; a recording is judged
    // again from it (harness/runner/recording.h).
    timeline_.Mark("note", "checks", drill_.statefulset, "final snapshot taken; assertions checked");
    SetActivity("checking the assertions");
    CheckAssertions(*final_);
  } else {
    // Stopped (Ctrl-C, q at the --step prompt): no guarantee was checked,
    // and the report says so instead of listing only what passed.
    for (const auto& spec : drill_.assertions) {
      CaseScope scope(clock_, "assertion", spec.name);
      scope.Case().outcome = Outcome::kSkipped;
      scope.Case().message = "not checked: the run was stopped before its checks";
      scope.Case().explain = spec.explain;
      outcome_.report.cases.push_back(scope.Finish());
    }
  }
}

RunOutcome DrillRun::Run() {
  Begin();
  // Run() is called once: the outcome (its report holds the recording) is
  // moved out, not copied.
  if (!Preflight()) return std::move(outcome_);
  StartLive();
  RunPhases();
  for (auto& a : checks_) {
    if (a) a->StopObserving();
  }
  SetActivity("cleanup");
  EnterPhase("cleanup");
  Cleanup();
  StopLive();
  if (recorder_) recorder_->Stop();
  FillTimeline();
  auto& rep = outcome_.report;
  rep.recording = MakeRecording({drill_.target_kind, drill_.ns, drill_.statefulset, run_id_, &drill_.assertions,
                                 baseline_ ? &*baseline_ : nullptr, final_ ? &*final_ : nullptr, &timeline_,
                                 &assertion_exec_, &assertion_api_});
  rep.seconds = timeline_.SecondsSinceStart(clock_.Now());

  if (opts_.stop.stop_requested()) {
    outcome_.end = RunEnd::kInterrupted;
    rep.properties["end"] = "interrupted";
  } else if (!outcome_.cleanup_ok) {
    outcome_.end = RunEnd::kCleanupIncomplete;
  } else if (outcome_.end == RunEnd::kPassed && !rep.ok()) {
    outcome_.end = RunEnd::kBroken;
  }
  return std::move(outcome_);
}

}  // namespace kdrill::run_internal
