#include "harness/runner/drill_run.h"

#include "harness/core/time_format.h"
#include "harness/undo/replay.h"

namespace kdrill::run_internal {

void DrillRun::CheckAssertions(const cluster::Snapshot& fin) {
  for (size_t i = 0; i < checks_.size(); ++i) {
    const auto& spec = drill_.assertions[i];
    CaseScope scope(clock_, "assertion", spec.name);
    auto& c = scope.Case();
    c.explain = spec.explain;
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
                                     &*backups_,
                                     workload_run_ ? &*workload_run_ : nullptr};
    checks_[i]->StopObserving();
    auto v = checks_[i]->Check(ctx);
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
  if (auto n = journal_->Pending().size(); n > 0) Say(fmt::format("cleanup: {} change(s) to undo", n), &c);
  auto replay = ReplayPending(*journal_, api_, exec_, clock_, cleanup_stop.get_token(),
                              [&](const UndoRecord& rec, const Result<std::string>& r) {
                                if (r) {
                                  Say(fmt::format("  undo {}: {}", rec.description, *r), &c);
                                } else {
                                  Say(fmt::format("  undo {} FAILED: {}", rec.description, r.error().ToString()), &c);
                                }
                                timeline_.Mark("undo", r ? "done" : "failed", rec.step, rec.description);
                              });
  if (replay.ok()) {
    c.message = replay.pending == 0 ? "nothing to undo" : fmt::format("{} change(s) undone", replay.pending);
  } else {
    c.outcome = Outcome::kError;
    c.message = fmt::format("{} undo(s) failed; run: kdrill recover --journal {}", replay.failures.size(),
                            journal_->Path());
    for (const auto& f : replay.failures) c.details += f + "\n";
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

}  // namespace kdrill::run_internal
