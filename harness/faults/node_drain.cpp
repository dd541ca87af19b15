// node-drain: drain the nodes hosting the chosen pods (or the nodes named in
// target.nodes), as `kubectl drain --ignore-daemonsets` does:
//   1. list every pod each node runs; print the target's pods AND every other
//      pod it will evict, by name, before acting; refuse pods outside the
//      drill's namespace unless params.allowOtherNamespaces is true, and bare
//      pods (nothing recreates them) unless params.allowBarePods is true,
//   2. cordon (the uncordon undo is journaled first; a node that was already
//      unschedulable is left so),
//   3. evict through policy/v1 Eviction, skipping DaemonSet and mirror pods,
//      retrying while a PodDisruptionBudget answers 429,
//   4. wait until each evicted pod is gone (NotFound or a new UID).
// params.timeout (default 120s) bounds 3 and 4 together.

#include <fmt/format.h>

#include "harness/faults/drain_plan.h"
#include "harness/faults/evictor.h"
#include "harness/faults/fault.h"
#include "harness/faults/node_schedule.h"
#include "harness/faults/node_victims.h"
#include "harness/faults/params_fault.h"
#include "harness/watch/object_waits.h"

namespace kdrill::faults {

namespace {

struct DrainParams {
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  std::chrono::milliseconds retry_interval{std::chrono::seconds(5)};
  DrainScope scope;
  std::optional<int64_t> grace;
};

Result<DrainParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys(
          {"timeout", "retryInterval", "allowOtherNamespaces", "allowBarePods", "gracePeriodSeconds"},
          "node-drain params");
      !s) {
    return std::unexpected(s.error());
  }
  DrainParams out;
  auto timeout = p.GetDuration("timeout", out.timeout);
  if (!timeout) return std::unexpected(timeout.error());
  if (timeout->count() <= 0) return std::unexpected(p.ErrorAt("timeout", "must be greater than zero"));
  out.timeout = *timeout;
  auto retry = p.GetDuration("retryInterval", out.retry_interval);
  if (!retry) return std::unexpected(retry.error());
  if (retry->count() <= 0) {
    return std::unexpected(p.ErrorAt("retryInterval", "must be greater than zero"));
  }
  out.retry_interval = *retry;
  auto allow = p.GetBool("allowOtherNamespaces", false);
  if (!allow) return std::unexpected(allow.error());
  out.scope.allow_other_namespaces = *allow;
  auto bare = p.GetBool("allowBarePods", false);
  if (!bare) return std::unexpected(bare.error());
  out.scope.allow_bare_pods = *bare;
  if (p.Has("gracePeriodSeconds")) {
    auto g = p.GetInt("gracePeriodSeconds", 0);
    if (!g) return std::unexpected(g.error());
    if (*g < 0) return std::unexpected(p.ErrorAt("gracePeriodSeconds", "must be >= 0"));
    out.grace = *g;
  }
  return out;
}

// Nodes, what each drain would evict, and the scope check: shared by Plan and Inject.
struct Resolved {
  std::vector<NodeVictim> nodes;
  std::vector<NodeDrainPlan> plans;
};

Result<Resolved> Resolve(FaultContext& ctx, const drill::Step& step, const DrainParams& params) {
  Resolved r;
  auto nodes = ResolveNodeVictims(ctx, step.target, "node-drain");
  if (!nodes) return std::unexpected(nodes.error());
  r.nodes = std::move(*nodes);
  for (const auto& n : r.nodes) {
    auto plan = PlanNodeDrain(ctx, n);
    if (!plan) return std::unexpected(plan.error());
    r.plans.push_back(std::move(*plan));
  }
  if (auto s = CheckDrainScope(r.plans, ctx.ns, params.scope, step); !s) {
    return std::unexpected(s.error());
  }
  return r;
}

std::string PodList(const std::vector<DrainPod>& pods) {
  std::vector<std::string> names;
  for (const auto& p : pods) names.push_back(p.ns + "/" + p.name);
  return fmt::format("{}", fmt::join(names, ","));
}

