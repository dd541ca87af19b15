#include "harness/runner/drill_run.h"

#include <optional>
#include <random>

#include "harness/cluster/statefulset.h"
#include "harness/cluster/workload.h"
#include "harness/core/json_fields.h"
#include "harness/diagnose/diagnose.h"
#include "harness/faults/fault.h"
#include "harness/runner/planner.h"

namespace kdrill::run_internal {

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

cluster::StatefulSetSpec DrillRun::TargetSpecNow() {
  auto sts_obj = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
  cluster::StatefulSetSpec spec;
  spec.kind = drill_.target_kind;
  if (sts_obj) spec = cluster::ReadTarget(drill_.target_kind, *sts_obj);
  spec.ns = drill_.ns;
  spec.name = drill_.statefulset;
  return spec;
}

StepPreview DrillRun::PreviewStep(const drill::Step& step, int index, std::mt19937_64 rng) {
  StepPreview p;
  p.index = index;
  p.total = static_cast<int>(drill_.steps.size());
  p.name = step.name;
  p.explain = step.explain;
  cluster::StatefulSetSpec spec = TargetSpecNow();
  if (step.kind == drill::Step::Kind::kWait) {
    auto pred = MakeWaitPredicate(step.wait, spec, gone_uids_);
    p.what = fmt::format("wait for {} (timeout {}s)", pred ? pred->description : step.wait.condition,
                         step.wait.timeout.count() / 1000);
    return p;
  }
  auto fault = faults::MakeFault(step.fault);
  if (!fault) {
    p.what = "unknown fault " + step.fault;
    return p;
  }
  p.what = fmt::format("{} on {}: {}", step.fault, DescribeTarget(step.target), fault->Summary());
  std::stop_source never;
  faults::FaultContext ctx{api_, exec_, nullptr, clock_, rng, drill_.ns, spec,
                           [&p](const std::string& line) { p.plan.push_back(line); }, never.get_token()};
  auto plan = fault->Plan(ctx, step);
  if (!plan) {
    p.plan.push_back("cannot plan: " + plan.error().message);
    return p;
  }
  p.plan.push_back("victims: " + (plan->victims.empty() ? std::string("(none)")
                                                        : fmt::format("{}", fmt::join(plan->victims, ", "))));
  for (const auto& a : plan->actions) p.plan.push_back("- " + a);
  // The claims the victims mount, as the watches last saw them: what the
  // class should see the pod come back to.
  auto store = timeline_.Store();
  for (const auto& victim : plan->victims) {
    auto ord = cluster::OrdinalOf(victim, drill_.statefulset);
    if (!ord) continue;
    for (const auto& tmpl : spec.claim_templates) {
      std::string claim = cluster::ClaimName(tmpl, drill_.statefulset, *ord);
      const auto& claims = store["PersistentVolumeClaim"];
      auto it = claims.find(drill_.ns + "/" + claim);
      std::string volume = it == claims.end() ? "" : json::Str(it->second, "/spec/volumeName");
      p.plan.push_back(fmt::format("{} mounts claim {}{}", victim, claim, volume.empty() ? "" : " (volume " + volume + ")"));
    }
  }
  return p;
}

void DrillRun::RunSteps() {
  std::mt19937_64 rng(seed_);
  bool stop_steps = false;
  int index = 0;
  for (const auto& step : drill_.steps) {
    ++index;
    bool is_fault = step.kind == drill::Step::Kind::kFault;
    CaseScope scope(clock_, is_fault ? "fault" : "wait", step.name);
    auto& c = scope.Case();
    c.explain = step.explain;
    if (stop_steps || opts_.stop.stop_requested()) {
      c.outcome = Outcome::kSkipped;
      c.message = opts_.stop.stop_requested() ? "not run: interrupted" : "not run: an earlier step failed";
      outcome_.report.cases.push_back(scope.Finish());
      continue;
    }
    const std::string step_text = fmt::format("step {}/{}: {}", index, drill_.steps.size(), step.name);
    std::optional<StepPreview> preview;
    if (opts_.before_step) {
      SetActivity("at the --step prompt before " + step_text);
      preview = PreviewStep(step, index, rng);
      StepAnswer answer = opts_.before_step(*preview);
      if (answer != StepAnswer::kRun) {
        c.outcome = Outcome::kSkipped;
        c.message = answer == StepAnswer::kSkip ? "skipped at the --step prompt" : "not run: stopped at the --step prompt";
        timeline_.Mark("step", answer == StepAnswer::kSkip ? "skipped" : "stopped", step.name, c.message);
        Say(fmt::format("step {}/{}: {}: {}", index, drill_.steps.size(), step.name, c.message), &c);
        if (answer == StepAnswer::kQuit) stop_steps = true;
        outcome_.report.cases.push_back(scope.Finish());
        if (opts_.after_step) opts_.after_step(*preview, outcome_.report.cases.back());
        continue;
      }
    }
    SetActivity(step_text);
    Say(step_text, &c);
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
      cluster::StatefulSetSpec spec = TargetSpecNow();
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
    if (preview && opts_.after_step) opts_.after_step(*preview, outcome_.report.cases.back());
  }
}

}  // namespace kdrill::run_internal
