// scale: set the target StatefulSet's spec.replicas to params.replicas, or
// change it by params.by, and wait (params.timeout, default 300s) until the
// StatefulSet is settled at the new count: status settled and exactly the
// pods <sts>-<start>..<sts>-<start+N-1> Ready. The controller gets there as
// its podManagementPolicy dictates (OrderedReady: one pod at a time, up from
// the lowest missing ordinal, down from the highest; Parallel: all at once);
// kdrill waits either way. The undo, journaled before the change, merge-
// patches spec.replicas back to the original count.
//
// params: replicas (int >= 0) | by (non-zero int), timeout. No target.

#include <fmt/format.h>

#include <set>

#include "harness/faults/fault.h"
#include "harness/core/json_fields.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"
#include "harness/faults/sts_wait.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(300);

std::string JoinOr(const std::vector<std::string>& items, const std::string& empty) {
  return items.empty() ? empty : fmt::format("{}", fmt::join(items, ", "));
}

struct ScaleParams {
  std::optional<int64_t> replicas;
  std::optional<int64_t> by;
  std::chrono::milliseconds timeout{kDefaultTimeout};
};

Result<ScaleParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"replicas", "by", "timeout"}, "scale params"); !s) {
    return std::unexpected(s.error());
  }
  if (p.Has("replicas") == p.Has("by")) {
    return std::unexpected(p.ErrorAt("", "scale needs exactly one of params.replicas (the new count, e.g. 5) or "
                                         "params.by (a change, e.g. -1)"));
  }
  ScaleParams out;
  if (p.Has("replicas")) {
    auto r = p.GetInt("replicas", 0);
    if (!r) {
      return std::unexpected(r.error());
    }
    if (*r < 0) {
      return std::unexpected(p.ErrorAt("replicas", "must be >= 0"));
    }
    out.replicas = *r;
  } else {
    auto b = p.GetInt("by", 0);
    if (!b) {
      return std::unexpected(b.error());
    }
    if (*b == 0) {
      return std::unexpected(p.ErrorAt("by", "0 changes nothing; give a non-zero change"));
    }
    out.by = *b;
  }
  auto t = p.GetDuration("timeout", kDefaultTimeout);
  if (!t) {
    return std::unexpected(t.error());
  }
  if (t->count() <= 0) {
    return std::unexpected(p.ErrorAt("timeout", "must be greater than zero"));
  }
  out.timeout = *t;
  return out;
}

std::string PolicyText(const std::string& policy) {
  if (policy == "Parallel") {
    return "podManagementPolicy Parallel: pods are created and deleted all at once";
  }
  return "podManagementPolicy OrderedReady: pods are created one at a time, lowest ordinal first, each after the "
         "previous is Ready; removed one at a time from the highest ordinal";
}

struct Resolved {
  int original = 0;
  int target = 0;
  kube::Json sts;
};

class Scale final : public ParamsFault<ScaleParams, ReadParams> {
 public:
  std::string Name() const override { return "scale"; }
  std::string Summary() const override {
    return "scale the StatefulSet to N or by a delta and wait until it is settled at N (undo: the original count)";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RefuseTarget(step, "scale acts on the whole StatefulSet");
  }

