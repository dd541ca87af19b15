#include "harness/runner/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <random>

#include "assertions/assertion.h"
#include "harness/cluster/snapshot.h"
#include "harness/cluster/workload.h"
#include "harness/core/time_format.h"
#include "harness/diagnose/diagnose.h"
#include "harness/faults/fault.h"
#include "harness/undo/journal.h"
#include "harness/runner/recorder.h"
#include "harness/runner/recording.h"
#include "harness/kube/resource_mapper.h"
#include "harness/watch/timeline.h"
#include "harness/undo/undo_actions.h"
#include "harness/runner/waits.h"

namespace kdrill {

using reports::CaseResult;
using reports::Outcome;

drill::Drill RetargetDrill(const drill::Drill& in, const std::string& ns) {
  drill::Drill d = in;
  const std::string declared = in.ns;
  d.ns = ns;
  for (auto& item : d.setup) {
    for (auto& obj : item.objects) {
      auto& meta = obj["metadata"];
      if (obj.value("kind", "") == "Namespace") {
        if (meta.value("name", "") == declared) meta["name"] = ns;
        continue;
      }
      if (!meta.contains("namespace") || meta.value("namespace", "") == declared) {
        if (auto info = LookupKind(obj.value("apiVersion", ""), obj.value("kind", "")); info && info->namespaced) {
          meta["namespace"] = ns;
        }
      }
    }
  }
  return d;
}

std::string ReportDirFor(const RunOptions& opts, const drill::Drill& drill) {
  auto dir_of = [](const std::string& file) {
    auto parent = std::filesystem::path(file).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
  };
  if (!opts.report_dir.empty()) return opts.report_dir;
  if (!drill.reports.junit.empty()) return dir_of(drill.reports.junit);
  if (!drill.reports.json.empty()) return dir_of(drill.reports.json);
  return opts.journal_dir.empty() ? std::string(".") : opts.journal_dir;
}

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

// Collects one report case while a phase runs: its log lines and its time.
class CaseScope {
 public:
  CaseScope(Clock& clock, std::string kind, std::string name) : clock_(clock), begin_(clock.Now()) {
    c_.kind = std::move(kind);
    c_.name = std::move(name);
  }
  CaseResult& Case() { return c_; }
  CaseResult Finish() {
    c_.seconds = std::chrono::duration<double>(clock_.Now() - begin_).count();
    return c_;
  }

 private:
  Clock& clock_;
  MonoTime begin_;
  CaseResult c_;
};

class DrillRun {
 public:
  DrillRun(kube::KubeApi& api, PodExecutor& exec, Clock& clock, const RunOptions& opts, const drill::Drill& drill)
      : api_(api),
        exec_(exec),
        clock_(clock),
        opts_(opts),
        drill_(drill),
        timeline_(clock),
        assertion_api_(api),
        assertion_exec_(exec) {}

  RunOutcome Run();