class NodeDrain final : public ParamsFault<DrainParams, ReadParams> {
 public:
  std::string Name() const override { return "node-drain"; }
  std::string Summary() const override {
    return "cordon the nodes of chosen pods (or named nodes) and evict their pods (PDB-aware); undone by uncordoning";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return CheckNodeTarget(step, Name());
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const DrainParams& params) override {
    auto r = Resolve(ctx, step, params);
    if (!r) return std::unexpected(r.error());
    FaultPlan plan;
    for (const auto& p : r->plans) {
      plan.victims.push_back(p.node);
      plan.actions.push_back(p.already_unschedulable
                                 ? fmt::format("leave node {} cordoned: it is already unschedulable", p.node)
                                 : fmt::format("cordon node {} (undo: uncordon it)", p.node));
      for (const auto& line : DrainLines(p)) plan.actions.push_back(line);
    }
    plan.actions.push_back(fmt::format("retry evictions a PodDisruptionBudget blocks every {}ms, then wait until "
                                       "each evicted pod is gone; all within {}s",
                                       params.retry_interval.count(), params.timeout.count() / 1000));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const DrainParams& params) override {
    auto r = Resolve(ctx, step, params);
    if (!r) return std::unexpected(r.error());
    ctx.log("victims: nodes " + DescribeNodes(r->nodes));
    std::vector<DrainPod> evict;
    for (const auto& p : r->plans) {
      for (const auto& line : DrainLines(p)) ctx.log(line);
      evict.insert(evict.end(), p.evict.begin(), p.evict.end());
    }
    // 1. Cordon: each uncordon undo is journaled before its node changes.
    auto cordon = SetUnschedulable(ctx, step.name, r->nodes, true);
    if (!cordon) return std::unexpected(cordon.error());
    // 2. Evict. Nothing to restore (the owners recreate evicted pods), and the journal says so first.
    auto undo = ctx.journal->RecordUndo(step.name, "pods evicted: " + PodList(evict),
                                        {{"kind", "none"}, {"note", "evicted pods are recreated by their owners"}});
    if (!undo) return std::unexpected(undo.error());
    const auto begin = ctx.clock.Now();
    EvictionOptions eo;
    eo.retry_interval = params.retry_interval;
    eo.deadline = begin + params.timeout;
    eo.grace_period = params.grace;
    auto evicted = EvictPods(ctx, evict, eo);
    if (!evicted) return std::unexpected(evicted.error());
    if (auto s = ctx.journal->MarkDone(*undo, "nothing to restore"); !s) return std::unexpected(s.error());
    // 3. Gone: NotFound, or a new incarnation under the same name.
    for (const auto& p : evicted->evicted) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(eo.deadline - ctx.clock.Now());
      auto st = WaitForDeletion(ctx.api, ctx.clock, kube::Pods(p.ns, p.name), p.uid,
                                std::max(left, std::chrono::milliseconds(1000)), ctx.stop);
      if (!st) {
        return std::unexpected(Error(st.error().code, fmt::format("evicted pod {}/{} (uid {}) did not go away: {}",
                                                                  p.ns, p.name, p.uid, st.error().message)));
      }
      ctx.log(fmt::format("pod {}/{} (uid {}) is gone", p.ns, p.name, p.uid));
    }
    double seconds = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    FaultResult result;
    std::vector<DrainPod> others;
    for (const auto& p : r->plans) result.victims.push_back(p.node);
    for (const auto& p : evicted->evicted) {
      result.deleted_pod_uids.push_back(p.uid);
      if (!p.target) others.push_back(p);
      result.details.push_back(fmt::format("evicted {}", DescribeDrainPod(p)));
    }
    for (const auto& p : evicted->already_gone) result.details.push_back("already gone: " + DescribeDrainPod(p));
    for (const auto& p : r->plans) {
      for (const auto& s : p.skipped) result.details.push_back("skipped " + s);
    }
    result.properties["cordoned"] = fmt::format("{}", fmt::join(cordon->changed, ","));
    result.properties["alreadyUnschedulable"] = fmt::format("{}", fmt::join(cordon->left_alone, ","));
    result.properties["evicted"] = PodList(evicted->evicted);
    result.properties["evictedOther"] = PodList(others);
    result.properties["drainSeconds"] = fmt::format("{:.1f}", seconds);
    ctx.log(fmt::format("drained {} in {:.1f}s: {} pod(s) evicted ({} outside the target)",
                        fmt::join(result.victims, ", "), seconds, evicted->evicted.size(), others.size()));
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeNodeDrain() { return std::make_unique<NodeDrain>(); }

}  // namespace kdrill::faults
