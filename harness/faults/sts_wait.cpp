#include "harness/faults/sts_wait.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include "harness/cluster/ownership.h"
#include "harness/watch/await_object.h"

namespace kdrill::faults {

namespace {

std::string StatusReason(const kube::Json& sts, const SettleGoal& goal) {
  if (goal.replicas && json::Int(sts, "/spec/replicas", 1) != *goal.replicas) {
    return fmt::format("spec.replicas is {}, expected {}", json::Int(sts, "/spec/replicas", 1), *goal.replicas);
  }
  int64_t observed = json::Int(sts, "/status/observedGeneration");
  if (observed < goal.min_generation) {
    return fmt::format("observedGeneration {} < {}", observed, goal.min_generation);
  }
  if (!goal.owner_uid.empty() && json::Str(sts, "/metadata/uid") != goal.owner_uid) {
    return "a StatefulSet with another UID is in its place";
  }
  std::string why;
  cluster::Settled(sts, &why);
  return why;
}

}  // namespace

std::string NotSettledReason(const kube::Json& sts, const std::map<std::string, kube::Json>& pods,
                             const SettleGoal& goal) {
  if (std::string s = StatusReason(sts, goal); !s.empty()) {
    return s;
  }
  auto spec = cluster::ReadStatefulSet(sts);
  std::vector<std::string> problems;
  for (int i = spec.ordinal_start; i < spec.ordinal_start + spec.replicas; ++i) {
    std::string name = cluster::PodName(spec.name, i);
    auto it = pods.find(name);
    if (it == pods.end()) {
      problems.push_back(name + " absent");
    } else if (cluster::PodTerminating(it->second)) {
      problems.push_back(name + " terminating");
    } else if (!cluster::PodReady(it->second)) {
      problems.push_back(name + " not Ready");
    } else if (std::string rev = json::Str(it->second, "/metadata/labels/controller-revision-hash");
               goal.all_at_update_revision &&
               rev != json::Str(sts, "/status/updateRevision")) {
      problems.push_back(fmt::format("{} at revision {}, not yet replaced at the update revision {}", name, rev,
                                     json::Str(sts, "/status/updateRevision")));
    } else if (goal.owner_uid.empty() && cluster::RelationTo(it->second, spec) != cluster::PodRelation::kOwned) {
      problems.push_back(name + " not owned by the StatefulSet (" + cluster::DescribeController(it->second) + ")");
    } else if (!goal.owner_uid.empty()) {
      bool owned = false;
      for (const auto& o : json::Arr(it->second, "/metadata/ownerReferences")) {
        owned |= json::Str(o, "/uid") == goal.owner_uid;
      }
      if (!owned) {
        problems.push_back(name + " not yet adopted");
      }
    }
  }
  for (const auto& [name, pod] : pods) {
    // Another controller's pod is never the StatefulSet's to remove; an
    // adoptable one is counted: the controller may adopt it for that ordinal.
    if (cluster::RelationTo(pod, spec) == cluster::PodRelation::kForeign) continue;
    auto ord = cluster::OrdinalOf(name, spec.name);
    if (ord && (*ord < spec.ordinal_start || *ord >= spec.ordinal_start + spec.replicas)) {
      problems.push_back(name + " still exists (beyond the replicas)");
    }
  }
  return problems.empty() ? "" : fmt::format("{}", fmt::join(problems, ", "));
}

Result<SettledState> AwaitSettled(FaultContext& ctx, const SettleGoal& goal) {
  auto begin = ctx.clock.Now();
  auto ref = kube::StatefulSets(ctx.ns, ctx.sts.name);
  AwaitOptions opts;
  opts.timeout = goal.timeout;
  kube::Json sts;
  auto st = AwaitObject(
      ctx.api, ctx.clock, ref, [&](const kube::Json* o) { return o && StatusReason(*o, goal).empty(); }, opts, ctx.stop,
      [&](std::chrono::seconds e, const kube::Json* o) {
        ctx.log(fmt::format("  still waiting for StatefulSet {} ({}s): {}", ctx.sts.name, e.count(),
                            o ? StatusReason(*o, goal) : "absent"));
      },
      &sts);
  if (!st) {
    if (st.error().code == ErrorCode::kTimeout) {
      return MakeError(ErrorCode::kTimeout, fmt::format("StatefulSet {}/{} did not settle within {}s: {}", ctx.ns,
                                                        ctx.sts.name, goal.timeout.count() / 1000,
                                                        sts.is_null() ? "it does not exist" : StatusReason(sts, goal)));
    }
    return std::unexpected(st.error());
  }
  // The status can run ahead of the pod watch's view: confirm from the pods.
  SettledState out;
  opts.timeout = std::max(std::chrono::milliseconds(1000),
                          goal.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                             ctx.clock.Now() - begin));
  kube::ListOptions lo;
  lo.label_selector = cluster::ReadStatefulSet(sts).selector;
  Items pods;
  st = AwaitItems(
      ctx.api, ctx.clock, kube::Pods(ctx.ns), lo,
      [&](const Items& items) { return NotSettledReason(sts, items, goal).empty(); }, opts, ctx.stop,
      [&](std::chrono::seconds e, const Items& items) {
        ctx.log(fmt::format("  still waiting for the pods of {} ({}s): {}", ctx.sts.name, e.count(),
                            NotSettledReason(sts, items, goal)));
      },
      &pods);
  if (!st) {
    if (st.error().code == ErrorCode::kTimeout) {
      return MakeError(ErrorCode::kTimeout, fmt::format("the pods of StatefulSet {}/{} did not settle within {}s: {}",
                                                        ctx.ns, ctx.sts.name, goal.timeout.count() / 1000,
                                                        NotSettledReason(sts, pods, goal)));
    }
    return std::unexpected(st.error());
  }
  out.statefulset = sts;
  const auto target = cluster::ReadStatefulSet(sts);
  for (auto& [name, pod] : pods) {
    if (cluster::RelationTo(pod, target) == cluster::PodRelation::kOwned) out.pods.emplace(name, std::move(pod));
  }
  return out;
}

}  // namespace kdrill::faults