  Result<Resolved> Resolve(FaultContext& ctx, const drill::Step& step, const ScaleParams& params) {
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) {
      return std::unexpected(sts.error());
    }
    Resolved r;
    r.sts = *sts;
    r.original = json::Int(*sts, "/spec/replicas", 1);
    int64_t target = params.replicas ? *params.replicas : r.original + *params.by;
    if (target < 0) {
      Error e = step.params.ErrorAt("by", fmt::format("{} from {} replicas would be {}; replicas cannot be negative",
                                                      *params.by, r.original, target));
      e.code = ErrorCode::kFailedPrecondition;
      return std::unexpected(e);
    }
    if (target == r.original) {
      Error e = step.params.ErrorAt("replicas", fmt::format("StatefulSet {} already has {} replicas; scaling to {} "
                                                            "changes nothing",
                                                            ctx.sts.name, r.original, target));
      e.code = ErrorCode::kFailedPrecondition;
      return std::unexpected(e);
    }
    r.target = static_cast<int>(target);
    return r;
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const ScaleParams& params) override {
    auto r = Resolve(ctx, step, params);
    if (!r) {
      return std::unexpected(r.error());
    }
    FaultPlan plan = StatefulSetPlan(ctx);
    plan.actions.push_back(fmt::format("scale StatefulSet {}/{} from {} to {} ({}); undo: back to {}", ctx.ns,
                                       ctx.sts.name, r->original, r->target, PolicyText(ctx.sts.pod_management),
                                       r->original));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const ScaleParams& params) override {
    auto r = Resolve(ctx, step, params);
    if (!r) {
      return std::unexpected(r.error());
    }
    auto spec = cluster::ReadStatefulSet(r->sts);
    std::set<std::string> pods_before;
    for (int i = spec.ordinal_start; i < spec.ordinal_start + r->original; ++i) {
      pods_before.insert(cluster::PodName(spec.name, i));
    }
    ctx.log(fmt::format("victims: StatefulSet {}/{}: replicas {} -> {} ({})", ctx.ns, ctx.sts.name, r->original,
                        r->target, PolicyText(spec.pod_management)));
    auto ref = kube::StatefulSets(ctx.ns, ctx.sts.name);
    auto undo = ctx.journal->RecordUndo(step.name,
                                        fmt::format("restore replicas of StatefulSet {} to {}", ctx.sts.name,
                                                    r->original),
                                        {{"kind", "patch"},
                                         {"ref", RefToJson(ref)},
                                         {"patchType", "merge"},
                                         {"patch", {{"spec", {{"replicas", r->original}}}}}});
    if (!undo) {
      return std::unexpected(undo.error());
    }
    auto begin = ctx.clock.Now();
    kube::Json patch = {{"spec", {{"replicas", r->target}}}};
    auto patched = ctx.api.Patch(ref, kube::PatchType::kMerge, patch.dump());
    if (!patched) {
      return std::unexpected(Error(patched.error().code, "scaling StatefulSet " + ctx.sts.name + ": " +
                                                             patched.error().message));
    }
    ctx.log(fmt::format("set spec.replicas of {} to {}; waiting until it is settled at {}", ctx.sts.name, r->target,
                        r->target));
    SettleGoal goal;
    goal.replicas = r->target;
    goal.min_generation = json::Int(*patched, "/metadata/generation");
    goal.timeout = params.timeout;
    auto settled = AwaitSettled(ctx, goal);
    if (!settled) {
      return std::unexpected(settled.error());
    }
    double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    FaultResult result;
    result.victims.push_back("statefulset/" + ctx.sts.name);
    std::vector<std::string> added;
    for (const auto& [name, pod] : settled->pods) {
      if (cluster::OrdinalOf(name, spec.name) && !pods_before.count(name)) {
        added.push_back(fmt::format("{} (created {})", name,
                                    json::Str(pod, "/metadata/creationTimestamp", "?")));
      }
    }
    std::vector<std::string> removed;
    for (const auto& name : pods_before) {
      if (!settled->pods.count(name)) {
        removed.push_back(name);
      }
    }
    std::string line = fmt::format("{} settled at {} replicas in {:.1f}s; pods added: {}; pods removed: {}",
                                   ctx.sts.name, r->target, secs, JoinOr(added, "none"), JoinOr(removed, "none"));
    ctx.log(line);
    result.details.push_back(line);
    result.properties["replicas.before"] = std::to_string(r->original);
    result.properties["replicas.after"] = std::to_string(r->target);
    result.properties["podManagementPolicy"] = spec.pod_management;
    result.properties["settle.seconds"] = fmt::format("{:.1f}", secs);
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeScale() { return std::make_unique<Scale>(); }

}  // namespace kdrill::faults
