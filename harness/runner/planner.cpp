#include "harness/runner/planner.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <random>

#include "harness/cluster/statefulset.h"
#include "harness/cluster/workload.h"
#include "harness/workload/client.h"
#include "harness/faults/fault.h"
#include "harness/kube/resource_mapper.h"
#include "harness/runner/narration.h"
#include "harness/runner/runner.h"
#include "harness/runner/waits.h"

namespace kdrill {

std::string DescribeTarget(const drill::VictimSelector& t) {
  using Kind = drill::VictimSelector::Kind;
  switch (t.kind) {
    case Kind::kOrdinals:
      return fmt::format("ordinals [{}]", fmt::join(t.ordinals, ", "));
    case Kind::kLabelSelector:
      return "selector " + t.label_selector;
    case Kind::kRandom:
      return fmt::format("random {}", t.count);
    case Kind::kAll:
      return "all pods";
    case Kind::kNodes:
      return fmt::format("nodes {}", fmt::join(t.nodes, ", "));
    case Kind::kNone:
      break;
  }
  return "no target";
}

namespace {

// The planner's executor: a plan only reads, so any exec is a bug.
class RefusingExecutor final : public PodExecutor {
 public:
  Result<ExecResult> Exec(const ExecRequest& req) override {
    return MakeError(ErrorCode::kInternal, "a plan does not exec into pods (asked to run in " + req.pod + ")");
  }
};

class DrillPlanner {
 public:
  DrillPlanner(kube::KubeApi& api, Clock& clock, const PlanOptions& opts, drill::Drill drill)
      : api_(api), clock_(clock), opts_(opts), drill_(std::move(drill)) {}

  PlanOutcome Plan();

 private:
  void Say(const std::string& line) {
    out_.lines.push_back(line);
    if (opts_.out) opts_.out(line);
  }
  void Problem(const Error& e, const std::string& prefix) {
    Say(prefix + e.message);
    ++out_.problems;
    out_.end = Worse(out_.end, RunEndForPlanProblem(e));
  }
  void PlanSetup();
  bool PlanTarget();
  void PlanSteps();