 private:
  // Thread-safe: assertion witnesses log from their own threads.
  void Say(const std::string& line, CaseResult* into = nullptr) {
    std::string stamped = fmt::format("[{:6.1f}s] {}", timeline_.SecondsSinceStart(clock_.Now()), line);
    std::lock_guard lock(say_mu_);
    if (opts_.out) opts_.out(stamped);
    if (into) into->log.push_back(stamped);
  }
  void Abort(const Error& e) {
    if (outcome_.end == RunEnd::kPassed) outcome_.end = RunEndForSetupError(e);
    aborted_ = true;
  }
  bool ApplySetup();
  bool StartWatchesAndSettle();
  void RunSteps(std::vector<std::unique_ptr<assertions::Assertion>>& checks);
  Status WaitFor(const WaitPredicate& w, std::chrono::milliseconds timeout, CaseResult& c, bool diagnose_on_timeout);
  void CheckAssertions(std::vector<std::unique_ptr<assertions::Assertion>>& checks, const cluster::Snapshot& fin);
  void Cleanup();
  void FillTimeline();

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
  std::vector<std::string> prepare_errors_;
  RunOutcome outcome_;
  std::string run_id_;
  uint64_t seed_ = 0;
  bool aborted_ = false;
  GoneUids gone_uids_;
  std::optional<backup::Session> backups_;
  std::mutex say_mu_;
};

bool DrillRun::ApplySetup() {
  if (drill_.setup.empty()) return true;
  CaseScope scope(clock_, "setup", "setup manifests");
  auto& c = scope.Case();
  for (const auto& item : drill_.setup) {
    for (const auto& obj : item.objects) {
      auto ref = RefForObject(obj, drill_.ns);
      if (!ref) {
        c.outcome = Outcome::kError;
        c.message = item.location.ToString() + ": " + ref.error().message;
        Abort(ref.error());
        outcome_.report.cases.push_back(scope.Finish());
        return false;
      }
      std::string kind = obj.value("kind", "");
      std::string what = kind + " " + (ref->ns.empty() ? "" : ref->ns + "/") + ref->name;
      auto existing = api_.Get(*ref);
      if (existing) {
        if (kind == "Namespace") {
          Say("setup: namespace " + ref->name + " already exists; it is left as it is", &c);
          continue;
        }
        c.outcome = Outcome::kError;
        c.message = fmt::format("{}: setup object {} already exists; kdrill only creates what it can remove. Delete it, "
                                "or run `kdrill recover` if an earlier run was interrupted",
                                item.location.ToString(), what);
        Abort(Error(ErrorCode::kFailedPrecondition, c.message));
        outcome_.report.cases.push_back(scope.Finish());
        return false;
      }
      if (existing.error().code != ErrorCode::kNotFound) {
        c.outcome = Outcome::kError;
        c.message = "reading " + what + ": " + existing.error().ToString();
        Abort(existing.error());
        outcome_.report.cases.push_back(scope.Finish());
        return false;
      }
      // A StatefulSet leaves claims behind when it goes: journal their removal
      // before the StatefulSet's own, so replay (newest first) deletes the
      // StatefulSet, then its claims.
      if (kind == "StatefulSet") {
        std::vector<std::string> templates;
        for (const auto& t : obj.value("/spec/volumeClaimTemplates"_json_pointer, kube::Json::array())) {
          templates.push_back(t.value("/metadata/name"_json_pointer, std::string()));
        }
        if (!templates.empty()) {
          auto u = journal_->RecordUndo("setup", "delete the claims of " + what,
                                        {{"kind", "delete-claims"},
                                         {"namespace", ref->ns},
                                         {"statefulset", ref->name},
                                         {"templates", templates}});
          if (!u) {
            c.outcome = Outcome::kError;
            c.message = u.error().ToString();
            Abort(u.error());
            outcome_.report.cases.push_back(scope.Finish());
            return false;
          }
        }
      }
      auto undo = journal_->RecordUndo("setup", "delete " + what,
                                       {{"kind", "delete-object"},
                                        {"ref", RefToJson(*ref)},
                                        {"wait", true},
                                        {"timeoutSeconds", 180}});
      if (!undo) {
        c.outcome = Outcome::kError;
        c.message = undo.error().ToString();
        Abort(undo.error());
        outcome_.report.cases.push_back(scope.Finish());
        return false;
      }
      kube::ResourceRef coll = *ref;
      coll.name.clear();
      auto created = api_.Create(coll, obj);
      if (!created) {
        c.outcome = Outcome::kError;
        c.message = fmt::format("{}: creating {}: {}", item.location.ToString(), what, created.error().ToString());
        Abort(created.error());
        outcome_.report.cases.push_back(scope.Finish());
        return false;
      }
      Say("setup: created " + what, &c);
    }
  }
  c.message = "setup manifests applied";
  outcome_.report.cases.push_back(scope.Finish());
  return true;
}

Status DrillRun::WaitFor(const WaitPredicate& w, std::chrono::milliseconds timeout, CaseResult& c,
                         bool diagnose_on_timeout) {
  Say("waiting for " + w.description + fmt::format(" (timeout {}s)", timeout.count() / 1000), &c);
  timeline_.Mark("wait", "begin", w.description, "waiting for " + w.description);
  auto st = timeline_.WaitUntil(w.done, timeout, opts_.stop, [&](std::chrono::seconds elapsed) {
    Say(fmt::format("  still waiting for {} ({}s): {}", w.description, elapsed.count(), w.status(timeline_.Store())), &c);
  });
  if (st) {
    timeline_.Mark("wait", "done", w.description, w.description);
    Say("done: " + w.description, &c);
    return st;
  }
  if (st.error().code == ErrorCode::kTimeout && w.succeed_on_timeout) {
    timeline_.Mark("wait", "done", w.description, w.description);
    return Ok();
  }
  timeline_.Mark("wait", st.error().code == ErrorCode::kTimeout ? "timeout" : "cancelled", w.description,
                 st.error().message);
  if (st.error().code == ErrorCode::kTimeout && diagnose_on_timeout) {
    auto store = timeline_.Store();
    c.details = fmt::format("still not true: {}\ndiagnosis:\n", w.status(store));
    for (const auto& line : diagnose::DiagnoseStatefulSet(store, drill_.ns, drill_.statefulset)) {
      c.details += "  " + line + "\n";
    }
  }
  return st;
}

bool DrillRun::StartWatchesAndSettle() {
  CaseScope scope(clock_, "wait", "target settled before the baseline");
  auto& c = scope.Case();
  auto sts = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
  if (!sts) {
    c.outcome = Outcome::kError;
    c.message = sts.error().code == ErrorCode::kNotFound
                    ? fmt::format("{}: {} {}/{} not found: the drill's target must exist (or be created by "
                                  "spec.setup)",
                                  drill_.location.ToString(), drill_.target_kind, drill_.ns, drill_.statefulset)
                    : "reading the target StatefulSet: " + sts.error().ToString();
    Abort(sts.error().code == ErrorCode::kNotFound ? Error(ErrorCode::kInvalidArgument, c.message) : sts.error());
    outcome_.report.cases.push_back(scope.Finish());
    return false;
  }
  recorder_ = std::make_unique<Recorder>(api_, clock_, timeline_, drill_.ns, drill_.statefulset, drill_.target_kind);
  if (auto st = recorder_->Start(std::chrono::seconds(60), opts_.stop); !st) {
    c.outcome = Outcome::kError;
    c.message = "starting the watches: " + st.error().ToString();
    Abort(st.error());
    outcome_.report.cases.push_back(scope.Finish());
    return false;
  }
  auto st = WaitFor(SettledPredicate(drill_.ns, drill_.statefulset, {}, drill_.target_kind), drill_.settle_timeout, c,
                    true);
  if (!st) {
    c.outcome = st.error().code == ErrorCode::kCancelled ? Outcome::kSkipped : Outcome::kError;
    c.message = fmt::format("{} {}/{} did not settle before the drill: {}", drill_.target_kind, drill_.ns,
                            drill_.statefulset,
                            st.error().message);
    Abort(st.error().code == ErrorCode::kCancelled ? st.error() : Error(ErrorCode::kFailedPrecondition, c.message));
    if (st.error().code != ErrorCode::kCancelled) outcome_.end = RunEnd::kBroken;
    outcome_.report.cases.push_back(scope.Finish());
    return false;
  }
  c.message = drill_.target_kind + " settled";
  outcome_.report.cases.push_back(scope.Finish());
  return true;
}

void DrillRun::RunSteps(std::vector<std::unique_ptr<assertions::Assertion>>& checks) {
  std::mt19937_64 rng(seed_);
  bool stop_steps = false;
  int index = 0;
  for (const auto& step : drill_.steps) {
    ++index;
    bool is_fault = step.kind == drill::Step::Kind::kFault;
    CaseScope scope(clock_, is_fault ? "fault" : "wait", step.name);
    auto& c = scope.Case();
    if (stop_steps || opts_.stop.stop_requested()) {
      c.outcome = Outcome::kSkipped;
      c.message = opts_.stop.stop_requested() ? "not run: interrupted" : "not run: an earlier step failed";
      outcome_.report.cases.push_back(scope.Finish());
      continue;
    }
    Say(fmt::format("step {}/{}: {}", index, drill_.steps.size(), step.name), &c);
    if (is_fault) {
      auto fault = faults::MakeFault(step.fault);
      auto sts_obj = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
      cluster::StatefulSetSpec sts_spec;
      sts_spec.kind = drill_.target_kind;
      if (sts_obj) {
        sts_spec = cluster::ReadTarget(drill_.target_kind, *sts_obj);
      } else if (sts_obj.error().code == ErrorCode::kNotFound) {
        // Gone (e.g. a destroy step deleted the namespace): the fault decides
        // whether it can act without it (restore recreates it).
        sts_spec.ns = drill_.ns;
        sts_spec.name = drill_.statefulset;
      }
      if (!fault || (!sts_obj && sts_obj.error().code != ErrorCode::kNotFound)) {
        c.outcome = Outcome::kError;
        c.message = !fault ? "unknown fault " + step.fault : "reading the target: " + sts_obj.error().ToString();
        stop_steps = true;
        outcome_.report.cases.push_back(scope.Finish());
        continue;
      }
      faults::FaultContext ctx{api_,
                               exec_,
                               &*journal_,
                               clock_,
                               rng,
                               drill_.ns,
                               sts_spec,
                               [&](const std::string& line) { Say("  " + line, &c); },
                               opts_.stop,
                               &*backups_};
      timeline_.Mark("fault", "inject", step.name, step.fault);
      auto r = fault->Inject(ctx, step);
      if (!r) {
        c.outcome = r.error().code == ErrorCode::kCancelled ? Outcome::kSkipped : Outcome::kError;
        c.message = step.fault + " failed: " + r.error().ToString();
        timeline_.Mark("fault", "failed", step.name, r.error().message);
        Say("  " + c.message, &c);
        stop_steps = true;
      } else {
        timeline_.Mark("fault", "done", step.name, fmt::format("victims: {}", fmt::join(r->victims, ", ")),
                       {{"fault", step.fault}, {"victims", r->victims}, {"deletedPodUids", r->deleted_pod_uids}});
        c.message = fmt::format("{} acted on {}", step.fault, fmt::join(r->victims, ", "));
        c.properties = r->properties;
        gone_uids_.insert(r->deleted_pod_uids.begin(), r->deleted_pod_uids.end());
        for (const auto& d : r->details) c.details += d + "\n";
      }
    } else {
      auto sts_obj = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
      cluster::StatefulSetSpec spec;
      spec.kind = drill_.target_kind;
      if (sts_obj) spec = cluster::ReadTarget(drill_.target_kind, *sts_obj);
      spec.ns = drill_.ns;
      spec.name = drill_.statefulset;
      auto pred = MakeWaitPredicate(step.wait, spec, gone_uids_);
      if (!pred) {
        c.outcome = Outcome::kError;
        c.message = pred.error().ToString();
        stop_steps = true;
      } else if (auto st = WaitFor(*pred, step.wait.timeout, c, true); !st) {
        c.outcome = st.error().code == ErrorCode::kCancelled ? Outcome::kSkipped : Outcome::kFailed;
        c.message = fmt::format("expected {} within {}s: {}", pred->description, step.wait.timeout.count() / 1000,
                                st.error().message);
        stop_steps = true;
      } else {
        c.message = pred->description;
      }
    }
    outcome_.report.cases.push_back(scope.Finish());
  }
  (void)checks;
}

void DrillRun::CheckAssertions(std::vector<std::unique_ptr<assertions::Assertion>>& checks,
                               const cluster::Snapshot& fin) {
  for (size_t i = 0; i < checks.size(); ++i) {
    const auto& spec = drill_.assertions[i];
    CaseScope scope(clock_, "assertion", spec.name);
    auto& c = scope.Case();
    if (!prepare_errors_[i].empty()) {
      c.outcome = Outcome::kError;
      c.message = "could not prepare: " + prepare_errors_[i];
      outcome_.report.cases.push_back(scope.Finish());
      continue;
    }
    assertions::AssertionContext ctx{assertion_api_,
                                     assertion_exec_,
                                     &*journal_,
                                     spec,
                                     *baseline_,
                                     &fin,
                                     timeline_,
                                     run_id_,
                                     [&](const std::string& line) { Say("  " + line, &c); },
                                     opts_.stop,
                                     &clock_,
                                     &*backups_};
    checks[i]->StopObserving();
    auto v = checks[i]->Check(ctx);
    switch (v.kind) {
      case assertions::VerdictKind::kPass: c.outcome = Outcome::kPassed; break;
      case assertions::VerdictKind::kFail: c.outcome = Outcome::kFailed; break;
      case assertions::VerdictKind::kError: c.outcome = Outcome::kError; break;
      case assertions::VerdictKind::kNotApplicable: c.outcome = Outcome::kSkipped; break;
    }
    c.message = v.message;
    for (const auto& d : v.details) c.details += d + "\n";
    c.properties = v.properties;
    for (const auto& m : v.marks) timeline_.MarkAt(m.at, "note", m.type, m.name, m.summary, m.details);
    Say(fmt::format("{} {}: {}", reports::OutcomeName(c.outcome), spec.name, v.message), &c);
    outcome_.report.cases.push_back(scope.Finish());
  }
}

void DrillRun::Cleanup() {
  if (!journal_) return;
  CaseScope scope(clock_, "cleanup", "cleanup: cluster restored");
  auto& c = scope.Case();
  // Cleanup runs to the end even after Ctrl-C; a second signal ends the process.
  std::stop_source cleanup_stop;
  auto pending = journal_->Pending();
  if (!pending.empty()) Say(fmt::format("cleanup: {} change(s) to undo", pending.size()), &c);
  std::vector<std::string> failures;
  for (const auto& rec : pending) {
    auto r = ExecuteUndo(rec.action, api_, exec_, clock_, cleanup_stop.get_token());
    if (r) {
      (void)journal_->MarkDone(rec.id, *r);
      Say(fmt::format("  undo {}: {}", rec.description, *r), &c);
    } else {
      failures.push_back(rec.description + ": " + r.error().ToString());
      Say(fmt::format("  undo {} FAILED: {}", rec.description, r.error().ToString()), &c);
    }
    timeline_.Mark("undo", r ? "done" : "failed", rec.step, rec.description);
  }
  if (failures.empty()) {
    (void)journal_->MarkEnded();
    c.message = pending.empty() ? "nothing to undo" : fmt::format("{} change(s) undone", pending.size());
  } else {
    c.outcome = Outcome::kError;
    c.message = fmt::format("{} undo(s) failed; run: kdrill recover --journal {}", failures.size(), journal_->Path());
    for (const auto& f : failures) c.details += f + "\n";
    outcome_.cleanup_ok = false;
  }
  outcome_.report.cases.push_back(scope.Finish());
}

void DrillRun::FillTimeline() {
  for (const auto& ev : timeline_.Events()) {
    if (ev.type == "SYNC" && ev.kind != "StatefulSet" && ev.kind != "Pod") continue;  // keep reports readable
    reports::TimelineEntry e;
    e.t_seconds = timeline_.SecondsSinceStart(ev.at);
    e.wall = Rfc3339(ev.wall);
    e.kind = ev.kind;
    e.name = ev.ns.empty() ? ev.name : ev.ns + "/" + ev.name;
    e.event = ev.type;
    e.summary = ev.summary;
    outcome_.report.timeline.push_back(std::move(e));
  }
}

RunOutcome DrillRun::Run() {
  auto& rep = outcome_.report;
  rep.drill_name = drill_.name;
  rep.drill_file = drill_.file;
  rep.ns = drill_.ns;
  rep.statefulset = drill_.statefulset;
  rep.cluster = api_.ServerUrl();
  rep.context = opts_.context;
  rep.started_at = Rfc3339(clock_.WallNow());
  if (opts_.seed) {
    seed_ = *opts_.seed;
  } else if (drill_.seed) {
    seed_ = *drill_.seed;
  } else {
    std::random_device rd;
    seed_ = (static_cast<uint64_t>(rd()) << 32) | rd();
  }
  rep.seed = seed_;
  rep.properties["seed"] = std::to_string(seed_);
  run_id_ = RunId(drill_.name, clock_.WallNow());
  rep.properties["run"] = run_id_;
  backups_.emplace(run_id_, ReportDirFor(opts_, drill_) + "/backups/" + run_id_);

  Say(fmt::format("drill {}: {} {}/{} on {}{}", drill_.name, drill_.target_kind, drill_.ns, drill_.statefulset,
                  rep.cluster,
                  opts_.context.empty() ? "" : " (context " + opts_.context + ")"));
  Say(fmt::format("seed {} (repeat this run's choices with --seed {})", seed_, seed_));

  // Safety rails come before anything touches the cluster.
  Status scope = CheckNamespaceAllowed(opts_.scope, drill_.ns);
  if (scope) scope = CheckContextAllowed(opts_.scope, opts_.context);
  if (scope) scope = CheckSetupScope(drill_, drill_.ns);
  if (!scope) {
    CaseResult c;
    c.kind = "setup";
    c.name = "scope";
    c.outcome = Outcome::kError;
    c.message = scope.error().message;
    rep.cases.push_back(c);
    outcome_.end = scope.error().code == ErrorCode::kForbidden ? RunEnd::kRefused : RunEnd::kBadInput;
    Say("refused: " + scope.error().message);
    return outcome_;
  }

  std::string path = opts_.journal_dir + "/" + run_id_ + ".journal";
  auto journal = Journal::Create(path, {run_id_, drill_.file, opts_.context, rep.cluster, opts_.kubeconfig,
                                        rep.started_at});
  if (!journal) {
    CaseResult c;
    c.kind = "setup";
    c.name = "journal";
    c.outcome = Outcome::kError;
    c.message = journal.error().ToString();
    rep.cases.push_back(c);
    outcome_.end = RunEnd::kClusterError;
    return outcome_;
  }
  journal_.emplace(std::move(*journal));
  outcome_.journal_path = path;
  if (opts_.on_journal) opts_.on_journal(path);
  rep.properties["journal"] = path;
  Say("journal " + path + " (after a crash: kdrill recover --journal " + path + ")");

  std::vector<std::unique_ptr<assertions::Assertion>> checks;
  if (ApplySetup() && StartWatchesAndSettle()) {
    auto base = cluster::TakeSnapshot(api_, drill_.ns, drill_.statefulset, drill_.target_kind);
    if (!base) {
      CaseResult c;
      c.kind = "setup";
      c.name = "baseline";
      c.outcome = Outcome::kError;
      c.message = "taking the baseline: " + base.error().ToString();
      rep.cases.push_back(c);
      Abort(base.error());
    } else {
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
        checks.push_back(std::move(a));
      }
      RunSteps(checks);
      // Assertions judge the state after recovery: give the StatefulSet its
      // settle time (not a verdict by itself; the assertions say what is wrong).
      if (!opts_.stop.stop_requested()) {
        CaseResult settle;
        auto st = WaitFor(SettledPredicate(drill_.ns, drill_.statefulset, gone_uids_, drill_.target_kind), drill_.settle_timeout, settle,
                          false);
        if (!st) Say("the StatefulSet did not settle after the steps: " + st.error().message + "; checking anyway");
      }
      auto fin = cluster::TakeSnapshot(api_, drill_.ns, drill_.statefulset, drill_.target_kind, &*baseline_);
      if (!fin) {
        CaseResult c;
        c.kind = "assertion";
        c.name = "final snapshot";
        c.outcome = Outcome::kError;
        c.message = "taking the final snapshot: " + fin.error().ToString();
        rep.cases.push_back(c);
      } else {
        final_ = std::move(*fin);
        if (!opts_.stop.stop_requested()) {
          // Everything before this mark is the drill; a recording is judged
          // again from it (harness/runner/recording.h).
          timeline_.Mark("note", "checks", drill_.statefulset, "final snapshot taken; assertions checked");
          CheckAssertions(checks, *final_);
        }
      }
    }
  }
  for (auto& a : checks) {
    if (a) a->StopObserving();
  }
  Cleanup();
  if (recorder_) recorder_->Stop();
  FillTimeline();
  rep.recording = MakeRecording({drill_.target_kind, drill_.ns, drill_.statefulset, run_id_, &drill_.assertions,
                                 baseline_ ? &*baseline_ : nullptr, final_ ? &*final_ : nullptr, &timeline_,
                                 &assertion_exec_, &assertion_api_});
  rep.seconds = timeline_.SecondsSinceStart(clock_.Now());

  if (opts_.stop.stop_requested()) {
    outcome_.end = RunEnd::kInterrupted;
  } else if (!outcome_.cleanup_ok) {
    outcome_.end = RunEnd::kCleanupIncomplete;
  } else if (outcome_.end == RunEnd::kPassed && !rep.ok()) {
    outcome_.end = RunEnd::kBroken;
  }
  return outcome_;
}

}  // namespace

Runner::Runner(kube::KubeApi& api, PodExecutor& exec, Clock& clock, RunOptions options)
    : api_(api), exec_(exec), clock_(clock), opts_(std::move(options)) {}

RunOutcome Runner::Run(const drill::Drill& drill) {
  std::string ns = opts_.ns_override.empty() ? drill.ns : opts_.ns_override;
  DrillRun run(api_, exec_, clock_, opts_, RetargetDrill(drill, ns));
  return run.Run();
}

}  // namespace kdrill