  kube::KubeApi& api_;
  RefusingExecutor exec_;
  Clock& clock_;
  const PlanOptions& opts_;
  drill::Drill drill_;
  PlanOutcome out_;
  std::optional<kube::Json> setup_sts_;  // the target's manifest when setup creates it
  cluster::StatefulSetSpec sts_;
  bool target_after_setup_ = false;
  uint64_t seed_ = 0;
};

void DrillPlanner::PlanSetup() {
  if (drill_.setup.empty()) {
    Say("setup: none (the target must already exist)");
    return;
  }
  Say("setup (each object journaled for deletion before it is created):");
  for (const auto& item : drill_.setup) {
    for (const auto& obj : item.objects) {
      auto ref = RefForObject(obj, drill_.ns);
      if (!ref) {
        Problem(Error(ErrorCode::kInvalidArgument, item.location.ToString() + ": " + ref.error().message), "  ");
        continue;
      }
      std::string kind = json::Str(obj, "/kind");
      std::string what = kind + " " + (ref->ns.empty() ? "" : ref->ns + "/") + ref->name;
      if (kind == drill_.target_kind && ref->name == drill_.statefulset) setup_sts_ = obj;
      auto existing = api_.Get(*ref);
      if (existing) {
        if (kind == "Namespace") {
          Say("  namespace " + ref->name + " already exists: left as it is (and not deleted after)");
          continue;
        }
        Problem(Error(ErrorCode::kFailedPrecondition,
                      fmt::format("{}: {} already exists; the run would refuse (kdrill only creates what it can "
                                  "remove). Delete it, or run `kdrill recover` if an earlier run was interrupted",
                                  item.location.ToString(), what)),
                "  REFUSED: ");
        continue;
      }
      if (existing.error().code != ErrorCode::kNotFound) {
        Error e = existing.error();
        e.message = "reading " + what + ": " + e.message;
        Problem(e, "  ");
        continue;
      }
      std::string claims;
      if (kind == "StatefulSet") {
        std::vector<std::string> t;
        for (const auto& c : json::Arr(obj, "/spec/volumeClaimTemplates")) {
          t.push_back(json::Str(c, "/metadata/name") + "-" + ref->name + "-*");
        }
        if (!t.empty()) claims = fmt::format(", and its claims {}", fmt::join(t, ", "));
      }
      Say(fmt::format("  create {} (from {}; deleted after the drill{})", what, item.source, claims));
    }
  }
}

bool DrillPlanner::PlanTarget() {
  auto sts = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
  if (sts) {
    sts_ = cluster::ReadTarget(drill_.target_kind, *sts);
    Say(fmt::format("target: {} {}/{} exists: {} replicas, {} ready", drill_.target_kind, drill_.ns, drill_.statefulset,
                    json::Int(*sts, "/spec/replicas", 1), json::Int(*sts, "/status/readyReplicas")));
  } else if (sts.error().code == ErrorCode::kNotFound && setup_sts_) {
    sts_ = cluster::ReadTarget(drill_.target_kind, *setup_sts_);
    target_after_setup_ = true;
    Say(fmt::format("target: {} {}/{} does not exist yet; setup creates it ({} replicas), so its pods and "
                    "the nodes they land on are resolved after setup",
                    drill_.target_kind, drill_.ns, drill_.statefulset, sts_.replicas));
  } else if (sts.error().code == ErrorCode::kNotFound) {
    Problem(Error(ErrorCode::kInvalidArgument,
                  fmt::format("{}: {} {}/{} not found: the drill's target must exist (or be created by "
                              "spec.setup)",
                              drill_.location.ToString(), drill_.target_kind, drill_.ns, drill_.statefulset)),
            "target: ");
    return false;
  } else {
    Error e = sts.error();
    e.message = "reading the target StatefulSet: " + e.message;
    Problem(e, "target: ");
    return false;
  }
  sts_.ns = drill_.ns;
  sts_.name = drill_.statefulset;
  Say(fmt::format("then: wait until {}/{} is settled (timeout {}s) and take the baseline snapshot", drill_.ns,
                  drill_.statefulset, drill_.settle_timeout.count() / 1000));
  if (drill_.workload) {
    const auto& w = *drill_.workload;
    auto client = workload::MakeWorkloadClient(w.client);
    if (client && !(*client)->Networked()) {
      Say(fmt::format("then: journal the removal of the workload's records, then write a numbered record every {} ms "
                      "({} client, one exec per record) into {} in pod {}-{}; the first fault comes {:.1f} s after "
                      "its first acknowledged write",
                      w.interval.count(), w.client, w.dir.empty() ? "the target's claim mount" : w.dir,
                      drill_.statefulset, w.host_ordinal, std::chrono::duration<double>(w.warm_up).count()));
      return true;
    }
    Say(fmt::format("then: create the workload writer pod kdrill-writer-* in {} ({} client, {}; journaled for "
                    "deletion before it is created), writing a numbered record to {} every {} ms; "
                    "the first fault comes {:.1f} s after its first acknowledged write",
                    drill_.ns, w.client, w.image.empty() ? "the target's image" : "image " + w.image,
                    w.service.empty() ? fmt::format("{}-{}.<serviceName>", drill_.statefulset, w.host_ordinal)
                                      : "Service " + w.service,
                    w.interval.count(),
                    std::chrono::duration<double>(w.warm_up).count()));
  }
  return true;
}

void DrillPlanner::PlanSteps() {
  std::mt19937_64 rng(seed_);
  std::stop_source never;
  int index = 0;
  for (const auto& step : drill_.steps) {
    ++index;
    std::string head = fmt::format("step {}/{}: {}", index, drill_.steps.size(), step.name);
    if (step.kind == drill::Step::Kind::kWait) {
      auto pred = MakeWaitPredicate(step.wait, sts_);
      Say(fmt::format("{}: wait for {} (timeout {}s)", head, pred ? pred->description : step.wait.condition,
                      step.wait.timeout.count() / 1000));
      for (const auto& line : NarrationLines(step.explain, "  ", "explain: ")) Say(line);
      continue;
    }
    auto fault = faults::MakeFault(step.fault);
    if (!fault) {
      Problem(Error(ErrorCode::kInvalidArgument, step.location.ToString() + ": unknown fault " + step.fault),
              head + ": ");
      continue;
    }
    Say(fmt::format("{}: {} on {} ({})", head, step.fault, DescribeTarget(step.target), fault->Summary()));
    for (const auto& line : NarrationLines(step.explain, "  ", "explain: ")) Say(line);
    if (target_after_setup_ && step.target.kind != drill::VictimSelector::Kind::kNodes) {
      Say("  victims: resolved after setup (" + DescribeTarget(step.target) + " of " + drill_.statefulset +
          "); the run prints them before acting");
      continue;
    }
    faults::FaultContext ctx{api_, exec_, nullptr, clock_, rng, drill_.ns, sts_,
                             [this](const std::string& line) { Say("  " + line); }, never.get_token()};
    auto plan = fault->Plan(ctx, step);
    if (!plan) {
      Problem(plan.error(), "  cannot plan: ");
      continue;
    }
    std::string victims = plan->victims.empty() ? "(none)" : fmt::format("{}", fmt::join(plan->victims, ", "));
    Say("  victims: " + victims);
    for (const auto& a : plan->actions) Say("  - " + a);
  }
}

PlanOutcome DrillPlanner::Plan() {
  std::string context = opts_.context.empty() ? "" : " (context " + opts_.context + ")";
  Say(fmt::format("plan for drill {} ({}): StatefulSet {}/{} on {}{}", drill_.name, drill_.file, drill_.ns,
                  drill_.statefulset, api_.ServerUrl(), context));
  Say("a plan changes nothing: it only reads the cluster");
  bool random = false;
  for (const auto& st : drill_.steps) random |= st.target.kind == drill::VictimSelector::Kind::kRandom;
  if (!random) {
    seed_ = opts_.seed.value_or(drill_.seed.value_or(0));
  } else {
    auto chosen = ChooseSeed(opts_.seed, drill_.seed);
    seed_ = chosen.seed;
    switch (chosen.source) {
      case SeedSource::kFlag:
        Say(fmt::format(
            "seed {} (--seed): random choices below are the ones a run with this seed makes on these pods", seed_));
        break;
      case SeedSource::kSpec:
        Say(fmt::format("seed {} (spec.seed): random choices below are the ones a run makes on these pods", seed_));
        break;
      case SeedSource::kRandom:
        Say(fmt::format("no seed: random choices below are one possibility (seed {}; pass --seed to fix them)",
                        seed_));
        break;
    }
  }
  Status scope = CheckDrillScope(opts_.scope, drill_, opts_.context);
  if (!scope) {
    Problem(scope.error(), "REFUSED: ");
    if (scope.error().code == ErrorCode::kForbidden) out_.end = RunEnd::kRefused;
    return out_;
  }
  PlanSetup();
  if (PlanTarget()) {
    PlanSteps();
  }
  if (!drill_.assertions.empty()) {
    std::vector<std::string> names;
    for (const auto& a : drill_.assertions) names.push_back(a.name == a.type ? a.type : a.name + " (" + a.type + ")");
    Say(fmt::format("then: wait until settled again, and check {}", fmt::join(names, ", ")));
    for (const auto& a : drill_.assertions) {
      for (const auto& line : NarrationLines(a.explain, "  ", a.name + ": ")) Say(line);
    }
  }
  Say("cleanup: replay the journal, newest first (each fault's undo, then the setup objects)");
  if (out_.problems == 0) {
    Say(fmt::format("plan: {} step(s) resolved; nothing was changed", drill_.steps.size()));
  } else {
    Say(fmt::format("plan: {} problem(s) above; a run would stop there. Nothing was changed", out_.problems));
  }
  return out_;
}

}  // namespace

PlanOutcome PlanDrill(kube::KubeApi& api, Clock& clock, const PlanOptions& opts, const drill::Drill& drill) {
  std::string ns = opts.ns_override.empty() ? drill.ns : opts.ns_override;
  DrillPlanner planner(api, clock, opts, RetargetDrill(drill, ns));
  return planner.Plan();
}

}  // namespace kdrill
